"""Audit reports: the list of recorded audits, one audit's findings, the PDF for signing and the
occupancy report's ``last_audit`` column (seeded stockroom: tests/core/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from assettrack_gui.core import reports
from assettrack_gui.core.audit_report import (
    AUDITS_HEADER,
    audit_findings_report,
    audit_sheet,
    audits_report,
    write_audit_pdf,
)
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.model import Placement
from assettrack_gui.core.report_requests import (
    ReportRequest,
    audit_sheet_for,
    build_report,
    export_report,
    last_audit_by_case,
)

pytestmark = pytest.mark.both_backends  # SQLite, and PostgreSQL when it is installed


def audit(engine: Engine, case: str, *scans: str) -> str:
    a = engine.start_audit(case)
    for s in scans:
        engine.audit_scan(a, s)
    return engine.commit_audit(a).batch_id


def test_audits_are_listed_newest_first_with_their_counts(engine: Engine, store) -> None:
    first = audit(engine, "CART-A", "AT-SMOKE-0001", "NOPE")
    engine.operator = "auditor"
    second = audit(engine, "SHELF-B", "ZX9000")
    with store.read() as conn:
        report = audits_report(conn)
        rows = [dict(zip(AUDITS_HEADER, r, strict=True)) for r in report.rows()]
        assert [r["batch_id"] for r in rows] == [second, first]
        assert rows[0]["case_code"] == "SHELF-B" and rows[0]["operator"] == "auditor"
        assert rows[1] | {"created_at_utc": "", "created_at_local": ""} == {
            "batch_id": first, "created_at_utc": "", "created_at_local": "",
            "case_code": "CART-A", "operator": "tester", "scans": 2, "ok": 1, "wrong_slot": 0,
            "missing": 3, "unexpected": 0, "unknown": 1, "duplicate": 0,
        }  # fmt: skip
        only = audits_report(conn, case="CARTA")  # a case as scanned, dashless
        assert [r[0] for r in only.rows()] == [first]
        assert only.title == "Audits of CART-A, newest first"
        with pytest.raises(UserError, match="no such case"):
            audits_report(conn, case="NOPE")


def test_one_audit_lists_every_finding_as_recorded(engine: Engine, store) -> None:
    batch = audit(engine, "CART-A", "CART-A/2", "AT-SMOKE-0001")
    engine.commit_move([Placement("AT-SMOKE-0001", "CART-A", 7)])  # later changes: not shown
    with store.read() as conn:
        report = audit_findings_report(conn, batch=batch)
        assert report.header == ["asset_tag", "status", "expected_slot", "found_slot", "detail"]
        rows = list(report.rows())
        assert rows[0] == (
            "AT-SMOKE-0001", "wrong-slot", "CART-A/1", "CART-A/2",
            "expected in CART-A/1, found in CART-A/2",
        )  # fmt: skip
        assert [r[1] for r in rows[1:]] == ["missing"] * 3
        assert report.title.startswith("Audit of CART-A on ") and batch in report.title
        latest = audit_findings_report(conn, case="CART-A")
        assert list(latest.rows()) == rows
        sheet = audit_sheet(conn, case="CART-A")
        assert sheet.case_name == "Laptop cart A" and sheet.scans == 2
        assert sheet.counts["wrong-slot"] == 1 and sheet.log_head is not None
        with pytest.raises(UserError, match="has not been audited yet"):
            audit_sheet(conn, case="SHELF-B")
        with pytest.raises(UserError, match="no batch with that id"):
            audit_sheet(conn, batch="20260101-000000-abcdef")
        other = conn.execute("SELECT batch_id FROM events WHERE event_type = 'STOCK_OUT'").fetchone()[0]
        with pytest.raises(UserError, match="this batch is STOCK_OUT, not an audit"):
            audit_sheet(conn, batch=other)


def test_report_requests_build_and_export_audits(engine: Engine, store, tmp_path: Path) -> None:
    batch = audit(engine, "CART-A", "AT-SMOKE-0001")
    assert ReportRequest("audit").missing() is not None
    assert ReportRequest("audit", batch=batch).missing() is None
    with store.read() as conn:
        assert build_report(conn, ReportRequest("audits")).name == "audits"
        assert build_report(conn, ReportRequest("audit", case="CART-A")).name == "audit"
    dest = tmp_path / "findings.csv"
    assert export_report(store, ReportRequest("audit", batch=batch), dest) == 4
    text = dest.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "asset_tag,status,expected_slot,found_slot,detail"
    assert dest.with_name("findings.csv.loghead.txt").is_file()
    assert audit_sheet_for(store, batch=batch).batch_id == batch


def test_the_pdf_for_signing_lists_every_finding(engine: Engine, store, tmp_path: Path) -> None:
    audit(engine, "CART-A", "AT-SMOKE-0001", "CART-A/9", "ZX9000", "Łukasz-1")
    sheet = audit_sheet_for(store, case="CART-A")
    dest = tmp_path / "audit.pdf"
    write_audit_pdf(sheet, dest)
    text = "\n".join(page.extract_text() for page in PdfReader(dest).pages)
    for words in (
        "Stocktake (audit) sheet",
        "CART-A — Laptop cart A",
        "Operator tester",
        "AT-SMOKE-0001",
        "ZX9000",
        "the database has it in SHELF-B/1",
        "Łukasz-1",
        "Counted by (operator)",
        "Checked by (supervisor)",
        "Signature",
        f"Event log at printing: {sheet.log_head.count} events" if sheet.log_head else "",
    ):
        assert words in text, words


def test_occupancy_shows_each_case_s_last_audit(engine: Engine, store, local_cet) -> None:
    with store.read() as conn:
        rows = list(reports.occupancy_report(conn).rows())
    assert reports.OCCUPANCY_HEADER[-1] == "last_audit"
    assert {r[-1] for r in rows} == {""}  # never audited
    audit(engine, "CART-A", "AT-SMOKE-0002")  # an audit needs a scan (an empty one is refused)
    audit(engine, "CART-A", "AT-SMOKE-0001")
    with store.read() as conn:
        latest = conn.execute(
            "SELECT max(created_at) FROM events WHERE event_type = 'AUDIT'"
        ).fetchone()[0]
        rows = list(reports.occupancy_report(conn).rows())
    shown = reports.local_display(latest)
    assert {r[-1] for r in rows if r[0] == "CART-A"} == {shown}
    assert {r[-1] for r in rows if r[0] == "SHELF-B"} == {""}
    assert last_audit_by_case(store) == {"CART-A": shown}


def test_an_audit_is_in_its_case_s_history_and_the_events_report(engine: Engine, store) -> None:
    batch = audit(engine, "SHELF-B", "ZX9000")
    lookup = engine.lookup("SHELF-B")
    assert [(e.event_type, e.slot) for e in lookup.events][-1] == ("AUDIT", "SHELF-B")
    assert all(e.event_type != "AUDIT" for e in engine.lookup("CART-A").events)
    with store.read() as conn:
        rows = list(reports.events_report(conn, event_type="AUDIT").rows())
    assert [(r[3], r[7], r[9]) for r in rows] == [("AUDIT", "SHELF-B", batch)]
