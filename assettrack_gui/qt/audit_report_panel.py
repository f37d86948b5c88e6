"""The Reports page's audit findings panel: the selected audit's every finding, its CSV export
and its PDF for signing; and the colours and words every audit view uses per class.

A class is never told by colour alone: each row (and each case-map cell of the Audit page) also
says it in words (``core.audit.STATUS_WORDS``) and with a symbol.

The panel reads one recorded audit in the GUI thread through
``core.report_requests.audit_sheet_for`` (a single event's details: quick); the CSV goes through
the Reports page's own export worker (``ReportsTab.start_export``), so it is written like every
other export (Excel-safe, log-head sidecar, Cancel leaves nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.audit import EMPTY, STATUS_WORDS, AuditStatus
from ..core.audit_report import AuditSheet, write_audit_pdf
from ..core.errors import UserError
from ..core.report_requests import ReportRequest, audit_sheet_for
from ..core.store import Store

__all__ = ["STATUS_STYLE", "AuditFindingsPanel", "status_style"]

# class -> (symbol, background, foreground): the symbol and the words carry it without colour.
STATUS_STYLE: dict[str, tuple[str, QColor, QColor]] = {
    AuditStatus.OK: ("✓", QColor("#e8f5e9"), QColor("#1b5e20")),
    AuditStatus.WRONG_SLOT: ("⇄", QColor("#fff3e0"), QColor("#e65100")),
    AuditStatus.MISSING: ("?", QColor("#ffebee"), QColor("#b71c1c")),
    AuditStatus.UNEXPECTED: ("!", QColor("#f3e5f5"), QColor("#6a1b9a")),
    AuditStatus.UNKNOWN: ("✗", QColor("#eceff1"), QColor("#37474f")),
    AuditStatus.DUPLICATE: ("=", QColor("#fafafa"), QColor("#757575")),
    EMPTY: ("·", QColor("#f5f5f5"), QColor("#9e9e9e")),
}


def status_style(status: str) -> tuple[str, QColor, QColor]:
    return STATUS_STYLE.get(status, STATUS_STYLE[EMPTY])


def status_text(status: str) -> str:
    """``⇄ wrong slot``: the symbol and the words of a class."""
    return f"{status_style(status)[0]} {STATUS_WORDS.get(status, status)}"


class AuditFindingsPanel(QWidget):
    """Every finding of the audit selected in the Reports page's Audits report."""

    COLUMNS = ("Asset tag / scan", "Class", "Expected", "Found", "Detail")

    def __init__(
        self,
        store: Store,
        start_export: Callable[[ReportRequest, Path], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditFindings")
        self.store = store
        self._start_export = start_export
        self.sheet: AuditSheet | None = None
        self.title = QLabel("Select an audit above to see every finding.")
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("auditFindingsTable")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.export_button = QPushButton("Export findin&gs…")
        self.export_button.setToolTip("Write this audit's findings to a CSV file")
        self.export_button.clicked.connect(self.export_csv)
        self.pdf_button = QPushButton("PDF for signi&ng…")
        self.pdf_button.setToolTip(
            "Save the audit sheet: case, date, operator, every finding and signature lines"
        )
        self.pdf_button.clicked.connect(self.save_pdf)
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.last_pdf: Path | None = None
        self._update_buttons()

    def show_batch(self, batch_id: str | None) -> None:
        """Show the audit recorded in ``batch_id`` (None: nothing selected)."""
        if batch_id is None:
            self.sheet = None
            self.title.setText("Select an audit above to see every finding.")
            self.table.setRowCount(0)
            self._update_buttons()
            return
        if self.sheet is not None and self.sheet.batch_id == batch_id:
            return
        try:
            self.sheet = audit_sheet_for(self.store, batch=batch_id)
        except UserError as exc:
            self.sheet = None
            self.title.setText(str(exc))
            self.table.setRowCount(0)
            self._update_buttons()
            return
        sheet = self.sheet
        counts = ", ".join(f"{n} {STATUS_WORDS.get(k, k)}" for k, n in sheet.counts.items())
        self.title.setText(f"{sheet.title}: {counts}")
        self.table.setRowCount(len(sheet.findings))
        for row, (tag, status, expected, found, detail) in enumerate(sheet.findings):
            _, background, foreground = status_style(status)
            for column, text in enumerate((tag, status_text(status), expected, found, detail)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 1:
                    item.setBackground(QBrush(background))
                    item.setForeground(QBrush(foreground))
                self.table.setItem(row, column, item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        for button in (self.export_button, self.pdf_button):
            button.setEnabled(self.sheet is not None)

    def _suggested(self, suffix: str) -> str:
        assert self.sheet is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        return str(Path.home() / f"audit-{self.sheet.case_code}-{stamp}{suffix}")

    def export_csv(self) -> None:
        if self.sheet is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Export audit findings", self._suggested(".csv"), "CSV files (*.csv)"
        )
        if not name:
            return
        dest = Path(name) if Path(name).suffix else Path(name).with_suffix(".csv")
        self._start_export(ReportRequest("audit", batch=self.sheet.batch_id), dest)

    def save_pdf(self) -> None:
        if self.sheet is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the audit sheet for signing", self._suggested(".pdf"), "PDF (*.pdf)"
        )
        if name:
            self.write_pdf(Path(name) if Path(name).suffix else Path(name).with_suffix(".pdf"))

    def write_pdf(self, dest: Path) -> bool:
        """Write the sheet (read again, so it carries the log head as it is now)."""
        if self.sheet is None:
            return False
        try:
            sheet = audit_sheet_for(self.store, batch=self.sheet.batch_id)
            write_audit_pdf(sheet, dest)
        except (UserError, OSError) as exc:
            QMessageBox.warning(self, "Audit sheet not saved", str(exc))
            return False
        self.last_pdf = dest
        return True
