"""Table and list models of the Reports page: report rows, their filter, and the pickers.

Why the report table is built this way:

* Rows arrive in chunks from a worker and are appended with ``beginInsertRows``, so the first
  rows show at once and 100,000 rows never freeze the window.
* Sorting is done by the source model (one Python ``sort`` with a key per column: numbers as
  numbers, text case-insensitively, local times by their UTC value), not by
  ``QSortFilterProxyModel.lessThan``, which would call back into Python millions of times for
  100,000 rows. The proxy (:class:`ReportFilterProxy`) only filters: the filter box matches any
  visible column (case-insensitive substring) against text precomputed by the worker, and
  "Only overdue rows" keeps the rows whose report flag is set.
* Overdue rows are tinted, carry a warning icon and read "OVERDUE" in their own column, so the
  state is never told by colour alone.

:class:`PickerModel` holds the holder and case pickers' items (label, code in ``Qt.UserRole``):
one model reset instead of thousands of ``QComboBox.addItem`` calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from ..core.report_requests import column_title, display_value, visible_columns
from ..core.report_requests import row_text as filter_text
from ..core.reports import Row

__all__ = [
    "CODE_ROLE",
    "FLAG_ROLE",
    "PickerModel",
    "ReportFilterProxy",
    "ReportTableModel",
]

FLAG_ROLE = Qt.ItemDataRole.UserRole + 1  # bool: the report's flag (overdue) is set on this row
CODE_ROLE = Qt.ItemDataRole.UserRole  # a picker item's code (badge, case code); QComboBox.itemData

_OVERDUE_BACKGROUND = QColor(255, 214, 153)  # amber; text forced black so dark themes stay legible
_OVERDUE_FOREGROUND = QColor(0, 0, 0)

_EMPTY = 2


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers (and bools) by value, then text case-insensitively; ``_EMPTY`` marks blanks."""
    if value is None or value == "":
        return (_EMPTY, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).casefold())


# -- the table model -----------------------------------------------------------------------------


class ReportTableModel(QAbstractTableModel):
    """Rows of one report, appended chunk by chunk; sorts itself (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.header: list[str] = []
        self.flag_column: int | None = None
        self.flag_tooltip = ""
        self._rows: list[Row] = []
        self._texts: list[str] = []
        self._seq: list[int] = []  # load order, to restore it
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._sorted_rows = 0  # rows in the order ``_sort`` describes (appends come unsorted)
        self._icon: QIcon | None = None

    # -- filling

    def reset(self, header: Sequence[str], flag_column: int | None, flag_tooltip: str = "") -> None:
        self.beginResetModel()
        self.header = list(header)
        self.flag_column = flag_column
        self.flag_tooltip = flag_tooltip
        self._rows, self._texts, self._seq = [], [], []
        self._sorted_rows = 0
        self.endResetModel()

    def append(self, rows: Sequence[Row], texts: Sequence[str] | None = None) -> None:
        if not rows:
            return
        if texts is None:
            visible = visible_columns(self.header)
            texts = [filter_text(r, visible, self.flag_column) for r in rows]
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._texts.extend(texts)
        self._seq.extend(range(first, first + len(rows)))
        self.endInsertRows()

    # -- reading

    def row_values(self, row: int) -> Row:
        return self._rows[row]

    def row_text(self, row: int) -> str:
        return self._texts[row]

    def is_flagged(self, row: int) -> bool:
        return self.flag_column is not None and bool(self._rows[row][self.flag_column])

    def flagged_count(self) -> int:
        flag = self.flag_column
        return 0 if flag is None else sum(1 for r in self._rows if r[flag])

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.header)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.header):
            if role == Qt.ItemDataRole.DisplayRole:
                return column_title(self.header[section])
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.header[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < len(self.header)):
            return None
        value = self._rows[r][c]
        flag = self.flag_column
        if role == Qt.ItemDataRole.DisplayRole:
            if c == flag:
                return "OVERDUE" if value else ""
            return display_value(value)
        if role == FLAG_ROLE:
            return flag is not None and bool(self._rows[r][flag])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if flag is None or not self._rows[r][flag]:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_OVERDUE_FOREGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.flag_tooltip or "Overdue"
        if role == Qt.ItemDataRole.DecorationRole and c == 0:
            if self._icon is None:
                self._icon = QApplication.style().standardIcon(
                    QStyle.StandardPixmap.SP_MessageBoxWarning
                )
            return self._icon
        return None

    # -- sorting

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort

    def _sort_keys(self, column: int) -> tuple[list[Any], list[bool]]:
        """(sort key, is empty) per row; plain list comprehensions for the common column types."""
        name = self.header[column]
        if name.endswith("_local"):
            utc = self.column(name[: -len("_local")] + "_utc")
            if utc is not None:
                column = utc  # "2026-03-29 02:30" local is ambiguous; its UTC value is not
        values = [row[column] for row in self._rows]
        kinds = {type(v) for v in values}
        if kinds <= {int, float}:
            return values, [False] * len(values)
        if kinds == {str}:
            return [v.casefold() for v in values], [v == "" for v in values]
        keys = [_sort_key(v) for v in values]
        return keys, [k[0] == _EMPTY for k in keys]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # QTableView.sortByColumn can ask twice in a row; 100,000 rows are not sorted twice.
        if (column, order) == self._sort and self._sorted_rows == len(self._rows):
            return
        self._sort = (column, order)
        self._sorted_rows = len(self._rows)
        if not self._rows:
            return
        n = len(self._rows)
        by_load = sorted(range(n), key=self._seq.__getitem__)
        if 0 <= column < len(self.header):
            keys, empty = self._sort_keys(column)
            # Python's sort is stable in both directions: equal keys keep the load order.
            # Empty cells go last either way, as in a spreadsheet.
            perm = [i for i in by_load if not empty[i]]
            perm.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
            perm += [i for i in by_load if empty[i]]
        else:
            perm = by_load
        self.layoutAboutToBeChanged.emit()
        self._rows = [self._rows[i] for i in perm]
        self._texts = [self._texts[i] for i in perm]
        self._seq = [self._seq[i] for i in perm]
        old_indexes = self.persistentIndexList()
        if old_indexes:
            new_place = [0] * n
            for new, old in enumerate(perm):
                new_place[old] = new
            self.changePersistentIndexList(
                old_indexes,
                [self.index(new_place[i.row()], i.column()) for i in old_indexes],
            )
        self.layoutChanged.emit()


class ReportFilterProxy(QSortFilterProxyModel):
    """Filters a :class:`ReportTableModel` by text (any visible column) and by its flag.

    Sorting is forwarded to the source model, which sorts 100,000 rows in one Python ``sort``.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._flagged_only = False
        self._model = ReportTableModel(self)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        assert isinstance(model, ReportTableModel)
        self._model = model  # filterAcceptsRow runs per row: no per-call lookups
        super().setSourceModel(model)

    def source(self) -> ReportTableModel:
        return self._model

    def set_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle))

    def set_flagged_only(self, on: bool) -> None:
        if on != self._flagged_only:
            self._refilter(lambda: setattr(self, "_flagged_only", on))

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._needle and not self._flagged_only:
            return True
        model = self._model
        if self._flagged_only and not model.is_flagged(source_row):
            return False
        return not self._needle or self._needle in model.row_text(source_row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)


# -- the pickers ---------------------------------------------------------------------------------


class PickerModel(QAbstractListModel):
    """(label, code) items for an editable combo box: the label shows, the code is ``CODE_ROLE``.

    A big stockroom has thousands of holders: one model reset fills every combo box that shows
    this model, where ``addItem`` would insert (and signal) row by row.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, str]] = []

    def set_items(self, items: Sequence[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        label, code = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return label
        if role == CODE_ROLE:
            return code
        return None
