"""The engine on PostgreSQL at stockroom scale: scan → verdict, a 1,000-asset stock-out beside a bare
psycopg script, and 8 stations stocking out at once.

Not a test: it prints figures (recorded in docs/benchmarks.md, "PostgreSQL"). It starts its own
throw-away cluster the way the tests do (``tests/pgcluster.py``: ``initdb`` in a temp dir, a Unix
socket, removed at the end) but with ``fsync=on``, ``full_page_writes=on`` and
``synchronous_commit=on`` (the tests turn them off), so a commit costs what it costs on a real
server. Then, through the Engine's own batch calls (every row has its events; ``verify`` passes):
5,000 holders, 2,000 cases of 50 slots, 100,000 assets, some custody history; and measures

* scan → verdict: ``Engine.classify`` and a single-line ``preview_stock_out`` for exact tags,
  dash-stripped, unknown and wrong-case scans, p50/p99 (target p99 ≤ 2 ms);
* a 1,000-asset ``commit_stock_out`` beside "the floor": the same database work (the holder;
  every asset and its slot in one statement, as the engine now reads a whole batch; the chain
  head; the UPDATEs of slots and assets; the INSERT of the hash-chained events; the NOTIFY) run
  by a bare psycopg script in one transaction taking the same lock, on an identical copy of the
  database (``CREATE DATABASE … TEMPLATE``); target ≤ 2×; stock-in beside its floor too;
* 8 processes (stations) for 60 s, each stocking out a random 100-asset batch to its holder and
  returning it: commits per second, assets per second, refusals (a batch holding an asset another
  station has out is refused whole), and at the end: every asset back in the slot it came from,
  every stock-out matched by one stock-in in the log (0 lost or doubled custody), ``verify`` clean;
* the events export of the resulting log (about 250,000 rows) through the server-side cursor the
  reports use, and once with the whole result fetched first, each in a fresh process: seconds
  and peak RSS.

    .venv/bin/python benchmarks/bench_pg.py                  # about 5 minutes
    .venv/bin/python benchmarks/bench_pg.py --seconds 20 --samples 2000 --reps 3   # quicker
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.pgcluster: the same throw-away cluster as the tests

TARGET_VERDICT_P99_MS = 2.0
TARGET_COMMIT_RATIO = 2.0
DURABLE = (
    "-c fsync=on -c full_page_writes=on -c synchronous_commit=on -c shared_buffers=256MB "
    "-c max_connections=50"
)
GENESIS = "0" * 64


def tag(i: int) -> str:
    return f"AT-{i:06d}"


def badge(i: int) -> str:
    return f"B-{i:05d}"


def case_code(i: int) -> str:
    return f"CASE-{i:04d}"


def percentiles(ns: Sequence[int]) -> tuple[float, float, float]:
    ordered = sorted(ns)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6

    return at(0.50), at(0.99), ordered[-1] / 1e6


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


# -- building the database -----------------------------------------------------------------------


def build(uri: str, assets: int, cases: int, holders: int, seed: int) -> None:
    from assettrack_gui.core.backend import open_store
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
    from assettrack_gui.core.settings import Settings

    rows, cols = 5, -(-assets // cases // 5)
    t0 = time.perf_counter()
    with open_store(uri) as store:
        engine = Engine(store, operator="bench", settings=Settings())
        for start in range(0, holders, 1000):
            engine.add_holders(
                [NewHolder(f"Holder {i:05d}", badge(i), label=badge(i))
                 for i in range(start, min(holders, start + 1000))]
            )  # fmt: skip
        for start in range(0, cases, 500):
            engine.create_cases(
                [NewCase(case_code(c), f"Case {c}", rows, cols, label=case_code(c))
                 for c in range(start, min(cases, start + 500))]
            )  # fmt: skip
        per_case = rows * cols
        for start in range(0, assets, 5000):
            engine.commit_register(
                [NewAsset(tag(i), f"SN{i:08d}", "Laptop 14in", case_code(i // per_case),
                          i % per_case + 1)
                 for i in range(start, min(assets, start + 5000))]
            )  # fmt: skip
        # Some custody history: 10 stock-outs of 1,000 assets, half of each returned.
        rng = random.Random(seed)
        held: set[int] = set()
        for _ in range(10):
            picked = [i for i in rng.sample(range(assets), 1000) if i not in held]
            engine.commit_stock_out([tag(i) for i in picked], badge(rng.randrange(holders)))
            engine.commit_stock_in([tag(i) for i in picked[: len(picked) // 2]])
            held.update(picked[len(picked) // 2 :])
    with open_store(uri, create=False) as store:
        store.raw.execute("VACUUM ANALYZE")  # type: ignore[attr-defined]
    print(f"built in {time.perf_counter() - t0:.1f} s")


# -- scan → verdict --------------------------------------------------------------------------------


def bench_verdicts(uri: str, assets: int, holders: int, samples: int, seed: int) -> bool:
    from assettrack_gui.core.backend import open_store
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.core.settings import Settings

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
    clock = time.perf_counter_ns
    print(f"\nscan → verdict, {samples:,} samples each (ms)")
    print(f"  {'scan kind':<30} {'call':<28} {'p50':>7} {'p99':>7} {'max':>7}")
    with open_store(uri, create=False) as store:
        engine = Engine(store, operator="bench", settings=Settings())
        for kind, scans in kinds.items():
            calls: list[tuple[str, Callable[[str], object]]] = [
                ("Engine.classify", engine.classify),
                ("preview_stock_out([scan])", lambda s: engine.preview_stock_out([s], holder)),
            ]
            for name, fn in calls:
                for scan in scans[:300]:  # warm the server's cache and psycopg's prepared plans
                    fn(scan)
                times = []
                for scan in scans:
                    t0 = clock()
                    fn(scan)
                    times.append(clock() - t0)
                p50, p99, worst = percentiles(times)
                ok &= p99 <= TARGET_VERDICT_P99_MS
                print(f"  {kind:<30} {name:<28} {p50:7.3f} {p99:7.3f} {worst:7.3f}")
    return ok


# -- a 1,000-asset stock-out: engine and floor ----------------------------------------------------

INSERT_EVENT = (
    "INSERT INTO events (id, batch_id, event_type, asset_id, holder_id, slot_id, operator, "
    "created_at, note, details, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
LOCK = "BEGIN ISOLATION LEVEL REPEATABLE READ; LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"


def _events(conn: Any, event_type: str, rows: list[tuple[int, int, int]]) -> list[tuple]:
    """(asset_id, holder_id, slot_id) → event rows, hash-chained exactly as the engine does."""
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    batch = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + os.urandom(3).hex()
    conn.execute("SELECT 1 FROM events WHERE batch_id = %s LIMIT 1", (batch,)).fetchone()
    head = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    next_id, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    out = []
    for asset_id, holder_id, slot_id in rows:
        content = [next_id, batch, event_type, asset_id, holder_id, slot_id, "bench", created,
                   "", "{}"]  # fmt: skip
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
        out.append((*content, prev, digest))
        prev, next_id = digest, next_id + 1
    return out


def floor_stock_out(conn: Any, tags: Sequence[str], holder_badge: str) -> None:
    conn.execute(LOCK)
    try:
        (holder_id,) = conn.execute(
            "SELECT id FROM holders WHERE badge_code = %s AND active = 1", (holder_badge,)
        ).fetchone()
        found = {
            tag: (asset_id, slot_id)
            for asset_id, slot_id, tag in conn.execute(
                "SELECT a.id, s.id, a.asset_tag FROM assets a JOIN slots s ON s.asset_id = a.id "
                "WHERE a.asset_tag = ANY(%s) AND a.location_type = 'STORAGE'",
                (list(tags),),
            )
        }
        assert len(found) == len(tags)
        rows = [(found[t][0], holder_id, found[t][1]) for t in tags]
        with conn.cursor() as cur:
            cur.executemany("UPDATE slots SET asset_id = NULL WHERE id = %s", [(r[2],) for r in rows])
            cur.executemany(
                "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = %s "
                "WHERE id = %s",
                [(holder_id, r[0]) for r in rows],
            )
            cur.executemany(INSERT_EVENT, _events(conn, "STOCK_OUT", rows))
        conn.execute("NOTIFY assettrack")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def floor_stock_in(conn: Any, tags: Sequence[str]) -> None:
    conn.execute(LOCK)
    try:
        found = {
            tag: (asset_id, holder_id, slot_id)
            for asset_id, holder_id, slot_id, tag in conn.execute(
                "SELECT a.id, a.current_holder_id, (SELECT e.slot_id FROM events e "
                "WHERE e.asset_id = a.id AND e.event_type = 'STOCK_OUT' ORDER BY e.id DESC "
                "LIMIT 1), a.asset_tag FROM assets a "
                "WHERE a.asset_tag = ANY(%s) AND a.location_type = 'IN_CUSTODY'",
                (list(tags),),
            )
        }
        assert len(found) == len(tags)
        rows = [found[t] for t in tags]
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE assets SET location_type = 'STORAGE', current_holder_id = NULL "
                "WHERE id = %s",
                [(r[0],) for r in rows],
            )
            cur.executemany(
                "UPDATE slots SET asset_id = %s WHERE id = %s", [(r[0], r[2]) for r in rows]
            )
            cur.executemany(INSERT_EVENT, _events(conn, "STOCK_IN", rows))
        conn.execute("NOTIFY assettrack")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def bench_commits(
    uri: str, floor_uri: str, holders: int, reps: int, batch: int, seed: int
) -> bool:
    import psycopg

    from assettrack_gui.core.backend import open_store
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.core.settings import Settings

    rng = random.Random(seed)
    floor = psycopg.connect(floor_uri, autocommit=True)
    store = open_store(uri, create=False)
    engine = Engine(store, operator="bench", settings=Settings())
    storage = [
        r[0]
        for r in store.conn.execute(
            "SELECT a.asset_tag FROM assets a JOIN slots s ON s.asset_id = a.id ORDER BY a.id"
        )
    ]
    results: dict[str, list[float]] = {
        k: [] for k in ("preview", "eng_out", "floor_out", "eng_in", "floor_in")
    }
    for _ in range(reps + 1):  # the first repetition warms caches and is not counted
        tags = rng.sample(storage, batch)
        holder_badge = badge(rng.randrange(holders))
        runs: list[tuple[str, Callable[[], object]]] = [
            ("preview", partial(engine.preview_stock_out, tags, holder_badge)),
            ("eng_out", partial(engine.commit_stock_out, tags, holder_badge)),
            ("floor_out", partial(floor_stock_out, floor, tags, holder_badge)),
            ("eng_in", partial(engine.commit_stock_in, tags)),
            ("floor_in", partial(floor_stock_in, floor, tags)),
        ]
        for key, fn in runs:  # interleaved, so noise hits both sides alike
            results[key].append(timed(fn))
    floor.close()
    store.close()
    ok = True
    print(f"\ncommit of {batch:,} assets, median of {reps} (ms; first repetition discarded)")
    print(f"  {'operation':<12} {'engine':>9} {'floor':>9} {'ratio':>7}   engine runs / floor runs")
    for op, eng_key, floor_key in (
        ("stock-out", "eng_out", "floor_out"),
        ("stock-in", "eng_in", "floor_in"),
    ):
        eng = statistics.median(results[eng_key][1:])
        flo = statistics.median(results[floor_key][1:])
        ratio = eng / flo
        if op == "stock-out":
            ok &= ratio <= TARGET_COMMIT_RATIO
        print(f"  {op:<12} {eng:9.1f} {flo:9.1f} {ratio:7.2f}   "
              + " ".join(f"{x:.0f}" for x in results[eng_key][1:]) + " / "
              + " ".join(f"{x:.0f}" for x in results[floor_key][1:]))  # fmt: skip
    preview_ms = statistics.median(results["preview"][1:])
    print(f"  preview_stock_out of the same {batch:,} lines (read only): median {preview_ms:.1f} ms")
    return ok


# -- 8 stations at once ---------------------------------------------------------------------------


def worker(uri: str, station: int, assets: int, batch: int, seconds: float, seed: int) -> int:
    """One station: until the time is up, stock out a random batch to its own holder, then
    return it. Prints one JSON line with what it did."""
    from assettrack_gui.core.backend import open_store
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.core.errors import Refused, StoreError
    from assettrack_gui.core.settings import Settings

    rng = random.Random(seed * 100 + station)
    store = open_store(uri, create=False)
    engine = Engine(store, operator=f"station-{station}", settings=Settings())
    # What is on the shelves at the start (the history left some assets out with holders): the
    # batches are drawn from these, so a refusal means another station has the asset out now.
    pool = [
        r[0]
        for r in store.conn.execute("SELECT asset_tag FROM assets WHERE location_type = 'STORAGE'")
    ]
    done = {"station": station, "out": 0, "in": 0, "refused": 0, "busy": 0, "assets_out": 0,
            "out_ms": [], "in_ms": []}  # fmt: skip
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdin.readline()  # go
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        tags = rng.sample(pool, batch)
        t0 = time.perf_counter()
        try:
            result = engine.commit_stock_out(tags, badge(station))
        except Refused:
            done["refused"] += 1
            continue
        except StoreError:
            done["busy"] += 1
            continue
        done["out_ms"].append((time.perf_counter() - t0) * 1000)
        done["out"] += 1
        done["assets_out"] += result.count
        while True:  # the batch comes back, whatever it takes
            t0 = time.perf_counter()
            try:
                engine.commit_stock_in(tags)
            except StoreError:
                done["busy"] += 1
                continue
            done["in_ms"].append((time.perf_counter() - t0) * 1000)
            done["in"] += 1
            break
    store.close()
    sys.stdout.write(json.dumps(done) + "\n")
    return 0


def bench_stations(uri: str, assets: int, stations: int, batch: int, seconds: float, seed: int) -> bool:
    import psycopg

    from assettrack_gui.core.backend import open_store
    from assettrack_gui.core.verify import verify

    with psycopg.connect(uri) as conn:
        before = dict(conn.execute(
            "SELECT a.asset_tag, s.id FROM assets a LEFT JOIN slots s ON s.asset_id = a.id "
            "WHERE a.location_type = 'STORAGE'"
        ).fetchall())  # fmt: skip
        (events_before,) = conn.execute("SELECT count(*) FROM events").fetchone()
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", uri, str(s), str(assets), str(batch),
             str(seconds), str(seed)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        for s in range(stations)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "READY"
    t0 = time.monotonic()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    reports = []
    for p in procs:
        out, _ = p.communicate(timeout=seconds + 120)
        reports.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.monotonic() - t0
    outs = sum(r["out"] for r in reports)
    ins = sum(r["in"] for r in reports)
    refused = sum(r["refused"] for r in reports)
    busy = sum(r["busy"] for r in reports)
    moved = sum(r["assets_out"] for r in reports)
    out_ms = sorted(x for r in reports for x in r["out_ms"])
    print(f"\n{stations} stations, {batch}-asset batches, {wall:.1f} s")
    print(f"  stock-outs committed: {outs} ({outs / wall:.1f}/s, {moved / wall:.0f} assets/s); "
          f"stock-ins: {ins}; refused: {refused} "
          f"({refused / max(1, outs + refused):.0%} of stock-out attempts); busy: {busy}")  # fmt: skip
    if out_ms:
        print(f"  stock-out commit time: p50 {out_ms[len(out_ms) // 2]:.0f} ms, "
              f"p99 {out_ms[min(len(out_ms) - 1, int(0.99 * len(out_ms)))]:.0f} ms")  # fmt: skip
    per_station = " ".join(f"{r['out']}/{r['refused']}" for r in reports)
    print(f"  per station (committed/refused): {per_station}")
    # The end state: every asset where it was, and the log pairs every stock-out with a stock-in.
    with psycopg.connect(uri) as conn:
        after = dict(conn.execute(
            "SELECT a.asset_tag, s.id FROM assets a LEFT JOIN slots s ON s.asset_id = a.id "
            "WHERE a.location_type = 'STORAGE'"
        ).fetchall())  # fmt: skip
        (n_out, n_in) = conn.execute(
            "SELECT count(*) FILTER (WHERE event_type = 'STOCK_OUT'), "
            "count(*) FILTER (WHERE event_type = 'STOCK_IN') FROM events WHERE id > %s",
            (events_before,),
        ).fetchone()
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT event_type, lag(event_type) OVER "
            "(PARTITION BY asset_id ORDER BY id) AS before FROM events "
            "WHERE event_type IN ('STOCK_OUT', 'STOCK_IN')) AS e "
            "WHERE event_type = before"
        ).fetchone()[0]
    lost = n_out - moved
    print(f"  end: {len(after):,} assets in storage (before {len(before):,}), slots unchanged: "
          f"{after == before}; STOCK_OUT events {n_out} = assets stocked out {moved} "
          f"(difference {lost}); STOCK_IN events {n_in}; two stock-outs (or ins) in a row for one "
          f"asset: {doubled}")  # fmt: skip
    with open_store(uri, create=False, anchored=False) as store:
        t1 = time.perf_counter()
        report = verify(store)
        print(f"  verify: {'OK' if report.ok else report.problems[:5]} "
              f"({report.events:,} events, {time.perf_counter() - t1:.1f} s)")  # fmt: skip
    return after == before and lost == 0 and n_in == n_out and doubled == 0 and report.ok


# -- a large export --------------------------------------------------------------------------------


def _peak_rss_kib() -> int:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it starts afresh at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def export_worker(uri: str, stream_rows: int, dest: str) -> int:
    """One export in a fresh process (``stream_rows`` 0: the whole result fetched first): prints
    rows, seconds, the peak RSS before and after (libpq keeps a whole result in C memory)."""
    from assettrack_gui.core import pg_store
    from assettrack_gui.core.report_requests import ReportRequest, export_report

    if stream_rows:
        pg_store.STREAM_ROWS = stream_rows
    else:
        pg_store.PgConnection.stream = None  # type: ignore[assignment,method-assign]
    before = _peak_rss_kib()
    t0 = time.perf_counter()
    rows = export_report(uri, ReportRequest("events"), Path(dest))
    seconds = time.perf_counter() - t0
    print(json.dumps({"rows": rows, "seconds": seconds, "before_kib": before,
                      "peak_kib": _peak_rss_kib()}))  # fmt: skip
    return 0


def bench_export(uri: str, folder: Path) -> None:
    """The events report as CSV (what ``assettrack-admin report events --csv`` writes), read
    through the reports' server-side cursor, and once with the whole result fetched first; each
    in its own process: seconds and peak RSS."""
    from assettrack_gui.core.pg_store import STREAM_ROWS

    print("\nevents export to CSV (report_requests.export_report), each in a fresh process")
    for label, rows_per_fetch in (
        (f"server-side cursor, {STREAM_ROWS:,} rows per FETCH (as shipped)", STREAM_ROWS),
        ("server-side cursor, 20,000 rows per FETCH", 20_000),
        ("whole result first (no server-side cursor)", 0),
    ):
        done = subprocess.run(
            [sys.executable, __file__, "--export-worker", uri, str(rows_per_fetch),
             str(folder / f"events-{rows_per_fetch}.csv")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {label:<52} {r['rows']:,} rows in {r['seconds']:.1f} s "
              f"({r['rows'] / r['seconds']:,.0f} rows/s); peak RSS {r['peak_kib'] / 1024:.0f} MiB "
              f"(before the export {r['before_kib'] / 1024:.0f} MiB)")  # fmt: skip


# -- machine -----------------------------------------------------------------------------------


def machine(server_version: str) -> None:
    cpu, ram = "unknown", "unknown"
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
        pass
    import psycopg

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; CPU: {cpu}, {os.cpu_count()} cores; RAM {ram}")
    print(f"Python {platform.python_version()}, psycopg {psycopg.__version__}, "
          f"{server_version}; {platform.platform()}")  # fmt: skip
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--export-worker"]:
        uri, stream_rows, dest = args_list[1:]
        return export_worker(uri, int(stream_rows), dest)
    if args_list[:1] == ["--worker"]:
        uri, station, assets, batch, seconds, seed = args_list[1:]
        return worker(uri, int(station), int(assets), int(batch), float(seconds), int(seed))
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--holders", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=5_000, help="scans per kind")
    parser.add_argument("--reps", type=int, default=7, help="commit repetitions")
    parser.add_argument("--batch", type=int, default=1_000, help="assets per commit")
    parser.add_argument("--stations", type=int, default=8)
    parser.add_argument("--station-batch", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args(args_list)

    import psycopg

    from tests.pgcluster import remove_cluster, start_cluster

    cluster = start_cluster(DURABLE)
    try:
        admin = cluster.url("postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            version = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
            conn.execute("CREATE DATABASE bench")
        machine(version)
        print(f"{args.assets:,} assets, {args.cases:,} cases, {args.holders:,} holders; "
              f"server settings: {DURABLE}")  # fmt: skip
        uri = cluster.url("bench")
        build(uri, args.assets, args.cases, args.holders, args.seed)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench_floor TEMPLATE bench")
            conn.execute("CREATE DATABASE bench_stations TEMPLATE bench")
        ok_verdicts = bench_verdicts(uri, args.assets, args.holders, args.samples, args.seed)
        ok_commits = bench_commits(
            uri, cluster.url("bench_floor"), args.holders, args.reps, args.batch, args.seed
        )
        ok_stations = bench_stations(
            cluster.url("bench_stations"), args.assets, args.stations, args.station_batch,
            args.seconds, args.seed,
        )  # fmt: skip
        bench_export(cluster.url("bench_stations"), cluster.socket_dir)
    finally:
        remove_cluster(cluster)
    print(f"\ntargets: verdict p99 ≤ {TARGET_VERDICT_P99_MS} ms: {'met' if ok_verdicts else 'MISSED'}; "
          f"stock-out ≤ {TARGET_COMMIT_RATIO}× floor: {'met' if ok_commits else 'MISSED'}; "
          f"stations: {'0 lost or doubled' if ok_stations else 'PROBLEM'}")  # fmt: skip
    return 0 if ok_verdicts and ok_commits and ok_stations else 1


if __name__ == "__main__":
    sys.exit(main())
