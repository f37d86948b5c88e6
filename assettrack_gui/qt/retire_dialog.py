"""Retire assets as lost, broken or disposed, with a reason: the dialog.

The dialog lists the candidates (ticked or not), the kind and the reason, and under them the
engine's preview of exactly the ticked assets: every line's verdict and the batch's problems
(no reason, an asset already retired). It decides nothing: the preview comes from the callable
it is given (``Engine.preview_retire``), and the caller commits what :meth:`RetireDialog.choice`
returns with ``Engine.commit_retire`` — all ticked assets in one batch, or none.

Keys: Space ticks the asset under the cursor, Alt+A / Alt+K / Alt+E go to the assets, the kind
and the reason; Enter presses Retire (once the preview is clean), which asks first; Esc cancels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.errors import StoreError
from assettrack_gui.core.model import Preview, Retirement, plural

from .dialogs import confirm
from .preview_model import PreviewModel

__all__ = ["KIND_TITLES", "RetireDialog"]

KIND_TITLES = {
    Retirement.LOST: "Lost",
    Retirement.BROKEN: "Broken",
    Retirement.DISPOSED: "Disposed of",
}

PreviewRetire = Callable[[list[str], str, str], Preview]


class RetireDialog(QDialog):
    """Which assets, which kind, why — and the engine's verdict on exactly that batch."""

    def __init__(
        self,
        candidates: Sequence[tuple[str, str]],
        ticked: set[str],
        preview: PreviewRetire,
        intro: str,
        parent: QWidget | None = None,
    ) -> None:
        """``candidates``: (asset tag, words shown beside it); ``ticked``: the tags ticked at
        first; ``preview(tags, kind, reason)``: the engine's preview of that retirement."""
        super().__init__(parent)
        self.setObjectName("retireAssetsDialog")
        self.setWindowTitle("Retire assets")
        self._preview_of = preview
        self.preview: Preview | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(intro)
        heading.setObjectName("retireIntro")
        heading.setWordWrap(True)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)

        self.assets = QListWidget(self)
        self.assets.setObjectName("retireAssets")
        self.assets.setMinimumHeight(90)
        for tag, words in candidates:
            item = QListWidgetItem(f"{tag} — {words}" if words else tag)
            item.setData(Qt.ItemDataRole.UserRole, tag)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if tag in ticked else Qt.CheckState.Unchecked
            )
            self.assets.addItem(item)
        self.assets.setCurrentRow(0)
        self.assets.itemChanged.connect(lambda _item: self.refresh())

        self.kind = QComboBox(self)
        self.kind.setObjectName("retireKind")
        for kind, title in KIND_TITLES.items():
            self.kind.addItem(title, kind.value.lower())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.reason = QLineEdit(self)
        self.reason.setObjectName("retireReason")
        self.reason.setPlaceholderText("why, e.g. not found at the stocktake; searched the room")
        self.reason.textChanged.connect(lambda _t: self.refresh())

        form = QFormLayout()
        for text, widget in (("&Assets:", self.assets), ("&Kind:", self.kind), ("R&eason:", self.reason)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout.addLayout(form)

        self.problems = QLabel(self)
        self.problems.setObjectName("retireProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b71c1c;")
        layout.addWidget(self.problems)
        self.model = PreviewModel(self)
        table = QTableView(self)
        table.setObjectName("retirePreview")
        table.setModel(self.model)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        table.setMinimumSize(640, 140)
        self.table = table
        layout.addWidget(table, 1)

        buttons = QDialogButtonBox(self)
        self.retire_button: QPushButton = buttons.addButton(
            "&Retire", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.retire_button.setDefault(True)
        self.retire_button.setAutoDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()
        self.reason.setFocus()

    # -- what is chosen

    def tags(self) -> list[str]:
        """The ticked assets, in the list's order."""
        out = []
        for row in range(self.assets.count()):
            item = self.assets.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def choice(self) -> tuple[list[str], str, str]:
        """(tags, kind — ``lost``/``broken``/``disposed``, reason): what to commit."""
        return self.tags(), str(self.kind.currentData()), self.reason.text()

    # -- the engine's verdict

    def refresh(self) -> None:
        """Preview the ticked assets again (each change of tick, kind or reason)."""
        tags, kind, reason = self.choice()
        self.preview = None
        if not tags:
            self.model.set_lines([])
            self._show_problems(["Tick at least one asset to retire."])
            return
        try:
            self.preview = self._preview_of(tags, kind, reason)
        except StoreError as exc:
            self.model.set_lines([])
            self._show_problems([str(exc)])
            return
        self.model.set_lines(self.preview.lines)
        self.table.resizeColumnsToContents()
        self._show_problems(self.preview.reasons())

    def _show_problems(self, reasons: list[str]) -> None:
        ok = self.preview is not None and self.preview.ok
        self.problems.setText("" if ok else "\n".join(reasons[:12]))
        self.problems.setVisible(not ok)
        count = len(self.tags())
        self.retire_button.setText(f"&Retire {plural(count, 'asset')}…" if count else "&Retire")
        self.retire_button.setEnabled(ok)

    def accept(self) -> None:
        """Retire (Enter): only a clean preview, and only after asking."""
        self.refresh()
        if self.preview is None or not self.preview.ok:
            return
        tags, kind, reason = self.choice()
        title = KIND_TITLES[Retirement(kind.upper())].lower()
        shown = ", ".join(tags[:8]) + (f" and {len(tags) - 8} more" if len(tags) > 8 else "")
        if confirm(
            self,
            "Retire assets",
            f"Retire {plural(len(tags), 'asset')} as {title}?",
            "Retire",
            f"{shown}.\nReason: {reason.strip()}\n\nTheir slots are vacated and any custody ends; "
            "they stay in history and reports, and can be reinstated. Esc goes back.",
        ):
            super().accept()
