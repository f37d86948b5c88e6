"""open_receipt / save_receipt_as: the PDF is written, opened, and failures are plain messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from assettrack_gui.core.store import Store
from assettrack_gui.qt import receipts
from assettrack_gui.qt.receipts import open_receipt, receipt_cache_path, save_receipt_as

from .reports_seed import Seeded, seed


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "assettrack.db")
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    return seed(store, monkeypatch)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    urls: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(fake_open))
    return urls


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []

    def fake_warning(parent: QWidget | None, title: str, text: str, *a: object) -> int:
        shown.append((title, text))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(fake_warning))
    return shown


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_hand_over_receipt_is_written_to_the_cache_and_opened(
    qtbot, store: Store, seeded: Seeded, opened: list[QUrl], private_dirs: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    path = open_receipt(parent, store, seeded.old_out)
    assert path == receipt_cache_path(seeded.old_out)
    assert path is not None and path.is_relative_to(private_dirs)
    assert [u.toLocalFile() for u in opened] == [str(path)]
    text = pdf_text(path)
    assert "Hand-over receipt" in text
    for needle in ("Dana Reyes", "B-1001", "AT-0001", "AT-0002", seeded.old_out):
        assert needle in text


def test_stock_in_batch_gives_a_return_receipt(
    qtbot, store: Store, seeded: Seeded, opened: list[QUrl]
) -> None:
    path = open_receipt(None, store, seeded.back_in)
    assert path is not None
    text = pdf_text(path)
    assert "Return receipt" in text
    assert "Lee Park" in text and "AT-0004" in text


@pytest.mark.parametrize("which", ["unknown", "register"])
def test_unknown_or_wrong_batch_is_a_message_not_a_traceback(
    qtbot,
    store: Store,
    seeded: Seeded,
    opened: list[QUrl],
    warnings_shown: list[tuple[str, str]],
    which: str,
) -> None:
    batch = "no-such-batch" if which == "unknown" else seeded.register
    assert open_receipt(None, store, batch) is None
    assert opened == []
    assert len(warnings_shown) == 1
    assert batch in warnings_shown[0][1]


def test_write_failure_is_a_message(
    qtbot,
    store: Store,
    seeded: Seeded,
    opened: list[QUrl],
    warnings_shown: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(receipts, "receipt_cache_path", lambda batch: blocker / f"{batch}.pdf")
    assert open_receipt(None, store, seeded.new_out) is None
    assert opened == []
    assert warnings_shown and warnings_shown[0][0] == "Receipt not written"


def test_save_receipt_as_writes_where_the_user_chose(
    qtbot, store: Store, seeded: Seeded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "dana"
    target.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    path = save_receipt_as(None, store, seeded.new_out)
    assert path == target.with_name("dana.pdf")
    text = pdf_text(path)
    assert "=HYPERLINK(evil)" in text and "AT-0003" in text


def test_save_receipt_as_cancelled_writes_nothing(
    qtbot, store: Store, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert save_receipt_as(None, store, seeded.new_out) is None


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_no_pdf_viewer_says_where_the_file_is_and_offers_save_as(
    qtbot, store: Store, seeded: Seeded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    seen: list[str] = []

    def press_save() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press_save)
            return
        seen.append(box.text())
        save = next(b for b in box.findChildren(QPushButton) if b.text() == "Save receipt as…")
        save.click()

    QTimer.singleShot(0, press_save)
    path = open_receipt(None, store, seeded.old_out)
    assert path == receipt_cache_path(seeded.old_out) and path.exists()
    assert seen and str(path) in seen[0] and "No PDF viewer" in seen[0]
    assert "Dana Reyes" in pdf_text(target)
