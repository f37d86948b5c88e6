"""The demo stockroom: a separate database with made-up but believable data to try the app on.

Everything in it is made by Engine operations — people, cases, registrations, stock-outs,
returns, a move — each batch dated by the engine's ``clock`` over the last few weeks, so the
events, the hash chain and ``verify`` are as real as any stockroom's. It lives in its own file
(``paths.demo_db_path()``, beside the default database) and is built in memory, then copied
into place with SQLite's backup (``Store.backup``: checked, atomic). Building never opens,
writes or replaces the real database: a demo path that is the real database is refused.

What is in it: 12 people (badges B-1001 … B-1012), three cases — a laptop charging cart
``CART-1`` (4 × 8), a tablet and scanner shelf ``SHELF-2`` (2 × 10) and a radio locker bank
``LOCKER-3`` (3 × 4) — and 60 devices (laptops LT-…, tablets TB-…, handheld scanners SC-…,
radios RD-…), 16 of them out with people (two for 16 days: overdue) and 4 not yet in a slot.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from . import paths
from .errors import UserError
from .model import NewAsset, NewCase, NewHolder, Placement
from .store import Store

DEMO_SEED = 20240611  # the same demo every time (serial numbers are drawn from it)

HOLDERS = (
    ("Dana Reyes", "B-1001"),
    ("Lee Park", "B-1002"),
    ("Marcus Okafor", "B-1003"),
    ("Sofia Lindqvist", "B-1004"),
    ("Priya Natarajan", "B-1005"),
    ("Tomás Herrera", "B-1006"),
    ("Aisha Bello", "B-1007"),
    ("Jonas Weber", "B-1008"),
    ("Mei Chen", "B-1009"),
    ("Kwame Mensah", "B-1010"),
    ("Hannah Kowalski", "B-1011"),
    ("Omar Haddad", "B-1012"),
)

CASES = (
    ("CART-1", "Laptop charging cart 1 (operations floor)", 4, 8),
    ("SHELF-2", "Tablet and scanner shelf 2", 2, 10),
    ("LOCKER-3", "Radio locker bank 3 (security desk)", 3, 4),
)

SUPERVISOR, CLERK = "kim.oduya", "sam.clerk"  # who recorded the demo's history


class DemoInUse(UserError):
    """The demo file is open in another AssetTrack window, so it cannot be replaced now."""


@dataclass(frozen=True)
class DemoStockroom:
    path: Path
    holders: int
    cases: int
    assets: int
    events: int


def demo_path() -> Path:
    return paths.demo_db_path()


def _same_file(a: Path, b: Path) -> bool:
    a, b = a.expanduser(), b.expanduser()
    if a.exists() and b.exists():
        return a.samefile(b)
    return a.resolve() == b.resolve()


def check_separate(demo: Path, real: Path | None) -> None:
    """Refuse a demo path that is the real database (or the default one): the demo replaces
    its file, and a real stockroom must never be replaced by made-up data."""
    for other in (real, paths.default_db_path()):
        if other is not None and _same_file(demo, other):
            raise UserError(
                f"The demo stockroom cannot use {demo}: that is a real database. "
                "Nothing was changed."
            )


def ensure_demo(real: Path | None = None, path: Path | None = None) -> Path:
    """The demo database's path, building it first if there is no demo file yet."""
    target = (path or demo_path()).expanduser()
    check_separate(target, real)
    if not target.exists():
        build_demo(target, real=real)
    return target


def build_demo(path: Path | None = None, *, real: Path | None = None) -> DemoStockroom:
    """Build the demo stockroom afresh at ``path`` (default: ``paths.demo_db_path()``),
    replacing an older demo there; raises ``DemoInUse`` while another window has it open."""
    target = (path or demo_path()).expanduser()
    check_separate(target, real)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.exists():
        _check_not_in_use(target)
    with Store(":memory:") as scratch:
        _fill(scratch, _working_day_clock())
        scratch.backup(target)  # checked, written beside it and renamed into place
    # The replaced demo's anchor and left-over batch belong to a stockroom that is gone.
    from .anchor import anchor_path
    from .pending import clear_pending

    with contextlib.suppress(FileNotFoundError):
        anchor_path(target).unlink()
    clear_pending(target)
    with Store(target) as store:
        store.accept_head()  # this computer has now seen the new demo's log
        counts = store.conn.execute(
            "SELECT (SELECT count(*) FROM holders), (SELECT count(*) FROM cases),"
            " (SELECT count(*) FROM assets), (SELECT count(*) FROM events)"
        ).fetchone()
    return DemoStockroom(target, *counts)


def _check_not_in_use(target: Path) -> None:
    """An old demo that another process has open keeps its ``-wal`` file after we close ours
    (the last connection to close removes it): replacing the file under that process would
    mix the new database with the old one's log."""
    wal = target.with_name(target.name + "-wal")
    if not wal.exists():
        return
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(str(target), timeout=1)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # replays and checkpoints the log
        finally:
            conn.close()
    if wal.exists():
        raise DemoInUse(
            f"The demo stockroom ({target}) is open in another AssetTrack window: close that "
            "window first, then start the demo afresh."
        )


# -- the stockroom's story ---------------------------------------------------------------------


class _Clock:
    """Local working-day times: ``at(days_before_last_day, "HH:MM")`` starts a step of the
    story; each batch of the step (``tick``) comes a few seconds after the one before."""

    def __init__(self, last_day: date) -> None:
        self.last_day = last_day
        self.current: datetime | None = None

    def at(self, days_before: int, hhmm: str) -> None:
        hour, minute = (int(x) for x in hhmm.split(":"))
        day = self.last_day - timedelta(days=days_before)
        moment = datetime.combine(day, time(hour, minute)).astimezone()
        if self.current is not None and moment <= self.current:
            raise ValueError(f"the demo's story goes back in time at {moment}")
        self.current = moment

    def tick(self) -> datetime:
        if self.current is None:
            raise ValueError("the demo's story has not started")
        self.current += timedelta(seconds=7)
        return self.current


def _working_day_clock() -> _Clock:
    """The story ends today if the working day (to 16:00) is over, else yesterday, so that
    every batch lies in the past."""
    now = datetime.now().astimezone()
    return _Clock(now.date() if now.hour >= 16 else now.date() - timedelta(days=1))


def _serial(rng: random.Random, pattern: str) -> str:
    """``A`` a capital letter, ``9`` a digit, ``X`` either; anything else as it is."""
    letters, digits = "ABCDEFGHJKLMNPQRSTUVWXYZ", "0123456789"
    out = []
    for ch in pattern:
        if ch == "A":
            out.append(rng.choice(letters))
        elif ch == "9":
            out.append(rng.choice(digits))
        elif ch == "X":
            out.append(rng.choice(letters + digits))
        else:
            out.append(ch)
    return "".join(out)


def demo_assets() -> list[NewAsset]:
    """The 60 devices, their serials drawn from ``DEMO_SEED``, slotted as registered (four are
    not in a slot: a loaner laptop, a spare tablet and the two scanners delivered last)."""
    rng = random.Random(DEMO_SEED)
    items: list[NewAsset] = []
    for n in range(1, 29):  # laptops, CART-1
        lenovo = n <= 20
        items.append(
            NewAsset(
                f"LT-{100 + n:04d}",
                _serial(rng, "PF4XXXXX") if lenovo else _serial(rng, "XXXXX93"),
                "Lenovo ThinkPad T14 Gen 4" if lenovo else "Dell Latitude 5440",
                "CART-1" if n <= 27 else "",
                n if n <= 27 else None,
            )
        )
    for n in range(1, 15):  # tablets, SHELF-2
        ipad = n <= 10
        items.append(
            NewAsset(
                f"TB-{200 + n:04d}",
                _serial(rng, "DMPXXXXXXX") if ipad else _serial(rng, "R52W9A9XXXX"),
                "Apple iPad (10th generation) 64 GB" if ipad else "Samsung Galaxy Tab Active5",
                "SHELF-2" if n <= 13 else "",
                n if n <= 13 else None,
            )
        )
    for n in range(1, 9):  # handheld scanners, SHELF-2 14..19 (the last two come later)
        zebra = n <= 6
        items.append(
            NewAsset(
                f"SC-{300 + n:04d}",
                _serial(rng, "21224522509999") if zebra else _serial(rng, "22118D8999"),
                "Zebra TC52 handheld scanner" if zebra else "Honeywell CT45 handheld scanner",
                "SHELF-2" if zebra else "",
                13 + n if zebra else None,
            )
        )
    for n in range(1, 11):  # radios, LOCKER-3
        items.append(
            NewAsset(
                f"RD-{400 + n:04d}",
                _serial(rng, "481TTK9999"),
                "Motorola CP200d two-way radio",
                "LOCKER-3",
                n,
            )
        )
    return items


def _fill(store: Store, clock: _Clock) -> None:
    from .engine import Engine

    engine = Engine(store, SUPERVISOR, clock=clock.tick)
    assets = demo_assets()
    later = {"SC-0307", "SC-0308"}

    clock.at(18, "08:10")
    engine.add_holders([NewHolder(name, badge) for name, badge in HOLDERS])
    engine.create_cases([NewCase(code, name, rows, cols) for code, name, rows, cols in CASES])
    clock.at(18, "08:40")
    engine.commit_register([a for a in assets if a.asset_tag not in later])

    def out(holder: str, *tags: str) -> None:
        engine.commit_stock_out(list(tags), holder)

    def back(*tags: str) -> None:
        engine.commit_stock_in(list(tags))

    engine.operator = CLERK
    clock.at(16, "07:45")
    out("B-1003", "LT-0101", "LT-0102")  # never came back: overdue
    clock.at(6, "07:30")
    out("B-1001", "LT-0103", "LT-0104")
    out("B-1002", "LT-0105", "LT-0106")
    out("B-1004", "LT-0107", "LT-0108")
    clock.at(6, "16:10")
    back("LT-0104", "LT-0105")
    clock.at(5, "07:35")
    out("B-1005", "TB-0201", "TB-0202", "TB-0203")
    out("B-1006", "RD-0401", "RD-0402", "RD-0403", "RD-0404")
    clock.at(5, "17:05")
    back("RD-0401", "RD-0402", "RD-0403", "RD-0404")
    clock.at(4, "08:00")
    out("B-1007", "RD-0401", "RD-0402")
    out("B-1008", "SC-0301", "SC-0302")
    engine.operator = SUPERVISOR
    clock.at(3, "09:15")
    engine.commit_move([Placement("LT-0120", "CART-1", 30)])  # a charger bay that works
    engine.operator = CLERK
    clock.at(3, "16:30")
    back("TB-0201")
    clock.at(2, "07:40")
    out("B-1009", "LT-0110", "LT-0111")
    out("B-1010", "SC-0303")
    engine.operator = SUPERVISOR
    clock.at(1, "10:00")
    engine.commit_register([a for a in assets if a.asset_tag in later])  # a new delivery
    engine.operator = CLERK
    clock.at(0, "08:05")
    out("B-1011", "LT-0112")
    out("B-1012", "TB-0204")
    clock.at(0, "12:30")
    back("LT-0103")


__all__ = [
    "CASES",
    "HOLDERS",
    "DemoInUse",
    "DemoStockroom",
    "build_demo",
    "check_separate",
    "demo_assets",
    "demo_path",
    "ensure_demo",
]
