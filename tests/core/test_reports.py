"""Report content on a known stockroom with fixed event times, filters, overdue rule, CSV safety.

The stockroom (``known``) is built through the Engine with ``eventlog.utc_now`` pinned, so every
event has a known UTC time:

- 2026-11-01 08:00Z (seed): holders Dana Reyes B-1001, Lee Park B-1002, Old Timer B-0999; cases
  CART-A (2 × 5) and SHELF-B (1 × 3); AT-0001…AT-0006 into CART-A/1…6, 000123 (serial 000456) into
  SHELF-B/1, AT-0007 unslotted.
- 2026-11-02 10:00Z alice: stock-out AT-0001, AT-0002 to Dana (batch "out1").
- 2026-11-05 10:00Z bob: stock-out AT-0003 to Lee ("out2").
- 2026-11-06 10:00Z bob: stock-in AT-0002, back to CART-A/2 ("in1").
- 2026-11-10 23:30Z alice: stock-out 000123 to Lee ("out3"), 00:30 on 11 November in Berlin.
- 2026-11-12 09:00Z seed: move AT-0004 to CART-A/10 ("move"), deactivate Old Timer.

Local-date tests run with TZ set to Central European time, so a local day differs from a UTC day.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assettrack_gui.core import eventlog, reports
from assettrack_gui.core.csvout import sidecar_path, write_csv
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UsageError, UserError
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder, Placement
from assettrack_gui.core.receipt import write_receipt_pdf
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from tests.conftest import BACKENDS, store_on

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
PAYLOADS = ["=1+2", "+SUM(A1)", "-3", "@cmd", "\tx", "\rx", "\nx"]


@contextmanager
def at(stamp: str) -> Iterator[None]:
    """Events committed inside carry ``created_at = stamp``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(eventlog, "utc_now", lambda: stamp)
        yield



# -- the known stockroom ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def known(request, tmp_path_factory) -> Iterator[tuple[Store, dict[str, str]]]:
    with store_on(request.param, request, tmp_path_factory.mktemp("reports"), "known.db") as store:
        yield from _known(store)


def _known(store: Store) -> Iterator[tuple[Store, dict[str, str]]]:
    engine = Engine(store, operator="seed", settings=Settings())
    batches: dict[str, str] = {}
    with at("2026-11-01T08:00:00.000Z"):
        engine.add_holders(
            [NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002"), NewHolder("Old Timer", "B-0999")]
        )
        engine.create_cases(
            [NewCase("CART-A", "Laptop cart A", 2, 5), NewCase("SHELF-B", "Shelf B", 1, 3)]
        )
        batches["receive"] = engine.commit_register(
            [NewAsset(f"AT-000{n}", f"SN{n}", f"ThinkPad {n}", "CART-A", n) for n in range(1, 7)]
            + [NewAsset("000123", "000456", "Zebra scanner", "SHELF-B", 1)]
            + [NewAsset("AT-0007", "SN7", "Dell spare")]
        ).batch_id
    engine.operator = "alice"
    with at("2026-11-02T10:00:00.000Z"):
        batches["out1"] = engine.commit_stock_out(["AT-0001", "AT-0002"], "B-1001").batch_id
    engine.operator = "bob"
    with at("2026-11-05T10:00:00.000Z"):
        batches["out2"] = engine.commit_stock_out(["AT-0003"], "B-1002").batch_id
    with at("2026-11-06T10:00:00.000Z"):
        batches["in1"] = engine.commit_stock_in(["AT-0002"]).batch_id
    engine.operator = "alice"
    with at("2026-11-10T23:30:00.000Z"):
        batches["out3"] = engine.commit_stock_out(["000123"], "B-1002").batch_id
    engine.operator = "seed"
    with at("2026-11-12T09:00:00.000Z"):
        batches["move"] = engine.commit_move([Placement("AT-0004", "CART-A", 10)]).batch_id
        engine.set_holder_active("B-0999", False)
    yield store, batches


@pytest.fixture
def conn(known):
    store, _ = known
    with store.read() as c:
        yield c


@pytest.fixture
def batches(known) -> dict[str, str]:
    return known[1]


def rows(report: reports.Report) -> list[dict[str, object]]:
    return [dict(zip(report.header, row, strict=True)) for row in report.rows()]


def col(report: reports.Report, name: str) -> list[object]:
    return [r[name] for r in rows(report)]


# -- custody and holder ------------------------------------------------------------------------


def test_custody_lists_who_holds_what_ordered_by_holder_then_tag(conn):
    report = reports.custody_report(conn, now=NOW)
    assert report.name == "custody" and report.header == reports.CUSTODY_HEADER
    got = rows(report)
    assert [(r["asset_tag"], r["holder"], r["badge_code"]) for r in got] == [
        ("AT-0001", "Dana Reyes", "B-1001"),
        ("000123", "Lee Park", "B-1002"),
        ("AT-0003", "Lee Park", "B-1002"),
    ]
    first = got[0]
    assert first["serial"] == "SN1" and first["description"] == "ThinkPad 1"
    assert first["since_utc"] == "2026-11-02T10:00:00.000Z"
    assert first["days_held"] == 14 and isinstance(first["days_held"], int)
    assert [r["days_held"] for r in got] == [14, 5, 11]
    assert [r["overdue"] for r in got] == [False, False, False]  # 14 days is not *longer* than 14


def test_custody_since_is_shown_in_local_time(conn, local_cet):
    got = rows(reports.custody_report(conn, now=NOW))
    assert got[0]["since_local"] == "2026-11-02 11:00"
    assert got[1]["since_local"] == "2026-11-11 00:30"  # stored 2026-11-10T23:30Z


def test_custody_filtered_by_holder_badge_or_name(conn):
    by_badge = reports.custody_report(conn, holder="B-1002", now=NOW)
    assert col(by_badge, "asset_tag") == ["000123", "AT-0003"]
    assert "Lee Park (B-1002)" in by_badge.title
    assert col(reports.custody_report(conn, holder="B1001", now=NOW), "asset_tag") == ["AT-0001"]
    assert col(reports.custody_report(conn, holder="Dana Reyes", now=NOW), "asset_tag") == [
        "AT-0001"
    ]
    assert rows(reports.custody_report(conn, holder="B-0999", now=NOW)) == []


def test_unknown_holder_is_a_user_error_not_a_usage_error(conn):
    with pytest.raises(UserError, match="NOPE: no holder") as err:
        reports.custody_report(conn, holder="NOPE")
    assert err.value.exit_code == 1
    with pytest.raises(UserError, match="no holder"):
        reports.holder_report(conn, "AT-0001")  # an asset tag is not a badge


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        pytest.param(NOW, [], id="exactly-14-days"),
        pytest.param(NOW - timedelta(milliseconds=1), [], id="just-under"),
        pytest.param(NOW + timedelta(milliseconds=1), ["AT-0001"], id="just-over"),
        pytest.param(NOW + timedelta(days=3, seconds=1), ["AT-0001", "AT-0003"], id="later"),
    ],
)
def test_overdue_means_held_longer_than_n_days(conn, now, overdue):
    report = reports.custody_report(conn, overdue_only=True, overdue_days=14, now=now)
    assert col(report, "asset_tag") == overdue
    assert all(col(report, "overdue"))
    assert report.flag_column == reports.CUSTODY_HEADER.index("overdue")
    full = reports.custody_report(conn, overdue_days=14, now=now)
    assert [r["asset_tag"] for r in rows(full) if r["overdue"]] == overdue


def test_overdue_days_is_the_setting_passed_in(conn):
    report = reports.custody_report(conn, overdue_only=True, overdue_days=5, now=NOW)
    # 000123 is held 5 days 10.5 hours: longer than 5 days
    assert col(report, "asset_tag") == ["AT-0001", "000123", "AT-0003"]
    report = reports.custody_report(conn, overdue_only=True, overdue_days=6, now=NOW)
    assert col(report, "asset_tag") == ["AT-0001", "AT-0003"]
    assert col(reports.custody_report(conn, overdue_days=0, now=NOW), "overdue") == [True] * 3
    assert reports.is_overdue("2026-11-02T10:00:00.000Z", NOW, 14) is False
    assert reports.is_overdue("2026-11-02T10:00:00.000Z", NOW, 13) is True


def test_naive_now_counts_as_local_time(conn, local_cet):
    naive_local = datetime(2026, 11, 16, 11, 0)  # 10:00Z in CET
    assert col(reports.custody_report(conn, now=naive_local), "days_held") == [14, 5, 11]


def test_holder_report_is_everything_one_holder_has(conn):
    report = reports.holder_report(conn, "B-1002", now=NOW)
    assert report.name == "holder" and report.title == "Held by Lee Park (B-1002)"
    assert col(report, "asset_tag") == ["000123", "AT-0003"]
    assert rows(reports.holder_report(conn, "B-0999", now=NOW)) == []


# -- history and events ------------------------------------------------------------------------


def test_history_is_every_event_of_one_asset_oldest_first(conn, batches):
    report = reports.history_report(conn, "AT-0002")
    got = rows(report)
    assert [r["event_type"] for r in got] == ["RECEIVE", "STOCK_OUT", "STOCK_IN"]
    assert [r["created_at_utc"] for r in got] == sorted(r["created_at_utc"] for r in got)
    assert [r["event_id"] for r in got] == sorted(r["event_id"] for r in got)
    assert [r["batch_id"] for r in got] == [batches["receive"], batches["out1"], batches["in1"]]
    assert [r["operator"] for r in got] == ["seed", "alice", "bob"]
    assert [r["holder"] for r in got] == ["", "Dana Reyes", "Dana Reyes"]
    assert [r["slot"] for r in got] == ["CART-A/2"] * 3
    assert report.title == "History of AT-0002"


def test_history_matches_like_a_scanner_and_refuses_non_assets(conn):
    assert len(rows(reports.history_report(conn, "  AT0004\r\n"))) == 2  # dashless, CR/LF stripped
    with pytest.raises(UserError, match="NOPE-1: no asset, badge or case"):
        reports.history_report(conn, "NOPE-1")
    with pytest.raises(UserError, match="badge of Dana Reyes"):
        reports.history_report(conn, "B-1001")
    with pytest.raises(UserError, match="this is case CART-A"):
        reports.history_report(conn, "CART-A")


def types(report: reports.Report) -> list[tuple[str, str]]:
    return [(r["event_type"], r["asset_tag"]) for r in rows(report)]


def test_events_unfiltered_is_the_whole_log_in_order(conn):
    got = rows(reports.events_report(conn))
    assert len(got) == 3 + 2 + 8 + 2 + 1 + 1 + 1 + 1 + 1  # holders, cases, assets, ...
    assert [r["event_id"] for r in got] == list(range(1, len(got) + 1))
    assert got[-1]["event_type"] == "HOLDER_DEACTIVATE" and got[-1]["holder"] == "Old Timer"


def test_events_filtered_by_type_holder_operator_and_batch(conn, batches):
    assert types(reports.events_report(conn, event_type="STOCK_OUT")) == [
        ("STOCK_OUT", "AT-0001"),
        ("STOCK_OUT", "AT-0002"),
        ("STOCK_OUT", "AT-0003"),
        ("STOCK_OUT", "000123"),
    ]
    assert types(reports.events_report(conn, event_type="stock-in")) == [("STOCK_IN", "AT-0002")]
    assert types(reports.events_report(conn, holder="B-1002")) == [
        ("HOLDER_ADD", ""),
        ("STOCK_OUT", "AT-0003"),
        ("STOCK_OUT", "000123"),
    ]
    assert types(reports.events_report(conn, operator="bob")) == [
        ("STOCK_OUT", "AT-0003"),
        ("STOCK_IN", "AT-0002"),
    ]
    assert types(reports.events_report(conn, batch=batches["out1"])) == [
        ("STOCK_OUT", "AT-0001"),
        ("STOCK_OUT", "AT-0002"),
    ]
    combined = reports.events_report(
        conn, event_type="STOCK_OUT", holder="B-1002", operator="alice"
    )
    assert types(combined) == [("STOCK_OUT", "000123")]
    assert "STOCK_OUT" in combined.title and "operator alice" in combined.title
    assert rows(reports.events_report(conn, operator="nobody")) == []


def test_events_since_and_until_are_local_calendar_days(conn, local_cet):
    # 000123 left at 2026-11-10T23:30Z = 11 November 00:30 in Berlin.
    since = reports.events_report(conn, since="2026-11-11")
    assert types(since) == [
        ("STOCK_OUT", "000123"),
        ("SLOT_MOVE", "AT-0004"),
        ("HOLDER_DEACTIVATE", ""),
    ]
    until = reports.events_report(conn, since="2026-11-02", until="2026-11-10")
    assert types(until) == [
        ("STOCK_OUT", "AT-0001"),
        ("STOCK_OUT", "AT-0002"),
        ("STOCK_OUT", "AT-0003"),
        ("STOCK_IN", "AT-0002"),
    ]
    one_day = reports.events_report(conn, since="2026-11-11", until="2026-11-11")
    assert types(one_day) == [("STOCK_OUT", "000123")]
    first_day = reports.events_report(conn, until="2026-11-01")
    assert len(rows(first_day)) == 13 and "until 2026-11-01" in first_day.title
    # a date-time bound is used as given (local unless it says otherwise)
    assert types(
        reports.events_report(conn, since="2026-11-11T00:30", until="2026-11-11T00:31")
    ) == [("STOCK_OUT", "000123")]
    assert types(
        reports.events_report(conn, since="2026-11-10T23:30Z", until="2026-11-10T23:31Z")
    ) == [("STOCK_OUT", "000123")]


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "24.11.2026", "", "9999-12-31T25:00"])
def test_a_bad_date_is_a_usage_error(conn, bad):
    with pytest.raises(UsageError, match="cannot read the date") as err:
        reports.events_report(conn, since=bad or " ")
    assert err.value.exit_code == 2


def test_events_refuses_a_backwards_range_unknown_type_holder_or_batch(conn):
    with pytest.raises(UsageError, match="not before"):
        reports.events_report(conn, since="2026-11-12", until="2026-11-11")
    with pytest.raises(UsageError, match="unknown event type 'LOAN'"):
        reports.events_report(conn, event_type="LOAN")
    with pytest.raises(UserError, match="NOPE: no holder"):
        reports.events_report(conn, holder="NOPE")
    with pytest.raises(UserError, match="20990101-000000-abcdef: no batch") as err:
        reports.events_report(conn, batch=" 20990101-000000-abcdef ")
    assert err.value.exit_code == 1


def test_parse_date_bound_returns_utc(local_cet):
    assert reports.parse_date_bound("2026-11-11", end=False) == "2026-11-10T23:00:00.000Z"
    assert reports.parse_date_bound("2026-11-11", end=True) == "2026-11-11T23:00:00.000Z"
    assert reports.parse_date_bound("2026-07-01", end=False) == "2026-06-30T22:00:00.000Z"  # CEST
    assert (
        reports.parse_date_bound("2026-11-11T12:00+02:00", end=False) == "2026-11-11T10:00:00.000Z"
    )


# -- occupancy ---------------------------------------------------------------------------------


def test_occupancy_one_row_per_slot_with_used_and_free(conn):
    report = reports.occupancy_report(conn)
    got = rows(report)
    assert len(got) == 13
    cart = [r for r in got if r["case_code"] == "CART-A"]
    assert [r["position"] for r in cart] == list(range(1, 11))
    assert {(r["slots"], r["used"], r["free"]) for r in cart} == {(10, 4, 6)}
    assert [r["asset_tag"] for r in cart] == [
        "", "AT-0002", "", "", "AT-0005", "AT-0006", "", "", "", "AT-0004"
    ]  # fmt: skip
    assert cart[1]["serial"] == "SN2" and cart[1]["description"] == "ThinkPad 2"
    shelf = [r for r in got if r["case_code"] == "SHELF-B"]
    assert {(r["case_name"], r["slots"], r["used"], r["free"]) for r in shelf} == {
        ("Shelf B", 3, 0, 3)
    }
    assert all(isinstance(r[k], int) for r in got for k in ("slots", "used", "free", "position"))


def test_occupancy_of_one_case_and_summary(conn):
    report = reports.occupancy_report(conn, case="SHELFB")  # dashless, as scanned
    assert report.title == "Occupancy of SHELF-B"
    assert col(report, "position") == [1, 2, 3]
    assert reports.occupancy_summary(conn) == [
        ("CART-A", "Laptop cart A", 10, 4, 6),
        ("SHELF-B", "Shelf B", 3, 0, 3),
    ]
    assert reports.occupancy_summary(conn, case="CART-A") == [("CART-A", "Laptop cart A", 10, 4, 6)]
    with pytest.raises(UserError, match="NOPE: no such case"):
        reports.occupancy_report(conn, case="NOPE")
    with pytest.raises(UserError, match="NOPE: no such case"):
        reports.occupancy_summary(conn, case="NOPE")


# -- receipts ---------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return out.stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize(
    ("batch", "kind", "title", "holder", "badge", "tags"),
    [
        ("out1", "STOCK_OUT", "Hand-over receipt", "Dana Reyes", "B-1001", ["AT-0001", "AT-0002"]),
        ("in1", "STOCK_IN", "Return receipt", "Dana Reyes", "B-1001", ["AT-0002"]),
        ("out3", "STOCK_OUT", "Hand-over receipt", "Lee Park", "B-1002", ["000123"]),
    ],
)
def test_receipt_pdf_names_holder_badge_batch_and_every_tag(
    conn, batches, tmp_path, batch, kind, title, holder, badge, tags
):
    receipt = reports.batch_receipt(conn, f" {batches[batch]} ")
    assert (receipt.kind, receipt.holder_name, receipt.holder_badge) == (kind, holder, badge)
    assert [line.asset_tag for line in receipt.lines] == tags
    assert receipt.log_head == eventlog.log_head(conn)
    path = tmp_path / "receipt.pdf"
    write_receipt_pdf(receipt, path)
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    for needle in (title, holder, badge, batches[batch], *tags, receipt.operator):
        assert needle in text, needle
    for line in receipt.lines:
        assert line.serial in text


def test_receipt_only_for_stock_out_and_stock_in_batches(conn, batches):
    with pytest.raises(UserError, match="no batch with that id"):
        reports.batch_receipt(conn, "20990101-000000-abcdef")
    with pytest.raises(UserError, match="this batch is RECEIVE"):
        reports.batch_receipt(conn, batches["receive"])
    holders_batch = conn.execute(
        "SELECT batch_id FROM events WHERE event_type = 'HOLDER_ADD'"
    ).fetchone()[0]
    with pytest.raises(UserError, match="this batch is HOLDER_ADD"):
        reports.batch_receipt(conn, holders_batch)


# -- CSV: injection, text kept as stored, numbers as numbers -----------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def hostile(request, tmp_path_factory) -> Iterator[Store]:
    with store_on(request.param, request, tmp_path_factory.mktemp("hostile"), "h.db") as store:
        yield from _hostile(store)


def _hostile(store: Store) -> Iterator[Store]:
    """A stockroom whose every text field starts like a formula.

    Payloads the engine accepts go through it; names, tags, serials and descriptions holding
    Tab/CR/LF (which the engine strips or refuses) are written straight into the tables afterwards, as another tool
    or an old import might have left them: reports must be safe for any stored text.
    """
    engine = Engine(store, operator="=HYPERLINK(1)", settings=Settings())
    n = len(PAYLOADS)
    engine.add_holders([NewHolder(f"H{i}", f"B-{i:03d}") for i in range(n)])
    engine.create_cases([NewCase("@CASE", "=case name", 2, n)])
    def accepted(p: str) -> str:  # serials and descriptions with a control character are refused
        return p if p.isprintable() else "x"

    engine.commit_register(
        [NewAsset(f"T-{i}", accepted(p), accepted(p), "@CASE", i + 1) for i, p in enumerate(PAYLOADS)]
        + [
            NewAsset(f"K-{i}", accepted(p), accepted(p), "@CASE", n + i + 1)
            for i, p in enumerate(PAYLOADS)
        ]
    )
    engine.create_cases([NewCase("Z-1", "zeros", 1, 1)])
    engine.commit_register([NewAsset("000123", "000456", "leading zeros", "Z-1", 1)])
    engine.commit_stock_out(["000123"], "B-000")
    for i in range(n):
        engine.commit_stock_out([f"T-{i}"], f"B-{i:03d}")
    engine.commit_register([NewAsset("000777", "000888", "zeros stay", "Z-1", 1)])
    with store.write() as c:
        for i, p in enumerate(PAYLOADS):
            c.execute("UPDATE holders SET name = ? WHERE badge_code = ?", (p, f"B-{i:03d}"))
            c.execute(
                "UPDATE assets SET serial = ?, description = ? WHERE asset_tag IN (?, ?)",
                (p, p, f"T-{i}", f"K-{i}"),
            )
            c.execute("UPDATE assets SET asset_tag = ? WHERE asset_tag = ?", (f"{p}#{i}", f"T-{i}"))
            c.execute("UPDATE assets SET asset_tag = ? WHERE asset_tag = ?", (f"{p}@{i}", f"K-{i}"))
    yield store


def expected_cell(value: object) -> str:
    """What Python's csv module must read back: the text, with ' before a formula start."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export(report: reports.Report, path: Path) -> tuple[list[list[str]], str]:
    write_csv(path, report.header, report.rows(), log_head=(1, "f" * 64))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh)), raw.decode("utf-8-sig")


def every_report(c: sqlite3.Connection) -> list[reports.Report]:
    first_batch = c.execute("SELECT batch_id FROM events WHERE event_type='STOCK_OUT'").fetchone()[
        0
    ]
    return [
        reports.custody_report(c, overdue_days=0),
        reports.holder_report(c, "B-000"),
        reports.history_report(c, "000123"),
        *[reports.history_report(c, f"{p}@{i}") for i, p in enumerate(PAYLOADS[:4])],
        reports.occupancy_report(c),
        reports.events_report(c),
        reports.events_report(c, batch=first_batch),
    ]


def test_every_report_csv_neutralises_formula_starts_and_reads_back_exactly(hostile, tmp_path):
    seen: set[str] = set()
    with hostile.read() as conn:
        for n, report in enumerate(every_report(conn)):
            expected = [[expected_cell(v) for v in report.header]] + [
                [expected_cell(v) for v in row] for row in report.rows()
            ]
            dest = tmp_path / f"{report.name}-{n}.csv"
            got, text = export(report, dest)
            assert got == expected, report.name
            assert "head_hash" not in text and "f" * 64 not in text  # the head is in the sidecar
            assert "events: 1\nhead_hash: " + "f" * 64 in sidecar_path(dest).read_text()
            seen.update(cell for row in got for cell in row if cell.startswith("'"))
    # every payload showed up neutralised as a holder name, tag, serial and description
    for i, p in enumerate(PAYLOADS):
        assert "'" + p in seen  # holder name, serial, description
        assert f"'{p}#{i}" in seen  # tag
    assert {"'=HYPERLINK(1)", "'@CASE", "'=case name"} <= seen  # operator, case code and name


def test_custody_csv_cells_for_each_payload(hostile, tmp_path):
    with hostile.read() as conn:
        got, _ = export(reports.custody_report(conn, overdue_days=0), tmp_path / "c.csv")
    header, body = got[0], got[1:]
    by_tag = {row[header.index("asset_tag")]: row for row in body}
    for i, p in enumerate(PAYLOADS):
        row = by_tag["'" + f"{p}#{i}"]
        assert row[header.index("holder")] == "'" + p
        assert row[header.index("serial")] == "'" + p
        assert row[header.index("description")] == "'" + p
        assert row[header.index("holder")][1:] == p  # the original text after the apostrophe


def test_tags_and_serials_keep_leading_zeros_and_numbers_stay_numbers(hostile, tmp_path):
    with hostile.read() as conn:
        _, text = export(reports.custody_report(conn, overdue_days=0), tmp_path / "c.csv")
        _, occ = export(reports.occupancy_report(conn, case="Z-1"), tmp_path / "o.csv")
    zero_row = next(line for line in text.split("\r\n") if line.startswith("000123"))
    assert zero_row.startswith("000123,000456,leading zeros,")
    assert zero_row.endswith(",0,True")  # days_held is a bare number, never '0 or "0"
    assert occ.split("\r\n")[1] == "Z-1,zeros,1,1,0,1,000777,000888,zeros stay,"  # never audited


def test_days_held_is_numeric_in_the_csv(conn, tmp_path):
    got, text = export(reports.custody_report(conn, now=NOW), tmp_path / "c.csv")
    days = [row[got[0].index("days_held")] for row in got[1:]]
    assert days == ["14", "5", "11"]
    assert ",14,False\r\n" in text
