"""Flat views of the store for analysts (migration 011): one column a value, no JSON to take
apart, so ``pandas.read_sql("SELECT * FROM events_flat", ...)``, Datasette and a spreadsheet
read them as they are. The records' JSON, ``search_norm`` and name keys stay out.

- ``events_flat``: an event a row; its actors, targets and claimants as "; "-joined English
  names (``event_actors`` has them one a row, with their entity ids).
- ``event_sources``: a row per source sentence of an event, with the article's outlet, URL and
  title (two reports of one sentence in one article are two rows, as in ``event_mentions``).
- ``statements_flat``, ``figures_flat``: a statement or a figure a row, with its first source.

Both engines keep the JSON as text; each view reads it with the engine's own JSON functions
(``json_extract`` and ``json_each`` in SQLite, ``->>`` and ``json_array_elements`` in
PostgreSQL), written once here by ``_field``.
"""

from __future__ import annotations

from sqlalchemy import Connection

VIEWS = ("events_flat", "event_sources", "statements_flat", "figures_flat")


def _field(pg: bool, column: str, path: str, kind: str = "text") -> str:
    """One value of a JSON column: ``path`` is dotted, list positions as numbers
    ("sources.0.sentence"); ``kind`` text, int, real or flag (true/false as 1/0)."""
    parts = path.split(".")
    if not pg:
        sql_path = "$" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts)
        value = f"json_extract({column}, '{sql_path}')"
        return f"CAST({value} AS REAL)" if kind == "real" else value
    value = f"({column}::json #>> '{{{','.join(parts)}}}')"
    if kind == "int":
        return f"{value}::integer"
    if kind == "real":
        return f"{value}::double precision"
    if kind == "flag":
        return f"CASE {value} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END"
    return value


def _names(pg: bool, role: str) -> str:
    agg = "string_agg(x.name, '; ')" if pg else "group_concat(x.name, '; ')"
    return f"(SELECT {agg} FROM event_actors x WHERE x.event_id = e.id AND x.role = '{role}')"


def _source(pg: bool, column: str, prefix: str = "") -> str:
    """The columns of a source: the JSON object at ``prefix`` of ``column``."""

    def at(key: str, kind: str = "text") -> str:
        return _field(pg, column, f"{prefix}.{key}" if prefix else key, kind)

    return (
        f"{at('published')} AS published, {at('sentence')} AS sentence,\n"
        f'  {at("start", "int")} AS start, {at("end", "int")} AS "end"'
    )


def view_sql(name: str, pg: bool) -> str:
    """The SELECT of one view in the engine's dialect."""
    if name == "events_flat":
        f = "e.data"
        return f"""SELECT e.id, e.type, e.mode, e.status, e.date, e.date_end,
  e.country, e.admin1, e.place_id, e.place_name,
  {_field(pg, f, "location.name_ar")} AS place_name_ar,
  {_field(pg, f, "location.precision")} AS place_precision, e.lat, e.lon,
  {_names(pg, "actor")} AS actors,
  {_names(pg, "target")} AS targets,
  {_names(pg, "claimed_by")} AS claimed_by,
  e.fatalities, {_field(pg, f, "fatalities_bound")} AS fatalities_bound,
  e.injuries, {_field(pg, f, "injuries_bound")} AS injuries_bound,
  {_field(pg, f, "disrupted", "flag")} AS disrupted,
  {_field(pg, f, "figures_disputed", "flag")} AS figures_disputed,
  e.summary, e.confidence, e.n_sources, e.n_articles, e.n_outlets, e.updated_at
FROM events e"""
    if name == "event_sources":
        each = (
            "CROSS JOIN LATERAL json_array_elements(m.data::json -> 'sources') AS src(value)"
            if pg
            else "JOIN json_each(m.data, '$.sources') AS src"
        )
        v = "src.value"
        return f"""SELECT m.event_id, m.id AS mention_id, m.article_id,
  a.source AS outlet, a.url, a.title, {_source(pg, v)},
  {_field(pg, v, "fatalities", "int")} AS fatalities,
  {_field(pg, v, "injuries", "int")} AS injuries, m.type, m.date
FROM event_mentions m
{each}
LEFT JOIN articles a ON a.id = m.article_id"""
    if name == "statements_flat":
        f = "st.data"
        subjects = (
            "(SELECT string_agg(x ->> 'name', '; ')"
            " FROM json_array_elements(st.data::json -> 'subjects') AS x)"
            if pg
            else "(SELECT group_concat(json_extract(x.value, '$.name'), '; ')"
            " FROM json_each(st.data, '$.subjects') AS x)"
        )
        return f"""SELECT st.id, st.date, st.speaker_id,
  {_field(pg, f, "speaker.name")} AS speaker,
  {_field(pg, f, "speaker.name_ar")} AS speaker_ar,
  {_field(pg, f, "speaker_role")} AS speaker_role,
  {subjects} AS subjects,
  {_field(pg, f, "quote")} AS quote,
  st.article_id, a.source AS outlet, a.url,
  {_source(pg, f, "sources.0")}
FROM statements st
LEFT JOIN articles a ON a.id = st.article_id"""
    if name == "figures_flat":
        f = "fg.data"
        return f"""SELECT fg.id, fg.quantity,
  {_field(pg, f, "approximate", "flag")} AS approximate,
  {_field(pg, f, "bound")} AS bound, fg.unit, fg.subject,
  {_field(pg, f, "place.name")} AS place_name,
  {_field(pg, f, "place.country")} AS country,
  {_field(pg, f, "period")} AS period, {_field(pg, f, "as_of")} AS as_of,
  fg.article_id, a.source AS outlet, a.url,
  {_source(pg, f, "sources.0")}
FROM figures fg
LEFT JOIN articles a ON a.id = fg.article_id"""
    raise ValueError(f"no view {name!r}")


def create_views(conn: Connection) -> None:
    """Make (or make again) every flat view."""
    pg = conn.dialect.name == "postgresql"
    for name in VIEWS:
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE VIEW {name} AS\n{view_sql(name, pg)}")
