"""Table models over core data: the batch preview, a case's slot grid and an item's events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from assettrack_gui.core.model import EventRow, Line
from assettrack_gui.core.text import visible

Index = QModelIndex | QPersistentModelIndex

LineRole = Qt.ItemDataRole.UserRole + 1  # the core Line object
OkRole = Qt.ItemDataRole.UserRole + 2  # bool: the row's verdict
SlotRole = Qt.ItemDataRole.UserRole + 3  # (slot_id, position, tag or None, description)

OK_FG, OK_BG = QColor("#1b5e20"), QColor("#e8f5e9")
BAD_FG, BAD_BG = QColor("#b71c1c"), QColor("#ffebee")
EMPTY_BG, FULL_BG = QColor("#f5f5f5"), QColor("#e3f2fd")
TARGET_BG = QColor("#fff59d")  # the put-away target slot
PLANNED_BG, PLANNED_FG = QColor("#fff3e0"), QColor("#e65100")  # a row of this batch goes here

SHORT_TAG_MIN = 4  # characters of a tag's end shown in a case map cell
WHOLE_TAG_MAX = 10  # tags up to this long are shown whole


def short_tags(tags: Sequence[str]) -> dict[str, str]:
    """Each tag as its distinguishing end (``…0042``): at least ``SHORT_TAG_MIN`` characters,
    more where two tags of the case would otherwise look alike. Short tags stay whole."""
    unique = sorted(set(tags))
    k = SHORT_TAG_MIN
    longest = max((len(t) for t in unique), default=0)
    while k < longest and len({t[-k:] for t in unique}) < len(unique):
        k += 1
    return {t: t if len(t) <= max(WHOLE_TAG_MAX, k + 1) else f"…{t[-k:]}" for t in unique}

_icons: dict[bool, QIcon] = {}


def verdict_icon(ok: bool) -> QIcon:
    """A green tick or a red cross drawn at run time (no theme needed, same on every platform)."""
    if ok in _icons:
        return _icons[ok]
    # Drawing classes load with the first verdict, not with the window (start-up time).
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPainter, QPainterPath, QPen, QPixmap

    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor("#2e7d32") if ok else QColor("#c62828")))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    pen = QPen(QColor("white"), 4)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    if ok:
        path = QPainterPath(QPointF(9, 17))
        path.lineTo(14, 22)
        path.lineTo(23, 11)
        painter.drawPath(path)
    else:
        painter.drawLine(11, 11, 21, 21)
        painter.drawLine(21, 11, 11, 21)
    painter.end()
    _icons[ok] = QIcon(pixmap)
    return _icons[ok]


class PreviewModel(QAbstractTableModel):
    """One row per scan of the batch, with the engine's verdict. Rows are core ``Line`` objects."""

    COLUMNS = ("#", "Tag", "Description", "Now", "Goes to", "Verdict")
    NUM, TAG, DESCRIPTION, NOW, TO, VERDICT = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[Line] = []
        self._bold = QFont()
        self._bold.setBold(True)

    # -- updating -----------------------------------------------------------------------------

    def set_lines(self, lines: Sequence[Line]) -> None:
        """Take a fresh preview: changed rows are signalled, extra rows inserted or removed."""
        new = list(lines)
        old_n, new_n = len(self._lines), len(new)
        if new_n < old_n:
            self.beginRemoveRows(QModelIndex(), new_n, old_n - 1)
            self._lines = self._lines[:new_n]
            self.endRemoveRows()
        common = min(old_n, new_n)
        self._lines[:common] = new[:common]
        if common:
            self.dataChanged.emit(self.index(0, 0), self.index(common - 1, len(self.COLUMNS) - 1))
        if new_n > old_n:
            self.beginInsertRows(QModelIndex(), old_n, new_n - 1)
            self._lines.extend(new[old_n:])
            self.endInsertRows()

    def remove_rows(self, rows: Sequence[int]) -> None:
        """Drop rows before the fresh preview arrives, so views keep the right selection."""
        for r in sorted(set(rows), reverse=True):
            if 0 <= r < len(self._lines):
                self.beginRemoveRows(QModelIndex(), r, r)
                del self._lines[r]
                self.endRemoveRows()

    def line(self, row: int) -> Line:
        return self._lines[row]

    @property
    def lines(self) -> list[Line]:
        return list(self._lines)

    # -- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.NUM:
                return str(index.row() + 1)
            if col == self.TAG:
                return line.asset_tag or line.scan
            if col == self.DESCRIPTION:
                return line.description
            if col == self.NOW:
                return line.now
            if col == self.TO:
                return line.to if line.ok else ""
            if col == self.VERDICT:
                return "OK" if line.ok else f"Refused: {line.reason}"
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == self.VERDICT:
            return verdict_icon(line.ok)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.VERDICT:
            return QBrush(OK_FG if line.ok else BAD_FG)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OK_BG if line.ok else BAD_BG)
        if role == Qt.ItemDataRole.FontRole and col in (self.TAG, self.VERDICT):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.TAG and line.asset_tag and line.asset_tag != line.scan:
                return f"scanned {line.scan}"
            if col == self.VERDICT and not line.ok:
                return line.reason
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.VERDICT:
            return "OK" if line.ok else f"Refused: {line.reason}"
        if role == LineRole:
            return line
        if role == OkRole:
            return line.ok
        return None


class CaseMapModel(QAbstractTableModel):
    """A case's slots as its physical grid: ``rows × cols`` cells numbered row by row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = 0
        self._cols = 0
        self._slots: list[tuple[int, int, str | None, str]] = []
        self._planned: dict[int, str] = {}  # position → tag of the batch row going there
        self._short: dict[str, str] = {}
        self.target: int | None = None  # Put-away / Move: where the next asset goes
        self._bold = QFont()
        self._bold.setBold(True)

    def set_target(self, position: int | None) -> None:
        if position == self.target:
            return
        old, self.target = self.target, position
        for pos in (old, position):
            index = self.index_of_position(pos) if pos else QModelIndex()
            if index.isValid():
                self.dataChanged.emit(index, index)

    def set_case(
        self,
        rows: int,
        cols: int,
        slots: Sequence[tuple[int, int, str | None, str]],
        planned: dict[int, str] | None = None,
    ) -> None:
        """The case's slots, and the positions rows of the batch are going to (not empty)."""
        self.beginResetModel()
        self._rows, self._cols = rows, cols
        self._slots = sorted(slots, key=lambda s: s[1])
        self._planned = dict(planned or {})
        tags = [s[2] for s in self._slots if s[2]] + list(self._planned.values())
        self._short = short_tags(tags)
        self.endResetModel()

    def planned(self, position: int) -> str | None:
        """The tag of the batch row going to ``position`` (None: no row is)."""
        return self._planned.get(position)

    def slot_at(self, row: int, col: int) -> tuple[int, int, str | None, str] | None:
        i = row * self._cols + col
        return self._slots[i] if 0 <= i < len(self._slots) else None

    def index_of_position(self, position: int) -> QModelIndex:
        if self._cols == 0 or not 1 <= position <= len(self._slots):
            return QModelIndex()
        return self.index((position - 1) // self._cols, (position - 1) % self._cols)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._cols

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        slot = self.slot_at(index.row(), index.column())
        if slot is None:
            return None
        _, position, tag, description = slot
        target = position == self.target
        planned = None if tag else self._planned.get(position)
        if role == Qt.ItemDataRole.DisplayRole:
            head = f"▶ {position}" if target else str(position)
            if tag:
                return f"{head}\n{self._short.get(tag, tag)}"
            if planned:  # "→" a row of the batch is going here (the tooltip says so)
                return f"{head}\n→{self._short.get(planned, planned)}"
            return f"{head}\nempty"
        if role == Qt.ItemDataRole.BackgroundRole:
            if target:
                return QBrush(TARGET_BG)
            if planned:
                return QBrush(PLANNED_BG)
            return QBrush(FULL_BG if tag else EMPTY_BG)
        if role == Qt.ItemDataRole.FontRole and target:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole:
            if planned:
                return QBrush(PLANNED_FG)
            return QBrush(QColor("#0d47a1") if tag else QColor("#757575"))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if tag:
                return f"slot {position}: {tag} {description}".strip()
            if planned:
                return f"slot {position}: planned for {planned} (this batch, not committed yet)"
            return f"slot {position}: empty"
        if role == SlotRole:
            return slot
        return None


class EventsModel(QAbstractTableModel):
    """The last events of a looked-up asset or holder, oldest first.

    "When" is local time, formatted by the Reports page's one formatter
    (``core.reports.local_display``, which shows an unreadable stored value as it is instead of
    failing); the stored UTC value is the cell's tooltip. "Note" is history's note
    (``queries.event_note``): a retirement's kind and reason, an edit's old and new values.
    """

    COLUMNS = ("When", "Event", "Asset", "Holder", "Slot", "Operator", "Batch", "Note")
    WHEN = 0

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._events: list[EventRow] = []
        self._when: list[str] = []

    def set_events(self, events: Sequence[EventRow]) -> None:
        # Imported on the first lookup, not at start-up: the first screen does not need reports.
        from assettrack_gui.core.reports import local_display

        self.beginResetModel()
        self._events = list(events)
        self._when = [local_display(e.created_at) for e in self._events]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.WHEN:
            return "Local time; the stored UTC time is in each cell's tooltip"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        e = self._events[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.WHEN:
            return f"{visible(str(e.created_at))} UTC" if e.created_at else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            self._when[index.row()],
            e.event_type,
            e.asset_tag or "",
            e.holder or "",
            e.slot or "",
            e.operator,
            e.batch_id,
            visible(e.note or ""),
        )
        return values[index.column()]
