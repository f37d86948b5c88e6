"""Start the AssetTrack window: ``assettrack [--db PATH] [--demo | --new-demo] [--serial PORT]
[--operator NAME]``.

Start-up time is a feature (a clerk opens the app with a device in hand), so this module imports
only argparse and core helpers at the top; Qt and the window come in ``main``. With
``ASSETTRACK_EXIT_WHEN_SHOWN=1`` the app prints ``shown_ms=…`` (milliseconds from process start
to the window on screen) once the window is first painted, then ``ready_ms=…`` once the pages
left for later (Reports) are built too, and quits: what ``benchmarks/bench_startup.py`` measures.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from assettrack_gui.core.errors import UserError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from assettrack_gui.core.backend import Target
    from assettrack_gui.core.settings import SettingsOwner
    from assettrack_gui.core.store import Store
    from assettrack_gui.qt.main_window import MainWindow

EXIT_WHEN_SHOWN_ENV = "ASSETTRACK_EXIT_WHEN_SHOWN"

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assettrack",
        description="AssetTrack: scan devices out to people and back into their slots.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        default=None,
        help="the database file (created if new), or a PostgreSQL database as "
        "postgresql://user@host:port/dbname; default: $ASSETTRACK_DB or the user data dir",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo stockroom: made-up people, cases and devices in a separate database "
        "(demo.db beside the default database; made if missing) to try AssetTrack on. The title "
        "says DEMO; File → Leave the demo opens the real database (--db, or the default)",
    )
    parser.add_argument(
        "--new-demo",
        action="store_true",
        help="like --demo, but make the demo stockroom afresh first (only the demo file is "
        "replaced, never a real database)",
    )
    parser.add_argument(
        "--serial",
        metavar="PORT",
        default=None,
        help="read scans from this serial port (e.g. /dev/ttyACM0, COM3) instead of the saved one",
    )
    parser.add_argument(
        "--operator",
        metavar="NAME",
        default=None,
        help="the name recorded on events (default: the OS user; changeable in Settings)",
    )
    return parser


DEMO_WAIT_S = 5.0  # --new-demo: how long the window being closed may keep the old demo open


def database_paths(
    args: argparse.Namespace, remembered: str = ""
) -> tuple[Target, Target | None]:
    """(the database to open, the real database when that is the demo, else None).

    With ``--demo``/``--new-demo`` the demo stockroom (a SQLite file, ``core.demo``) is made
    first if needed (``UserError`` if it cannot be); ``--db`` then names the real database to
    go back to (a file or a server)."""
    from assettrack_gui.core import backend

    # --db, else $ASSETTRACK_DB, else the server remembered by File → Connect to a server…
    real = backend.app_target(args.db, remembered)
    if not (args.demo or args.new_demo):
        return real, None
    from assettrack_gui.core import demo

    real_file = real if isinstance(real, Path) else None  # a server is never the demo's file
    if not args.new_demo:
        return demo.ensure_demo(real=real_file), real
    # Started from the demo's own window (File → Start the demo afresh…): that window closes
    # as this one starts, and the old demo can only be replaced once it has let go of it.
    deadline = time.monotonic() + DEMO_WAIT_S
    while True:
        try:
            return demo.build_demo(real=real_file).path, real
        except demo.DemoInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def open_window(
    store: Store,
    args: argparse.Namespace,
    lazy_reports: bool = False,
    real_db: Target | None = None,
    config: SettingsOwner | None = None,
) -> MainWindow:
    """The whole app on an open database: window, scanners (wedge + serial), Reports page.

    With ``lazy_reports`` (what ``main`` does) the Reports page is built when first shown or once
    the window is on screen (``LazyPage``); the custodian and case pickers are filled and the
    scanners started then too (:func:`after_first_screen`), not before the first screen: a scan
    typed before that reaches the Scan field as text and is scanned on Enter all the same.
    With ``real_db`` the window is the demo stockroom's (``store`` is the demo database).
    """
    from assettrack_gui.qt.main_window import MainWindow

    window = MainWindow(
        store,
        operator=args.operator,
        serial_port_override=args.serial,
        config=config,
        load_lists=not lazy_reports,
        real_db=real_db,
    )
    if not lazy_reports:
        start_scanners(window)

    def reports_page() -> QWidget:
        from assettrack_gui.qt.reports_tab import ReportsTab

        return ReportsTab(store, window.config_signal, engine=window.engine)

    if lazy_reports:
        from assettrack_gui.qt.lazy_page import LazyPage

        window.add_page(LazyPage(reports_page), "&Reports", "Ctrl+5")
    else:
        window.add_page(reports_page(), "&Reports", "Ctrl+5")
    window.add_admin_pages(lazy=lazy_reports)  # People, Cases, Devices (Ctrl+6, 7, 8)
    return window


def when_first_painted(window: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` once the (shown) window has been exposed and painted for the first time."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    handle = window.windowHandle()
    assert handle is not None, "call after window.show()"

    class Watcher(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Expose and handle.isExposed():
                handle.removeEventFilter(self)
                self.deleteLater()
                # Expose paints the window; the zero timer fires once that painting is done.
                QTimer.singleShot(0, callback)
            return False

    if handle.isExposed():
        QTimer.singleShot(0, callback)
    else:
        handle.installEventFilter(Watcher(window))


def unexpected_error_text(exc: BaseException, log_file: Path) -> tuple[str, str]:
    """(text, details) of the message a clerk sees when AssetTrack hits a bug."""
    text = (
        "Something went wrong inside AssetTrack. The scans you are working on are safe: the "
        "pending batch is saved after every change and is offered again if AssetTrack restarts."
    )
    details = (
        f"{type(exc).__name__}: {exc}\n\n"
        f"The details were written to the log file:\n{log_file}\n\n"
        "Please send that file to whoever looks after AssetTrack. If the window stops "
        "responding as it should, close it and start AssetTrack again."
    )
    return text, details


def show_unexpected_error(parent: QWidget | None, exc: BaseException, log_file: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from assettrack_gui.qt.dialogs import run_modal

    text, details = unexpected_error_text(exc, log_file)
    box = QMessageBox(parent)
    box.setObjectName("unexpectedErrorDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("AssetTrack: unexpected error")
    box.setText(text)
    box.setInformativeText(details)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copy the path
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    run_modal(box)


def install_excepthook(app: QApplication) -> ExceptHook:
    """Log uncaught exceptions (GUI thread or any other) and tell the clerk where the log is.

    The message box is always shown from the GUI thread (a signal crosses over from workers);
    a second error while it is open is only logged, so a failing slot cannot stack up boxes.
    """
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    class Reporter(QObject):
        report = Signal(object, object)  # exception, log file

    reporter = Reporter(app)
    showing = False

    def show(exc: BaseException, log_file: Path) -> None:
        nonlocal showing
        if showing:
            return
        showing = True
        try:
            parent = QApplication.activeModalWidget() or QApplication.activeWindow()
            show_unexpected_error(parent, exc, log_file)
        finally:
            showing = False

    reporter.report.connect(show)

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(exc_type, exc, tb)
            return
        sys.__excepthook__(exc_type, exc, tb)  # a terminal, if there is one, sees it too
        try:
            from assettrack_gui.core import logs

            log_file = logs.log_unexpected(exc_type, exc, tb, where="assettrack")
        except OSError:
            from assettrack_gui.core import logs

            log_file = logs.log_path()
        reporter.report.emit(exc, log_file)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return hook


def exit_when_shown(app: QApplication, window: MainWindow) -> None:
    """Print ``shown_ms=…`` once the window is first painted on screen, then build the pages left
    for later, print ``ready_ms=…`` and quit (for benchmarks)."""

    def report() -> None:
        print(f"shown_ms={_ms_since_process_start():.1f}", flush=True)
        first_screen_shown(window)
        print(f"ready_ms={_ms_since_process_start():.1f}", flush=True)
        app.quit()

    when_first_painted(window, report)


def _ms_since_process_start() -> float:
    """Milliseconds since the OS started this process (Linux), else since Python started."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return (uptime - ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError, AttributeError):
        return (time.perf_counter() - _STARTED) * 1000


_STARTED = time.perf_counter()


def start_scanners(window: MainWindow) -> None:
    """Keyboard-wedge scanners anywhere in the app, the serial scanner (``--serial`` or the saved
    port), scan sounds, and Settings → Scanner settings… (stopped cleanly on quit)."""
    from PySide6.QtWidgets import QApplication

    from assettrack_gui.qt.scanner_hub import install_scanners

    if window.scanner_hub is not None:
        return
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window.scanner_hub = install_scanners(
        app, window, window.config, window.serial_port_override
    )


def after_first_screen(window: MainWindow) -> None:
    """What waits until the clerk sees the window: the scanners, the pickers' lists, the log file
    (an error before this opens it itself) and the pages left for later."""
    window.keyboard_home.install()  # an app-wide filter: its first events cost ~20 ms (dialogs.py)
    start_scanners(window)
    window.controller.reload_lists()
    window.controller.refresh_view()  # the chosen custodian and cases, now in the pickers
    window.controller.check_database_state()  # damaged or rolled back: a banner that stays
    start_log_file()
    build_pages(window)
    start_daily_backup(window)


def first_screen_shown(window: MainWindow) -> None:
    """What ``main`` does once the window is painted: :func:`after_first_screen`, then ask about
    a batch left from last time (over the painted window; reading the pending file loads
    hashlib, so not before the first paint); and garbage collection again (off in ``main``
    until now)."""
    try:
        after_first_screen(window)
        window.offer_pending_batch_when_active()
    finally:
        gc.enable()


def start_daily_backup(window: MainWindow) -> None:
    """The automatic backup of the day (core.backups), off the GUI thread; a damaged file found
    on the way stops all writes from this window too."""
    from assettrack_gui.qt.backup_job import DailyBackup

    if (
        str(window.store.path) == ":memory:"
        or window.is_demo  # made-up data: nothing to keep
        or os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1"
    ):
        return
    if getattr(window.store, "backend", "sqlite") == "postgresql":
        return  # a server's backups are its administrator's (README: PostgreSQL)
    job = DailyBackup(window.store.path, window.config.current.backups_keep, window)

    def failed(message: str, damaged: bool) -> None:
        if damaged and window.store.damaged is None:
            window.store.damaged = message
        window.show_status(message, ok=False)
        if damaged:
            window.controller.check_database_state()

    job.failed.connect(failed)
    job.finished.connect(
        lambda path: window.show_status(f"Daily backup made: {path}", ok=True) if path else None
    )
    window.daily_backup = job
    job.start()


def start_log_file() -> None:
    with contextlib.suppress(OSError):  # no log file (read-only home): stderr still has errors
        from assettrack_gui.core import logs  # logging loads after the first screen

        logs.setup_logging("assettrack")


def build_pages(window: MainWindow) -> None:
    """Build the pages left for later (the Reports page) once the first screen is up."""
    from assettrack_gui.qt.lazy_page import LazyPage

    for page in window.findChildren(LazyPage):
        page.ensure_built()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app. The cyclic garbage collector waits until the window is on screen
    (:func:`first_screen_shown` turns it back on): start-up makes tens of thousands of objects
    that live as long as the app (PySide6's classes and enums, the core's), and collecting while
    they are being made walks them again and again (~10 ms before the first paint)."""
    gc.disable()
    try:
        return run_app(argv)
    finally:
        gc.enable()


def run_app(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from assettrack_gui.core import backend
    from assettrack_gui.qt.main_window import APP_NAME, app_icon

    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("assettrack")
    install_excepthook(app)

    from assettrack_gui.core.settings import SettingsOwner

    config = SettingsOwner()  # server (issue 14): it remembers File → Connect to a server…
    db_path: object = args.db or "the default database"
    try:
        db_path, real_db = database_paths(args, config.current.database)
        store = backend.open_store(db_path, create=True)
    except UserError as exc:
        if not backend.is_server(db_path):
            QMessageBox.critical(None, "AssetTrack cannot open the database", str(exc))
            return 1
        from assettrack_gui.qt.server_dialog import server_down_at_start  # server (issue 14)

        opened = server_down_at_start(db_path, exc)  # type: ignore[arg-type]
        if opened is None:
            return 1
        store = opened
    except OSError as exc:
        QMessageBox.critical(None, "AssetTrack cannot open the database", f"{db_path}: {exc}")
        return 1

    window = open_window(store, args, lazy_reports=True, real_db=real_db, config=config)
    window.show()
    if os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1":
        exit_when_shown(app, window)
    else:
        when_first_painted(window, lambda: first_screen_shown(window))
    window.activateWindow()
    try:
        return app.exec()
    finally:
        store.close()
        if "assettrack_gui.core.logs" in sys.modules:
            sys.modules["assettrack_gui.core.logs"].stop_logging()


if __name__ == "__main__":
    sys.exit(main())
