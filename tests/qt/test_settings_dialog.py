"""Settings → Reports and backups…: the overdue limit and the backups kept are saved through
the one settings owner, and the Reports page follows at once."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from assettrack_gui.core.settings import RANGES, SettingsOwner
from assettrack_gui.core.store import Store
from assettrack_gui.qt.reports_tab import ReportsTab
from assettrack_gui.qt.settings_dialog import SettingsDialog
from assettrack_gui.qt.settings_signal import SettingsSignal


def test_saved_settings_reach_the_file_and_the_reports_page(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    owner = SettingsOwner(path=path)
    signal = SettingsSignal(owner)
    with Store(tmp_path / "x.db") as store:
        tab = ReportsTab(store, signal)
        qtbot.addWidget(tab)
        dialog = SettingsDialog(owner)
        qtbot.addWidget(dialog)
        assert dialog.overdue_days.maximum() == RANGES["overdue_days"][1]
        dialog.overdue_days.setValue(30)
        dialog.backups_keep.setValue(5)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
        assert owner.current.overdue_days == 30 and owner.current.backups_keep == 5
        saved = json.loads(path.read_text("utf-8"))
        assert saved["overdue_days"] == 30 and saved["backups_keep"] == 5
        assert tab.custody_days.value() == 30  # the Reports page follows the owner
        tab.jobs.stop_all()


def test_cancel_saves_nothing(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    owner = SettingsOwner(path=path)
    dialog = SettingsDialog(owner)
    qtbot.addWidget(dialog)
    dialog.overdue_days.setValue(99)
    dialog.reject()
    assert owner.current.overdue_days == 14 and not path.exists()
