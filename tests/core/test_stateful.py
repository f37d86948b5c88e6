"""Random days in the stockroom: any sequence of valid and invalid operations keeps every invariant.

A hypothesis state machine drives the real engine with register, put-away, move, stock-out,
stock-in and holder (de)activation batches, scanned exactly, without dashes, with scanner noise,
in the wrong letter case or as bogus codes. A plain-Python model of the stockroom predicts, for
every batch, whether it must be accepted and where each asset must end up. After every step:

- the engine accepted exactly the batches the model says are valid, and moved assets as predicted;
- the batch's preview, run on a second station with its own connection just before the commit,
  gave the same verdicts as the commit and wrote nothing;
- a refused batch left the database dump unchanged;
- the invariants hold when checked with SQL, and ``verify`` (which replays the whole log) passes.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused
from assettrack_gui.core.model import CommitResult, NewAsset, NewCase, NewHolder, Placement, Preview
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify

from .conftest import dump

TAGS = [f"AT-{n:03d}" for n in range(1, 9)]
BADGES = ["B-1", "B-2", "B-3"]
CASES = {"CART-A": (2, 2), "BIN-B": (1, 2)}  # 6 slots for 8 tags: slots run out
SLOTS = [(code, pos) for code, (r, c) in CASES.items() for pos in range(1, r * c + 1)]

Slot = tuple[str, int]

# How a tag arrives at the scanner: (raw text, whether it names the tag at all).
VARIANTS = {
    "exact": (lambda t: t, True),
    "dashless": (lambda t: t.replace("-", ""), True),
    "cr-lf": (lambda t: f"{t}\r\n", True),
    "aim": (lambda t: f"]C1{t}", True),
    "gs-tab": (lambda t: f"\x1d{t}\t", True),
    "caps-lock": (lambda t: t.lower(), False),
    "zero-padded": (lambda t: t.replace("-", "-0"), False),
}
BOGUS = [("ZZ-999", None), ("", None), ("B-1", None), ("CART-A", None), ("AT-00", None)]


@dataclass(frozen=True)
class Scan:
    raw: str
    tag: str | None  # the tag this scan must match, if that tag is registered

    def __repr__(self) -> str:
        return repr(self.raw)


def _scan(tag: str, variant: str) -> Scan:
    make, names = VARIANTS[variant]
    return Scan(make(tag), tag if names else None)


scans = st.one_of(
    st.builds(_scan, st.sampled_from(TAGS), st.sampled_from(sorted(VARIANTS))),
    st.sampled_from([Scan(raw, tag) for raw, tag in BOGUS]),
)
# Positions include one outside each case ("slot unknown") and a case that does not exist.
targets = st.sampled_from([*SLOTS, ("CART-A", 5), ("BIN-B", 0), ("NO-CASE", 1)])
# What a working scanner sends; the plain tag most often.
GOOD_VARIANTS = ["exact", "exact", "exact", "dashless", "cr-lf", "aim", "gs-tab"]


def stray(data: st.DataObject) -> bool:
    """Now and then (about one draw in five) the clerk does something wrong."""
    return data.draw(st.integers(0, 4), label="stray") == 4


def draw_batch(data: st.DataObject, pool: list[str], max_size: int = 3) -> list[Scan]:
    """Scans of distinct tags from ``pool`` (e.g. those in custody), sometimes spoiled."""
    if pool:
        tags = data.draw(
            st.lists(st.sampled_from(sorted(pool)), min_size=1, max_size=max_size, unique=True),
            label="tags",
        )
        batch = [_scan(t, data.draw(st.sampled_from(GOOD_VARIANTS), label="variant")) for t in tags]
    else:
        batch = data.draw(st.lists(scans, min_size=1, max_size=max_size), label="random scans")
    if stray(data):
        mistake = data.draw(st.sampled_from(["double scan", "bad scan", "empty batch"]))
        if mistake == "empty batch":
            return []
        extra = batch[0] if mistake == "double scan" else data.draw(scans, label="bad scan")
        batch.insert(data.draw(st.integers(0, len(batch)), label="at"), extra)
    return batch


def draw_slots(data: st.DataObject, empty: list[Slot], n: int, contested: list[Slot]) -> list[Slot]:
    """Mostly distinct empty slots, often those that an asset in custody left (so that its return
    must go elsewhere); sometimes any slot, a position outside its case or no case."""
    if n == 0:
        return []
    if len(contested) >= n and data.draw(st.booleans(), label="contested"):
        return data.draw(
            st.lists(st.sampled_from(contested), min_size=n, max_size=n, unique=True),
            label="slots someone's asset left",
        )
    if len(empty) >= n and not stray(data):
        return data.draw(
            st.lists(st.sampled_from(empty), min_size=n, max_size=n, unique=True), label="slots"
        )
    return data.draw(st.lists(targets, min_size=n, max_size=n), label="any slots")


@dataclass
class Asset:
    slot: Slot | None = None
    holder: str | None = None
    last: Slot | None = None  # the slot it left on its latest stock-out

    @property
    def state(self) -> tuple[str, str | None, str | None]:
        """As conftest.where() reports it: (location_type, badge, "CASE/pos")."""
        where = f"{self.slot[0]}/{self.slot[1]}" if self.slot else None
        return ("IN_CUSTODY" if self.holder else "STORAGE", self.holder, where)


class Stockroom(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="assettrack-stateful-"))
        self.store = Store(self.dir / "at.db")
        # Two stations on their own connections; each step runs on one of them, and its preview
        # on the other must agree with the commit.
        self.other_store = Store(self.dir / "at.db", create=False)
        self.stations = [
            Engine(self.store, operator="station-1", settings=Settings()),
            Engine(self.other_store, operator="station-2", settings=Settings()),
        ]
        self.turn = 0
        self.assets: dict[str, Asset] = {}
        self.active: dict[str, bool] = {}
        self.events = 0

    def teardown(self) -> None:
        self.store.close()
        self.other_store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def engine(self) -> Engine:
        return self.stations[self.turn]

    @property
    def elsewhere(self) -> Engine:
        """The station that previews what ``engine`` is about to commit."""
        return self.stations[1 - self.turn]

    def take_turn(self, data: st.DataObject) -> None:
        self.turn = data.draw(st.integers(0, 1), label="station")

    # -- the model ------------------------------------------------------------------------------

    def occupant(self, slot: Slot) -> str | None:
        return next((tag for tag, a in self.assets.items() if a.slot == slot), None)

    def resolve(self, batch: list[Scan]) -> list[str] | None:
        """The batch's tags, or None when any scan is unknown or an asset is scanned twice."""
        tags = [s.tag for s in batch]
        if not batch or any(t is None or t not in self.assets for t in tags):
            return None
        if len(set(tags)) != len(tags):
            return None
        return [t for t in tags if t is not None]

    def try_commit(
        self,
        expect_ok: bool,
        commit: Callable[[], CommitResult],
        preview: Callable[[], Preview] | None = None,
    ) -> CommitResult | None:
        """Preview elsewhere, then commit: both must match the model; a refusal changes nothing."""
        before = dump(self.conn)
        seen = preview() if preview else None
        if seen is not None:
            assert seen.ok == expect_ok, seen.reasons()
            assert dump(self.conn) == before  # previews never write
        try:
            result = commit()
        except Refused as exc:
            assert not expect_ok, f"refused, but the model says valid: {exc.reasons}"
            assert dump(self.conn) == before
            assert exc.reasons
            if seen is not None:
                assert exc.reasons == seen.reasons()  # the same verdicts, line for line
            return None
        assert expect_ok, "committed, but the model says it must be refused"
        event(f"committed {result.preview.operation}")
        assert isinstance(result, CommitResult)
        rows = self.conn.execute(
            "SELECT count(*), count(DISTINCT created_at) FROM events WHERE batch_id = ?",
            (result.batch_id,),
        ).fetchone()
        assert rows == (result.count, 1)
        self.events += result.count
        return result

    # -- rules ------------------------------------------------------------------------------------

    @initialize()
    def open_the_stockroom(self) -> None:
        self.engine.add_holders([NewHolder(f"Holder {b}", b) for b in BADGES])
        self.engine.create_cases([NewCase(code, code, r, c) for code, (r, c) in CASES.items()])
        self.active = {b: True for b in BADGES}
        self.events = len(BADGES) + len(CASES)
        # Four assets in the first four slots and one unslotted, so the first steps have work.
        start = [(t, SLOTS[n] if n < 4 else None) for n, t in enumerate(TAGS[:5])]
        self.register(start)

    def tags_where(self, pred: Callable[[Asset], bool]) -> list[str]:
        return [t for t, a in self.assets.items() if pred(a)]

    def empty_slots(self) -> list[Slot]:
        return [s for s in SLOTS if self.occupant(s) is None]

    def contested(self) -> list[Slot]:
        """Empty slots that an asset now in custody left: its return will want them back."""
        left = {a.last for a in self.assets.values() if a.holder is not None}
        return [s for s in self.empty_slots() if s in left]

    def register(self, items: list[tuple[str, Slot | None]]) -> None:
        tags = [t for t, _ in items]
        wanted = [s for _, s in items if s is not None]
        valid = (
            len(set(tags)) == len(tags)
            and not any(t in self.assets for t in tags)
            and all(s in SLOTS and self.occupant(s) is None for s in wanted)
            and len(set(wanted)) == len(wanted)
        )
        new = [
            NewAsset(t, f"SN-{t}", "random", s[0] if s else "", s[1] if s else None)
            for t, s in items
        ]
        if self.try_commit(
            valid,
            lambda: self.engine.commit_register(new),
            lambda: self.elsewhere.preview_register(new),
        ):
            for t, s in items:
                self.assets[t] = Asset(slot=s)

    def place(self, items: list[tuple[Scan, Slot]], move: bool) -> None:
        tags = self.resolve([s for s, _ in items])
        wanted = [slot for _, slot in items]
        valid = (
            tags is not None
            and all(
                self.assets[t].holder is None and (self.assets[t].slot is not None) == move
                for t in tags
            )
            and all(s in SLOTS and self.occupant(s) is None for s in wanted)
            and len(set(wanted)) == len(wanted)
        )
        batch = [Placement(scan.raw, slot[0], slot[1]) for scan, slot in items]
        commit = self.engine.commit_move if move else self.engine.commit_put_away
        preview = self.elsewhere.preview_move if move else self.elsewhere.preview_put_away
        if self.try_commit(valid, lambda: commit(batch), lambda: preview(batch)):
            assert tags is not None
            for tag, slot in zip(tags, wanted, strict=True):
                self.assets[tag].slot = slot

    # -- rules: each draws mostly sensible input for the current state, sometimes a mistake ------

    @rule(data=st.data())
    def receive(self, data: st.DataObject) -> None:
        self.take_turn(data)
        new = [t for t in TAGS if t not in self.assets]
        pool = new if new and not stray(data) else TAGS
        tags = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2), label="tags")
        slots = draw_slots(data, self.empty_slots(), len(tags), self.contested())
        unslotted = data.draw(st.lists(st.booleans(), min_size=len(tags), max_size=len(tags)))
        self.register(
            [(t, None if u else s) for t, s, u in zip(tags, slots, unslotted, strict=True)]
        )

    @rule(data=st.data())
    def put_away(self, data: st.DataObject) -> None:
        self.take_turn(data)
        batch = draw_batch(data, self.tags_where(lambda a: a.slot is None and a.holder is None), 2)
        slots = draw_slots(data, self.empty_slots(), len(batch), self.contested())
        self.place(list(zip(batch, slots, strict=True)), move=False)

    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        self.take_turn(data)
        batch = draw_batch(data, self.tags_where(lambda a: a.slot is not None), 2)
        slots = draw_slots(data, self.empty_slots(), len(batch), self.contested())
        self.place(list(zip(batch, slots, strict=True)), move=True)

    @rule(data=st.data())
    def stock_out(self, data: st.DataObject) -> None:
        self.take_turn(data)
        batch = draw_batch(data, self.tags_where(lambda a: a.slot is not None))
        active = [b for b in BADGES if self.active[b]]
        if active and not stray(data):
            holder = data.draw(st.sampled_from(active), label="holder")
        else:  # a deactivated holder, an unknown badge, the badge without its dash, nobody
            inactive = [b for b in BADGES if not self.active[b]]
            holder = data.draw(st.sampled_from([*inactive, "B-9", "B1", ""]), label="holder")
        badge = {"B1": "B-1"}.get(holder, holder)
        tags = self.resolve(batch)
        valid = (
            self.active.get(badge, False)
            and tags is not None
            and all(self.assets[t].slot is not None for t in tags)
        )
        raws = [s.raw for s in batch]
        if self.try_commit(
            valid,
            lambda: self.engine.commit_stock_out(raws, holder),
            lambda: self.elsewhere.preview_stock_out(raws, holder),
        ):
            assert tags is not None
            for t in tags:
                a = self.assets[t]
                a.last, a.slot, a.holder = a.slot, None, badge

    @precondition(lambda self: any(a.holder for a in self.assets.values()))
    @rule(data=st.data())
    def stock_in(self, data: st.DataObject) -> None:
        self.take_turn(data)
        held = self.tags_where(lambda a: a.holder is not None)
        # Often the returns whose slot was filled meanwhile: they need the chosen case.
        displaced = [t for t in held if self.occupant(self.assets[t].last or ("", 0))]
        if displaced and data.draw(st.booleans(), label="displaced"):
            held = displaced
        batch = draw_batch(data, held)
        case = data.draw(st.sampled_from([*CASES, None, *(["NO-CASE"] if stray(data) else [])]))
        tags = self.resolve(batch)
        valid = (
            tags is not None
            and case != "NO-CASE"
            and all(self.assets[t].holder is not None for t in tags)
        )
        dest: dict[str, Slot] = {}
        if valid:
            assert tags is not None
            claimed: set[Slot] = set()
            pending = []
            for t in tags:  # first the slot it last left, if still empty and not claimed
                last = self.assets[t].last
                if last is not None and last not in claimed and self.occupant(last) is None:
                    claimed.add(last)
                    dest[t] = last
                else:
                    pending.append(t)
            free = [s for s in SLOTS if s[0] == case and self.occupant(s) is None]
            # then the lowest free slot of the chosen case that is no held asset's home,
            # and only then the lowest free home
            homes = {a.last for a in self.assets.values() if a.holder is not None}
            free = [s for s in free if s not in homes] + [s for s in free if s in homes]
            for t in pending:
                slot = next((s for s in free if s not in claimed), None)
                if slot is None:
                    valid = False
                    break
                claimed.add(slot)
                dest[t] = slot
                event("stock-in: return case used")
        raws = [s.raw for s in batch]
        if self.try_commit(
            valid,
            lambda: self.engine.commit_stock_in(raws, case),
            lambda: self.elsewhere.preview_stock_in(raws, case),
        ):
            assert tags is not None
            assert len(set(dest.values())) == len(tags)  # never two returns into one slot
            for t in tags:
                a = self.assets[t]
                a.slot, a.holder = dest[t], None

    @rule(badge=st.sampled_from(BADGES), active=st.booleans(), station=st.integers(0, 1))
    def set_active(self, badge: str, active: bool, station: int) -> None:
        self.turn = station
        holder = self.engine.set_holder_active(badge, active)
        assert holder.active is active
        if self.active[badge] != active:
            self.events += 1
        self.active[badge] = active

    # -- invariants ----------------------------------------------------------------------------------

    @invariant()
    def tables_match_the_model(self) -> None:
        rows = self.conn.execute(
            "SELECT a.asset_tag, a.location_type, h.badge_code, c.case_code || '/' || s.position "
            "FROM assets a LEFT JOIN holders h ON h.id = a.current_holder_id "
            "LEFT JOIN slots s ON s.asset_id = a.id LEFT JOIN cases c ON c.id = s.case_id"
        ).fetchall()
        assert {r[0]: tuple(r[1:]) for r in rows} == {t: a.state for t, a in self.assets.items()}
        assert len(rows) == len(self.assets)
        assert self.conn.execute(
            "SELECT badge_code, active FROM holders ORDER BY badge_code"
        ).fetchall() == [(b, int(self.active[b])) for b in sorted(self.active)]
        assert self.conn.execute("SELECT count(*) FROM events").fetchone() == (self.events,)

    @invariant()
    def custody_invariants_hold_in_sql(self) -> None:
        checks = {
            "IN_CUSTODY exactly when a holder is set": "SELECT count(*) FROM assets "
            "WHERE (location_type = 'IN_CUSTODY') != (current_holder_id IS NOT NULL)",
            "an asset in custody is in no slot": "SELECT count(*) FROM assets a "
            "JOIN slots s ON s.asset_id = a.id WHERE a.location_type = 'IN_CUSTODY'",
            "an asset is in at most one slot": "SELECT count(*) FROM (SELECT asset_id FROM slots "
            "WHERE asset_id IS NOT NULL GROUP BY asset_id HAVING count(*) > 1)",
            "the latest custody event of a held asset is its STOCK_OUT to that holder": (
                "SELECT count(*) FROM assets a WHERE a.location_type = 'IN_CUSTODY' AND NOT EXISTS ("
                " SELECT 1 FROM events e WHERE e.id = (SELECT max(id) FROM events"
                "  WHERE asset_id = a.id AND event_type IN ('STOCK_OUT', 'STOCK_IN'))"
                " AND e.event_type = 'STOCK_OUT' AND e.holder_id = a.current_holder_id)"
            ),
            "a slotted asset's latest placement names its slot": (
                "SELECT count(*) FROM slots s WHERE s.asset_id IS NOT NULL AND s.id IS NOT ("
                " SELECT slot_id FROM events WHERE asset_id = s.asset_id AND event_type IN"
                " ('RECEIVE', 'SLOT_ASSIGN', 'SLOT_MOVE', 'STOCK_IN') ORDER BY id DESC LIMIT 1)"
            ),
            "STOCK_OUT and STOCK_IN record holder and slot": "SELECT count(*) FROM events "
            "WHERE event_type IN ('STOCK_OUT', 'STOCK_IN') AND (holder_id IS NULL OR slot_id IS NULL)",
            "no holder gained custody while deactivated": (
                "SELECT count(*) FROM assets a JOIN holders h ON h.id = a.current_holder_id "
                "WHERE h.active = 0 AND (SELECT max(id) FROM events WHERE asset_id = a.id "
                " AND event_type = 'STOCK_OUT') > "
                "(SELECT max(id) FROM events WHERE holder_id = h.id "
                " AND event_type = 'HOLDER_DEACTIVATE')"
            ),
        }
        for name, sql in checks.items():
            assert self.conn.execute(sql).fetchone() == (0,), name
        assert self.conn.execute("PRAGMA foreign_key_check").fetchall() == []

    @invariant()
    def verify_passes(self) -> None:
        report = verify(self.store)
        assert report.ok, report.problems
        assert report.events == self.events


Stockroom.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
)
test_stockroom = Stockroom.TestCase
