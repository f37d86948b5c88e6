"""A page built when it is first needed, so the window can show its first screen sooner."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Holds the place of a page (a tab) and builds its content the first time it is shown, or
    earlier when ``ensure_built`` is called (the app calls it once the window is on screen).

    The Reports page reads holders, cases and settings and lays out a dozen widgets; none of it
    is needed to scan, so it no longer delays the window. Built inside ``showEvent``, the content
    is shown at once, so a shortcut that switches to the page finds its fields ready for the
    keyboard.
    """

    def __init__(self, factory: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lazyPage")
        self._factory: Callable[[], QWidget] | None = factory
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> QWidget:
        if self.content is None:
            assert self._factory is not None
            content, self._factory = self._factory(), None
            self._layout.addWidget(content)
            self.content = content
            if self.isVisible():
                content.show()
        return self.content

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        self.ensure_built()
        super().showEvent(event)


__all__ = ["LazyPage"]
