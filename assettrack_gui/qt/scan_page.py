"""The Scan page: the widgets of the clerk's work area and how a Session's state looks in them.

The page lays out the scan entry, the per-mode controls (custodian, return case, put-away case
and position), the banner, the batch preview or the lookup result beside the case map, and the
buttons under them. :meth:`ScanPage.refresh_view` shows a core
:class:`~assettrack_gui.core.session.Session` as it is now; the page never reads the database
(the controller hands it the case map's slots) and never decides anything: what the clerk does
leaves the page as a signal for :class:`~assettrack_gui.qt.scan_controller.ScanController`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.model import (
    MODE_TITLES,
    CaseInfo,
    HolderInfo,
    Lookup,
    Mode,
    Operation,
    plural,
)
from assettrack_gui.core.session import Session
from assettrack_gui.core.text import visible

from .dialogs import bring_to_front
from .preview_model import EventsModel, PreviewModel
from .widgets import Banner, CaseChooser, CaseMapView, CustodianPicker, ScanEntry

__all__ = ["MODE_HINTS", "ScanPage", "map_case"]

MODE_HINTS = {
    Mode.STOCK_OUT: "Scan the custodian's badge (or choose below), then scan the assets.",
    Mode.STOCK_IN: "Scan returned assets: each goes back to the slot it left, or to the return case.",
    Mode.PLACE: "Scan or choose a case and position (or scan a slot label such as CART-A/3), then scan the asset.",
    Mode.LOOKUP: "Scan anything: an asset, a badge or a case.",
}

Slots = Sequence[tuple[int, int, str | None, str]]  # as Engine.case_slots returns them

FEEDBACK_COLOURS = {"ok": "#1b5e20", "warning": "#e65100", "refused": "#b71c1c"}
FEEDBACK_MARKS = {"ok": "✓", "warning": "⚠", "refused": "✗"}


def map_case(session: Session) -> CaseInfo | None:
    """The case the map shows in the session's mode (None: no case, maybe no map)."""
    return {
        Mode.STOCK_IN: session.return_case,
        Mode.PLACE: session.place_case,
        Mode.LOOKUP: session.lookup_case,
    }.get(session.mode)


# A damaged or rolled-back database: its banner stays until a backup is restored.
STUCK_BANNERS = ("damaged", "rolled back")


class ScanPage(QWidget):
    """The Scan tab's widgets. Its signals say what the clerk chose; it changes nothing itself."""

    scanEntered = Signal(str)  # Enter in the scan entry, with text (not blank)
    custodianChosen = Signal(object)  # holder id | None
    returnCaseChosen = Signal(object)  # case id | None
    placeCaseChosen = Signal(object)  # case id | None
    positionChosen = Signal(int)  # 0 = none
    placeOperationChosen = Signal(str)  # Operation.PUT_AWAY | Operation.MOVE
    slotChosen = Signal(int)  # a slot of the case map (Enter or click)
    removeRequested = Signal()
    clearRequested = Signal()
    commitRequested = Signal()
    receiptRequested = Signal(str)  # batch id
    undoRequested = Signal(str)  # batch id
    restoreRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workArea")
        self._fitted_rows: list[tuple[str, str, int] | None] = []  # what each row's height fits
        self._map_case: CaseInfo | None = None  # the case the map showed last
        self.welcome: QWidget | None = None  # the first-run panel (qt.first_run), if shown
        self._mode = Mode.STOCK_OUT
        self._build()

    # -- building -------------------------------------------------------------------------------

    def _big_font(self, scale: float, bold: bool = True) -> QFont:
        font = QFont(self.font())
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * scale)
        font.setBold(bold)
        return font

    def _build(self) -> None:
        layout = QVBoxLayout(self)

        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeTitle")
        self.mode_label.setFont(self._big_font(1.6))
        self.mode_hint = QLabel()
        self.mode_hint.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.mode_label)
        head.addWidget(self.mode_hint, 1)
        layout.addLayout(head)

        entry_row = QHBoxLayout()
        scan_label = QLabel("&Scan:")
        self.scan_entry = ScanEntry()
        self.scan_entry.setObjectName("scanEntry")
        self.scan_entry.setPlaceholderText("Scan or type a tag, badge or case code and press Enter")
        self.scan_entry.setFont(self._big_font(1.3, bold=False))
        self.scan_entry.setClearButtonEnabled(True)
        self.scan_entry.returnPressed.connect(self._entry_return)
        scan_label.setBuddy(self.scan_entry)
        entry_row.addWidget(scan_label)
        entry_row.addWidget(self.scan_entry, 1)
        layout.addLayout(entry_row)
        self.scan_feedback = QLabel(" ")
        self.scan_feedback.setObjectName("scanFeedback")
        self.scan_feedback.setFont(self._big_font(1.1))
        self.scan_feedback.setWordWrap(True)
        layout.addWidget(self.scan_feedback)

        layout.addWidget(self._build_mode_controls())

        self.banner = Banner()
        self.banner.receiptRequested.connect(self.receiptRequested)
        self.banner.undoRequested.connect(self.undoRequested)
        self.banner.restoreRequested.connect(self.restoreRequested)
        self.banner.close_button.clicked.connect(self.refocus)
        layout.addWidget(self.banner)

        # The batch (or the lookup result) and the case map side by side
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_stack = QStackedWidget()
        self.main_stack.addWidget(self._build_table())
        self.main_stack.addWidget(self._build_lookup_page())
        self.splitter.addWidget(self.main_stack)
        self.case_map = CaseMapView()
        self.case_map.slotChosen.connect(self.slotChosen)
        self.splitter.addWidget(self.case_map)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([880, 320])
        layout.addWidget(self.splitter, 1)

        bottom = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("batchSummary")
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.remove_button = QPushButton("Remove selected (Delete)")
        self.remove_button.clicked.connect(self.removeRequested)
        self.clear_button = QPushButton("Clear batch…")
        self.clear_button.setObjectName("clearButton")
        self.clear_button.clicked.connect(self.clearRequested)
        self.commit_button = QPushButton("Commit  (Ctrl+Return)")
        self.commit_button.setObjectName("commitButton")
        self.commit_button.setFont(self._big_font(1.15))
        self.commit_button.setMinimumHeight(40)
        self.commit_button.clicked.connect(self.commitRequested)
        bottom.addWidget(self.remove_button)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.commit_button)
        layout.addLayout(bottom)

    def _build_mode_controls(self) -> QStackedWidget:
        """One page of controls per mode, in tuple(Mode) order (Lookup's is empty)."""
        self.context_stack = QStackedWidget()
        self.context_stack.setObjectName("modeControls")
        self.context_stack.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # Stock-Out: the custodian
        out_page = QWidget()
        out_form = QFormLayout(out_page)
        out_form.setContentsMargins(0, 0, 0, 0)
        self.custodian_picker = CustodianPicker()
        self.custodian_picker.holderChanged.connect(self.custodianChosen)
        self.custodian_label = QLabel()
        self.custodian_label.setObjectName("custodianLabel")
        self.custodian_label.setFont(self._big_font(1.8))
        picker_label = QLabel("&Custodian:")
        picker_label.setBuddy(self.custodian_picker)
        out_form.addRow(picker_label, self.custodian_picker)
        out_form.addRow("Handing over to:", self.custodian_label)
        # Stock-In: the return case
        in_page = QWidget()
        in_form = QFormLayout(in_page)
        in_form.setContentsMargins(0, 0, 0, 0)
        self.return_case_combo = CaseChooser("(none: each asset only back to the slot it left)")
        self.return_case_combo.setObjectName("returnCaseCombo")
        self.return_case_combo.caseChanged.connect(self.returnCaseChosen)
        return_label = QLabel("&Return to case:")
        return_label.setBuddy(self.return_case_combo)
        in_form.addRow(return_label, self.return_case_combo)
        in_form.addRow(
            QLabel("Used only for assets whose own slot is taken. Scanning a case code sets it.")
        )
        # Put-away / Move: case, position, operation
        place_page = QWidget()
        place_form = QFormLayout(place_page)
        place_form.setContentsMargins(0, 0, 0, 0)
        self.place_case_combo = CaseChooser("(choose or scan a case)")
        self.place_case_combo.setObjectName("placeCaseCombo")
        self.place_case_combo.caseChanged.connect(self.placeCaseChosen)
        self.position_spin = QSpinBox()
        self.position_spin.setObjectName("positionSpin")
        self.position_spin.setRange(0, 10_000)
        self.position_spin.setSpecialValueText("—")
        self.position_spin.valueChanged.connect(self.positionChosen)
        self.place_op_combo = QComboBox()
        self.place_op_combo.setObjectName("placeOperationCombo")
        self.place_op_combo.addItem("Put away (asset has no slot yet)", Operation.PUT_AWAY)
        self.place_op_combo.addItem("Move (asset is in another slot)", Operation.MOVE)
        self.place_op_combo.currentIndexChanged.connect(self._place_operation_chosen)
        case_label = QLabel("C&ase:")
        case_label.setBuddy(self.place_case_combo)
        pos_label = QLabel("&Position:")
        pos_label.setBuddy(self.position_spin)
        op_label = QLabel("&Operation:")
        op_label.setBuddy(self.place_op_combo)
        place_form.addRow(case_label, self.place_case_combo)
        place_form.addRow(pos_label, self.position_spin)
        place_form.addRow(op_label, self.place_op_combo)
        self.context_stack.addWidget(out_page)
        self.context_stack.addWidget(in_page)
        self.context_stack.addWidget(place_page)
        self.context_stack.addWidget(QWidget())
        return self.context_stack

    def _build_table(self) -> QTableView:
        self.preview_model = PreviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.preview_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # A refused row grows to show its whole reason (word-wrapped in the Verdict column,
        # which takes the width the case map leaves); OK rows keep one line.
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        vheader = self.table.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(28)
        hheader = self.table.horizontalHeader()
        hheader.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hheader.setStretchLastSection(True)
        for col, width in enumerate((36, 175, 150, 130, 160)):  # tags run long
            self.table.setColumnWidth(col, width)
        hheader.sectionResized.connect(self._verdict_width_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_selected)
        return self.table

    def _build_lookup_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("lookupPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lookup_title = QLabel("Scan something to look it up.")
        self.lookup_title.setObjectName("lookupTitle")
        self.lookup_title.setFont(self._big_font(1.5))
        self.lookup_title.setWordWrap(True)
        layout.addWidget(self.lookup_title)
        self.lookup_facts = QLabel()
        self.lookup_facts.setObjectName("lookupFacts")
        self.lookup_facts.setTextFormat(Qt.TextFormat.PlainText)
        self.lookup_facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lookup_facts.setFont(self._big_font(1.1, bold=False))
        self.lookup_facts.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A case lists every slot (200 lines for a 20 × 10 case): the facts scroll inside the
        # page instead of making the window that tall (and keeping it so in every mode).
        self.lookup_scroll = QScrollArea()
        self.lookup_scroll.setObjectName("lookupFactsScroll")
        self.lookup_scroll.setWidgetResizable(True)
        self.lookup_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.lookup_scroll.setWidget(self.lookup_facts)
        self.lookup_scroll.setMinimumHeight(24)  # asks the window for no more than before
        layout.addWidget(self.lookup_scroll, 2)
        layout.addWidget(QLabel("Last events (oldest first):"))
        self.events_model = EventsModel(self)
        self.events_view = QTableView()
        self.events_view.setObjectName("lookupEvents")
        self.events_view.setModel(self.events_model)
        self.events_view.verticalHeader().setVisible(False)
        self.events_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.events_view, 2)
        return page

    # -- what the clerk does ----------------------------------------------------------------------

    def _entry_return(self) -> None:
        text = self.scan_entry.text()
        self.scan_entry.clear()
        if text.strip():
            self.scanEntered.emit(text)

    def _place_operation_chosen(self, index: int) -> None:
        self.placeOperationChosen.emit(self.place_op_combo.itemData(index))

    def selected_rows(self) -> list[int]:
        """The preview rows selected in the table, top to bottom."""
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def refocus(self) -> None:
        """After a dialog: keyboard focus back to this page's window and its scan entry (or
        the welcome panel, while it shows)."""
        bring_to_front(self.window())
        target = self.welcome if self.welcome is not None else self.scan_entry
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_welcome(self, panel: QWidget | None) -> None:
        """``panel`` (an empty database's welcome, ``qt.first_run``) in place of the batch
        table and the case map; None takes it away (for good) and shows them again."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        if self.welcome is not None:
            layout.removeWidget(self.welcome)
            self.welcome.hide()
            self.welcome.deleteLater()
            self.welcome = None
        if panel is None:
            self.splitter.show()
            self._show_batch_controls()
            return
        self.welcome = panel
        self.splitter.hide()
        self._show_batch_controls()
        layout.insertWidget(layout.indexOf(self.splitter) + 1, panel, 1)
        panel.show()

    def focus_custodian(self) -> None:
        self.custodian_picker.setFocus()
        line = self.custodian_picker.lineEdit()
        if line is not None:
            line.selectAll()

    # -- state → widgets ----------------------------------------------------------------------

    def show_mode(self, mode: str) -> None:
        """Title, hint and controls of ``mode``; the batch buttons only where there is a batch."""
        mode = self._mode = Mode(mode)
        self.mode_label.setText(MODE_TITLES[mode])
        self.mode_hint.setText(MODE_HINTS[mode])
        self.clear_scan_feedback()  # the last scan was about another mode
        self.context_stack.setCurrentIndex(tuple(Mode).index(mode))
        if self.banner.mode != mode and self.banner.kind not in STUCK_BANNERS:
            # the banner is about another mode's batch (a damaged or rolled-back database
            # concerns every mode: that banner stays)
            self.banner.hide()
        for i in range(self.context_stack.count()):  # the stack takes the current page's height
            page = self.context_stack.widget(i)
            policy = (
                QSizePolicy.Policy.Preferred
                if i == tuple(Mode).index(mode)
                else QSizePolicy.Policy.Ignored
            )
            if page is not None:
                page.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.context_stack.updateGeometry()
        self.main_stack.setCurrentIndex(1 if mode == Mode.LOOKUP else 0)
        self._show_batch_controls()

    def _show_batch_controls(self) -> None:
        """The custodian/case controls and the batch buttons: in the modes with a batch, and
        not while the welcome panel shows (an empty database has nothing to choose)."""
        batch = self._mode != Mode.LOOKUP and self.welcome is None
        self.context_stack.setVisible(batch)
        for w in (self.commit_button, self.clear_button, self.remove_button, self.summary_label):
            w.setVisible(batch)

    def set_lists(
        self,
        holders: Sequence[HolderInfo],
        cases: Sequence[CaseInfo],
        return_case: int | None,
        place_case: int | None,
    ) -> None:
        """The custodians and cases to choose from, keeping the chosen cases chosen."""
        self.custodian_picker.set_holders(holders)
        self.return_case_combo.set_cases(cases, return_case)
        self.place_case_combo.set_cases(cases, place_case)

    def refresh_view(self, session: Session, map_slots: Slots, can_commit: bool) -> None:
        """Show ``session`` as it is: preview rows, choices, case map, banner, summary, buttons.

        ``map_slots`` are the slots of :func:`map_case`'s case; ``can_commit`` is the session's
        answer unless a commit is already under way.
        """
        s = session
        preview = s.preview
        lines = preview.lines if preview is not None and s.mode != Mode.LOOKUP else []
        self.preview_model.set_lines(lines)
        self.fit_rows()
        # custodian
        self.custodian_picker.select_holder(s.custodian.id if s.custodian else None, emit=False)
        if s.custodian is not None:
            self.custodian_label.setText(s.custodian.label)
            self.custodian_label.setStyleSheet("color: #0d47a1;")
        else:
            self.custodian_label.setText("nobody yet — scan a badge")
            self.custodian_label.setStyleSheet("color: #9e9e9e;")
        self.return_case_combo.select_case(s.return_case.id if s.return_case else None)
        self.place_case_combo.select_case(s.place_case.id if s.place_case else None)
        self.position_spin.blockSignals(True)
        size = s.place_case.size if s.place_case else 0
        self.position_spin.setMaximum(max(size, 0))
        self.position_spin.setValue(s.place_position or 0)
        self.position_spin.blockSignals(False)
        self.place_op_combo.blockSignals(True)
        self.place_op_combo.setCurrentIndex(0 if s.place_operation == Operation.PUT_AWAY else 1)
        self.place_op_combo.blockSignals(False)
        self._refresh_case_map(s, map_slots)
        if (
            self.banner.kind == "refused"
            and self.banner.mode == s.mode
            and preview is not None
            and preview.ok
        ):
            self.banner.hide()  # nothing is refused any more (e.g. another station gave it back)
        # summary and commit
        if s.mode == Mode.LOOKUP:
            self.summary_label.setText("")
        else:
            n = len(lines)
            ok = sum(1 for line in lines if line.ok)
            parts = [plural(n, "scan"), f"{ok} OK"]
            if n - ok:
                parts.append(f"{n - ok} refused")
            text = " · ".join(parts)
            problems = list(preview.problems) if preview is not None else []
            if problems:
                text += "  —  " + "; ".join(str(p) for p in problems)
            elif n and n - ok:
                text += "  —  remove or fix the refused rows to commit"
            self.summary_label.setText(text)
        self.commit_button.setEnabled(can_commit)
        has_rows = bool(lines)
        self.clear_button.setEnabled(has_rows)
        self.remove_button.setEnabled(has_rows)

    def fit_rows(self) -> None:
        """Refused rows as tall as their wrapped reason; the others back to one line."""
        one_line = self.table.verticalHeader().defaultSectionSize()
        width = self.table.columnWidth(PreviewModel.VERDICT)
        lines = self.preview_model.lines
        fitted = self._fitted_rows[: len(lines)]
        for row, line in enumerate(lines):
            key = (line.scan, line.reason, width) if not line.ok else None
            if row < len(fitted) and fitted[row] == key:
                continue  # a 1,000-row batch re-measures only what changed
            if key is not None:
                self.table.setRowHeight(row, max(one_line, self.table.sizeHintForRow(row) + 6))
            elif self.table.rowHeight(row) != one_line:
                self.table.setRowHeight(row, one_line)
            if row < len(fitted):
                fitted[row] = key
            else:
                fitted.append(key)
        self._fitted_rows = fitted

    def _verdict_width_changed(self, column: int, _old: int, _new: int) -> None:
        if column == PreviewModel.VERDICT:
            self.fit_rows()

    def _row_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The selected row's verdict in full under the scan field (the table may be narrow)."""
        if not current.isValid() or current.row() >= self.preview_model.rowCount():
            return
        line = self.preview_model.line(current.row())
        tag = line.asset_tag or visible(line.scan)
        if line.ok:
            self.show_scan_feedback(
                f"Row {current.row() + 1} · {tag}: {line.now} → {line.to}", True
            )
        else:
            self.show_scan_feedback(f"Row {current.row() + 1} · {tag}: {line.reason}", False)

    def _refresh_case_map(self, s: Session, slots: Slots) -> None:
        case = map_case(s)
        self.case_map.setVisible(s.mode in (Mode.STOCK_IN, Mode.PLACE) or case is not None)
        if not self.case_map.isVisible():
            return
        if case is not None and case != self._map_case:
            self._make_room_for_map(case)
        self._map_case = case
        self.case_map.choosing = s.mode == Mode.PLACE
        planned = s.planned_positions(case) if s.mode == Mode.PLACE else {}
        self.case_map.show_case(case, slots, planned)
        if s.mode == Mode.PLACE:
            self.case_map.select_position(s.place_position)
        else:
            self.case_map.model.set_target(None)

    def _make_room_for_map(self, case: CaseInfo) -> None:
        """A newly shown case gets the width its columns need, up to half the page; a big case
        scrolls inside the map for the rest. The clerk's own splitter drag is kept otherwise."""
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0 or len(sizes) != 2:
            return
        view = self.case_map.view
        need = (
            view.verticalHeader().sizeHint().width()
            + case.cols * CaseMapView.CELL_WIDTH
            + view.verticalScrollBar().sizeHint().width()
            + 2 * view.frameWidth()
            + 4
        )
        want = min(need, total // 2)
        if sizes[1] < want:
            self.splitter.setSizes([total - want, want])

    def show_position(self, position: int | None) -> None:
        """``position`` chosen on the map (None: no target): the spin box and the map agree,
        no signal sent."""
        self.position_spin.blockSignals(True)
        self.position_spin.setValue(position or 0)
        self.position_spin.blockSignals(False)
        self.case_map.select_position(position)

    def select_row(self, row: int) -> None:
        """Select and show a preview row (the one a scan just added or found)."""
        if row < self.preview_model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.preview_model.index(row, 0))

    def show_lookup(self, result: Lookup | None) -> None:
        if result is None:
            return
        self.lookup_title.setText(result.title)
        self.lookup_facts.setText("\n".join(f"{k}: {v}" for k, v in result.facts))
        self.events_model.set_events(result.events)
        self.events_view.resizeColumnsToContents()

    def show_scan_feedback(self, text: str, ok: bool, warning: bool = False) -> None:
        """The last scan's result in large type under the scan field: green ✓, red ✗, or
        orange ⚠ for a scan that was taken but needs a look (the case is full, the next slot
        is back at the start of the case)."""
        tone = "refused" if not ok else "warning" if warning else "ok"
        self.scan_feedback.setText(f"{FEEDBACK_MARKS[tone]}  {text}")
        self.scan_feedback.setStyleSheet(f"color: {FEEDBACK_COLOURS[tone]};")

    def clear_scan_feedback(self) -> None:
        self.scan_feedback.setText(" ")
        self.scan_feedback.setStyleSheet("")

    def batch_edited(self) -> None:
        """A "not committed" banner is about a batch that has changed since: take it away."""
        if (
            self.banner.isVisible()
            and not self.banner.batch_id
            and self.banner.kind not in STUCK_BANNERS
        ):
            self.banner.hide()

    def batch_started(self) -> None:
        """A scan joined the batch: the last commit's success banner is history now (Ctrl+R
        still opens its receipt)."""
        if self.banner.isVisible() and self.banner.kind == "success":
            self.banner.hide()
