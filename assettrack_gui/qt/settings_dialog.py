"""Settings → Reports and backups…: the overdue limit of the custody reports and how many
automatic backups are kept, saved through the one settings owner (``core.settings``), so the
Reports page, the admin CLI and the next start all use them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from assettrack_gui.core.settings import RANGES, SettingsOwner

from .dialogs import message


class SettingsDialog(QDialog):
    def __init__(self, owner: SettingsOwner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Reports and backups")
        self.owner = owner
        current = owner.current
        self.overdue_days = QSpinBox()
        self.overdue_days.setRange(*RANGES["overdue_days"])
        self.overdue_days.setSuffix(" days")
        self.overdue_days.setValue(current.overdue_days)
        self.overdue_days.setToolTip("Custody held longer than this is overdue in the reports")
        self.backups_keep = QSpinBox()
        self.backups_keep.setRange(*RANGES["backups_keep"])
        self.backups_keep.setValue(current.backups_keep)
        self.backups_keep.setToolTip(
            "Automatic backups (one a day at start, one before each import) kept; older ones go"
        )
        form = QFormLayout(self)
        form.addRow("&Overdue after:", self.overdue_days)
        form.addRow("Automatic &backups kept:", self.backups_keep)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.overdue_days.setFocus()

    def accept(self) -> None:
        new = self.owner.current._replace(
            overdue_days=self.overdue_days.value(),
            backups_keep=self.backups_keep.value(),
        )
        try:
            self.owner.update(new)
        except OSError as exc:
            message(self, "Reports and backups", f"The settings could not be saved: {exc}")
            return
        super().accept()
