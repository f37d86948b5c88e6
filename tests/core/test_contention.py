"""Contention: several stations stock out overlapping assets to different holders at once.

Each round starts 4–6 real ``assettrack-admin stock-out`` processes (the CLI's ``main``, started
through a barrier so they all begin within a millisecond; one round runs the installed console
script itself) on one database, each giving an overlapping set of assets to a different holder.
Writes are serialised by ``BEGIN IMMEDIATE`` + ``busy_timeout``: whoever gets the write lock first
takes its whole batch; a later batch that contains an asset already handed out is refused as a
whole, naming every such asset and its custodian. Afterwards every asset has at most one holder
and exactly the STOCK_OUT events that the winning batches wrote, and ``verify`` is clean. Where
all stations share assets (``identical``, ``core_and_private``) exactly one station wins, so
every contested asset ends with exactly one holder; in a ring of overlaps an asset whose two
batches both lost to their other neighbours correctly stays in its slot.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify

pytestmark = pytest.mark.slow

WORKER = Path(__file__).parent / "_workers" / "custody_worker.py"
ASSETS = 3000
CASES = 30  # 10 × 10 slots each
HOLDERS = 6
CONSOLE_SCRIPT = Path(sys.executable).parent / "assettrack-admin"


def tag(i: int) -> str:
    return f"AT-{i:05d}"


def badge(p: int) -> str:
    return f"B-{p + 1:03d}"


def holder_name(p: int) -> str:
    return f"Holder {p + 1}"


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("contention-seed") / "seed.db"
    store = Store(db)
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders([NewHolder(holder_name(p), badge(p), label=badge(p)) for p in range(HOLDERS)])
    engine.create_cases([NewCase(f"CASE-{c:02d}", "", 10, 10, label=f"C{c}") for c in range(CASES)])
    engine.commit_register(
        [NewAsset(tag(i), "", "", f"CASE-{i // 100:02d}", i % 100 + 1) for i in range(ASSETS)]
    )
    store.close()
    return db


# -- scenarios: one list of asset numbers per process ------------------------------------------


def identical(rng: random.Random) -> list[list[int]]:
    """Five stations scan the very same 20 assets (in different orders)."""
    base = list(range(20))
    return [rng.sample(base, len(base)) for _ in range(5)]


def core_and_private(rng: random.Random) -> list[list[int]]:
    """Five stations share 8 assets, each also has 12 of its own."""
    core = rng.sample(range(100, 200), 8)
    return [rng.sample(core + list(range(200 + 12 * p, 212 + 12 * p)), 20) for p in range(5)]


def ring(rng: random.Random) -> list[list[int]]:
    """Six stations of 30 assets; each shares 10 with the next (the last with the first)."""
    return [rng.sample(range(300 + 20 * p, 330 + 20 * p), 30) for p in range(5)] + [
        rng.sample(list(range(400, 420)) + list(range(300, 310)), 30)
    ]


def big_ring(rng: random.Random) -> list[list[int]]:
    """Six stations of 500 assets, each sharing 100 with the next: long lock waits."""
    return [rng.sample([(400 * p + k) % 2400 for k in range(500)], 500) for p in range(6)]


def big_disjoint(rng: random.Random) -> list[list[int]]:
    """Six stations of 500 different assets: everyone waits for the lock and everyone wins."""
    return [rng.sample(range(500 * p, 500 * p + 500), 500) for p in range(6)]


def console_identical(rng: random.Random) -> list[list[int]]:
    """Four installed ``assettrack-admin`` processes, the same 40 assets, started together."""
    return [rng.sample(range(40), 40) for _ in range(4)]


# name -> (scenario, expected number of winners or None, use the console script)
ROUNDS = {
    "identical": (identical, 1, False),
    "core_and_private": (core_and_private, 1, False),
    "ring": (ring, None, False),
    "big_ring": (big_ring, None, False),
    "big_disjoint": (big_disjoint, 6, False),
    "console_script_identical": (console_identical, 1, True),
}


@dataclass
class Station:
    index: int
    assets: list[int]
    rc: int
    out: str
    err: str
    began: float = 0.0
    ended: float = 0.0

    @property
    def tags(self) -> list[str]:
        return [tag(i) for i in self.assets]

    @property
    def label(self) -> str:
        return f"{holder_name(self.index)} ({badge(self.index)})"


def run_round(db: Path, batches: list[list[int]], barrier: Path, console: bool) -> list[Station]:
    procs = []
    for p, assets in enumerate(batches):
        args = ["--db", str(db), "--operator", f"station-{p + 1}", "stock-out"]
        args += ["--holder", badge(p), *[tag(i) for i in assets]]
        if console:
            cmd = [str(CONSOLE_SCRIPT), *args]
        else:
            cmd = [sys.executable, str(WORKER), "cli-barrier", str(barrier), f"p{p}", "--", *args]
        procs.append(
            subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    if not console:
        deadline = time.monotonic() + 60
        while len(list(barrier.glob("*.ready"))) < len(batches):
            assert time.monotonic() < deadline, "stations did not reach the barrier"
            time.sleep(0.002)
        (barrier / "go").touch()
    stations = []
    for p, proc in enumerate(procs):
        out, err = proc.communicate(timeout=60)
        station = Station(p, batches[p], proc.returncode, out, err)
        if not console:
            station.began, station.ended = map(
                float, (barrier / f"p{p}.timing").read_text(encoding="utf-8").split()
            )
        stations.append(station)
    return stations


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="assettrack-admin is not installed")
@pytest.mark.parametrize("repeat", [1, 2])
@pytest.mark.parametrize("name", ROUNDS)
def test_overlapping_stock_outs_have_one_winner_per_asset(
    name: str, repeat: int, seed_db: Path, tmp_path: Path
) -> None:
    scenario, expected_winners, console = ROUNDS[name]
    seed = random.randrange(10**9)
    batches = scenario(random.Random(seed))
    assert len({len(set(b)) for b in batches} | {len(b) for b in batches}) == 1
    db = tmp_path / "contention.db"
    shutil.copyfile(seed_db, db)
    barrier = tmp_path / "barrier"
    barrier.mkdir()

    stations = run_round(db, batches, barrier, console)
    context = f"round {name} #{repeat} (seed {seed})"

    # Nobody crashed, nobody saw a locked/busy database, every exit is "done" or "refused".
    for s in stations:
        output = s.out + s.err
        assert "Traceback" not in output, f"{context}: station {s.index + 1}\n{output}"
        assert "locked" not in output.lower(), f"{context}: station {s.index + 1}\n{output}"
        assert "busy" not in output.lower(), f"{context}: station {s.index + 1}\n{output}"
        assert s.rc in (0, 1), f"{context}: station {s.index + 1} exited {s.rc}\n{output}"
    winners = [s for s in stations if s.rc == 0]
    losers = [s for s in stations if s.rc == 1]
    assert winners, f"{context}: every station was refused"
    if expected_winners is not None:
        assert len(winners) == expected_winners, context
    for a, b in combinations(winners, 2):
        assert not set(a.assets) & set(b.assets), f"{context}: an asset was handed out twice"

    store = Store(db, create=False)
    try:
        conn = store.conn
        state = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT a.asset_tag, a.location_type, h.badge_code, s.id FROM assets a "
                "LEFT JOIN holders h ON h.id = a.current_holder_id "
                "LEFT JOIN slots s ON s.asset_id = a.id"
            )
        }
        stock_outs: dict[str, list[tuple[str, str]]] = {}
        for asset_tag, holder_badge, batch_id in conn.execute(
            "SELECT a.asset_tag, h.badge_code, e.batch_id FROM events e "
            "JOIN assets a ON a.id = e.asset_id JOIN holders h ON h.id = e.holder_id "
            "WHERE e.event_type = 'STOCK_OUT'"
        ):
            stock_outs.setdefault(asset_tag, []).append((holder_badge, batch_id))
        report = verify(store)
    finally:
        store.close()
    assert report.ok, f"{context}\n" + "\n".join(report.problems[:20])

    holder_of: dict[str, Station] = {}
    for s in winners:
        first = s.out.splitlines()[0]
        assert first.startswith("batch ") and f"to {s.label}" in first, f"{context}: {first}"
        assert f"stocked out {len(s.assets)} assets" in first, f"{context}: {first}"
        batch_id = first.split()[1].rstrip(":")
        for asset_tag in s.tags:
            holder_of[asset_tag] = s
            # Exactly one holder and exactly one STOCK_OUT, from this station's batch.
            assert state[asset_tag] == ("IN_CUSTODY", badge(s.index), None), (
                f"{context}: {asset_tag} {state[asset_tag]}"
            )
            assert stock_outs.get(asset_tag) == [(badge(s.index), batch_id)], (
                f"{context}: {asset_tag} STOCK_OUT events {stock_outs.get(asset_tag)}"
            )
    for asset_tag in {t for s in stations for t in s.tags} - holder_of.keys():
        location, holder_badge, slot_id = state[asset_tag]
        assert (location, holder_badge) == ("STORAGE", None) and slot_id is not None, context
        assert asset_tag not in stock_outs, f"{context}: {asset_tag} has a stray STOCK_OUT"
    assert sum(len(v) for v in stock_outs.values()) == sum(len(s.assets) for s in winners)

    # Each loser was told which of its assets were already handed out, and to whom: one line per
    # asset, for every winner that committed before it (all of that winner's share or none).
    for s in losers:
        got = set(s.err.splitlines())
        assert got, f"{context}: station {s.index + 1} was refused without a reason"
        assert s.out == "", context
        explained: set[str] = set()
        for w in winners:
            lines = {
                f"{t}: in custody of {w.label} — return it first"
                for t in s.tags
                if holder_of.get(t) is w
            }
            assert not lines & got or lines <= got, (
                f"{context}: station {s.index + 1} named only part of {w.label}'s share"
            )
            explained |= lines & got
        assert got == explained, (
            f"{context}: station {s.index + 1} said {sorted(got - explained)[:5]}"
        )

    if not console:
        # The stations really ran at the same time: some started before another had finished.
        overlaps = sum(
            1 for a, b in combinations(stations, 2) if a.began < b.ended and b.began < a.ended
        )
        spread = max(s.began for s in stations) - min(s.began for s in stations)
        longest = max(s.ended - s.began for s in stations)
        print(
            f"\n{context}: {len(winners)} won, {len(losers)} refused; start spread "
            f"{spread * 1000:.1f} ms, longest run {longest * 1000:.0f} ms, "
            f"{overlaps} overlapping pairs"
        )
        if len(batches[0]) >= 500:  # long enough runs that this cannot depend on scheduling
            assert overlaps >= 1, context
