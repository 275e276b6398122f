"""Text search through the store's full-text indexes: the search box (articles) and the events'
text filter, on SQLite (FTS5, migration 010) and PostgreSQL (a stored ``search_tsv`` column of
``to_tsvector('simple', ...)`` with a GIN index, migration 014), without scanning a row's text.
Both index the folded text: articles' ``title_norm`` and ``text_norm``, events' ``search_norm``.

How Arabic clitics are kept. The indexes hold the words of the folded text (``normalize_key``)
as they are written: "بالموصل", "والموصل", "للموصل" are three words, none of them "الموصل". A
substring scan found the name inside them; a word index finds only the words it is asked for. So
the query asks for every form its first word takes after the proclitics Rasid knows
(``rasid.kb.morph``, kb/rules/morphology.yaml: a conjunction و ف, then a preposition ب ل ك,
outermost first), the article fused with ل ("ل" + "الموصل" = "للموصل"), and, for a word without
the article, the same with it ("هجوم": "الهجوم", "بالهجوم" ...): at most 24 words, ORed. The
last word of a key is a prefix ("الموصل" also finds "الموصلي", "Mosul" "Mosul's"), as the
substring did. A key of several words is a phrase: its words in a row.

Why on the query side and not a column of clitic-stripped words. Stripping when writing must
guess whether a first و or ب is a clitic or a letter of the word ("وزير", "بلد"), and a wrong
guess is stored for good in every row; it also needs a second copy of every text and a writer
that fills it. Forms made from the query know which word was asked for, need no new column, no
rewrite of a stored corpus and no change to the writers, and the same words serve Datasette's
``_search``. The price is a query of up to 24 words a key, which the index answers by seeking
each word (a word no article holds costs one look-up).

What changed from the substring scan, on purpose: a key no longer matches inside a word ("Hit"
no longer finds "white", "قتل" no longer "مقتل"); a word must start with the key, after
proclitics. Still risky: a word that merely looks like proclitics and a key ("كسوريا" is read as
ك + سوريا); positions past 16,383 words of one article are lumped together by PostgreSQL, so a
phrase there may match loosely; the index holds words only, so punctuation between the words of
a key does not stop a phrase from matching.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    false,
    func,
    literal_column,
    select,
    table,
    text,
)

from rasid.text.charsets import ARABIC_LETTER_RANGE

# letters and digits: the characters FTS5's unicode61 tokenizer keeps in a word
_WORD = re.compile(r"[^\W_]+")
_ARABIC_WORD = re.compile(f"[{ARABIC_LETTER_RANGE}]+")
SHORTEST_PREFIX = 3  # a shorter last word is matched whole: "ال"* would be most of the index
SHORTEST_CLITIC_BASE = 3  # a shorter first word takes no proclitics: "ب" + "ها" is not a search


@functools.lru_cache(maxsize=4096)  # keyed by the words people search: bounded
def clitic_forms(word: str) -> tuple[str, ...]:
    """The forms of a folded word after proclitics, the word first: "الموصل" -> "الموصل",
    "بالموصل", "للموصل", "وللموصل" ...; a word without the article gets the forms of it with
    the article too. A word that is not Arabic, or shorter than ``SHORTEST_CLITIC_BASE``, is
    its only form."""
    from rasid.kb.morph import has_article, morphology

    if len(word) < SHORTEST_CLITIC_BASE or not _ARABIC_WORD.fullmatch(word):
        return (word,)
    m = morphology()
    bases = [word] if has_article(word) else [word, m.article + word]
    forms: list[str] = []
    for prefix in sorted(m.prefixes, key=lambda p: (len(p), p)):
        for base in bases:
            if prefix in m.lil_prefixes and base.startswith(m.article):
                forms.append(prefix + base[1:])  # the article's alef drops after ل
            else:
                forms.append(prefix + base)
    return tuple(dict.fromkeys(forms))


def _printable(word: str) -> str:
    """``word`` without control and format characters (a NUL ends an FTS5 query early)."""
    if word.isprintable():
        return word
    return "".join(ch for ch in word if not unicodedata.category(ch).startswith("C"))


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words in a row; the last one a prefix when ``prefix``."""

    words: tuple[str, ...]
    prefix: bool


def key_phrases(keys: Iterable[str]) -> list[Phrase]:
    """The phrases that find ``keys`` (folded search keys, ``text_keys``): each key's words with
    its first word in each of its ``clitic_forms``. A key that is a form of another key adds
    nothing ("للموصل" beside "الموصل")."""
    split = [
        tuple(w for w in map(_printable, key.split()) if _WORD.search(w))
        for key in dict.fromkeys(keys)
    ]
    split = [words for words in split if words]
    covered = {(form, *words[1:]) for words in split for form in clitic_forms(words[0])[1:]}
    out: list[Phrase] = []
    for words in split:
        if words in covered:
            continue
        last = _WORD.findall(words[-1])[-1]
        prefix = len(last) >= SHORTEST_PREFIX
        out += [Phrase((form, *words[1:]), prefix) for form in clitic_forms(words[0])]
    return list(dict.fromkeys(out))


def fts5_query(phrases: Sequence[Phrase]) -> str:
    """An FTS5 MATCH expression ORing ``phrases``; each is a quoted string, which FTS5 splits
    with the index's own tokenizer."""

    def quoted(p: Phrase) -> str:
        body = " ".join(p.words).replace('"', '""')
        return f'"{body}"' + ("*" if p.prefix else "")

    return " OR ".join(quoted(p) for p in phrases)


def tsquery(phrases: Sequence[Phrase]) -> str:
    """A PostgreSQL tsquery (for ``to_tsquery('simple', ...)``) ORing ``phrases``; each word
    quoted, which the server splits with the parser that built the index ("al-bashir")."""

    def word(w: str, last: bool, prefix: bool) -> str:
        body = w.replace("\\", "\\\\").replace("'", "''")
        return f"'{body}'" + (":*" if last and prefix else "")

    def phrase(p: Phrase) -> str:
        n = len(p.words)
        return (
            "(" + " <-> ".join(word(w, i == n - 1, p.prefix) for i, w in enumerate(p.words)) + ")"
        )

    return " | ".join(phrase(p) for p in phrases)


# PostgreSQL keeps each row's words in a stored generated column indexed with GIN (migration
# 014): computed once when the row is written, not again for every row a query reads; the
# expression indexes of migrations 002 and 010 made the planner guess a scan cheaper than the
# index, then compute ``to_tsvector`` for every article (0.5 s on 3,000 articles)
SEARCH_VECTORS = {
    "articles": "to_tsvector('simple', coalesce(title_norm, '') || ' ' || text_norm)",
    "events": "to_tsvector('simple', coalesce(search_norm, ''))",
}
_OLD_INDEXES = {"articles": "ix_articles_fts", "events": "ix_events_fts"}


def add_search_vectors(conn: Connection) -> None:
    """PostgreSQL: ``search_tsv`` on articles (folded title and text, as SQLite's FTS5 table)
    and events (``search_norm``), generated and stored, with a GIN index each, in place of the
    expression indexes (of the title as written, for articles). Nothing to do in SQLite."""
    if conn.dialect.name != "postgresql":
        return
    for table_name, document in SEARCH_VECTORS.items():
        conn.execute(
            text(
                f"ALTER TABLE {table_name} ADD COLUMN IF NOT EXISTS search_tsv tsvector"
                f" GENERATED ALWAYS AS ({document}) STORED"
            )
        )
        conn.execute(text(f"DROP INDEX IF EXISTS {_OLD_INDEXES[table_name]}"))
        conn.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS ix_{table_name}_search_tsv ON {table_name}"
                " USING gin (search_tsv)"
            )
        )


def match_rows(dialect: str, table_name: str, keys: Iterable[str]) -> ColumnElement[bool]:
    """The rows of ``table_name`` ("articles" or "events") whose indexed text holds one of
    ``keys`` as a word (after proclitics) or a phrase. No key: no row."""
    phrases = key_phrases(keys)
    if not phrases:
        return false()
    if dialect == "postgresql":
        document: ColumnElement[Any] = literal_column(f"{table_name}.search_tsv")
        query = func.to_tsquery(literal_column("'simple'"), tsquery(phrases))
        return document.bool_op("@@")(query)
    fts = f"{table_name}_fts"
    hits: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(table(fts))
        .where(literal_column(fts).op("MATCH")(fts5_query(phrases)))
    )
    return literal_column(f"{table_name}.rowid").in_(hits)


def find_hits(text_norm: str, keys: Iterable[str], *, most: int = 200) -> list[tuple[int, int]]:
    """Where ``keys`` occur in a folded text as the index finds them: at the start of a word or
    after its proclitics ("الموصل" in "بالموصل", not in "xالموصل"), the words of a key apart by
    spaces. Half-open offsets into ``text_norm``, in text order; the mark covers the key."""
    hits: list[tuple[int, int]] = []
    for key in dict.fromkeys(keys):
        words = key.split()
        if not words or not _WORD.search(key):
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        forms = set(clitic_forms(words[0]))
        for m in pattern.finditer(text_norm):
            start = m.start()
            word_start = start
            while word_start > 0 and _WORD.match(text_norm, word_start - 1):
                word_start -= 1
            if word_start != start and text_norm[word_start : start + len(words[0])] not in forms:
                continue
            hits.append((start, m.end()))
            if len(hits) >= most:
                break
    return sorted(set(hits))
