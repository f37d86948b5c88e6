"""Start the AssetTrack window: ``assettrack [--db PATH] [--serial PORT] [--operator NAME]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assettrack_gui.core import paths
from assettrack_gui.core.errors import UserError

if TYPE_CHECKING:
    from assettrack_gui.core.store import Store
    from assettrack_gui.qt.main_window import MainWindow


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assettrack",
        description="AssetTrack: scan devices out to people and back into their slots.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="the database file (created if new); default: $ASSETTRACK_DB or the user data dir",
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


def open_window(store: Store, args: argparse.Namespace) -> MainWindow:
    """The whole app on an open database: window, scanners (wedge + serial), Reports page."""
    from PySide6.QtWidgets import QApplication

    from assettrack_gui.qt.main_window import MainWindow
    from assettrack_gui.qt.reports_tab import ReportsTab
    from assettrack_gui.qt.scanner_hub import install_scanners

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(store, operator=args.operator, serial_port_override=args.serial)
    # Keyboard-wedge scanners anywhere in the app, the serial scanner, scan sounds, and
    # Settings → Scanner settings… (stopped cleanly on quit).
    window.scanner_hub = install_scanners(app, window, window.config, args.serial)
    window.add_page(ReportsTab(store, window.config_signal), "&Reports", "Ctrl+5")
    return window


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from assettrack_gui.core.store import Store
    from assettrack_gui.qt.main_window import APP_NAME, app_icon

    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("assettrack")

    db_path = (args.db or paths.default_db_path()).expanduser()
    try:
        store = Store(db_path, create=True)
    except UserError as exc:
        QMessageBox.critical(None, "AssetTrack cannot open the database", str(exc))
        return 1
    except OSError as exc:
        QMessageBox.critical(None, "AssetTrack cannot open the database", f"{db_path}: {exc}")
        return 1

    window = open_window(store, args)
    window.show()
    window.activateWindow()
    window.offer_pending_batch_when_active()
    try:
        return app.exec()
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
