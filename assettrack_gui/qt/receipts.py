"""Open or save the PDF hand-over / return receipt of a stock-out or stock-in batch.

Public API (used by the main window's commit banner and by the Reports tab)::

    open_receipt(parent: QWidget | None, store: Store, batch_id: str) -> Path | None
    save_receipt_as(parent: QWidget | None, store: Store, batch_id: str) -> Path | None
    receipt_cache_path(batch_id: str) -> Path

``open_receipt`` builds the receipt with :func:`core.report_requests.receipt_for_batch` (a
hand-over receipt for a STOCK_OUT batch, a return receipt for a STOCK_IN batch), writes it to
``<user cache dir>/AssetTrack/receipts/<batch_id>.pdf`` (rewritten every time, so it carries the
current event-log head) and hands it to the desktop's PDF viewer. An unknown batch, a batch of
another kind, a database problem or a failed write is shown in a plain message box, never as a
traceback, and the function returns ``None``. When no viewer opens the file, the message says
where it is and offers "Save receipt as…", so the clerk can still print it from elsewhere.

``store`` must belong to the calling (GUI) thread; a receipt is a handful of rows, so building it
there is quick. The snapshot it is read in is opened by core, not here.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core import paths
from ..core.errors import UserError
from ..core.receipt import Receipt, receipt_title, write_receipt_pdf
from ..core.report_requests import receipt_for_batch
from ..core.store import Store

__all__ = ["open_receipt", "receipt_cache_path", "save_receipt_as"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def receipt_cache_path(batch_id: str) -> Path:
    """Where :func:`open_receipt` writes a batch's PDF (a cache: safe to delete any time)."""
    cache = paths.cache_dir()
    name = _UNSAFE.sub("_", batch_id.strip()).strip(".") or "batch"
    return cache / "receipts" / f"{name}.pdf"


def _build(parent: QWidget | None, store: Store, batch_id: str) -> Receipt | None:
    try:
        return receipt_for_batch(store, batch_id)
    except UserError as exc:
        QMessageBox.warning(parent, "No receipt", str(exc))
        return None


def _write(parent: QWidget | None, receipt: Receipt, dest: Path) -> bool:
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_receipt_pdf(receipt, dest)
    except OSError as exc:
        QMessageBox.warning(
            parent,
            "Receipt not written",
            f"The receipt for batch {receipt.batch_id} could not be written to {dest}:\n"
            f"{exc.strerror or exc}",
        )
        return False
    return True


def open_receipt(parent: QWidget | None, store: Store, batch_id: str) -> Path | None:
    """Write the batch's receipt to the cache and open it in the PDF viewer; the path or None."""
    receipt = _build(parent, store, batch_id)
    if receipt is None:
        return None
    dest = receipt_cache_path(receipt.batch_id)
    if not _write(parent, receipt, dest):
        return None
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(dest))):
        box = QMessageBox(
            QMessageBox.Icon.Information,
            receipt_title(receipt.kind),
            f"No PDF viewer could be started. The receipt for batch {receipt.batch_id} "
            f"is here:\n{dest}",
            QMessageBox.StandardButton.Close,
            parent,
        )
        save = box.addButton("Save receipt as…", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is save:
            _save(parent, receipt)
    return dest


def _save(parent: QWidget | None, receipt: Receipt) -> Path | None:
    title = receipt_title(receipt.kind)
    suggested = (
        Path.home()
        / f"{title.lower().replace(' ', '-')}-{receipt_cache_path(receipt.batch_id).name}"
    )
    name, _ = QFileDialog.getSaveFileName(
        parent, f"Save {title.lower()} as", str(suggested), "PDF files (*.pdf)"
    )
    if not name:
        return None
    dest = Path(name)
    if dest.suffix.lower() != ".pdf":
        dest = dest.with_name(dest.name + ".pdf")
    return dest if _write(parent, receipt, dest) else None


def save_receipt_as(parent: QWidget | None, store: Store, batch_id: str) -> Path | None:
    """Ask for a file name and write the batch's receipt there; the path, or None if cancelled."""
    receipt = _build(parent, store, batch_id)
    if receipt is None:
        return None
    return _save(parent, receipt)
