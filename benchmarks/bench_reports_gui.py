"""The Reports tab with 100,000 custody rows: time to first rows, to all rows, to sort and filter.

Not a test: it prints figures. It builds (``executemany`` in one transaction, schema from
``Store``) a database of 100,000 assets all in custody of 5,000 holders, each with a RECEIVE and
a STOCK_OUT event (about a third of them older than the overdue limit), then drives a real
``ReportsTab`` (offscreen unless ``QT_QPA_PLATFORM`` says otherwise, shown at 1400 × 900) and
measures

* load: from ``refresh()`` to the first rows in the model, and to the whole report;
* sort: a header-equivalent ``sortByColumn`` on days held (numbers), holder (text) and since
  (local time, sorted by UTC), each ascending then descending;
* filter: typing a holder name into the filter box, clearing it, "Only overdue rows";
* export: the shown report to CSV through the tab's export worker;
* responsiveness: the longest gap between ticks of a 5 ms GUI-thread timer during each phase
  (a frozen window would show up here as a gap of the phase's whole duration).

    .venv/bin/python benchmarks/bench_reports_gui.py             # temp dir, removed afterwards
    .venv/bin/python benchmarks/bench_reports_gui.py --db /tmp/gui.db --rows 100000
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from assettrack_gui.core.settings import Settings  # noqa: E402
from assettrack_gui.core.store import Store  # noqa: E402
from assettrack_gui.qt.reports_tab import ReportsTab  # noqa: E402

HOLDERS = 5_000
OVERDUE_DAYS = 14


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def build(path: Path, assets: int) -> None:
    Store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # a throwaway benchmark database
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO holders (id, name, badge_code, active) VALUES (?, ?, ?, 1)",
        ((h, f"Holder {h:05d}", f"B-{h:05d}") for h in range(1, HOLDERS + 1)),
    )
    conn.execute("INSERT INTO cases (id, case_code, name, rows, cols) VALUES (1, 'CART', '', 1, 1)")
    conn.execute("INSERT INTO slots (id, case_id, position) VALUES (1, 1, 1)")
    conn.executemany(
        "INSERT INTO assets (id, asset_tag, serial, description, location_type, "
        "current_holder_id) VALUES (?, ?, ?, ?, 'IN_CUSTODY', ?)",
        (
            (a, f"AT-{a:06d}", f"{a:08d}", "Dell Latitude 5440, 14-inch", (a - 1) % HOLDERS + 1)
            for a in range(1, assets + 1)
        ),
    )
    now = datetime.now(UTC)

    def events() -> Iterator[tuple[object, ...]]:
        for a in range(1, assets + 1):
            out = now - timedelta(days=a % 45, minutes=a % 1440)
            for eid, kind, when, holder in (
                (a, "RECEIVE", out - timedelta(days=60), None),
                (assets + a, "STOCK_OUT", out, (a - 1) % HOLDERS + 1),
            ):
                yield (
                    eid,
                    f"batch-{kind}-{a // 100:05d}",
                    kind,
                    a,
                    holder,
                    1,
                    f"operator{a % 20:02d}",
                    stamp(when),
                    f"{eid:064x}",
                )

    conn.executemany(
        "INSERT INTO events (id, batch_id, event_type, asset_id, holder_id, slot_id, operator, "
        "created_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?)",
        events(),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()


class StallMeter:
    """The longest gap between ticks of a 5 ms timer in the GUI thread."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.longest = 0

    def _tick(self) -> None:
        gap = self.clock.restart()
        self.longest = max(self.longest, gap)

    def start(self) -> None:
        self.longest = 0
        self.clock.start()
        self.timer.start()

    def stop(self) -> int:
        self.timer.stop()
        self._tick()
        return self.longest


def wait_for(condition: Callable[[], bool], timeout_s: float = 600) -> None:
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def timed(fn: Callable[[], object]) -> float:
    """Seconds for a synchronous GUI action (it holds the event loop for that long)."""
    QApplication.processEvents()
    start = time.perf_counter()
    fn()
    QApplication.processEvents()
    return time.perf_counter() - start


def filter_by(tab: ReportsTab, text: str) -> None:
    """Type into the filter box and press Enter (applies at once instead of after a pause)."""
    tab.filter_edit.setText(text)
    QTest.keyClick(tab.filter_edit, Qt.Key.Key_Return)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to build (or reuse if it exists)")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-gui-"))
    db = args.db or tmp / "bench.db"
    try:
        if not db.exists():
            start = time.perf_counter()
            build(db, args.rows)
            print(f"built {args.rows:,} assets in custody in {time.perf_counter() - start:.1f} s")
        print(
            f"machine: {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, Qt platform {os.environ['QT_QPA_PLATFORM']}"
        )
        app = QApplication.instance() or QApplication(sys.argv[:1])
        store = Store(db, create=False)
        meter = StallMeter()

        first_rows: list[float] = []
        start = time.perf_counter()
        meter.start()
        tab = ReportsTab(store, Settings(overdue_days=OVERDUE_DAYS))
        tab.model.rowsInserted.connect(
            lambda *a: first_rows.append(time.perf_counter() - start) if not first_rows else None
        )
        tab.resize(1400, 900)
        tab.show()
        wait_for(lambda: not tab.is_loading())
        total = time.perf_counter() - start
        stall = meter.stop()
        rows = tab.model.rowCount()
        print(
            f"load custody: {rows:,} rows; first rows after {first_rows[0] * 1000:.0f} ms, "
            f"all rows after {total:.2f} s; longest GUI stall {stall} ms "
            f"({tab.model.flagged_count():,} overdue)"
        )

        for name in ("days_held", "holder", "since_local"):
            column = tab.model.column(name)
            assert column is not None
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                seconds = timed(partial(tab.table.sortByColumn, column, order))
                label = "asc" if order == Qt.SortOrder.AscendingOrder else "desc"
                print(f"sort {name} {label}: {seconds * 1000:.0f} ms")

        seconds = timed(lambda: filter_by(tab, "holder 00042"))
        print(f"filter 'holder 00042': {seconds * 1000:.0f} ms → {tab.proxy.rowCount():,} rows")
        seconds = timed(lambda: filter_by(tab, ""))
        print(f"clear filter: {seconds * 1000:.0f} ms → {tab.proxy.rowCount():,} rows")
        seconds = timed(lambda: tab.overdue_only.setChecked(True))
        print(f"only overdue rows: {seconds * 1000:.0f} ms → {tab.proxy.rowCount():,} rows")
        tab.overdue_only.setChecked(False)

        dest = tmp / "custody.csv"
        assert tab._shown is not None
        outcome: list[str] = []
        tab.exportFinished.connect(outcome.append)
        setattr(QMessageBox, "information", staticmethod(lambda *a, **k: 0))  # noqa: B010
        meter.start()
        start = time.perf_counter()
        tab.start_export(tab._shown, dest)
        wait_for(lambda: bool(outcome))
        seconds = time.perf_counter() - start
        stall = meter.stop()
        size = dest.stat().st_size / 1e6 if dest.exists() else 0.0
        print(
            f"export custody CSV: {outcome[0]} in {seconds:.2f} s ({size:.1f} MB); "
            f"longest GUI stall {stall} ms"
        )

        meter.start()
        start = time.perf_counter()
        tab.set_kind("events")
        wait_for(lambda: not tab.is_loading())
        seconds = time.perf_counter() - start
        stall = meter.stop()
        print(
            f"load events: {tab.model.rowCount():,} rows in {seconds:.2f} s; "
            f"longest GUI stall {stall} ms"
        )
        column = tab.model.column("created_at_local")
        assert column is not None
        seconds = timed(lambda: tab.table.sortByColumn(column, Qt.SortOrder.DescendingOrder))
        print(f"sort events by time desc: {seconds * 1000:.0f} ms")

        tab.jobs.stop_all()
        tab.close()
        store.close()
        del app
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
