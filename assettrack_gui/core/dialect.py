"""The differences between SQLite's SQL and PostgreSQL's that the core's one set of SQL meets.

The query modules (``queries.py``, ``eventlog.py``, ``reports.py``, ``verify.py``, …) are written
once, in SQLite's syntax, with ``?`` or ``:name`` placeholders. On PostgreSQL, ``core.pg_store``
passes each statement through ``for_postgres`` (cached) before psycopg sees it. What is handled,
and where:

- placeholders: ``?`` → ``%s``, ``:name`` → ``%(name)s``, a literal ``%`` → ``%%``
  (``placeholders``; quoted text, quoted names, comments and ``::`` casts are left alone);
- the id of a new row (``cursor.lastrowid``): ``INSERT … RETURNING id`` (``returning_id``);
- ``COLLATE NOCASE``: a collation named ``nocase`` exists in ``schema_pg.sql``;
- ``json_extract(doc, '$.key')``: a function of that name exists in ``schema_pg.sql``; it
  returns text, so a statement that compares it with a number casts it
  (``CAST(json_extract(…) AS INTEGER) = ?``, which SQLite reads the same);
- text compares and sorts bytewise on both (``COLLATE "C"`` columns in ``schema_pg.sql``);
- ``sum()``/``avg()`` come back as ``int``/``float``, not ``Decimal`` (``core.pg_store``);
- a big report's rows: SQLite's cursor hands them over one at a time already; psycopg's plain
  cursor receives the whole result first, so reports read through ``stream`` (a server-side
  cursor on PostgreSQL, ``PgConnection.stream``, fetching ``STREAM_ROWS`` at a time);
- PRAGMAs, ``BEGIN IMMEDIATE``, ``PRAGMA data_version``, ``sqlite_schema``, file checks: only in
  ``core/store.py`` / ``core/verify.py``'s SQLite stages; their PostgreSQL counterparts are in
  ``core/pg_store.py``.

Everything else the core uses (``replace``, ``upper``, ``lower``, ``length``, ``trim``, ``||``,
``count``, ``max``, ``CASE``, ``LIMIT``, ``UNION ALL``, partial indexes) means the same on both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

_INSERT = re.compile(r"^\s*INSERT\s+INTO\s", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)


def placeholders(sql: str) -> str:
    """SQLite's ``?`` and ``:name`` as psycopg's ``%s`` and ``%(name)s``; ``%`` doubled."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":  # a quoted string or name, with doubled quotes inside
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif c == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1 : j]})s")
            i = j
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def returning_id(sql: str) -> str | None:
    """``INSERT …`` with ``RETURNING id`` added (every AssetTrack table has an ``id``), so the
    new row's id is known as SQLite's ``lastrowid``; None for any other statement."""
    if not _INSERT.match(sql) or _RETURNING.search(sql):
        return None
    return sql.rstrip().rstrip(";") + " RETURNING id"


@lru_cache(maxsize=1024)
def for_postgres(sql: str, single: bool) -> tuple[str, bool]:
    """(the statement as PostgreSQL takes it, whether it returns the new row's id).

    ``single`` is False for ``executemany``, which never reports a row id."""
    with_id = returning_id(sql) if single else None
    return placeholders(with_id or sql), with_id is not None


def stream(conn: Any, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[Any]:
    """The rows of a SELECT that may be long (a report, an export), one at a time: a SQLite
    cursor as it is; on PostgreSQL a server-side cursor (``PgConnection.stream``), so a
    1,000,000-event export never holds the whole result in memory."""
    streamed = getattr(conn, "stream", None)
    if streamed is not None:
        return streamed(sql, params)  # type: ignore[no-any-return]
    return iter(conn.execute(sql, params))
