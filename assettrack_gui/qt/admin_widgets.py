"""What the administration pages (People, Cases, Devices) share: a table model over small rows
(optionally filled a page at a time), a form dialog that shows the engine's refusal in its own
words and keeps what was typed, code fields a scanner can type into, and the page frame with its
search box.

The pages call the engine and ``core.directory``; nothing here reads the database or decides a
rule. A refusal is shown exactly as the engine words it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.errors import Refused, UserError

from .dialogs import run_modal
from .wedge_filter import SCAN_AS_TEXT

__all__ = [
    "AdminPage",
    "CodeField",
    "Column",
    "FormDialog",
    "RowRole",
    "RowsModel",
    "ScanTaker",
    "open_labels",
    "refusal_text",
]

RowRole = Qt.ItemDataRole.UserRole + 20  # the row object (a NamedTuple of core.directory)
R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
_GREY = QBrush(QColor("#757575"))


class ScanTaker(Protocol):
    """A page that takes scans while it is the current page (``MainWindow.on_scan``)."""

    def take_scan(self, text: str) -> tuple[bool, str]: ...


def open_labels(
    page: QWidget, kind: str, codes: list[str] | None = None, case: str | None = None
) -> None:
    """The labels dialog over the page's window, preset (``MainWindow.open_labels_dialog``)."""
    window = page.window()
    opener = getattr(window, "open_labels_dialog", None)
    if opener is not None:
        opener(kind, codes, case)


def refusal_text(exc: Exception) -> str:
    """The engine's words for a refusal or a problem a person must act on."""
    if isinstance(exc, Refused):
        return "\n".join(exc.reasons) or str(exc)
    return str(exc)


# -- the table model -------------------------------------------------------------------------------


class Column(Generic[R]):
    """One column: its header and how a row shows in it."""

    def __init__(self, header: str, text: Callable[[R], str], *, right: bool = False) -> None:
        self.header = header
        self.text = text
        self.right = right


class RowsModel(QAbstractTableModel, Generic[R]):
    """Rows (small tuples from core) in columns. With ``fetch`` the rows arrive a page at a time:
    ``fetch(last_row_or_None)`` returns the next page (empty when there is no more), asked for by
    the view as it is scrolled (``canFetchMore``/``fetchMore``), so a list of 100,000 devices
    costs one page until someone scrolls."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        parent: QWidget | None = None,
        *,
        fetch: Callable[[R | None], list[R]] | None = None,
        dimmed: Callable[[R], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[R] = []
        self._fetch = fetch
        self._more = False
        self._dimmed = dimmed

    # filling

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._more = False
        self.endResetModel()

    def restart(self) -> None:
        """Start again from the first page (a new search, or the data changed)."""
        assert self._fetch is not None
        first = self._fetch(None)
        self.beginResetModel()
        self._rows = first
        self._more = bool(first)
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._more and self._fetch is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        assert self._fetch is not None
        page = self._fetch(self._rows[-1] if self._rows else None)
        if not page:
            self._more = False
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def replace_row(self, row: int, value: R) -> None:
        if 0 <= row < len(self._rows):
            self._rows[row] = value
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    # reading

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def find(self, test: Callable[[R], bool]) -> int:
        """The first loaded row passing ``test``, or -1."""
        return next((i for i, r in enumerate(self._rows) if test(r)), -1)

    # the model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._dimmed and self._dimmed(row):
            return _GREY
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def table_view(model: QAbstractTableModel, name: str, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting table: arrows move, Tab leaves it."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


# -- fields and dialogs -------------------------------------------------------------------------------


class CodeField(QLineEdit):
    """A field for a code (tag, badge, case code, serial) that a scanner may type into: the scan
    arrives as text, and its Enter moves on to the next field instead of closing the dialog
    (unless ``last``)."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, last: bool = False):
        super().__init__(text, parent)
        self.setProperty(SCAN_AS_TEXT, True)
        self.last = last

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.last and self.text():
            self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)


class FormDialog(QDialog):
    """A form whose OK button runs ``submit``: None closes the dialog (done), a text is the
    engine's refusal, shown in red under the fields, and everything typed stays for a fix.
    Enter presses OK, Esc cancels."""

    def __init__(
        self,
        title: str,
        intro: str,
        ok_text: str,
        parent: QWidget | None = None,
        *,
        name: str = "formDialog",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.submit: Callable[[], str | None] = lambda: None
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.problem = QLabel()
        self.problem.setObjectName("formProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton(ok_text, self)
        self.ok_button.setObjectName("formOk")
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.ok_button.setDefault(True)  # Enter in any field: OK
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def add_row(self, label: str, field: QWidget) -> None:
        self.form.addRow(label, field)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _try(self) -> None:
        try:
            problem = self.submit()
        except (Refused, UserError) as exc:
            problem = refusal_text(exc)
        if problem:
            self.show_problem(problem)
            return
        self.accept()

    def run(self, focus: QWidget | None = None) -> bool:
        if focus is not None:
            focus.setFocus()
            if isinstance(focus, QLineEdit):
                focus.selectAll()
        accepted = run_modal(self) == QDialog.DialogCode.Accepted
        self.deleteLater()  # its fields stay readable until the event loop runs again
        return accepted


# -- the page frame ---------------------------------------------------------------------------------


class AdminPage(QWidget):
    """A page with a search box on top (focused whenever the page is shown; Ctrl+F comes back
    to it), a status line, and ``searchChanged`` after a pause in typing. The page sets
    ``table``: Down in the search box goes there, Enter opens its current row's editor."""

    searchChanged = Signal(str)
    table: QTableView
    model: RowsModel[Any]  # the table's rows: small tuples from core with an ``id``
    SEARCH_PAUSE_MS = 200

    def __init__(self, find_label: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("pageSearch")
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        find = QLabel(find_label)
        find.setBuddy(self.search)
        self.top = QHBoxLayout()
        self.top.addWidget(find)
        self.top.addWidget(self.search, 1)
        self.status = QLabel()
        self.status.setObjectName("pageStatus")
        self.status.setWordWrap(True)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(self.SEARCH_PAUSE_MS)
        self._pause.timeout.connect(lambda: self.searchChanged.emit(self.search.text()))
        self.search.textChanged.connect(lambda _text: self._pause.start())
        find_key = QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        find_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.search.returnPressed.connect(self._search_entered)
        self.search.installEventFilter(self)

    def _search_entered(self) -> None:
        """Enter in the search box: search now, then open the selected (or only) row's editor."""
        self.search_now()
        table = getattr(self, "table", None)
        if table is None or table.model().rowCount() == 0:
            return
        if not table.currentIndex().isValid():
            table.setCurrentIndex(table.model().index(0, 0))
        self.open_editor()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and getattr(self, "table", None) is not None
        ):
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.table.currentIndex().isValid() and self.table.model().rowCount():
                self.table.setCurrentIndex(self.table.model().index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def open_editor(self) -> None:
        """Enter on a row (or in the search box): the selected item's editor."""

    def _arrange(self, main: QWidget, buttons: Sequence[QWidget]) -> None:
        """The page's layout: the search box, ``main`` (the list, and a side panel if any), a
        row of ``buttons``, the status line; searches, the cursor and Enter on a row wired to
        the page's ``_show_matches``, ``_current_changed`` and ``open_editor``."""
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(main, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.searchChanged.connect(self._show_matches)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _index: self.open_editor())
        self._update_buttons()

    def _show_rows(self, rows: Sequence[Any], keep: int | None) -> None:
        """Put ``rows`` in the list with the cursor on the row whose id is ``keep`` (else the
        first; with no rows the page is told nothing is selected)."""
        self.model.set_rows(rows)
        row = self.model.find(lambda r: r.id == keep) if keep is not None else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
        else:
            self._current_changed(QModelIndex(), QModelIndex())

    def selected(self) -> Any:
        """The row under the cursor, or None."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected_id(self) -> int | None:
        row = self.selected()
        return row.id if row is not None else None

    # What a page provides (the defaults do nothing).
    def _show_matches(self, text: str, select: int | None = None) -> None:
        """A search typed (after the pause): the page's rows that match ``text``."""

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Enable the buttons that fit the selected row."""

    def search_now(self) -> None:
        """Run the pending search at once (Enter in the box, or a test)."""
        self._pause.stop()
        self.searchChanged.emit(self.search.text())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def say(self, text: str, ok: bool = True) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("" if ok else "color: #b71c1c; font-weight: bold;")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.reload()
        self.focus_search()

    def reload(self) -> None:
        """Read the page's data again (it is shown, or something changed)."""
