"""Core speed at stockroom scale: scan → verdict latency and 1,000-asset commits beside the floor.

Not a test: it prints figures (recorded in docs/benchmarks.md). It builds, through the Engine's
own batch calls so that every row has its events and ``verify`` passes, a database of 100,000
assets in 2,000 cases of 50 slots with 5,000 holders (plus some custody history), then measures

* scan → verdict: ``Engine.classify`` and a single-line ``preview_stock_out`` for exact tags,
  dash-stripped scans, unknown scans and wrong-case scans (the Caps Lock hint), p50/p99;
* commits: ``commit_stock_out`` and ``commit_stock_in`` of 1,000 assets, median of several
  repetitions, beside "the floor": the same SQL (the SELECTs that find the rows, the UPDATEs of
  slots and assets and the INSERT of the events, hash chain included) run by a bare sqlite3 script
  in one BEGIN IMMEDIATE transaction on an identical copy of the database, with the same pragmas.

    .venv/bin/python benchmarks/bench_core.py            # temp dir, removed afterwards
    .venv/bin/python benchmarks/bench_core.py --db /tmp/bench.db   # keep (and reuse) the database
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
from functools import partial
from pathlib import Path

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import BUSY_TIMEOUT_MS, Store
from assettrack_gui.core.verify import verify

TARGET_VERDICT_P99_MS = 1.0
TARGET_COMMIT_RATIO = 2.0


def tag(i: int) -> str:
    return f"AT-{i:06d}"


def badge(i: int) -> str:
    return f"B-{i:05d}"


def case_code(i: int) -> str:
    return f"CASE-{i:04d}"


# -- building the database -----------------------------------------------------------------------


def build(db: Path, assets: int, cases: int, holders: int, seed: int) -> None:
    rows, cols = 5, -(-assets // cases // 5)  # 5 × 10 = 50 slots per case for the defaults
    store = Store(db)
    engine = Engine(store, operator="bench", settings=Settings())
    t0 = time.perf_counter()
    for start in range(0, holders, 1000):
        engine.add_holders(
            [
                NewHolder(f"Holder {i:05d}", badge(i), label=badge(i))
                for i in range(start, min(holders, start + 1000))
            ]
        )
    for start in range(0, cases, 500):
        engine.create_cases(
            [
                NewCase(case_code(c), f"Case {c}", rows, cols, label=case_code(c))
                for c in range(start, min(cases, start + 500))
            ]
        )
    per_case = rows * cols
    for start in range(0, assets, 5000):
        engine.commit_register(
            [
                NewAsset(
                    tag(i), f"SN{i:08d}", "Laptop 14in", case_code(i // per_case), i % per_case + 1
                )
                for i in range(start, min(assets, start + 5000))
            ]
        )
    # Some custody history: 10,000 stock-outs to random holders, half of them returned.
    rng = random.Random(seed)
    for _ in range(10):
        picked = rng.sample(range(assets), 1000)
        out = [tag(i) for i in picked if _in_storage(store, tag(i))]
        engine.commit_stock_out(out, badge(rng.randrange(holders)))
        engine.commit_stock_in(out[: len(out) // 2])
    store.close()
    print(f"built {db} in {time.perf_counter() - t0:.1f} s")


def _in_storage(store: Store, asset_tag: str) -> bool:
    row = store.conn.execute(
        "SELECT location_type FROM assets WHERE asset_tag = ?", (asset_tag,)
    ).fetchone()
    return row is not None and row[0] == "STORAGE"


def copy_db(src: Path, dest: Path) -> None:
    """An identical copy through the online backup API, then back to WAL like the original."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(src) as s, sqlite3.connect(dest) as d:
        s.backup(d)
    d.close()
    s.close()


# -- scan → verdict --------------------------------------------------------------------------------


def percentiles(ns: Sequence[int]) -> tuple[float, float, float]:
    ordered = sorted(ns)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6

    return at(0.50), at(0.99), ordered[-1] / 1e6


def time_each(fn: Callable[[str], object], scans: Sequence[str]) -> list[int]:
    out = []
    clock = time.perf_counter_ns
    for scan in scans:
        t0 = clock()
        fn(scan)
        out.append(clock() - t0)
    return out


def bench_verdicts(engine: Engine, assets: int, holders: int, samples: int, seed: int) -> bool:
    rng = random.Random(seed)
    ids = [rng.randrange(assets) for _ in range(samples)]
    kinds = {
        "exact tag (AT-012345)": [tag(i) for i in ids],
        "dash-stripped (AT012345)": [tag(i).replace("-", "") for i in ids],
        "unknown (ZZ-012345)": [f"ZZ-{i:06d}" for i in ids],
        "wrong case (at-012345, hint)": [tag(i).lower() for i in ids],
    }
    holder = badge(rng.randrange(holders))
    ok = True
    print(f"\nscan → verdict, {samples:,} samples each (ms)")
    print(f"  {'scan kind':<30} {'call':<28} {'p50':>7} {'p99':>7} {'max':>7}")
    for kind, scans in kinds.items():
        calls: list[tuple[str, Callable[[str], object]]] = [
            ("Engine.classify", engine.classify),
            ("preview_stock_out([scan])", lambda s: engine.preview_stock_out([s], holder)),
        ]
        for name, fn in calls:
            time_each(fn, scans[:500])  # warm the page cache and statement cache
            p50, p99, worst = percentiles(time_each(fn, scans))
            ok &= p99 <= TARGET_VERDICT_P99_MS
            print(f"  {kind:<30} {name:<28} {p50:7.3f} {p99:7.3f} {worst:7.3f}")
    return ok


def show_plans(conn: sqlite3.Connection) -> None:
    """The matching queries use indexes (no SCAN of assets)."""
    from assettrack_gui.core import queries

    print("\nquery plans (matching):")
    for name, sql, args in (
        ("exact", queries.EXACT_SQL, {"s": "AT-000001"}),
        ("dash-stripped", queries.DASHLESS_SQL, {"k": "AT000001"}),
        ("wrong case", queries.NOCASE_SQL, {"k": "at000001"}),
    ):
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
        print(f"  {name}: " + "; ".join(p for p in plan if "assets" in p))


# -- commits: engine and floor ---------------------------------------------------------------------

GENESIS = "0" * 64
INSERT_EVENT = (
    "INSERT INTO events (id, batch_id, event_type, asset_id, holder_id, slot_id, operator, "
    "created_at, note, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def floor_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    for pragma in (
        f"busy_timeout = {BUSY_TIMEOUT_MS}",
        "foreign_keys = ON",
        "trusted_schema = OFF",
        "journal_mode = WAL",
        "synchronous = FULL",
    ):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _events(
    conn: sqlite3.Connection, event_type: str, rows: list[tuple[int, int, int]]
) -> list[tuple[object, ...]]:
    """(asset_id, holder_id, slot_id) → event rows, hash-chained exactly as the engine does."""
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    batch = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + os.urandom(3).hex()
    conn.execute("SELECT 1 FROM events WHERE batch_id = ? LIMIT 1", (batch,)).fetchone()
    head = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    next_id, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    out = []
    for asset_id, holder_id, slot_id in rows:
        content = [
            next_id,
            batch,
            event_type,
            asset_id,
            holder_id,
            slot_id,
            "bench",
            created,
            "",
            "{}",
        ]
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
        out.append((*content, prev, digest))
        prev, next_id = digest, next_id + 1
    return out


def _commit(conn: sqlite3.Connection) -> None:
    t0 = time.perf_counter()
    conn.execute("COMMIT")
    COMMIT_MS.append((time.perf_counter() - t0) * 1000)


COMMIT_MS: list[float] = []  # how long the floor's COMMIT statement itself took (WAL + fsync)


def floor_stock_out(conn: sqlite3.Connection, tags: Sequence[str], holder_badge: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        (holder_id,) = conn.execute(
            "SELECT id FROM holders WHERE badge_code = ? AND active = 1", (holder_badge,)
        ).fetchone()
        rows = []
        for t in tags:
            asset_id, slot_id = conn.execute(
                "SELECT a.id, s.id FROM assets a JOIN slots s ON s.asset_id = a.id "
                "WHERE a.asset_tag = ? AND a.location_type = 'STORAGE'",
                (t,),
            ).fetchone()
            rows.append((asset_id, holder_id, slot_id))
        conn.executemany("UPDATE slots SET asset_id = NULL WHERE id = ?", [(r[2],) for r in rows])
        conn.executemany(
            "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = ? WHERE id = ?",
            [(holder_id, r[0]) for r in rows],
        )
        conn.executemany(INSERT_EVENT, _events(conn, "STOCK_OUT", rows))
        _commit(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def floor_stock_in(conn: sqlite3.Connection, tags: Sequence[str]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = []
        for t in tags:
            asset_id, holder_id = conn.execute(
                "SELECT id, current_holder_id FROM assets "
                "WHERE asset_tag = ? AND location_type = 'IN_CUSTODY'",
                (t,),
            ).fetchone()
            (slot_id,) = conn.execute(
                "SELECT slot_id FROM events WHERE asset_id = ? AND event_type = 'STOCK_OUT' "
                "ORDER BY id DESC LIMIT 1",
                (asset_id,),
            ).fetchone()
            (occupant,) = conn.execute(
                "SELECT asset_id FROM slots WHERE id = ?", (slot_id,)
            ).fetchone()
            assert occupant is None
            rows.append((asset_id, holder_id, slot_id))
        conn.executemany(
            "UPDATE assets SET location_type = 'STORAGE', current_holder_id = NULL WHERE id = ?",
            [(r[0],) for r in rows],
        )
        conn.executemany("UPDATE slots SET asset_id = ? WHERE id = ?", [(r[0], r[2]) for r in rows])
        conn.executemany(INSERT_EVENT, _events(conn, "STOCK_IN", rows))
        _commit(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def bench_commits(
    engine: Engine, floor_db: Path, assets: int, holders: int, reps: int, batch: int, seed: int
) -> bool:
    conn = floor_connect(floor_db)
    rng = random.Random(seed)
    storage = [
        r[0]
        for r in engine.store.conn.execute(
            "SELECT a.asset_tag FROM assets a JOIN slots s ON s.asset_id = a.id ORDER BY a.id"
        )
    ]
    results: dict[str, list[float]] = {
        k: [] for k in ("preview", "eng_out", "floor_out", "eng_in", "floor_in")
    }
    for _ in range(reps + 1):  # the first repetition warms caches and is not counted
        tags = rng.sample(storage, batch)
        holder_badge = badge(rng.randrange(holders))
        # Interleaved so that disk and CPU noise hits both sides alike.
        runs: list[tuple[str, Callable[[], object]]] = [
            ("preview", partial(engine.preview_stock_out, tags, holder_badge)),
            ("eng_out", partial(engine.commit_stock_out, tags, holder_badge)),
            ("floor_out", partial(floor_stock_out, conn, tags, holder_badge)),
            ("eng_in", partial(engine.commit_stock_in, tags)),
            ("floor_in", partial(floor_stock_in, conn, tags)),
        ]
        for key, fn in runs:
            results[key].append(timed(fn))
    conn.close()
    commit_ms = statistics.median(COMMIT_MS[2:])  # [0:2] belong to the warm-up repetition
    ok = True
    print(f"\ncommit of {batch:,} assets, median of {reps} (ms; first repetition discarded)")
    print(f"  {'operation':<12} {'engine':>9} {'floor':>9} {'ratio':>7}   engine runs")
    for op, eng_key, floor_key in (
        ("stock-out", "eng_out", "floor_out"),
        ("stock-in", "eng_in", "floor_in"),
    ):
        eng = statistics.median(results[eng_key][1:])
        flo = statistics.median(results[floor_key][1:])
        ratio = eng / flo
        ok &= ratio <= TARGET_COMMIT_RATIO
        runs_text = " ".join(f"{x:.0f}" for x in results[eng_key][1:])
        print(f"  {op:<12} {eng:9.1f} {flo:9.1f} {ratio:7.2f}   {runs_text}")
        print(
            f"  {'':<12} {'':>9} floor runs: "
            + " ".join(f"{x:.0f}" for x in results[floor_key][1:])
        )
    print(f"  the floor's COMMIT statement alone (WAL write + fsync): median {commit_ms:.1f} ms")
    preview_ms = statistics.median(results["preview"][1:])
    print(
        f"  preview_stock_out of the same {batch:,} lines (read only): median {preview_ms:.1f} ms"
    )
    return ok


# -- machine -----------------------------------------------------------------------------------


def machine(db_dir: Path) -> None:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    disk = "unknown"
    try:
        best = ""
        for line in Path("/proc/mounts").read_text().splitlines():
            dev, mnt, fstype, *_ = line.split()
            if str(db_dir.resolve()).startswith(mnt) and len(mnt) >= len(best):
                best, disk = mnt, f"{dev} ({fstype}) mounted on {mnt}"
    except OSError:
        pass
    print(f"CPU: {cpu}, {os.cpu_count()} cores; RAM {ram}")
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}"
    )
    print(f"database dir: {db_dir} on {disk}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="database to build (or reuse if it exists)")
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--holders", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=10_000, help="scans per kind")
    parser.add_argument("--reps", type=int, default=7, help="commit repetitions")
    parser.add_argument("--batch", type=int, default=1_000, help="assets per commit")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--skip-verify", action="store_true")
    args = parser.parse_args(argv)

    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="assettrack-bench-"))
        db = tmp / "bench.db"
    else:
        db = args.db.resolve()
    try:
        machine(db.parent)
        print(
            f"{args.assets:,} assets, {args.cases:,} cases, {args.holders:,} holders; seed {args.seed}"
        )
        if not db.exists():
            build(db, args.assets, args.cases, args.holders, args.seed)
        else:
            print(f"reusing {db}")
        floor_db = db.with_name(db.stem + "-floor.db")
        copy_db(db, floor_db)

        store = Store(db, create=False)
        engine = Engine(store, operator="bench", settings=Settings())
        show_plans(store.conn)
        verdicts_ok = bench_verdicts(engine, args.assets, args.holders, args.samples, args.seed)
        commits_ok = bench_commits(
            engine, floor_db, args.assets, args.holders, args.reps, args.batch, args.seed
        )
        if not args.skip_verify:
            t0 = time.perf_counter()
            report = verify(store)
            floor_store = Store(floor_db, create=False)
            floor_report = verify(floor_store)
            floor_store.close()
            print(
                f"\nverify: engine db {'ok' if report.ok else 'PROBLEMS'} ({report.events:,} events), "
                f"floor db {'ok' if floor_report.ok else 'PROBLEMS'} ({floor_report.events:,} events) "
                f"in {time.perf_counter() - t0:.1f} s"
            )
            for problem in (report.problems + floor_report.problems)[:10]:
                print(f"  {problem}")
        store.close()
        print(
            f"\ntargets: scan → verdict p99 ≤ {TARGET_VERDICT_P99_MS} ms: "
            f"{'met' if verdicts_ok else 'MISSED'}; commit ≤ {TARGET_COMMIT_RATIO}× floor: "
            f"{'met' if commits_ok else 'MISSED'}"
        )
        return 0 if verdicts_ok and commits_ok else 1
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
