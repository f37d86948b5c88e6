"""Keyboard-wedge scanners anywhere in the app: the Qt side of :mod:`assettrack_gui.core.wedge`.

:class:`WedgeFilter` is installed on the QApplication. Qt shows an application-wide filter every
key event twice, once for the QWindow that got it from the window system and once for the widget
it is forwarded to; the filter acts on the QWindow pass only (as qutebrowser does), so each key
is counted once and the synthesized keys it sends straight to a widget are never counted at all.

Per key press it asks :class:`BurstDetector` what to do and does it: held characters that turn
out to be typing are sent to the focus widget as key events, in order, before the current key;
a completed scan first takes back the characters that already reached a text field, then goes to
the :class:`ScanGate`; swallowed presses have their releases swallowed too. A text field (line
edit, text edit, spin box, editable combo box) gets slow typing at once; everywhere else every
character is held for up to ``2 * max_interval_ms`` until it is clear who typed it.

Dialogs (the rule is :func:`assettrack_gui.core.wedge.route_keys`): while a modal dialog that
asks for text — a :class:`QFileDialog` or a :class:`QInputDialog` — has one of its text fields
focused, every key goes to that field as typed and nothing is read as a scan, so a path typed
fast (xdotool at 20 ms a key) stays in the file name box and its Enter saves. While any other
modal dialog is open, every character is held (no text-field shortcut), so no key of a burst,
and no terminating Enter, ever reaches the dialog; a person's deliberate key press still does
(a character after a short delay, Enter/Esc at once). Completed scans wait in the
:class:`ScanGate` until no modal dialog is open, and are then released in order, so a scan
never slips into a batch that is being confirmed.

Keys for a window a dialog blocks: Qt drops every key event sent to a window that a modal
dialog blocks, before any event filter sees it. On an X server without a window manager the
keyboard can land there anyway (``xdotool windowfocus`` on the main window while the start-up
"Restore batch" question is open; Qt's own attempt to hand the focus on is refused by X because
its timestamp is older than the focus change). :class:`BlockedWindowKeys`, a native event filter
the :class:`WedgeFilter` installs on xcb, re-addresses such key events to the modal dialog (so
the scan is held like any other and Enter/Esc answer the dialog) and gives the dialog the
keyboard back.

A field where a scan should stay text (a search box meant to be scanned into) opts out with
``field.setProperty(SCAN_AS_TEXT, True)``: while it has focus the filter lets every key through.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QByteArray,
    QEvent,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QTextCursor, QWindow
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from assettrack_gui.core.wedge import (
    BurstDetector,
    FeedResult,
    KeyRoute,
    WedgeConfig,
    route_keys,
)

__all__ = ["SCAN_AS_TEXT", "BlockedWindowKeys", "ScanGate", "WedgeFilter", "key_name"]

_MODIFIER_NAMES = {
    Qt.Key.Key_Shift: "shift",
    Qt.Key.Key_Control: "control",
    Qt.Key.Key_Meta: "meta",
    Qt.Key.Key_Alt: "alt",
    Qt.Key.Key_AltGr: "altgr",
    Qt.Key.Key_Mode_switch: "altgr",
    Qt.Key.Key_CapsLock: "capslock",
    Qt.Key.Key_NumLock: "numlock",
    Qt.Key.Key_ScrollLock: "scrolllock",
    Qt.Key.Key_Super_L: "super",
    Qt.Key.Key_Super_R: "super",
    Qt.Key.Key_Hyper_L: "hyper",
    Qt.Key.Key_Hyper_R: "hyper",
}
_NAMED = {
    Qt.Key.Key_Return: "enter",
    Qt.Key.Key_Enter: "enter",
    Qt.Key.Key_Tab: "tab",
    Qt.Key.Key_Backtab: "backtab",
    Qt.Key.Key_Backspace: "backspace",
    Qt.Key.Key_Escape: "escape",
}
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
GROUP_SEPARATOR = "\x1d"  # GS1 FNC1, typed by a scanner as Ctrl+]
# Dynamic property: a widget that sets it to True gets scans typed into it, not delivered.
SCAN_AS_TEXT = "assettrackScanAsText"
# How long a scan may wait for a modal dialog before the gate looks again.
GATE_POLL_MS = 50


def key_name(event: QKeyEvent) -> str:
    """The detector's name for a key press: one character, or a key name such as ``"enter"``."""
    key = Qt.Key(event.key())
    if key in _MODIFIER_NAMES:
        return _MODIFIER_NAMES[key]
    if key in _NAMED:
        return _NAMED[key]
    text = event.text()
    if text == GROUP_SEPARATOR:
        return text
    if text == "\n":
        return "lf"
    if len(text) == 1 and text.isprintable() and not event.modifiers() & _COMMAND_MODIFIERS:
        return text
    return f"key-{int(key):x}"


@dataclass(frozen=True)
class _HeldKey:
    """A swallowed key press, kept to be sent on unchanged if it turns out to be typing."""

    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    scan_code: int
    virtual_key: int
    native_modifiers: int

    @classmethod
    def of(cls, event: QKeyEvent) -> _HeldKey:
        return cls(
            event.key(),
            event.modifiers(),
            event.text(),
            event.nativeScanCode(),
            event.nativeVirtualKey(),
            event.nativeModifiers(),
        )

    def send(self, receiver: QObject) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(
                kind,
                self.key,
                self.modifiers,
                self.scan_code,
                self.virtual_key,
                self.native_modifiers,
                self.text,
            )
            if shiboken6.isValid(receiver):
                QApplication.sendEvent(receiver, event)


class ScanGate(QObject):
    """Releases scans in arrival order, but never while a modal dialog is open.

    ``submit(text, source)`` either releases the scan at once or, while
    ``QApplication.activeModalWidget()`` is set, holds it (``held`` is emitted) and releases it
    once no modal dialog is open. Wedge and serial scans share one gate so their order is kept.
    """

    released = Signal(str, str)  # text, source
    held = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[tuple[str, str]] = deque()
        self._draining = False
        self._poll = QTimer(self)
        self._poll.setInterval(GATE_POLL_MS)
        self._poll.timeout.connect(self._drain)

    @property
    def waiting(self) -> list[tuple[str, str]]:
        """Scans held back, oldest first."""
        return list(self._queue)

    def submit(self, text: str, source: str) -> None:
        self._queue.append((text, source))
        if QApplication.activeModalWidget() is not None:
            self.held.emit(text, source)
        self._drain()

    def _drain(self) -> None:
        if self._draining:  # a slot opened a nested event loop; the outer loop carries on
            return
        self._draining = True
        try:
            while self._queue:
                if QApplication.activeModalWidget() is not None:
                    if not self._poll.isActive():
                        self._poll.start()
                    return
                text, source = self._queue.popleft()
                self.released.emit(text, source)
            self._poll.stop()
        finally:
            self._draining = False


_XCB_KEY_PRESS, _XCB_KEY_RELEASE = 2, 3
_XCB_EVENT_WINDOW_OFFSET = 12  # xcb_key_press_event_t / xcb_key_release_event_t: "event"


class BlockedWindowKeys(QAbstractNativeEventFilter):
    """xcb: key events for a window a modal dialog blocks go to the dialog instead.

    See the module docstring. Only this application's own blocked top-level windows are
    re-addressed; keys for the dialog itself, its popups (a combo box list) or with no dialog
    open are left alone.
    """

    def __init__(self, activate: Callable[[QWidget], None] | None = None) -> None:
        super().__init__()
        self._activate = activate or _give_keyboard_to
        self._activation_due = False
        self.redirected = 0  # key events re-addressed so far (for tests and diagnostics)

    def nativeEventFilter(  # noqa: N802 (Qt override)
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: object
    ) -> tuple[bool, int]:
        name = event_type.data() if isinstance(event_type, QByteArray) else bytes(event_type)
        if name != b"xcb_generic_event_t":
            return False, 0
        address = int(message)  # type: ignore[call-overload]
        if not address:
            return False, 0
        import ctypes  # xcb only, and only once a key reaches a blocked window

        kind = ctypes.c_uint8.from_address(address).value & 0x7F
        if kind not in (_XCB_KEY_PRESS, _XCB_KEY_RELEASE):
            return False, 0
        self.readdress(address)
        return False, 0

    def readdress(self, address: int) -> bool:
        """Point the key event at ``address`` to the modal dialog if it was for a blocked window."""
        modal = QApplication.activeModalWidget()
        if modal is None or not modal.internalWinId():
            return False
        import ctypes

        target = ctypes.c_uint32.from_address(address + _XCB_EVENT_WINDOW_OFFSET)
        if target.value not in _blocked_window_ids(modal):
            return False
        target.value = int(modal.internalWinId()) & 0xFFFFFFFF
        self.redirected += 1
        if not self._activation_due:
            # Qt has now seen this key's timestamp, so X accepts the focus change it asks for.
            self._activation_due = True
            QTimer.singleShot(0, lambda: self._activate_modal())
        return True

    def _activate_modal(self) -> None:
        self._activation_due = False
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.isVisible():
            self._activate(modal)


def _blocked_window_ids(modal: QWidget) -> set[int]:
    """X window ids of this application's other top-level windows (``exec()`` blocks them all)."""
    ids = set()
    for widget in QApplication.topLevelWidgets():
        if widget is modal or not widget.isVisible() or not widget.internalWinId():
            continue
        if widget.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
            continue
        ids.add(int(widget.internalWinId()) & 0xFFFFFFFF)
    return ids


def _give_keyboard_to(dialog: QWidget) -> None:
    if QGuiApplication.platformName() != "offscreen":
        dialog.raise_()
    dialog.activateWindow()


class WedgeFilter(QObject):
    """Application-wide key filter that turns scanner bursts into scans; see the module docstring.

    Signals: ``scanned(text)`` for every wedge scan the gate releases; ``keyArrived(key, ms)``
    for every key press seen (the raw arrivals, for the scanner test area); ``captured(text)``
    for scans completed while :attr:`capture_widget` had focus (they are not delivered).
    """

    scanned = Signal(str)
    keyArrived = Signal(str, int)
    captured = Signal(str)

    def __init__(self, config: WedgeConfig | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._detector = BurstDetector(config)
        self._held: deque[_HeldKey] = deque()
        self._swallowed_releases: dict[int, int] = {}
        self._leak_target: QObject | None = None
        self._receiver: QObject | None = None
        self.enabled = True
        self.capture_widget: QWidget | None = None
        self.gate = ScanGate(self)
        self.gate.released.connect(self._on_released)
        self._stale = QTimer(self)
        self._stale.setSingleShot(True)
        self._stale.timeout.connect(self._on_stale)
        self._stale_due = 0.0
        self._stale_rearms = 0
        self._clock: Callable[[], float] = time.monotonic
        self._blocked_keys: BlockedWindowKeys | None = None

    @property
    def config(self) -> WedgeConfig:
        return self._detector.config

    def set_config(self, config: WedgeConfig) -> None:
        """Use new thresholds from the next key on; what is held now is handed on as typing."""
        self._apply_replay(self._detector.flush(), self._receiver)
        self._detector = BurstDetector(config)
        self._stale.stop()

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)
        if QGuiApplication.platformName() == "xcb" and self._blocked_keys is None:
            self._blocked_keys = BlockedWindowKeys()
            app.installNativeEventFilter(self._blocked_keys)

    def uninstall(self, app: QApplication) -> None:
        self._apply_replay(self._detector.flush(), self._receiver)
        app.removeEventFilter(self)
        if self._blocked_keys is not None:
            app.removeNativeEventFilter(self._blocked_keys)
            self._blocked_keys = None

    # --- the filter ---------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind not in (
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.ShortcutOverride,
        ):
            return False
        if not self.enabled or not isinstance(obj, QWindow):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            return self._release(event)
        if kind == QEvent.Type.ShortcutOverride:
            return self._shortcut_override(event)
        if event.isAutoRepeat():
            return False
        return self._press(event)

    def _release(self, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():
            return False
        count = self._swallowed_releases.get(event.key(), 0)
        if not count:
            return False
        if count == 1:
            del self._swallowed_releases[event.key()]
        else:
            self._swallowed_releases[event.key()] = count - 1
        return True

    def _shortcut_override(self, event: QKeyEvent) -> bool:
        """Keep shortcuts from firing on a key in the middle of a burst; the press then comes."""
        last = self._detector.last_timestamp_ms
        name = key_name(event)
        if last is None or (len(name) > 1 and name != "enter"):
            return False
        if 0 <= event.timestamp() - last <= self.config.max_interval_ms:
            event.accept()
            return True
        return False

    def _press(self, event: QKeyEvent) -> bool:
        name = key_name(event)
        timestamp = int(event.timestamp())
        receiver = _receiver_for()
        self._receiver = receiver
        self.keyArrived.emit(name, timestamp)
        modal = QApplication.activeModalWidget()
        text_field = _text_field_typed_into(receiver)
        route = route_keys(
            in_text_field=text_field is not None,
            modal_dialog=modal is not None,
            dialog_asks_for_text=_asks_for_text(modal, text_field),
            scan_as_text=receiver is not None and receiver.property(SCAN_AS_TEXT) is True,
        )
        if route is KeyRoute.TEXT:
            self._apply_replay(self._detector.flush(), receiver)
            self._stale.stop()
            return False
        if route is KeyRoute.HOLD:
            text_field = None
        in_text = text_field is not None
        result = self._detector.feed(name, timestamp, in_text_field=in_text)
        self._apply_replay(result, receiver)
        if result.scan is not None:
            self._retract(result.retract, result.scan)
            self._held.clear()
        if len(name) == 1:
            if result.swallow:
                self._held.append(_HeldKey.of(event))
            elif in_text:
                self._leak_target = text_field
        if self._detector.pending:
            self._arm_stale()
        else:
            self._stale.stop()
        if result.swallow:
            self._swallowed_releases[event.key()] = self._swallowed_releases.get(event.key(), 0) + 1
        if result.scan is not None:
            if self.capture_widget is not None and receiver is self.capture_widget:
                self.captured.emit(result.scan)
            else:
                self.gate.submit(result.scan, "wedge")
        return result.swallow

    # --- applying what the detector says -------------------------------------------------------

    def _apply_replay(self, result: FeedResult, receiver: QObject | None) -> None:
        for char in result.replay:
            held = self._held.popleft() if self._held else None
            if held is None or held.text != char:
                held = _HeldKey(0, Qt.KeyboardModifier.NoModifier, char, 0, 0, 0)
            if receiver is not None:
                held.send(receiver)

    def _retract(self, count: int, scan: str) -> None:
        target, self._leak_target = self._leak_target, None
        if not count or target is None or not shiboken6.isValid(target):
            return
        leaked = scan[:count]
        if isinstance(target, QComboBox):
            target = target.lineEdit() or target
        if isinstance(target, QLineEdit):
            end = target.cursorPosition()
            if target.text()[:end].endswith(leaked):
                target.setSelection(end - count, count)
                target.backspace()
            return
        if isinstance(target, (QTextEdit, QPlainTextEdit)):
            cursor = target.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, count
            )
            if cursor.selectedText() == leaked:
                cursor.removeSelectedText()
            return
        for _ in range(count):
            _HeldKey(Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "\b", 0, 0, 0).send(
                target
            )

    # --- the stale timer -----------------------------------------------------------------------

    def _arm_stale(self) -> None:
        interval = max(2 * self.config.max_interval_ms, 40)
        self._stale_due = self._clock() + interval / 1000
        self._stale_rearms = 0
        self._stale.start(interval)

    def _on_stale(self) -> None:
        # Fired late: the event loop was busy and the rest of the burst may be queued right
        # behind this timer. Give it a moment to arrive before calling the burst typing.
        if self._clock() - self._stale_due > 0.010 and self._stale_rearms < 3:
            self._stale_rearms += 1
            self._stale_due = self._clock() + 0.005
            self._stale.start(5)
            return
        receiver = self._receiver if self._receiver is not None else _receiver_for()
        self._apply_replay(self._detector.flush(), receiver)

    def _on_released(self, text: str, source: str) -> None:
        if source == "wedge":
            self.scanned.emit(text)


def _receiver_for() -> QObject | None:
    """The object Qt delivers key events to (keyboard grab, popup, focus).

    Deliberately not ``window.focusObject()`` of the QWindow the event came for: that is a
    throw-away wrapper of Qt's internal QWidgetWindow, and asking it for the focus widget makes
    PySide invalidate other Python references to that widget when the wrapper goes (seen under
    X11: the confirmation's ``clickedButton() is ok`` turned False, so a person's Enter
    cancelled the commit). Key events go to the focus window, whose focus widget is the
    application's. For the same reason no method that returns a widget is called on the popup.
    """
    grabber = QWidget.keyboardGrabber()
    if grabber is not None:
        return grabber
    focus = QApplication.focusWidget()
    popup = QApplication.activePopupWidget()
    if popup is not None and (focus is None or not popup.isAncestorOf(focus)):
        return popup  # a menu: it gets the keys, not the widget that keeps the focus
    return focus or QGuiApplication.focusObject()


def _text_field_typed_into(receiver: QObject | None) -> QWidget | None:
    """The text field a key sent to ``receiver`` types into, if any.

    A completer's popup list (the custodian search, a file dialog's path) passes typing on to
    its text field.
    """
    if isinstance(receiver, QWidget) and _is_text_field(receiver):
        return receiver
    if isinstance(receiver, QAbstractItemView) and receiver.isWindow():
        focus = QApplication.focusWidget()
        if focus is not None and focus is not receiver and _is_text_field(focus):
            return focus
    return None


def _asks_for_text(modal: QWidget | None, field: QWidget | None) -> bool:
    """Whether ``modal`` is a dialog people type text into and ``field`` is one of its own."""
    if modal is None or field is None or not isinstance(modal, (QFileDialog, QInputDialog)):
        return False
    return modal.isAncestorOf(field)


def _is_text_field(obj: QObject | None) -> bool:
    """Whether typing into ``obj`` edits text (then slow keys must reach it at once)."""
    if isinstance(obj, QLineEdit):
        return not obj.isReadOnly()
    if isinstance(obj, (QTextEdit, QPlainTextEdit)):
        return not obj.isReadOnly()
    if isinstance(obj, QComboBox):
        return obj.isEditable()
    if isinstance(obj, QAbstractSpinBox):
        return not obj.isReadOnly()
    return False
