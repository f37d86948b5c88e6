"""The Audit page (Ctrl+9): a stocktake of one case, scan by scan.

The page lays out the case chooser, the scan entry, the findings list (by scan, or slot by slot:
"expected AT-0042, found AT-0017") beside the case map coloured per class, and the buttons that
finish the audit and prepare its fix batches. It shows a core ``Audit``; it never reads the
database and decides nothing: what the clerk does leaves as a signal for
:class:`~assettrack_gui.qt.audit_controller.AuditController`.

A class is never shown by colour alone: every list row says it in words with a symbol, every
map cell carries the symbol (the legend under the map says which), and the selected slot is
described in words under the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.audit import (
    EMPTY,
    FIX_MOVE,
    FIX_PUT_AWAY,
    FIX_STOCK_IN,
    STATUS_WORDS,
    Audit,
    AuditStatus,
    Finding,
    FixBatch,
    SlotRow,
    counts_text,
)
from assettrack_gui.core.model import CaseInfo, plural

from .audit_report_panel import STATUS_STYLE, status_style, status_text
from .dialogs import bring_to_front
from .preview_model import CaseMapModel, PreviewModel, SlotRole
from .widgets import CaseChooser, CaseMapView, ScanEntry

__all__ = ["AuditFindingsModel", "AuditMapView", "AuditPage", "FixDialog"]

Index = QModelIndex | QPersistentModelIndex
StatusRole = Qt.ItemDataRole.UserRole + 20  # a row's class (an AuditStatus value or EMPTY)

HINT = (
    "Choose a case, or scan its code. Then scan what is in it: asset tags in slot order, or a "
    "slot label (CART-A/3) before the asset found in that slot — both may be mixed."
)


class AuditFindingsModel(QAbstractTableModel):
    """The audit's findings in scan order (then the missing ones), or its slots one by one."""

    BY_SCAN = ("#", "Asset tag / scan", "Class", "Expected", "Found", "Detail")
    BY_SLOT = ("Slot", "Class", "Expected", "Found", "What was found")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: tuple[str, ...] = self.BY_SCAN
        self._rows: list[tuple[tuple[str, ...], str]] = []  # (cells, class)
        self.class_column = 2

    def show_findings(self, findings: Sequence[Finding]) -> None:
        self.beginResetModel()
        self.columns, self.class_column = self.BY_SCAN, 2
        self._rows = [
            (
                (
                    str(f.scan_no) if f.scan_no is not None else "",
                    f.tag,
                    status_text(f.status),
                    f.expected_slot,
                    f.found_slot,
                    f.detail,
                ),
                f.status.value,
            )
            for f in findings
        ]
        self.endResetModel()

    def show_slots(self, rows: Sequence[SlotRow]) -> None:
        self.beginResetModel()
        self.columns, self.class_column = self.BY_SLOT, 1
        self._rows = [
            (
                (
                    r.slot,
                    status_text(r.state),
                    r.expected or "empty",
                    " and ".join(r.found) or "nothing",
                    r.words,
                ),
                str(r.state),
            )
            for r in rows
        ]
        self.endResetModel()

    def status(self, row: int) -> str:
        return self._rows[row][1]

    def cells(self, row: int) -> tuple[str, ...]:
        return self._rows[row][0]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if 0 <= section < len(self.columns) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        cells, status = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells[index.column()]
        if role == StatusRole:
            return status
        if index.column() == self.class_column:
            _, background, foreground = status_style(status)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(foreground)
        return None


class AuditMapModel(CaseMapModel):
    """The case map coloured per class: each cell shows its position with the class's symbol
    and the tag found there (or the expected one, if nothing was)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows_by_position: dict[int, SlotRow] = {}

    def set_audit(self, case: CaseInfo, rows: Sequence[SlotRow]) -> None:
        self.rows_by_position = {r.position: r for r in rows}
        slots = [(0, r.position, r.found[0] if r.found else r.expected, r.words) for r in rows]
        self.set_case(case.rows, case.cols, slots)  # short tags of what each cell shows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        slot = self.slot_at(index.row(), index.column())
        if slot is None:
            return None
        row = self.rows_by_position.get(slot[1])
        if row is None:
            return super().data(index, role)
        symbol, background, foreground = status_style(row.state)
        if role == Qt.ItemDataRole.DisplayRole:
            shown = row.found[0] if row.found else row.expected
            tag = self._short.get(shown, shown) if shown else STATUS_WORDS[EMPTY]
            return f"{row.position} {symbol}\n{tag}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(background)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(foreground)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.slot}: {STATUS_WORDS.get(row.state, row.state)} — {row.words}"
        if role == StatusRole:
            return row.state
        return super().data(index, role)


class AuditMapView(CaseMapView):
    """The Scan page's case map widget with the audit's colours and words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditMap")
        self.audit_model = AuditMapModel(self)
        self.model = self.audit_model
        self.view.setModel(self.audit_model)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.legend = QLabel(
            "   ".join(f"{STATUS_STYLE[s][0]} {STATUS_WORDS[s]}" for s in (*AuditStatus, EMPTY))
        )
        self.legend.setObjectName("auditLegend")
        self.legend.setWordWrap(True)
        layout = self.layout()
        assert layout is not None
        layout.addWidget(self.legend)
        self.detail.setText("Select a slot to see what was expected and what was found.")

    def show_audit(self, audit: Audit | None) -> None:
        if audit is None:
            self.show_case(None, [])
            return
        case = audit.case
        self._case = case
        self.title.setText(f"Case map: {case.case_code} — {case.name} ({case.rows} × {case.cols})")
        self.audit_model.set_audit(case, audit.slot_rows())
        self._current_changed(self.view.currentIndex(), QModelIndex())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        slot = current.data(SlotRole) if current.isValid() else None
        if slot is None or self._case is None or not hasattr(self, "audit_model"):
            return
        row = self.audit_model.rows_by_position.get(slot[1])
        if row is not None:
            self.detail.setText(
                f"{row.slot}: {row.words} — {STATUS_WORDS.get(row.state, row.state)}"
            )


class FixDialog(QDialog):
    """A fix batch as the engine previewed it: every line with its verdict, what is left out
    and why, and for a Stock-In the holder each asset is taken back from. Commit (Enter)
    commits it whole; Esc cancels."""

    def __init__(self, batch: FixBatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fixDialog")
        self.batch = batch
        self.setWindowTitle(f"Fix from the audit: {batch.title}")
        layout = QVBoxLayout(self)
        question = QLabel(batch.question() if batch.ready else f"Nothing to {batch.title} now.")
        question.setObjectName("fixQuestion")
        question.setWordWrap(True)
        font = QFont(question.font())
        font.setBold(True)
        question.setFont(font)
        layout.addWidget(question)
        if batch.holders:
            holders = QLabel(
                "Taken back from:\n"
                + "\n".join(f"  {tag} — held by {holder}" for tag, holder in batch.holders)
            )
            holders.setObjectName("fixHolders")
            holders.setWordWrap(True)
            layout.addWidget(holders)
        self.model = PreviewModel(self)
        if batch.preview is not None:
            self.model.set_lines(batch.preview.lines)
            table = QTableView(self)
            table.setObjectName("fixPreview")
            table.setModel(self.model)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setTabKeyNavigation(False)
            table.horizontalHeader().setStretchLastSection(True)
            table.verticalHeader().setVisible(False)
            table.resizeColumnsToContents()
            table.setMinimumSize(640, 160)
            layout.addWidget(table, 1)
        if batch.left_out:
            layout.addWidget(QLabel("Not in this batch:"))
            left = QListWidget(self)
            left.setObjectName("fixLeftOut")
            left.addItems([f"{tag}: {why}" for tag, why in batch.left_out])
            left.setMinimumHeight(80)
            layout.addWidget(left)
        buttons = QDialogButtonBox(self)
        self.commit_button: QPushButton | None = None
        if batch.ready:
            verb = "Take back" if batch.kind == FIX_STOCK_IN else batch.title
            self.commit_button = buttons.addButton(
                f"{verb} {plural(batch.count, 'asset')}", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.commit_button.setDefault(True)
            self.commit_button.setAutoDefault(True)
        close = buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel
            if batch.ready
            else QDialogButtonBox.StandardButton.Close
        )
        if not batch.ready:
            close.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.commit_button is not None:
            self.commit_button.setFocus()


class AuditPage(QWidget):
    """The Audit tab's widgets. Its signals say what the clerk chose; it changes nothing itself."""

    scanEntered = Signal(str)
    caseChosen = Signal(object)  # case id | None
    finishRequested = Signal()
    fixRequested = Signal(str)  # FIX_MOVE / FIX_PUT_AWAY / FIX_STOCK_IN
    followUpRequested = Signal()
    retireRequested = Signal()  # retire the missing assets selected in the list (or all)
    discardRequested = Signal()
    bySlotToggled = Signal(bool)
    firstShown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self._shown_once = False
        self._build()

    def _big_font(self, scale: float) -> QFont:
        font = QFont(self.font())
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * scale)
        font.setBold(True)
        return font

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.title = QLabel("Audit (stocktake)")
        self.title.setObjectName("auditTitle")
        self.title.setFont(self._big_font(1.6))
        self.title.setWordWrap(True)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(hint)

        self.case_combo = CaseChooser("— choose a case, or scan its code —")
        self.case_combo.setObjectName("auditCase")
        self.case_combo.caseChanged.connect(self.caseChosen)
        case_label = QLabel("C&ase:")
        case_label.setBuddy(self.case_combo)
        self.scan_entry = ScanEntry()
        self.scan_entry.setObjectName("auditScanEntry")
        self.scan_entry.setPlaceholderText("Scan a case code, slot labels and asset tags here")
        self.scan_entry.setFont(self._big_font(1.2))
        self.scan_entry.returnPressed.connect(self._entered)
        scan_label = QLabel("&Scan:")
        scan_label.setBuddy(self.scan_entry)
        row = QHBoxLayout()
        row.addWidget(case_label)
        row.addWidget(self.case_combo, 1)
        row.addWidget(scan_label)
        row.addWidget(self.scan_entry, 2)
        layout.addLayout(row)

        self.feedback = QLabel(" ")
        self.feedback.setObjectName("auditFeedback")
        self.feedback.setFont(self._big_font(1.3))
        self.feedback.setWordWrap(True)
        layout.addWidget(self.feedback)

        self.counts = QLabel("")
        self.counts.setObjectName("auditCounts")
        self.by_slot = QCheckBox("Slot &by slot")
        self.by_slot.setToolTip("List every slot: what was expected there and what was found")
        self.by_slot.toggled.connect(self.bySlotToggled)
        info = QHBoxLayout()
        info.addWidget(self.counts, 1)
        info.addWidget(self.by_slot)
        layout.addLayout(info)

        self.model = AuditFindingsModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditFindings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.case_map = AuditMapView()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.case_map)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)

        self.finish_button = QPushButton("Fi&nish audit…")
        self.finish_button.setToolTip("Record the audit as one AUDIT event (no asset changes)")
        self.finish_button.clicked.connect(self.finishRequested)
        self.fix_buttons: dict[str, QPushButton] = {}
        for kind, text, tip in (
            (FIX_MOVE, "Fix: Mo&ve…", "Move assets found in a labelled slot to where they were found"),
            (FIX_PUT_AWAY, "Fix: &Put-away…", "Put away unslotted assets found in a labelled slot"),
            (FIX_STOCK_IN, "Fix: Stock-&In…", "Take back assets found here while in custody"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, k=kind: self.fixRequested.emit(k))
            self.fix_buttons[kind] = button
        self.follow_up_button = QPushButton("Follo&w-up…")
        self.follow_up_button.setToolTip("Missing, retired and unknown: what no batch can fix")
        self.follow_up_button.clicked.connect(self.followUpRequested)
        self.retire_button = QPushButton("Retire missin&g…")
        self.retire_button.setToolTip(
            "Retire the missing assets selected in the list (or all of them) as lost, broken or "
            "disposed, with a reason: previewed, asked first, all or none"
        )
        self.retire_button.clicked.connect(self.retireRequested)
        self.discard_button = QPushButton("&Discard audit…")
        self.discard_button.clicked.connect(self.discardRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.finish_button)
        for button in self.fix_buttons.values():
            buttons.addWidget(button)
        buttons.addWidget(self.follow_up_button)
        buttons.addWidget(self.retire_button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        layout.addLayout(buttons)
        self.show_audit(None, finished=False)

    # -- the clerk → signals

    def _entered(self) -> None:
        text = self.scan_entry.text()
        self.scan_entry.clear()
        if text.strip():
            self.scanEntered.emit(text)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.firstShown.emit()

    def refocus(self) -> None:
        """After a dialog: the keyboard back to this page's scan entry."""
        bring_to_front(self.window())
        self.scan_entry.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- state → widgets

    def set_cases(self, cases: Sequence[CaseInfo], selected: int | None) -> None:
        self.case_combo.set_cases(cases, selected)

    def show_audit(self, audit: Audit | None, *, finished: bool, batch_id: str = "") -> None:
        """Title, counts, the list (by scan or slot by slot), the map and which buttons work."""
        if audit is None:
            self.title.setText("Audit (stocktake)")
            self.counts.setText("No audit under way.")
            self.model.show_findings([])
        else:
            case = audit.case
            if finished:
                self.title.setText(
                    f"Audit of {case.case_code} recorded (batch {batch_id}): fix what it found, "
                    "or scan another case"
                )
            else:
                self.title.setText(
                    f"Auditing {case.case_code} — {case.name}: {plural(audit.scan_count, 'scan')}"
                )
            self.counts.setText(counts_text(audit.counts()))
            if self.by_slot.isChecked():
                self.model.show_slots(audit.slot_rows())
            else:
                self.model.show_findings(audit.findings())
            self.case_combo.select_case(case.id)
        if self.model.rowCount() <= 300:  # a bigger case keeps its widths: one scan stays quick
            self.table.resizeColumnsToContents()
        self.case_map.show_audit(audit)
        active = audit is not None and not finished
        self.finish_button.setEnabled(active)
        for button in (*self.fix_buttons.values(), self.follow_up_button):
            button.setEnabled(audit is not None)
        self.retire_button.setEnabled(
            audit is not None and audit.counts()[AuditStatus.MISSING.value] > 0
        )
        self.discard_button.setEnabled(audit is not None)
        self.discard_button.setText("&Discard audit…" if active else "&Close audit")

    def select_finding(self, finding: Finding | None, audit: Audit | None) -> None:
        """Put the list's cursor on what a scan found (its slot, slot by slot)."""
        if finding is None or audit is None:
            return
        if self.by_slot.isChecked():
            row = (finding.position - 1) if finding.position is not None else -1
        else:
            row = next(
                (i for i, f in enumerate(audit.findings()) if f is finding),
                -1,
            )
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        if finding.position is not None:
            index = self.case_map.model.index_of_position(finding.position)
            if index.isValid():
                self.case_map.view.setCurrentIndex(index)

    def selected_rows(self) -> list[int]:
        """The rows selected in the findings list, top to bottom."""
        model = self.table.selectionModel()
        return sorted({index.row() for index in model.selectedRows()}) if model else []

    def show_feedback(self, text: str, ok: bool) -> None:
        colour = "#1b5e20" if ok else "#b71c1c"
        self.feedback.setText(f"{'✓' if ok else '✗'}  {text}")
        self.feedback.setStyleSheet(f"color: {colour};")
