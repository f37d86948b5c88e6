"""CSV export at stockroom scale: 100,000 custody rows and 1,000,000 events, time and peak memory.

Not a test: it prints figures (recorded in docs/benchmarks.md, section "Exports").

How the data is made: the schema comes from ``Store`` (so every index and trigger is there), then
one ``BEGIN IMMEDIATE`` transaction fills it with ``executemany`` from generators: 5,000 holders,
2,000 cases of 50 slots, 100,000 assets all IN_CUSTODY (spread over the holders, slots empty)
and 10 events per asset = 1,000,000 events: RECEIVE, then four STOCK_OUT/STOCK_IN pairs, then
the STOCK_OUT that put it in custody, 30 s apart in round-robin order over a year, operators
cycling over 20 names. ``prev_hash``/``hash`` are unique placeholders, not a valid chain:
``verify`` would fail, but reports never read the chain (the log head they record is just the
count and the newest ``hash``). The database is about 400 MiB.

What is measured, each export in its own fresh process so memory figures are not polluted:

* wall time and peak RSS (``ru_maxrss`` from ``os.wait4``) of the real command line
  ``assettrack-admin report custody --csv FILE`` (100,000 rows) and ``report events --csv FILE``
  (1,000,000 rows), beside ``report events --since …`` (the newest 100,000 events) and
  ``report custody --holder …`` (20 rows), so RSS can be compared across row counts;
* the Python heap peak (``tracemalloc``) of the same exports in a child that calls
  ``reports.*_report`` + ``csvout.write_csv`` directly (tracemalloc slows it; not timed).

    .venv/bin/python benchmarks/bench_export.py                 # temp dir, removed afterwards
    .venv/bin/python benchmarks/bench_export.py --db /tmp/ex.db # keep (and reuse) the database
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assettrack_gui.core.store import Store

HOLDERS = 5_000
SLOTS_PER_CASE = 50
EVENTS_PER_ASSET = 10
START = datetime(2025, 11, 1, tzinfo=UTC)
STEP = timedelta(seconds=30)
ADMIN = Path(sys.executable).parent / "assettrack-admin"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# -- building the database -------------------------------------------------------------------------


def build(path: Path, assets: int) -> None:
    cases = (assets + SLOTS_PER_CASE - 1) // SLOTS_PER_CASE
    Store(path).close()  # schema, pragmas, WAL
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # a throwaway benchmark database
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO holders (id, name, badge_code, active) VALUES (?, ?, ?, 1)",
        ((h, f"Holder {h:05d}", f"B-{h:05d}") for h in range(1, HOLDERS + 1)),
    )
    conn.executemany(
        "INSERT INTO cases (id, case_code, name, rows, cols) VALUES (?, ?, ?, 5, 10)",
        ((c, f"CASE-{c:04d}", f"Cart {c}") for c in range(1, cases + 1)),
    )
    conn.executemany(
        "INSERT INTO slots (id, case_id, position) VALUES (?, ?, ?)",
        (
            (s, (s - 1) // SLOTS_PER_CASE + 1, (s - 1) % SLOTS_PER_CASE + 1)
            for s in range(1, cases * SLOTS_PER_CASE + 1)
        ),
    )
    conn.executemany(
        "INSERT INTO assets (id, asset_tag, serial, description, location_type, "
        "current_holder_id) VALUES (?, ?, ?, ?, 'IN_CUSTODY', ?)",
        (
            (a, f"AT-{a:06d}", f"{a:08d}", "Dell Latitude 5440, 14-inch", (a - 1) % HOLDERS + 1)
            for a in range(1, assets + 1)
        ),
    )

    def events() -> Iterator[tuple[object, ...]]:
        for rnd in range(EVENTS_PER_ASSET):
            kind = "RECEIVE" if rnd == 0 else ("STOCK_OUT" if rnd % 2 else "STOCK_IN")
            for a in range(1, assets + 1):
                eid = rnd * assets + a
                holder = None if kind == "RECEIVE" else (a - 1) % HOLDERS + 1
                yield (
                    eid,
                    f"batch-{rnd:02d}-{(a - 1) // 100:05d}",
                    kind,
                    a,
                    holder,
                    a,  # the asset's own slot
                    f"operator{eid % 20:02d}",
                    stamp(START + eid * STEP),
                    "",
                    "{}",
                    f"{eid - 1:064x}",
                    f"{eid:064x}",
                )

    conn.executemany(
        "INSERT INTO events (id, batch_id, event_type, asset_id, holder_id, slot_id, operator, "
        "created_at, note, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        events(),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()


# -- one export in a child process ----------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    """Run one export with tracemalloc and print its peak as JSON (called by the parent)."""
    import tracemalloc

    from assettrack_gui.core import reports
    from assettrack_gui.core.csvout import write_csv
    from assettrack_gui.core.eventlog import log_head

    store = Store(args.db, create=False)
    with store.read() as conn:
        if args.child == "custody":
            report = reports.custody_report(conn, holder=args.holder, overdue_days=14)
        else:
            report = reports.events_report(conn, since=args.since)
        tracemalloc.start()
        rows = write_csv(args.out, report.header, report.rows(), log_head=log_head(conn))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    store.close()
    print(json.dumps({"rows": rows, "tracemalloc_peak": peak}))


def traced(db: Path, out: Path, kind: str, *extra: str) -> dict[str, int]:
    cmd = [sys.executable, __file__, "--db", str(db), "--child", kind, "--out", str(out), *extra]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def timed_cli(db: Path, out: Path, *report_args: str) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, rows) of the real assettrack-admin in a fresh process."""
    # --force: each export replaces the previous one's file (exports never overwrite by default)
    cmd = [str(ADMIN), "--db", str(db), "report", *report_args, "--csv", str(out), "--force"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {stderr}")
    rows = int(stdout.split()[1])  # "Wrote N rows to …"
    return elapsed, usage.ru_maxrss, rows


# -- main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="database to build (or reuse if it exists)")
    parser.add_argument("--assets", type=int, default=100_000, help="assets in custody")
    parser.add_argument("--child", choices=("custody", "events"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--holder", help=argparse.SUPPRESS)
    parser.add_argument("--since", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    tmpdir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    db = args.db or tmpdir / "export.db"
    try:
        print(
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{platform.system()} {platform.release()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs"
        )
        if not db.exists():
            start = time.perf_counter()
            build(db, args.assets)
            print(f"built {db} in {time.perf_counter() - start:.1f} s")
        conn = sqlite3.connect(db)
        n_assets, n_events = (
            conn.execute("SELECT count(*) FROM assets").fetchone()[0],
            conn.execute("SELECT count(*) FROM events").fetchone()[0],
        )
        # --since for the newest 10 % of events, as a local date-time (what the CLI accepts)
        tenth = conn.execute(
            "SELECT created_at FROM events ORDER BY id LIMIT 1 OFFSET ?", (n_events * 9 // 10,)
        ).fetchone()[0]
        conn.close()
        since = datetime.fromisoformat(tenth.replace("Z", "+00:00")).isoformat()
        size = db.stat().st_size / 2**20
        print(f"database: {n_assets:,} assets in custody, {n_events:,} events, {size:.0f} MiB")
        print()

        out = tmpdir / "out.csv"
        cases = [
            (
                "custody, 1 holder",
                ("custody", "--holder", "B-00001"),
                ("custody", "--holder", "B-00001"),
            ),
            ("custody, all", ("custody",), ("custody",)),
            ("events, newest 10 %", ("events", "--since", since), ("events", "--since", since)),
            ("events, all", ("events",), ("events",)),
        ]
        print(
            f"{'export':<22} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'CSV MiB':>8} "
            f"{'peak RSS MiB':>13} {'tracemalloc peak KiB':>21}"
        )
        for label, cli_args, child_args in cases:
            seconds, rss, rows = timed_cli(db, out, *cli_args)
            csv_mib = out.stat().st_size / 2**20
            extra = []
            if child_args[0] == "custody" and "--holder" in child_args:
                extra = ["--holder", child_args[2]]
            if child_args[0] == "events" and "--since" in child_args:
                extra = ["--since", child_args[2]]
            peak = traced(db, out, child_args[0], *extra)
            assert peak["rows"] == rows, (peak, rows)
            print(
                f"{label:<22} {rows:>10,} {seconds:>8.2f} {rows / seconds:>9,.0f} "
                f"{csv_mib:>8.1f} {rss / 1024:>13.1f} {peak['tracemalloc_peak'] / 1024:>21.1f}"
            )
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
