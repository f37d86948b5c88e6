"""Stocktake speed: classifying each scan of a 20 × 10 case audit among 100,000 assets.

Not a test: it prints figures (recorded in docs/benchmarks.md). It builds, through the Engine's
own batch calls (so every row has its events), a database of 100,000 assets in 500 cases of
20 × 10 slots, with some assets of the audited case in custody, one moved to another case and
some registered without a slot. Then it audits case CASE-0000 again and again, each time with
the same 200 scans in slot order — tags, slot labels, dash-stripped tags, wrong-slot pairs,
assets of other cases, assets in custody, unknown scans and Caps Lock scans, duplicates — and
times every scan:

* ``Engine.audit_scan`` — what a scan costs: normalise, match (exact / dashless / Caps Lock
  hint), read the asset by id, classify; the case's contents are read once at the start;
* ``AuditSession.scan`` — the same plus saving the audit in progress (atomic write + fsync),
  as the Audit page does after every scan;
* ``Engine.start_audit`` (reading the case once) and ``Engine.commit_audit`` (the AUDIT event).

    .venv/bin/python benchmarks/bench_audit.py            # temp dir, removed afterwards
    .venv/bin/python benchmarks/bench_audit.py --db /tmp/bench-audit.db   # keep and reuse it
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from assettrack_gui.core.audit import AuditSession
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder, Placement
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store

TARGET_SCAN_P99_MS = 1.0
ROWS, COLS = 20, 10
SIZE = ROWS * COLS


def tag(i: int) -> str:
    return f"AT-{i:06d}"


def case_code(i: int) -> str:
    return f"CASE-{i:04d}"


# -- building the database -----------------------------------------------------------------------


def build(db: Path, assets: int) -> None:
    cases = assets // SIZE
    store = Store(db)
    engine = Engine(store, operator="bench", settings=Settings())
    t0 = time.perf_counter()
    engine.add_holders([NewHolder(f"Holder {i}", f"B-{i:04d}") for i in range(100)])
    for start in range(0, cases, 250):
        engine.create_cases(
            [
                NewCase(case_code(c), f"Case {c}", ROWS, COLS, label=case_code(c))
                for c in range(start, min(cases, start + 250))
            ]
        )
    for start in range(0, assets - 20, 5000):
        engine.commit_register(
            [
                NewAsset(tag(i), f"SN{i:08d}", "Laptop 14in", case_code(i // SIZE), i % SIZE + 1)
                for i in range(start, min(assets - 20, start + 5000))
            ]
        )
    # The last 20 assets wait without a slot; some of the audited case go out or elsewhere.
    engine.commit_register([NewAsset(tag(i), f"SN{i:08d}", "Spare") for i in range(assets - 20, assets)])
    engine.commit_stock_out([tag(i) for i in range(10, 20)], "B-0001")
    engine.commit_stock_out([tag(SIZE + 5)], "B-0002")  # empties CASE-0001/6 ...
    engine.commit_move([Placement(tag(30), case_code(1), 6)])  # ... for one of CASE-0000
    store.close()
    print(f"built {db} in {time.perf_counter() - t0:.1f} s")


def scans_for(assets: int, seed: int) -> list[str]:
    """200 scans of CASE-0000 in slot order, with every kind of difference among them."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(SIZE):
        if len(out) >= 200:
            break
        roll = rng.random()
        if 10 <= i < 20:
            out.append(tag(i))  # in custody, but here: unexpected
        elif i == 30:
            out.append(f"{case_code(0)}/31")  # a slot label, then what is there
            out.append(tag(assets - 1))  # an unslotted asset: unexpected
        elif roll < 0.05:
            out.append(tag(i).replace("-", ""))  # dash-stripped: ok
        elif roll < 0.08:
            out.append(tag(i).lower())  # Caps Lock: unknown with the hint
        elif roll < 0.10:
            out.append(f"ZZ-{i:06d}")  # unknown
        elif roll < 0.12:
            out.append(tag(SIZE * 7 + i))  # an asset of another case: unexpected
        elif roll < 0.14:
            out.append(f"{case_code(0)}/{i + 1}")
            out.append(tag(i + 1 if i + 1 < SIZE else i))  # the neighbour here: wrong slot
        elif roll < 0.15 and out:
            out.append(out[-1])  # the beam passed twice: duplicate
        else:
            out.append(tag(i))
    return out[:200]


# -- measuring ------------------------------------------------------------------------------------


def percentiles(ns: Sequence[int]) -> tuple[float, float, float]:
    ordered = sorted(ns)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6

    return at(0.50), at(0.99), ordered[-1] / 1e6


def timed(fn: Callable[[], object]) -> tuple[int, object]:
    t0 = time.perf_counter_ns()
    result = fn()
    return time.perf_counter_ns() - t0, result


def bench(db: Path, assets: int, rounds: int, seed: int) -> bool:
    store = Store(db, create=False)
    engine = Engine(store, operator="bench", settings=Settings())
    scans = scans_for(assets, seed)
    per_scan: list[int] = []
    saved: list[int] = []
    starts: list[int] = []
    commits: list[int] = []
    counts: dict[str, int] = {}
    state = Path(tempfile.mkdtemp(prefix="bench-audit-state-"))
    os.environ["XDG_STATE_HOME"] = str(state)  # the saved audit goes here, not to the user dir
    try:
        warm = engine.start_audit(case_code(0))
        for s in scans:  # warm the page cache and the statement cache
            engine.audit_scan(warm, s)
        for _ in range(rounds):
            took, audit = timed(lambda: engine.start_audit(case_code(0)))
            starts.append(took)
            for s in scans:
                took, _ = timed(lambda s=s, a=audit: engine.audit_scan(a, s))
                per_scan.append(took)
            counts = audit.counts()
            took, _ = timed(lambda a=audit: engine.commit_audit(a))
            commits.append(took)
        session = AuditSession(engine, db)
        for _ in range(max(1, rounds // 5)):
            session.start(case_code(0))
            for s in scans:
                took, _ = timed(lambda s=s: session.scan(s))
                saved.append(took)
            session.discard()
    finally:
        store.close()
        shutil.rmtree(state, ignore_errors=True)

    print(f"\naudit of {case_code(0)} ({ROWS} × {COLS}) among {assets:,} assets: "
          f"{len(scans)} scans × {rounds} rounds")
    print("  findings per round: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    print(f"  {'call':<44} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    ok = True
    for name, samples in (
        ("Engine.audit_scan (one scan, classified)", per_scan),
        ("AuditSession.scan (+ saved to disk, fsync)", saved),
        ("Engine.start_audit (the case read once)", starts),
        ("Engine.commit_audit (one AUDIT event)", commits),
    ):
        p50, p99, worst = percentiles(samples)
        print(f"  {name:<44} {len(samples):>6} {p50:8.3f} {p99:8.3f} {worst:8.3f}")
        if samples is per_scan:
            ok = p99 <= TARGET_SCAN_P99_MS
    mean = statistics.fmean(per_scan) / 1e6
    print(f"  mean per scan {mean:.3f} ms; target p99 ≤ {TARGET_SCAN_P99_MS} ms: "
          f"{'met' if ok else 'MISSED'}")
    return ok


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {model or 'CPU'} × "
        f"{os.cpu_count()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="keep (and reuse) the database here")
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10, help="audits of the 200 scans")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    tmp = None
    db = args.db
    if db is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-audit-"))
        db = tmp / "bench.db"
    try:
        if not db.exists():
            build(db, args.assets)
        ok = bench(db, args.assets, args.rounds, args.seed)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
