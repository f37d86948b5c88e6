"""The keyboard-wedge event filter, driven with key events that carry window-system timestamps.

Keys are sent to the window's QWindow, as the window system does, so the application-wide filter
sees them on the QWindow pass and Qt then forwards them to the focus widget. ``KeyLog`` records
what each widget really received after the filter.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6.Shiboken import VoidPtr

from assettrack_gui.core.wedge import WedgeConfig
from assettrack_gui.qt.wedge_filter import (
    SCAN_AS_TEXT,
    BlockedWindowKeys,
    ScanGate,
    WedgeFilter,
    key_name,
)

# The offscreen platform cannot resize to size hints, raise windows or grab the keyboard for
# popups, and says so.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)\(?\)?"
)

SCANNER_MS = 8
PERSON_MS = 150

_KEYS = {
    "\r": (Qt.Key.Key_Return, "\r"),
    "\t": (Qt.Key.Key_Tab, "\t"),
    "\n": (Qt.Key.Key_J, "\n"),
    "\b": (Qt.Key.Key_Backspace, "\b"),
    "⇧": (Qt.Key.Key_Shift, ""),
}


class KeyLog(QObject):
    """Installed on a widget: the key presses and releases it actually got."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.presses: list[str] = []
        self.releases = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            self.presses.append(event.text())
        elif event.type() == QEvent.Type.KeyRelease:
            self.releases += 1
        return False

    @property
    def text(self) -> str:
        return "".join(self.presses)


class Host(QWidget):
    """A stand-in for the main window: a text field, a button, a table and a custodian combo."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.line = QLineEdit()
        self.button = QPushButton("Commit")
        self.button.setAutoDefault(True)  # Enter on it would click it
        self.clicks = 0
        self.button.clicked.connect(self._clicked)
        self.table = QTableView()
        model = QStandardItemModel(3, 1, self.table)
        for row, tag in enumerate(["AT-0001", "AT-0002", "BT-0003"]):
            model.setItem(row, 0, QStandardItem(tag))
        self.table.setModel(model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)  # like the preview
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.addItems(["Dana Reyes", "Ari Chen"])
        self.notes = QPlainTextEdit()
        for widget in (self.line, self.button, self.table, self.combo, self.notes):
            layout.addWidget(widget)
        self.logs = {
            name: KeyLog(w)
            for name, w in {
                "line": self.line,
                "button": self.button,
                "table": self.table,
                "combo": self.combo,
                "notes": self.notes,
            }.items()
        }

    def _clicked(self) -> None:
        self.clicks += 1


class Keyboard:
    """Sends key events with timestamps to whichever window the window system would use."""

    def __init__(self) -> None:
        self.now = 1_000_000

    def window(self, widget: QWidget | None = None) -> QWidget:
        return widget or QApplication.activeModalWidget() or QApplication.activeWindow()

    def key(self, char: str, *, at: int | None = None, window: QWidget | None = None) -> None:
        if at is not None:
            self.now = at
        key, text = _KEYS.get(char, (None, char))
        if key is None:
            key = Qt.Key(ord(char.upper()))
        modifiers = Qt.KeyboardModifier.NoModifier
        if char == "\n":
            modifiers = Qt.KeyboardModifier.ControlModifier
        handle = self.window(window).windowHandle()
        assert handle is not None
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, modifiers, text)
            event.setTimestamp(self.now)
            QApplication.sendEvent(handle, event)

    def type(self, text: str, *, delay: int, window: QWidget | None = None) -> None:
        for char in text:
            self.now += delay
            self.key(char, window=window)

    def pause(self, ms: int = 1000) -> None:
        self.now += ms


@pytest.fixture
def wedge(qapp: QApplication) -> Iterator[WedgeFilter]:
    wedge = WedgeFilter()
    wedge.install(qapp)
    yield wedge
    wedge.uninstall(qapp)


@pytest.fixture
def host(qtbot) -> Host:
    host = Host()
    qtbot.addWidget(host)
    host.show()
    host.activateWindow()
    qtbot.waitActive(host)
    return host


@pytest.fixture
def scans(wedge: WedgeFilter) -> list[str]:
    got: list[str] = []
    wedge.scanned.connect(got.append)
    return got


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_keys_reach_the_focus_widget_once_without_the_filter(qtbot, host: Host) -> None:
    """The harness itself: a key sent to the QWindow arrives once at the focus widget."""
    focus(qtbot, host.line)
    Keyboard().type("ab", delay=PERSON_MS)
    assert host.line.text() == "ab"
    assert host.logs["line"].presses == ["a", "b"]


def test_burst_on_the_table_is_a_scan_and_leaves_the_table_alone(
    qtbot, host: Host, scans: list[str]
) -> None:
    focus(qtbot, host.table)
    host.table.setCurrentIndex(host.table.model().index(0, 0))
    Keyboard().type("BT-0003\r", delay=SCANNER_MS)
    assert scans == ["BT-0003"]
    assert host.logs["table"].presses == []
    assert host.logs["table"].releases == 0  # releases of swallowed presses are swallowed too
    assert host.table.currentIndex().row() == 0  # no keyboard search jumped to BT-0003


def test_burst_on_a_button_does_not_click_it(qtbot, host: Host, scans: list[str]) -> None:
    focus(qtbot, host.button)
    kb = Keyboard()
    kb.type("AT-0001\r", delay=SCANNER_MS)
    kb.pause()
    kb.type("AT 0002\r", delay=16)  # a space would press the button, Enter would click it
    assert scans == ["AT-0001", "AT 0002"]
    assert host.clicks == 0
    assert host.logs["button"].presses == []


def test_burst_on_the_custodian_combo_leaves_no_text(qtbot, host: Host, scans: list[str]) -> None:
    focus(qtbot, host.combo)
    before = host.combo.currentText()
    Keyboard().type("B-1001\r", delay=SCANNER_MS)
    assert scans == ["B-1001"]
    assert host.combo.currentText() == before
    assert host.combo.lineEdit().text() == before


def test_burst_in_a_text_field_is_taken_back_out(qtbot, host: Host, scans: list[str]) -> None:
    focus(qtbot, host.line)
    kb = Keyboard()
    kb.type("note ", delay=PERSON_MS)
    returns: list[bool] = []
    host.line.returnPressed.connect(lambda: returns.append(True))
    kb.pause()
    kb.type("AT-0001\r", delay=SCANNER_MS)
    assert scans == ["AT-0001"]
    assert host.line.text() == "note "
    assert returns == []


def test_burst_in_a_plain_text_edit_is_taken_back_out(qtbot, host: Host, scans: list[str]) -> None:
    focus(qtbot, host.notes)
    kb = Keyboard()
    kb.type("ok", delay=PERSON_MS)
    kb.pause()
    kb.type("AT-0002\r", delay=SCANNER_MS)
    assert scans == ["AT-0002"]
    assert host.notes.toPlainText() == "ok"


def test_slow_typing_in_a_text_field_stays_typing(qtbot, host: Host, scans: list[str]) -> None:
    focus(qtbot, host.line)
    returns: list[str] = []
    host.line.returnPressed.connect(lambda: returns.append(host.line.text()))
    Keyboard().type("Dana R\r", delay=PERSON_MS)
    assert host.line.text() == "Dana R"
    assert returns == ["Dana R"]
    assert scans == []
    assert host.logs["line"].text == "Dana R\r"


def test_fast_fingers_in_a_text_field_arrive_in_order(qtbot, host: Host, scans: list[str]) -> None:
    """Three keys under the threshold ("the" with rolled fingers), then more slowly."""
    focus(qtbot, host.line)
    kb = Keyboard()
    kb.type("the", delay=20)
    kb.type(" cat", delay=PERSON_MS)
    qtbot.waitUntil(lambda: host.line.text() == "the cat")
    assert scans == []


def test_slow_typing_on_the_table_reaches_it_in_order(qtbot, host: Host, scans: list[str]) -> None:
    focus(qtbot, host.table)
    kb = Keyboard()
    kb.type("bt", delay=PERSON_MS)
    qtbot.waitUntil(lambda: host.logs["table"].text == "bt")  # the last one after the timer
    kb.type("\b", delay=PERSON_MS)
    assert host.logs["table"].presses == ["b", "t", "\b"]
    assert scans == []


def test_shift_between_scanner_keys_does_not_break_the_burst(
    qtbot, host: Host, scans: list[str]
) -> None:
    focus(qtbot, host.table)
    Keyboard().type("⇧A⇧T-1234\r", delay=SCANNER_MS)
    assert scans == ["AT-1234"]


def test_too_short_burst_is_typing_and_enter_goes_through(
    qtbot, host: Host, scans: list[str]
) -> None:
    focus(qtbot, host.line)
    returns: list[bool] = []
    host.line.returnPressed.connect(lambda: returns.append(True))
    Keyboard().type("ab\r", delay=SCANNER_MS)
    assert scans == []
    assert host.line.text() == "ab"
    assert returns == [True]


def test_tab_terminator_and_gs_inside(qtbot, host: Host, wedge: WedgeFilter, scans) -> None:
    wedge.set_config(WedgeConfig(terminator="tab"))
    focus(qtbot, host.table)
    Keyboard().type("]C101\x1d17\t", delay=SCANNER_MS)
    assert scans == ["]C101\x1d17"]
    assert QApplication.focusWidget() is host.table  # the Tab did not move focus


def test_raw_arrivals_reach_the_listener(qtbot, host: Host, wedge: WedgeFilter) -> None:
    arrived: list[tuple[str, int]] = []
    wedge.keyArrived.connect(lambda key, ms: arrived.append((key, ms)))
    focus(qtbot, host.table)
    kb = Keyboard()
    start = kb.now
    kb.type("A1\r", delay=SCANNER_MS)
    assert arrived == [("A", start + 8), ("1", start + 16), ("enter", start + 24)]


def test_key_names() -> None:
    def name(key: Qt.Key, text: str = "", mods=Qt.KeyboardModifier.NoModifier) -> str:
        return key_name(QKeyEvent(QEvent.Type.KeyPress, key, mods, text))

    assert name(Qt.Key.Key_A, "a") == "a"
    assert name(Qt.Key.Key_Return, "\r") == "enter"
    assert name(Qt.Key.Key_Enter, "\r") == "enter"
    assert name(Qt.Key.Key_Shift) == "shift"
    assert name(Qt.Key.Key_BracketRight, "\x1d", Qt.KeyboardModifier.ControlModifier) == "\x1d"
    assert name(Qt.Key.Key_C, "\x03", Qt.KeyboardModifier.ControlModifier).startswith("key-")
    assert name(Qt.Key.Key_A, "a", Qt.KeyboardModifier.AltModifier).startswith("key-")
    assert name(Qt.Key.Key_Delete, "\x7f").startswith("key-")


# --- modal dialogs -----------------------------------------------------------------------------


def open_modal(qtbot, dialog: QWidget) -> None:
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    qtbot.waitActive(dialog)


def confirmation(host: Host) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Commit",
        "Stock out 2 assets to Dana Reyes?",
        QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        host,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    return box


def test_burst_never_presses_the_default_button_and_waits_for_the_dialog(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str]
) -> None:
    focus(qtbot, host.table)
    box = confirmation(host)
    qtbot.addWidget(box)
    held: list[str] = []
    wedge.gate.held.connect(lambda text, source: held.append(text))
    open_modal(qtbot, box)
    kb = Keyboard()
    kb.type("AT-0001\r", delay=SCANNER_MS)
    kb.pause()
    kb.type("AT-0002\r", delay=SCANNER_MS)
    qtbot.wait(200)  # longer than the stale timer: nothing comes out as typing either
    assert box.isVisible()
    assert box.clickedButton() is None
    assert scans == []
    assert held == ["AT-0001", "AT-0002"]
    assert wedge.gate.waiting == [("AT-0001", "wedge"), ("AT-0002", "wedge")]

    kb.pause()
    with qtbot.waitSignal(box.finished):
        kb.key("\r")  # a person's deliberate Enter confirms
    assert box.clickedButton() is box.button(QMessageBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: scans == ["AT-0001", "AT-0002"])


def test_held_scans_are_released_only_after_the_dialog_closed(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str]
) -> None:
    """A scan must not land in the batch being confirmed: it arrives after exec() returned."""
    focus(qtbot, host.table)
    box = confirmation(host)
    order: list[str] = []
    wedge.scanned.connect(lambda text: order.append(f"scan {text}"))
    kb = Keyboard()

    def in_dialog() -> None:
        kb.type("AT-0003\r", delay=SCANNER_MS)
        kb.pause()
        kb.key("\r")

    QTimer.singleShot(50, in_dialog)
    result = box.exec()
    order.append("dialog closed")
    assert result == QMessageBox.StandardButton.Ok
    qtbot.waitUntil(lambda: scans == ["AT-0003"])
    assert order == ["dialog closed", "scan AT-0003"]


def test_burst_is_not_typed_into_a_dialog_but_a_person_is(
    qtbot, host: Host, scans: list[str]
) -> None:
    dialog = QDialog(host)
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    name = QLineEdit()
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(name)
    layout.addWidget(buttons)
    open_modal(qtbot, dialog)
    focus(qtbot, name)
    kb = Keyboard()
    kb.type("AT-0004\r", delay=SCANNER_MS)
    qtbot.wait(150)
    assert name.text() == ""
    assert dialog.isVisible()
    kb.pause()
    kb.type("Ari", delay=PERSON_MS)
    qtbot.waitUntil(lambda: name.text() == "Ari")
    kb.pause()
    with qtbot.waitSignal(dialog.accepted):
        kb.key("\r")
    qtbot.waitUntil(lambda: scans == ["AT-0004"])


TOOL_MS = 20  # xdotool type --delay 20: inside the scanner threshold, yet a person's text


def file_dialog(host: Host, directory: Path) -> QFileDialog:
    dialog = QFileDialog(host, "Export report as CSV", str(directory), "CSV files (*.csv)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return dialog


def file_name_field(dialog: QFileDialog) -> QLineEdit:
    field = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(field, QLineEdit)
    return field


def test_a_path_typed_fast_into_a_file_dialog_stays_text(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str], tmp_path: Path
) -> None:
    """A path typed at 20 ms a key and ended with Enter is what the person meant: it is the file
    name, Enter saves, and no scan is made or held."""
    dialog = file_dialog(host, tmp_path)
    qtbot.addWidget(dialog)
    open_modal(qtbot, dialog)
    field = file_name_field(dialog)
    focus(qtbot, field)
    field.clear()
    target = tmp_path / "stock_report-2026.csv"
    kb = Keyboard()
    kb.type(str(target), delay=TOOL_MS)
    assert field.text() == str(target)  # every key at once, none held back
    with qtbot.waitSignal(dialog.accepted):
        kb.key("\r", at=kb.now + TOOL_MS)
    assert dialog.selectedFiles() == [str(target)]
    qtbot.wait(100)
    assert scans == [] and wedge.gate.waiting == []


def test_a_name_typed_fast_into_a_text_entry_dialog_stays_text(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str]
) -> None:
    dialog = QInputDialog(host)
    dialog.setLabelText("Name recorded on every event from this station:")
    qtbot.addWidget(dialog)
    open_modal(qtbot, dialog)
    field = dialog.findChild(QLineEdit)
    assert isinstance(field, QLineEdit)
    focus(qtbot, field)
    kb = Keyboard()
    kb.type("Mara Lind\r", delay=TOOL_MS)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.textValue() == "Mara Lind"
    assert scans == [] and wedge.gate.waiting == []


def test_a_scan_while_a_file_dialog_shows_its_file_list_is_held(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str], tmp_path: Path
) -> None:
    """Only the dialog's text fields take keys as text; elsewhere in it a scan waits."""
    (tmp_path / "a.csv").write_text("x\n")
    dialog = file_dialog(host, tmp_path)
    dialog.setViewMode(QFileDialog.ViewMode.List)
    qtbot.addWidget(dialog)
    open_modal(qtbot, dialog)
    files = dialog.findChild(QListView, "listView")
    assert isinstance(files, QListView)
    focus(qtbot, files)
    kb = Keyboard()
    kb.type("AT-0005\r", delay=SCANNER_MS)
    qtbot.wait(150)
    assert dialog.isVisible()
    assert file_name_field(dialog).text() == ""
    assert wedge.gate.waiting == [("AT-0005", "wedge")]
    dialog.reject()
    qtbot.waitUntil(lambda: scans == ["AT-0005"])


def test_gate_keeps_the_order_of_wedge_and_serial_scans(qtbot, host: Host) -> None:
    gate = ScanGate()
    released: list[tuple[str, str]] = []
    gate.released.connect(lambda text, source: released.append((text, source)))
    box = confirmation(host)
    qtbot.addWidget(box)
    open_modal(qtbot, box)
    gate.submit("B-1001", "serial")
    gate.submit("AT-0001", "wedge")
    assert released == []
    box.close()
    qtbot.waitUntil(lambda: len(released) == 2)
    assert released == [("B-1001", "serial"), ("AT-0001", "wedge")]
    gate.submit("AT-0002", "serial")
    assert released[-1] == ("AT-0002", "serial")


def test_capture_widget_gets_scans_instead_of_the_workflow(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str]
) -> None:
    wedge.capture_widget = host.table
    focus(qtbot, host.table)
    captured: list[str] = []
    wedge.captured.connect(captured.append)
    Keyboard().type("AT-0009\r", delay=SCANNER_MS)
    assert captured == ["AT-0009"]
    assert scans == []


def test_new_config_applies_to_the_next_burst(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str]
) -> None:
    focus(qtbot, host.table)
    kb = Keyboard()
    kb.type("AT-0001\r", delay=50)  # a slow scanner: typing at the default 35 ms
    qtbot.waitUntil(lambda: host.logs["table"].text == "AT-0001\r")
    assert scans == []
    wedge.set_config(WedgeConfig(max_interval_ms=60))
    kb.pause()
    kb.type("AT-0001\r", delay=50)
    assert scans == ["AT-0001"]


def test_shortcuts_do_not_fire_in_the_middle_of_a_burst(qtbot, host: Host, wedge) -> None:
    """The window system asks ShortcutOverride before each press; mid-burst the filter claims it."""
    focus(qtbot, host.table)
    kb = Keyboard()
    kb.type("AT", delay=SCANNER_MS)
    handle = host.windowHandle()
    override = QKeyEvent(
        QEvent.Type.ShortcutOverride, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"
    )
    override.setTimestamp(kb.now + SCANNER_MS)
    override.ignore()
    QApplication.sendEvent(handle, override)
    assert override.isAccepted()
    kb.pause()
    late = QKeyEvent(
        QEvent.Type.ShortcutOverride, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"
    )
    late.setTimestamp(kb.now)
    late.ignore()
    QApplication.sendEvent(handle, late)
    assert not late.isAccepted()


def test_a_field_can_ask_for_scans_as_text(qtbot, host: Host, scans: list[str]) -> None:
    """A search box meant to be scanned into opts out: the scan is typed into it."""
    host.line.setProperty(SCAN_AS_TEXT, True)
    focus(qtbot, host.line)
    searched: list[str] = []
    host.line.returnPressed.connect(lambda: searched.append(host.line.text()))
    Keyboard().type("AT-0001\r", delay=SCANNER_MS)
    assert scans == []
    assert searched == ["AT-0001"]


def test_completer_popup_keeps_typing_immediate_and_bursts_out(
    qtbot, host: Host, scans: list[str]
) -> None:
    """The custodian search: a completer list pops up while typing; typing still shows at once."""
    completer = QCompleter(["Dana Reyes (B-1001)", "Dan Ito (B-1003)"], host.line)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    host.line.setCompleter(completer)
    focus(qtbot, host.line)
    kb = Keyboard()
    kb.type("da", delay=PERSON_MS)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    kb.type("n", delay=PERSON_MS)
    assert host.line.text() == "dan"  # at once, not after the stale timer
    kb.pause()
    kb.type("AT-0001\r", delay=SCANNER_MS)
    assert scans == ["AT-0001"]
    assert host.line.text() == "dan"


def test_a_late_stale_timer_lets_queued_scanner_keys_arrive_first(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str]
) -> None:
    """When the event loop was busy, the timer may fire before the rest of the burst is read."""
    focus(qtbot, host.table)
    kb = Keyboard()
    kb.type("AT-0", delay=SCANNER_MS)
    clock = [100.0]
    wedge._clock = lambda: clock[0]
    wedge._arm_stale()
    clock[0] += 1.0  # the loop was busy for a second: the timer fires late
    wedge._on_stale()
    assert host.logs["table"].presses == []  # not handed out as typing yet
    kb.type("001\r", delay=SCANNER_MS)  # the queued rest of the burst
    assert scans == ["AT-0001"]
    assert host.logs["table"].presses == []


def test_a_stale_timer_hands_typing_on_after_a_few_late_tries(
    qtbot, host: Host, wedge: WedgeFilter, scans: list[str]
) -> None:
    focus(qtbot, host.table)
    Keyboard().type("b", delay=PERSON_MS)
    clock = [100.0]
    wedge._clock = lambda: clock[0]
    wedge._arm_stale()
    for _ in range(4):
        clock[0] += 1.0
        wedge._on_stale()
    assert host.logs["table"].presses == ["b"]
    assert scans == []


def _xcb_key_event(kind: int, window: int) -> ctypes.Array[ctypes.c_char]:
    """An xcb_key_press_event_t (32 bytes): response_type, …, "event" window at offset 12."""
    buffer = ctypes.create_string_buffer(32)
    buffer[0] = kind
    ctypes.c_uint32.from_buffer(buffer, 12).value = window
    return buffer


def test_keys_for_a_window_a_dialog_blocks_go_to_the_dialog(qtbot) -> None:
    """X11 without a window manager: the keyboard on the main window while a dialog is open.

    Qt would drop those keys (the window is blocked); they are re-addressed to the dialog,
    whose wedge filter holds the scan, and the dialog is given the keyboard back.
    """
    main = QWidget()
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    activated: list[QWidget] = []
    keys = BlockedWindowKeys(activate=activated.append)
    main_id = int(main.internalWinId())
    press = _xcb_key_event(2, main_id)
    assert not keys.readdress(ctypes.addressof(press))  # no dialog: left alone
    dialog = QDialog(main)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert QApplication.activeModalWidget() is dialog
    dialog_id = int(dialog.internalWinId())
    event_type = QByteArray(b"xcb_generic_event_t")
    for kind in (2, 3, 2 | 0x80):  # press, release, a press sent by another client
        event = _xcb_key_event(kind, main_id)
        handled = keys.nativeEventFilter(event_type, VoidPtr(ctypes.addressof(event)))
        assert handled == (False, 0)  # Qt still handles it: for the dialog's window now
        assert ctypes.c_uint32.from_buffer(event, 12).value == dialog_id
    assert keys.redirected == 3
    own = _xcb_key_event(2, dialog_id)
    assert not keys.readdress(ctypes.addressof(own))  # the dialog's own keys are left alone
    other = _xcb_key_event(2, 0x0DEADBEE)
    assert not keys.readdress(ctypes.addressof(other))  # not one of this app's windows
    qtbot.waitUntil(lambda: activated == [dialog])  # once, after the event
    motion = _xcb_key_event(6, main_id)
    keys.nativeEventFilter(event_type, VoidPtr(ctypes.addressof(motion)))
    assert ctypes.c_uint32.from_buffer(motion, 12).value == main_id  # not a key event
    dialog.close()
