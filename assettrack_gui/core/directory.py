"""What the administration pages (People, Cases, Devices) list: holders with what each holds,
cases with their fill, devices with where each is — searched and paged here, in core.

Holders and cases are few (hundreds, a few thousand): each page reads them whole and searches
in Python with ``text.fold`` (accents and letter case ignored, as the custodian picker does).
Devices may be 100,000 and more: they are read a page at a time in tag order (keyset paging on
the ``asset_tag`` UNIQUE index, never OFFSET), and a search is a ``LIKE`` on tag (also without
dashes), serial and description that stops after one page of matches. A view shows a page, asks
for the next when it is scrolled to, and holds small tuples only.

The SQL is the same on SQLite and PostgreSQL (``core.dialect``); the device search ignores
ASCII letter case on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from .enums import LocationType
from .queries import Conn, location_text
from .store import Store
from .text import fold

__all__ = [
    "CaseRow",
    "DeviceRow",
    "Directory",
    "HeldAsset",
    "HolderRow",
    "PAGE_SIZE",
    "search_cases",
    "search_holders",
]

PAGE_SIZE = 200  # devices read per page: a screenful or a few, in a few milliseconds


# -- holders ----------------------------------------------------------------------------------


class HolderRow(NamedTuple):
    """One holder and what they hold now (tags in tag order)."""

    id: int
    name: str
    badge_code: str
    active: bool
    tags: tuple[str, ...]

    @property
    def held(self) -> int:
        return len(self.tags)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.badge_code})"


class HeldAsset(NamedTuple):
    """An asset a holder has: since is the UTC time of its latest stock-out ('' if unknown)."""

    asset_tag: str
    serial: str
    description: str
    since: str


_HOLDERS_SQL = "SELECT id, name, badge_code, active FROM holders ORDER BY name, badge_code"
_HELD_TAGS_SQL = (
    "SELECT current_holder_id, asset_tag FROM assets WHERE current_holder_id IS NOT NULL "
    "ORDER BY asset_tag"
)
_HELD_SQL = """
SELECT a.asset_tag, a.serial, a.description,
       (SELECT max(e.created_at) FROM events e
         WHERE e.asset_id = a.id AND e.event_type = 'STOCK_OUT')
  FROM assets a
 WHERE a.current_holder_id = ?
 ORDER BY a.asset_tag
"""


def holder_rows(conn: Conn) -> list[HolderRow]:
    """Every holder by name, with the tags they hold (two queries, whatever the count)."""
    held: dict[int, list[str]] = {}
    for holder_id, tag in conn.execute(_HELD_TAGS_SQL):
        held.setdefault(holder_id, []).append(tag)
    return [
        HolderRow(r[0], r[1], r[2], bool(r[3]), tuple(held.get(r[0], ())))
        for r in conn.execute(_HOLDERS_SQL)
    ]


def held_assets(conn: Conn, holder_id: int) -> list[HeldAsset]:
    return [
        HeldAsset(r[0], r[1] or "", r[2] or "", r[3] or "")
        for r in conn.execute(_HELD_SQL, (holder_id,))
    ]


def _matches(needle: str, fields: Iterable[str]) -> bool:
    return any(needle in fold(field) for field in fields)


def search_holders(rows: Sequence[HolderRow], text: str) -> list[HolderRow]:
    """The holders whose name or badge contains ``text``, accents and letter case ignored
    ("tomas" finds "Tomás Ortega"); every holder for blank text."""
    needle = fold(text.strip())
    if not needle:
        return list(rows)
    return [r for r in rows if _matches(needle, (r.name, r.badge_code))]


# -- cases ------------------------------------------------------------------------------------


class CaseRow(NamedTuple):
    """One case with how many of its slots hold an asset."""

    id: int
    case_code: str
    name: str
    rows: int
    cols: int
    used: int

    @property
    def size(self) -> int:
        return self.rows * self.cols

    @property
    def free(self) -> int:
        return self.size - self.used


_CASES_SQL = """
SELECT c.id, c.case_code, c.name, c.rows, c.cols, count(s.asset_id)
  FROM cases c
  LEFT JOIN slots s ON s.case_id = c.id
 GROUP BY c.id, c.case_code, c.name, c.rows, c.cols
 ORDER BY c.case_code
"""


def case_rows(conn: Conn) -> list[CaseRow]:
    """Every case by code with its fill (slots outside a shrunk case hold nothing, so counting
    every slot's asset counts the case's)."""
    return [CaseRow(*r) for r in conn.execute(_CASES_SQL)]


def search_cases(rows: Sequence[CaseRow], text: str) -> list[CaseRow]:
    """Cases whose code or name contains ``text`` (accents and letter case ignored)."""
    needle = fold(text.strip())
    if not needle:
        return list(rows)
    return [r for r in rows if _matches(needle, (r.case_code, r.name))]


# -- devices (assets) -------------------------------------------------------------------------


class DeviceRow(NamedTuple):
    """One asset and where it is, as the Devices page lists it."""

    id: int
    asset_tag: str
    serial: str
    description: str
    location_type: str
    place: str  # "CART-A/3", "Dana Reyes (B-1001)", "storage (no slot)", "RETIRED (LOST)"
    retirement: str | None
    case_code: str | None = None  # its slot, when it is in one
    position: int | None = None

    @property
    def retired(self) -> bool:
        return self.location_type == LocationType.RETIRED

    @property
    def in_custody(self) -> bool:
        return self.location_type == LocationType.IN_CUSTODY


_DEVICE_SQL = """
SELECT a.id, a.asset_tag, a.serial, a.description, a.location_type, a.retirement,
       c.case_code, s.position, h.name, h.badge_code
  FROM assets a
  LEFT JOIN slots s ON s.asset_id = a.id
  LEFT JOIN cases c ON c.id = s.case_id
  LEFT JOIN holders h ON h.id = a.current_holder_id
"""
# A search: the tag (as typed, or without its dashes), the serial or the description contains
# the text, ASCII letter case ignored alike on SQLite and PostgreSQL (lower() of both sides;
# LIKE itself ignores case only on SQLite); \ escapes LIKE's own wildcards so "50%" and "A_1"
# mean what they say.
_SEARCH = (
    "(lower(a.asset_tag) LIKE :p ESCAPE '\\' "
    "OR lower(replace(a.asset_tag, '-', '')) LIKE :d ESCAPE '\\' "
    "OR lower(a.serial) LIKE :p ESCAPE '\\' OR lower(a.description) LIKE :p ESCAPE '\\')"
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _device(r: Any) -> DeviceRow:
    asset_id, tag, serial, description, location, retirement, case_code, position, holder, badge = r
    place = location_text(
        location,
        retirement,
        f"{case_code}/{position}" if case_code is not None else None,
        f"{holder} ({badge})" if holder is not None else None,
    )
    return DeviceRow(
        asset_id, tag, serial or "", description or "", location, place, retirement, case_code,
        position,
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(text: str) -> tuple[str, dict[str, object]]:
    text = text.strip().translate(_ASCII_LOWER)  # as SQL's lower() does, on both databases
    if not text:
        return "", {}
    dashless = text.replace("-", "") or text
    return _SEARCH, {"p": _like(text), "d": _like(dashless)}


def device_page(
    conn: Conn, search: str = "", after: str | None = None, limit: int = PAGE_SIZE
) -> list[DeviceRow]:
    """Up to ``limit`` devices in tag order after the tag ``after`` (None: from the first),
    matching ``search`` if given."""
    where, params = _search(search)
    clauses = [where] if where else []
    if after is not None:
        clauses.append("a.asset_tag > :after")
        params["after"] = after
    sql = _DEVICE_SQL
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY a.asset_tag LIMIT :limit"
    params["limit"] = limit
    return [_device(r) for r in conn.execute(sql, params)]


def device_count(conn: Conn, search: str = "") -> int:
    where, params = _search(search)
    sql = "SELECT count(*) FROM assets a" + (f" WHERE {where}" if where else "")
    return int(conn.execute(sql, params).fetchone()[0])


def device_by_id(conn: Conn, asset_id: int) -> DeviceRow | None:
    r = conn.execute(_DEVICE_SQL + " WHERE a.id = ?", (asset_id,)).fetchone()
    return _device(r) if r else None


# -- for the pages: each call one read snapshot ----------------------------------------------------


class Directory:
    """The administration pages' reads over one store (each call opens its own read)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def holders(self, search: str = "") -> list[HolderRow]:
        with self.store.read() as conn:
            rows = holder_rows(conn)
        return search_holders(rows, search)

    def held(self, holder_id: int) -> list[HeldAsset]:
        with self.store.read() as conn:
            return held_assets(conn, holder_id)

    def cases(self, search: str = "") -> list[CaseRow]:
        with self.store.read() as conn:
            rows = case_rows(conn)
        return search_cases(rows, search)

    def devices(
        self, search: str = "", after: str | None = None, limit: int = PAGE_SIZE
    ) -> list[DeviceRow]:
        with self.store.read() as conn:
            return device_page(conn, search, after, limit)

    def device_count(self, search: str = "") -> int:
        with self.store.read() as conn:
            return device_count(conn, search)

    def device(self, asset_id: int) -> DeviceRow | None:
        with self.store.read() as conn:
            return device_by_id(conn, asset_id)
