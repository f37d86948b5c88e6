"""The Qt face of the one settings owner: ``changed(Settings)`` whenever the settings change.

Widgets connect to the signal instead of keeping copies; the owner itself (``core.settings``)
stays free of Qt so the CLI and the engine use the same object.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from assettrack_gui.core.settings import Settings, SettingsOwner


class SettingsSignal(QObject):
    changed = Signal(object)  # Settings

    def __init__(self, owner: SettingsOwner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.owner = owner
        owner.subscribe(self._emit)
        self.destroyed.connect(lambda *_: owner.unsubscribe(self._emit))

    @property
    def current(self) -> Settings:
        return self.owner.current

    def _emit(self, settings: Settings) -> None:
        self.changed.emit(settings)
