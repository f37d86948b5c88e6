"""Widgets of the work area: scan entry, custodian picker, case map and the commit banner."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.model import CaseInfo, HolderInfo
from assettrack_gui.core.text import fold

from .preview_model import CaseMapModel, SlotRole

IdRole = Qt.ItemDataRole.UserRole + 10  # a ChoiceListModel row's holder or case id
FoldedRole = Qt.ItemDataRole.UserRole + 11  # a row's label as searches compare it (core fold)


class ScanEntry(QLineEdit):
    """The line a keyboard-wedge scanner types into. Ctrl+Z here means "remove the last scan"."""

    def event(self, e: QEvent) -> bool:
        if (
            e.type() == QEvent.Type.ShortcutOverride
            and isinstance(e, QKeyEvent)
            and e.matches(QKeySequence.StandardKey.Undo)
        ):
            e.ignore()  # let the window's "Remove last scan" shortcut have it
            return True
        return super().event(e)


class ChoiceListModel(QAbstractListModel):
    """A combo box's entries as (label, id) rows, replaced in one go.

    Thousands of holders or cases fill in one model reset instead of one ``addItem`` (and one
    rowsInserted round-trip through the combo box) each, which used to dominate start-up with a
    big stockroom. Lookups by id and the search (accents and letter case ignored, the rule of
    ``core.text.fold``) use plain Python lists.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._ids: list[int | None] = []
        self._row_of: dict[int | None, int] = {}
        self._folded: list[str] | None = None  # folded labels, made on the first search

    def set_rows(self, labels: Sequence[str], ids: Sequence[int | None]) -> None:
        assert len(labels) == len(ids)
        self.beginResetModel()
        self._labels = list(labels)
        self._ids = list(ids)
        self._row_of = {}
        for row, id_ in enumerate(self._ids):
            self._row_of.setdefault(id_, row)
        self._folded = None
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._labels)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._labels):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._labels[row]
        if role == IdRole:
            return self._ids[row]
        if role == FoldedRole:
            return self._folded_labels()[row]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def ids(self) -> list[int | None]:
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def label_at(self, row: int) -> str:
        return self._labels[row] if 0 <= row < len(self._labels) else ""

    def row_of(self, id_: int | None) -> int:
        """The first row with this id, or -1."""
        return self._row_of.get(id_, -1)

    def rows_containing(self, text: str) -> list[int]:
        """Rows whose label contains ``text``, ignoring accents and letter case; none for blank
        text."""
        needle = fold(text.strip())
        if not needle:
            return []
        return [r for r, label in enumerate(self._folded_labels()) if needle in label]

    def _folded_labels(self) -> list[str]:
        if self._folded is None:
            self._folded = [fold(label) for label in self._labels]
        return self._folded


class FoldingCompleter(QCompleter):
    """Completes against the model's folded labels with the typed text folded the same way, so
    "tomas" lists "Tomás Ortega"; a chosen row still puts its label, as shown, in the field."""

    def __init__(self, model: ChoiceListModel, parent: QObject | None = None) -> None:
        super().__init__(model, parent)
        self.setCompletionRole(FoldedRole)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)  # both sides already folded

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


def _fast_list(combo: QComboBox) -> None:
    """Size the combo box from its minimum contents length rather than by measuring every entry
    on first show, and let its list lay out thousands of rows without measuring each."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    view = combo.view()
    if isinstance(view, QListView):
        view.setUniformItemSizes(True)


class CustodianPicker(QComboBox):
    """Active holders, searchable by any part of the name or badge, fully keyboard-operable."""

    holderChanged = Signal(object)  # int | None

    PLACEHOLDER = "— choose a custodian (type a name or badge, or scan a badge) —"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("custodianPicker")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._model = ChoiceListModel(self)
        self.setModel(self._model)
        completer = FoldingCompleter(self._model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        popup = completer.popup()
        if isinstance(popup, QListView):
            popup.setUniformItemSizes(True)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.PLACEHOLDER)
        self.setMinimumContentsLength(30)
        _fast_list(self)
        self._current: int | None = None
        self.currentIndexChanged.connect(self._index_changed)
        line.returnPressed.connect(self._accept_typed)
        self.set_holders([])

    def matching_rows(self, text: str) -> list[int]:
        """Rows whose "Name (BADGE)" contains the text, ignoring accents and letter case."""
        return self._model.rows_containing(text)

    def _accept_typed(self) -> None:
        """Enter after typing part of a name or badge picks the first holder listed for it."""
        line = self.lineEdit()
        assert line is not None
        rows = self.matching_rows(line.text())
        if rows:
            self.select_holder(self._model.id_at(rows[0]))
            self.setEditText(self.itemText(self.currentIndex()))

    def set_holders(self, holders: Sequence[HolderInfo]) -> None:
        keep = self._current
        self.blockSignals(True)
        self._model.set_rows([h.label for h in holders], [h.id for h in holders])
        self.blockSignals(False)
        self.select_holder(keep, emit=False)

    def holder_ids(self) -> list[int]:
        return [i for i in self._model.ids() if i is not None]

    def current_holder_id(self) -> int | None:
        return self._current

    def select_holder(self, holder_id: int | None, emit: bool = True) -> None:
        row = self._model.row_of(holder_id) if holder_id is not None else -1
        self.blockSignals(True)
        self.setCurrentIndex(row)
        if row < 0:
            self.setEditText("")
        self.blockSignals(False)
        changed = (holder_id if row >= 0 else None) != self._current
        self._current = holder_id if row >= 0 else None
        if changed:
            self._close_search()
        if emit and changed:
            self.holderChanged.emit(self._current)

    def _close_search(self) -> None:
        """A custodian chosen another way (a badge scan): the search list and its text go.

        Left open, the list covers the large custodian name and keeps the half-typed search.
        """
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None and popup.isVisible():
            popup.hide()
        row = self.currentIndex()
        self.setEditText(self.itemText(row) if row >= 0 else "")

    def _index_changed(self, row: int) -> None:
        holder_id = self._model.id_at(row) if row >= 0 else None
        if holder_id != self._current:
            self._current = holder_id
            self.holderChanged.emit(holder_id)

    def focusOutEvent(self, e: object) -> None:  # type: ignore[override]
        super().focusOutEvent(e)  # type: ignore[arg-type]
        # Half-typed search text that matches nothing falls back to the chosen custodian.
        row = self.currentIndex()
        self.setEditText(self.itemText(row) if row >= 0 else "")


class CaseChooser(QComboBox):
    """Cases by code and name, with an optional "none" entry."""

    caseChanged = Signal(object)  # int | None

    def __init__(self, none_text: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._none_text = none_text
        self._model = ChoiceListModel(self)
        self.setModel(self._model)
        self.setMinimumContentsLength(30)
        _fast_list(self)
        self.currentIndexChanged.connect(self._changed)

    def set_cases(self, cases: Sequence[CaseInfo], selected: int | None) -> None:
        labels = [f"{c.case_code} — {c.name} ({c.rows} × {c.cols})" for c in cases]
        ids: list[int | None] = [c.id for c in cases]
        if self._none_text is not None:
            labels.insert(0, self._none_text)
            ids.insert(0, None)
        self.blockSignals(True)
        self._model.set_rows(labels, ids)
        self.setCurrentIndex(max(self._model.row_of(selected), 0))
        self.blockSignals(False)

    def current_case_id(self) -> int | None:
        return self._model.id_at(self.currentIndex())

    def select_case(self, case_id: int | None) -> None:
        row = self._model.row_of(case_id)
        if row >= 0:
            self.blockSignals(True)
            self.setCurrentIndex(row)
            self.blockSignals(False)

    def _changed(self, row: int) -> None:
        self.caseChanged.emit(self._model.id_at(row))


class CaseMapView(QWidget):
    """A case's slots as a grid: empty, planned by the batch or occupied; the current slot is
    described with its whole tag.

    Moving around (arrows, Tab leaves the map) only shows what is in a slot; ``slotChosen`` is
    emitted for a deliberate choice: Enter on a slot, or a click. Cells keep a readable size:
    a large case (20 × 10) scrolls inside the map instead of squeezing its cells or asking the
    window for more room.

    *Print slot labels…* (a button under the map, the map's context menu, Ctrl+Shift+P in the
    map) emits ``slotLabelsRequested`` with the shown case's code; whoever shows the map opens
    the labels dialog (``MainWindow.open_labels_dialog``).
    """

    slotChosen = Signal(int)  # position
    slotLabelsRequested = Signal(str)  # case code
    PRINT_SHORTCUT = "Ctrl+Shift+P"
    CELL_WIDTH, CELL_HEIGHT = 64, 40  # the smallest a cell gets: a position and "…0042"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseMap")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Case map")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.model = CaseMapModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("caseMapView")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for header, least in (
            (self.view.horizontalHeader(), self.CELL_WIDTH),
            (self.view.verticalHeader(), self.CELL_HEIGHT),
        ):
            header.setMinimumSectionSize(least)
            header.setDefaultSectionSize(least)
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setWordWrap(True)
        self.view.setTabKeyNavigation(False)  # Tab leaves the map; arrows move inside it
        self.view.activated.connect(self._chosen)
        self.view.clicked.connect(self._chosen)
        layout.addWidget(self.view, 1)
        self.detail = QLabel("Select a slot to see its asset.")
        self.detail.setObjectName("slotDetail")
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.print_action = QAction("Print slot labels…", self)
        self.print_action.setObjectName("printSlotLabelsAction")
        self.print_action.setShortcut(QKeySequence(self.PRINT_SHORTCUT))
        self.print_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.print_action.triggered.connect(self._print_requested)
        self.addAction(self.print_action)  # the shortcut, while the map has the keyboard
        self.view.addAction(self.print_action)  # the context menu (also the Menu key)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.print_button = QPushButton("Print slot labels…")
        self.print_button.setObjectName("printSlotLabels")
        self.print_button.setToolTip(
            f"Barcode labels CASE/POS for every slot of this case ({self.PRINT_SHORTCUT} in the map)"
        )
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self._print_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        layout.addLayout(buttons)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self._case: CaseInfo | None = None
        self.print_action.setEnabled(False)
        self.print_button.setEnabled(False)
        # Put-away / Move: the detail line says how to make the current slot the target.
        self.choosing = False

    def show_case(
        self,
        case: CaseInfo | None,
        slots: Sequence[tuple[int, int, str | None, str]],
        planned: dict[int, str] | None = None,
    ) -> None:
        self._case = case
        self.print_action.setEnabled(case is not None)
        self.print_button.setEnabled(case is not None)
        if case is None:
            self.title.setText("Case map — no case chosen")
            self.model.set_case(0, 0, [])
            self.detail.setText("")
            return
        used = sum(1 for s in slots if s[2])
        more = f", {len(planned)} planned" if planned else ""
        self.title.setText(
            f"Case map: {case.case_code} — {case.name} ({used} of {case.size} slots used{more})"
        )
        self.title.setToolTip(self.title.text())
        self.model.set_case(case.rows, case.cols, slots, planned)
        self.detail.setText("Select a slot to see its asset.")

    def select_position(self, position: int | None) -> None:
        """Mark ``position`` as the target and put the map's cursor on it (no signal)."""
        self.model.set_target(position)
        index = self.model.index_of_position(position) if position else QModelIndex()
        if index.isValid():
            self.view.setCurrentIndex(index)
        self._current_changed(self.view.currentIndex(), QModelIndex())  # the detail line

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        slot = current.data(SlotRole) if current.isValid() else None
        if slot is None or self._case is None:
            return
        _, position, tag, description = slot
        where = f"{self._case.case_code}/{position}"
        planned = self.model.planned(position)
        if tag:
            text = f"{where}: {tag} — {description}"
        elif planned:
            text = f"{where}: planned for {planned} (this batch, not committed yet)"
        elif self.choosing and position != self.model.target:
            text = f"{where}: empty — Enter or click puts the next asset here"
        else:
            text = f"{where}: empty"
        self.detail.setText(text)

    def _chosen(self, index: QModelIndex) -> None:
        slot = index.data(SlotRole) if index.isValid() else None
        if slot is not None:
            self.slotChosen.emit(slot[1])

    @property
    def case(self) -> CaseInfo | None:
        """The case shown, or None."""
        return self._case

    def _print_requested(self) -> None:
        if self._case is not None:
            self.slotLabelsRequested.emit(self._case.case_code)


class Banner(QFrame):
    """The result of the last commit, with a Receipt… button for stock-out/stock-in batches and
    Undo last commit… (a void of that batch, after showing what goes back where)."""

    receiptRequested = Signal(str)
    undoRequested = Signal(str)
    restoreRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commitBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.batch_id = ""
        # What the banner is about, so the window can take it away when that changes:
        # kind is "success", "refused" (rows the commit refused) or "error"; mode is the batch's.
        self.kind = ""
        self.mode = ""
        layout = QHBoxLayout(self)
        self.label = QLabel()
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        font = QFont(self.label.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.label.setFont(font)
        layout.addWidget(self.label, 1)
        self.receipt_button = QPushButton("Receipt…")
        self.receipt_button.setObjectName("receiptButton")
        self.receipt_button.clicked.connect(lambda: self.receiptRequested.emit(self.batch_id))
        layout.addWidget(self.receipt_button)
        self.undo_button = QPushButton("Undo last commit…")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setToolTip(
            "Undo this commit: every asset goes back where it was before it (a new batch records "
            "the undo; the history keeps both)"
        )
        self.undo_button.clicked.connect(lambda: self.undoRequested.emit(self.batch_id))
        layout.addWidget(self.undo_button)
        self.restore_button = QPushButton("Restore from backup…")
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(self.restoreRequested)
        layout.addWidget(self.restore_button)
        self.close_button = QPushButton("Dismiss")
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.close_button)
        self.hide()

    def show_success(
        self, text: str, batch_id: str, receipt: bool, mode: str = "", undo: bool = True
    ) -> None:
        self.batch_id = batch_id
        self.kind, self.mode = "success", mode
        self.setStyleSheet(
            "#commitBanner { background: #e8f5e9; border: 2px solid #2e7d32; border-radius: 4px; }"
            "#bannerText { color: #1b5e20; }"
        )
        self.label.setText(text)
        self.receipt_button.setVisible(receipt)
        self.undo_button.setVisible(undo and bool(batch_id))
        self.restore_button.hide()
        self.close_button.show()
        self.show()

    def show_problem(self, text: str, kind: str = "error", mode: str = "") -> None:
        self.batch_id = ""
        self.kind, self.mode = kind, mode
        self.setStyleSheet(
            "#commitBanner { background: #ffebee; border: 2px solid #c62828; border-radius: 4px; }"
            "#bannerText { color: #b71c1c; }"
        )
        self.label.setText(text)
        self.receipt_button.hide()
        self.undo_button.hide()
        # A damaged or rolled-back database stays so until a backup is restored: no Dismiss.
        stuck = kind in ("damaged", "rolled back")  # scan_page.STUCK_BANNERS
        self.restore_button.setVisible(stuck)
        self.close_button.setVisible(not stuck)
        self.show()


__all__ = [
    "Banner",
    "CaseChooser",
    "CaseMapView",
    "ChoiceListModel",
    "CustodianPicker",
    "FoldingCompleter",
    "ScanEntry",
]
