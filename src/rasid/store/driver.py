"""The writer's statements, run on the database driver's own cursor.

Ingest runs the same dozen statements (insert an article, its sentences and mentions, look up
merge candidates, write an event) thousands of times. Through SQLAlchemy Core each execution
builds the expression, derives its cache key and sets up a result object: about three quarters
of the writer's time, against a tenth for the database itself. Here each statement is written
once as plain SQL with ``?`` placeholders, turned into the driver's placeholder style once, and
run on the driver cursor of the transaction SQLAlchemy opened, so it commits or rolls back with
everything else. Both drivers (sqlite3, psycopg 3) take positional parameters; psycopg prepares
a statement on the server after a few runs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

Row = tuple[Any, ...]


@functools.lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def marks(n: int) -> str:
    """``?, ?, ?``: placeholders for an IN list of n values."""
    return ", ".join("?" * n)


class Cursor:
    """The driver cursor of an open SQLAlchemy transaction."""

    def __init__(self, conn: Connection) -> None:
        self.postgres = conn.dialect.name == "postgresql"
        self._cur: Any = conn.connection.cursor()

    def _sql(self, sql: str) -> str:
        return _pg(sql) if self.postgres else sql

    def among(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """A condition that ``column`` is one of ``values``, with its parameters. PostgreSQL
        takes the list as one array, so the statement's text stays the same whatever the
        count and the server plans it once."""
        if self.postgres:
            return f"{column} = ANY(?)", [list(values)]
        return f"{column} IN ({marks(len(values))})", list(values)

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        self._cur.execute(self._sql(sql), params)
        return int(self._cur.rowcount)

    def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        if rows:
            self._cur.executemany(self._sql(sql), rows)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._cur.execute(self._sql(sql), params)
        return list(self._cur.fetchall())

    def column(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return [r[0] for r in self.rows(sql, params)]

    def close(self) -> None:
        self._cur.close()


@functools.cache
def insert_sql(table: Table, *, ignore: bool = False) -> str:
    """``INSERT INTO table (a, b) VALUES (?, ?)`` over every column of the table, in the
    schema's order (rows are tuples in that order); with ``ignore``, rows whose key is already
    stored are skipped (both engines read ``ON CONFLICT DO NOTHING``)."""
    cols = [c.name for c in table.columns]
    quoted = ", ".join(f'"{c}"' for c in cols)
    sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({marks(len(cols))})"
    return sql + " ON CONFLICT DO NOTHING" if ignore else sql
