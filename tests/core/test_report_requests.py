"""core.report_requests: what the Reports page asks of the database, without Qt.

Each function takes the caller's own store or a database path (then it opens and closes a
connection of its own, as a worker thread must); none leaves a transaction open.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assettrack_gui.core.csvout import ExportCancelled, sidecar_path
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.eventlog import log_head
from assettrack_gui.core.report_requests import (
    REPORT_KINDS,
    ReportRequest,
    column_title,
    current_log_head,
    display_value,
    export_report,
    hidden_columns,
    open_report,
    pickers,
    receipt_for_batch,
    report_rows,
    row_text,
    visible_columns,
)
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store


@pytest.fixture(params=["store", "path"])
def source(request: pytest.FixtureRequest, engine: Engine, db_path: Path) -> Store | Path:
    return engine.store if request.param == "store" else db_path


def test_open_report_streams_rows_and_the_head_of_the_same_snapshot(
    source: Store | Path, engine: Engine
) -> None:
    with open_report(source, ReportRequest("custody")) as (report, head):
        tags = [row[0] for row in report.rows()]
    assert tags == ["AT-SMOKE-0006", "AT-SMOKE-0007"]
    assert head == log_head(engine.store.conn)
    assert not engine.store.conn.in_transaction


def test_open_report_errors_are_user_errors_and_close_the_snapshot(
    source: Store | Path, engine: Engine
) -> None:
    with pytest.raises(UserError), open_report(source, ReportRequest("holder", holder="B-4040")):
        pass
    assert not engine.store.conn.in_transaction


def test_history_uses_the_settings_given(source: Store | Path) -> None:
    request = ReportRequest("history", scan="X:AT-SMOKE-0006")
    with pytest.raises(UserError), open_report(source, request, Settings()):
        pass
    with open_report(source, request, Settings(prefix="X:")) as (report, _):
        assert len(list(report.rows())) == 2  # RECEIVE, STOCK_OUT


def test_report_rows_keeps_only_flagged_rows_when_asked(engine: Engine) -> None:
    request = ReportRequest("custody", overdue_days=0, overdue_only=True)
    with open_report(engine.store, request) as (report, _):
        assert len(list(report_rows(report, request))) == 2
    request = ReportRequest("custody", overdue_days=100, overdue_only=True)
    with open_report(engine.store, request) as (report, _):
        assert list(report_rows(report, request)) == []


def test_export_report_writes_csv_and_sidecar(source: Store | Path, tmp_path: Path) -> None:
    dest = tmp_path / "custody.csv"
    seen: list[int] = []
    count = export_report(source, ReportRequest("custody"), dest, progress=seen.append)
    assert count == 2
    assert dest.exists() and sidecar_path(dest).exists()
    assert "AT-SMOKE-0007" in dest.read_text("utf-8-sig")


def test_export_report_cancelled_leaves_no_file(
    db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    dest = tmp_path / "events.csv"

    def many(rows):  # cancel is polled every 1,000 rows
        first = next(rows)
        for _ in range(3000):
            yield first

    with pytest.raises(ExportCancelled):
        export_report(
            db_path, ReportRequest("events"), dest, cancelled=lambda: True, wrap_rows=many
        )
    assert not dest.exists()


def test_export_report_lets_the_caller_see_the_rows(engine: Engine, tmp_path: Path) -> None:
    seen: list[str] = []

    def wrap(rows):
        for row in rows:
            seen.append(row[0])
            yield row

    export_report(engine.store, ReportRequest("custody"), tmp_path / "c.csv", wrap_rows=wrap)
    assert seen == ["AT-SMOKE-0006", "AT-SMOKE-0007"]


def test_receipt_for_batch(source: Store | Path, engine: Engine) -> None:
    batch = engine.store.conn.execute(
        "SELECT batch_id FROM events WHERE event_type = 'STOCK_OUT' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    receipt = receipt_for_batch(source, batch)
    assert receipt.kind == "STOCK_OUT" and receipt.holder_badge == "B-1001"
    with pytest.raises(UserError):
        receipt_for_batch(source, "no-such-batch")
    assert not engine.store.conn.in_transaction


def test_pickers_list_every_holder_and_case(source: Store | Path, engine: Engine) -> None:
    holders, cases = pickers(source)
    assert [h.badge_code for h in holders] == ["B-1001", "B-1002", "B-0999"]
    assert [h.active for h in holders] == [True, True, False]
    assert [c.case_code for c in cases] == ["CART-A", "SHELF-B"]
    assert not engine.store.conn.in_transaction


def test_current_log_head_follows_commits(source: Store | Path, engine: Engine) -> None:
    before = current_log_head(source)
    engine.commit_stock_in(["AT-SMOKE-0006"])
    after = current_log_head(source)
    assert after.count == before.count + 1 and after != before


def test_a_missing_database_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        pickers(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_formatting_helpers() -> None:
    header = ["tag", "since_utc", "since_local", "other_utc", "late"]
    assert hidden_columns(header) == {1}
    assert visible_columns(header) == [0, 2, 3, 4]
    assert column_title("asset_tag") == "Asset tag"
    assert column_title("free_slots") == "Free slots"
    assert [display_value(v) for v in (None, True, False, 3, "x")] == ["", "yes", "", "3", "x"]
    row = ("AT-1", "2026-01-01T00:00:00.000Z", "01 Jan", None, True)
    assert row_text(row, [0, 2, 4], flag=4) == "at-1\x1f01 jan\x1foverdue"


def test_missing_parameters_are_a_hint() -> None:
    assert ReportRequest("holder").missing() is not None
    assert ReportRequest("history", scan=" ").missing() is not None
    assert ReportRequest("holder", holder="B-1").missing() is None
    assert ReportRequest("custody").missing() is None


def test_the_assets_report_says_where_everything_is_retired_ones_included(
    source: Store | Path, engine: Engine, tmp_path: Path
) -> None:
    engine.commit_retire(["AT-SMOKE-0002"], "lost", "not found at the stocktake")
    engine.edit_asset("AT-SMOKE-0005", description="=HYPERLINK(\"x\")")
    assert "assets" in REPORT_KINDS
    with open_report(source, ReportRequest("assets")) as (report, head):
        rows = {row[0]: row[3:] for row in report.rows()}
        assert report.title == "Assets: where everything is"
        assert report.header == ["asset_tag", "serial", "description", "status", "location"]
    assert rows == {
        "AT-SMOKE-0001": ("STORAGE", "CART-A/1"),
        "AT-SMOKE-0002": ("RETIRED", "RETIRED (LOST)"),
        "AT-SMOKE-0003": ("STORAGE", "CART-A/3"),
        "AT-SMOKE-0004": ("STORAGE", "CART-A/4"),
        "AT-SMOKE-0005": ("STORAGE", "storage (no slot)"),
        "AT-SMOKE-0006": ("IN_CUSTODY", "Dana Reyes (B-1001)"),
        "AT-SMOKE-0007": ("IN_CUSTODY", "Lee Park (B-1002)"),
        "ZX9000": ("STORAGE", "SHELF-B/1"),
    }
    with open_report(source, ReportRequest("assets", retired_only=True)) as (report, _head):
        assert [row[0] for row in report.rows()] == ["AT-SMOKE-0002"]
        assert report.title == "Retired assets"
    # CSV: Excel-safe like every report, with the log head beside it.
    dest = tmp_path / "assets.csv"
    assert export_report(source, ReportRequest("assets"), dest) == 8
    text = dest.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text
    table = {row[0]: row for row in csv.reader(io.StringIO(text.decode("utf-8-sig")))}
    assert table["asset_tag"] == ["asset_tag", "serial", "description", "status", "location"]
    assert table["AT-SMOKE-0002"][3:] == ["RETIRED", "RETIRED (LOST)"]
    assert table["AT-SMOKE-0005"][2] == "'=HYPERLINK(\"x\")"  # not a formula in Excel
    head = log_head(engine.store.conn)
    assert f"{head.count}" in sidecar_path(dest).read_text()
    assert head.head_hash in sidecar_path(dest).read_text()
