"""Audit reports: the recorded stocktakes (AUDIT events) as a list, one audit's every finding,
and the sheet a PDF for signing is drawn from.

Everything is read from the AUDIT events' details (``core.audit.record_audit`` wrote them), so a
report shows what was found when the audit was made, whatever changed since. The events have no
asset, so the queries walk only the asset-less part of the log (the ``events_asset`` index on
``asset_id IS NULL``), never the whole log. fpdf2 is imported by ``audit_report_pdf`` only when a
PDF is made.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .atomic import atomic_write_bytes
from .audit import FINDINGS_HEADER, STATUSES
from .errors import UserError
from .eventlog import LogHead, log_head
from .queries import case_by_id
from .reports import Report, Row, _case, local_display
from .settings import Settings

__all__ = [
    "AUDITS_HEADER",
    "AuditSheet",
    "audit_findings_report",
    "audit_sheet",
    "audits_report",
    "write_audit_pdf",
]

COUNT_COLUMNS = [s.value.replace("-", "_") for s in STATUSES]  # wrong-slot -> wrong_slot
AUDITS_HEADER = [
    "batch_id",
    "created_at_utc",
    "created_at_local",
    "case_code",
    "operator",
    "scans",
    *COUNT_COLUMNS,
]

# AUDIT events have no asset: the events_asset index finds them among the asset-less events.
_AUDITS_SQL = """
SELECT id, batch_id, created_at, operator, details FROM events
 WHERE asset_id IS NULL AND event_type = 'AUDIT' {where}
 ORDER BY id DESC
"""


def _details(text: object) -> dict[str, Any]:
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


def _count(counts: object, status: str) -> int:
    value = counts.get(status) if isinstance(counts, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def audits_report(
    conn: sqlite3.Connection, *, case: str | None = None, settings: Settings | None = None
) -> Report:
    """Every recorded audit, newest first: case, date, operator, scans and the count of each
    class (one case's with ``case``; ``UserError`` if no case matches)."""
    where, title = "", "Audits (stocktakes), newest first"
    frozen: tuple[int, ...] = ()
    if case:
        info = _case(conn, case, settings)
        where, frozen = "AND CAST(json_extract(details, '$.case_id') AS INTEGER) = ?", (info.id,)
        title = f"Audits of {info.case_code}, newest first"

    def rows() -> Iterator[Row]:
        for _, batch, created, operator, text in conn.execute(
            _AUDITS_SQL.format(where=where), frozen
        ):
            data = _details(text)
            counts = data.get("counts")
            scans = data.get("scans")
            yield (
                batch,
                created,
                local_display(created),
                _text(data.get("case_code")),
                operator,
                scans if isinstance(scans, int) and not isinstance(scans, bool) else 0,
                *(_count(counts, s.value) for s in STATUSES),
            )

    return Report("audits", title, AUDITS_HEADER, rows)


@dataclass
class AuditSheet:
    """One recorded audit, as its report and its PDF for signing show it."""

    batch_id: str
    created_at_utc: str
    created_at_local: str
    operator: str
    case_code: str
    case_name: str
    scans: int
    counts: dict[str, int]
    findings: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    log_head: LogHead | None = None

    @property
    def title(self) -> str:
        return (
            f"Audit of {self.case_code} on {self.created_at_local} by {self.operator} "
            f"(batch {self.batch_id})"
        )


def _finding_row(item: object) -> tuple[str, str, str, str, str]:
    data = item if isinstance(item, dict) else {}
    a, b, c, d, e = (_text(data.get(key)) for key in FINDINGS_HEADER)
    return (a, b, c, d, e)


def audit_sheet(
    conn: sqlite3.Connection,
    *,
    batch: str | None = None,
    case: str | None = None,
    settings: Settings | None = None,
) -> AuditSheet:
    """The audit recorded in ``batch``, or the latest audit of ``case``. ``UserError`` when
    there is none (an unknown batch, a batch that is not an audit, a case never audited)."""
    if batch and batch.strip():
        batch = batch.strip()
        row = conn.execute(
            "SELECT id, batch_id, created_at, operator, details, event_type FROM events "
            "WHERE batch_id = ? ORDER BY id LIMIT 1",
            (batch,),
        ).fetchone()
        if row is None:
            raise UserError(f"{batch}: no batch with that id")
        if row[5] != "AUDIT":
            raise UserError(f"{batch}: this batch is {row[5]}, not an audit")
    elif case:
        audited = _case(conn, case, settings)
        row = conn.execute(
            _AUDITS_SQL.format(where="AND CAST(json_extract(details, '$.case_id') AS INTEGER) = ?") + " LIMIT 1",
            (audited.id,),
        ).fetchone()
        if row is None:
            raise UserError(f"case {audited.case_code} has not been audited yet")
    else:
        raise UserError("name the audit: its batch id, or a case (its latest audit)")
    _, batch_id, created, operator, text = row[:5]
    data = _details(text)
    case_id = data.get("case_id")
    info = case_by_id(conn, case_id) if isinstance(case_id, int) else None
    findings = data.get("findings")
    scans = data.get("scans")
    return AuditSheet(
        batch_id=batch_id,
        created_at_utc=created,
        created_at_local=local_display(created),
        operator=operator,
        case_code=_text(data.get("case_code")),
        case_name=info.name if info is not None else "",
        scans=scans if isinstance(scans, int) and not isinstance(scans, bool) else 0,
        counts={s.value: _count(data.get("counts"), s.value) for s in STATUSES},
        findings=[_finding_row(f) for f in findings] if isinstance(findings, list) else [],
        log_head=log_head(conn),
    )


def audit_findings_report(
    conn: sqlite3.Connection,
    *,
    batch: str | None = None,
    case: str | None = None,
    settings: Settings | None = None,
) -> Report:
    """Every finding of one recorded audit (see ``audit_sheet``), in the columns of
    ``assettrack-admin audit --csv``."""
    sheet = audit_sheet(conn, batch=batch, case=case, settings=settings)
    return Report("audit", sheet.title, list(FINDINGS_HEADER), lambda: iter(sheet.findings))


def write_audit_pdf(sheet: AuditSheet, path: str | os.PathLike[str]) -> None:
    """The A4 audit sheet for signing (replacing ``path`` only once complete)."""
    from .audit_report_pdf import render_audit_pdf  # fpdf2 loads here, when a PDF is made

    atomic_write_bytes(path, render_audit_pdf(sheet), mode=0o600)
