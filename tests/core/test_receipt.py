"""PDF hand-over / return receipts: everything a signer must see is in the file's text."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from assettrack_gui.core import receipt as receipt_mod
from assettrack_gui.core.eventlog import LogHead
from assettrack_gui.core.receipt import Receipt, ReceiptLine, receipt_title, write_receipt_pdf

HEAD_HASH = "fedcba9876543210" * 4


def make_receipt(n_lines: int, *, kind: str = "STOCK_OUT", holder: str = "Ada Lovelace") -> Receipt:
    lines = [
        ReceiptLine(
            asset_tag=f"AT-{i:06d}",
            serial=f"SN{i:08d}",
            description=(
                "Dell Latitude 5440 laptop, 14-inch, with charger, dock and carry bag"
                if i % 5 == 0
                else "Zebra TC52 scanner"
            ),
            slot=f"C{i // 20:03d}/{i % 20 + 1}",
        )
        for i in range(n_lines)
    ]
    return Receipt(
        kind=kind,
        batch_id="B-20261124-0007",
        created_at_utc="2026-11-24T18:30:12.123Z",
        created_at_local="24 Nov 2026 19:30",
        operator="ops.jane",
        holder_name=holder,
        holder_badge="B00123",
        lines=lines,
    )


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9/\-]+", text))


def assert_complete(path: Path, receipt: Receipt) -> str:
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    for needle in (
        receipt.holder_name,
        receipt.holder_badge,
        receipt.batch_id,
        receipt.operator,
        "AssetTrack",
        receipt_title(receipt.kind),
        f"Total: {len(receipt.lines)} asset",
    ):
        assert needle in text, needle
    found = words(text)
    missing = [line.asset_tag for line in receipt.lines if line.asset_tag not in found]
    assert missing == []
    assert sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".part")) == []
    return text


def test_three_line_hand_over_receipt(tmp_path):
    receipt = make_receipt(3)
    path = tmp_path / "handover.pdf"
    write_receipt_pdf(receipt, path)
    text = assert_complete(path, receipt)
    assert len(PdfReader(path).pages) == 1
    assert "Hand-over receipt" in text
    assert "Received by (holder)" in text
    assert "Issued by (operator)" in text
    assert "24 Nov 2026 19:30" in text and "2026-11-24T18:30:12.123Z" in text
    for line in receipt.lines:
        assert line.serial in text and line.slot in text


def test_twelve_hundred_lines_paginate_and_every_tag_is_printed(tmp_path):
    receipt = make_receipt(1200)
    path = tmp_path / "big.pdf"
    write_receipt_pdf(receipt, path)
    assert_complete(path, receipt)
    pages = PdfReader(path).pages
    assert len(pages) > 10
    # Every page names the batch, so a loose page can be matched to its receipt.
    assert all(receipt.batch_id in page.extract_text() for page in pages)
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1].extract_text()
    # The signature lines are on the last page, with the total.
    last = pages[-1].extract_text()
    assert "Total: 1200 assets" in last and "Received by (holder)" in last


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_sees_every_tag_too(tmp_path):
    receipt = make_receipt(1200)
    path = tmp_path / "big.pdf"
    write_receipt_pdf(receipt, path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    found = words(text)
    assert [line.asset_tag for line in receipt.lines if line.asset_tag not in found] == []
    assert receipt.holder_name in text and receipt.batch_id in text


def test_return_receipt_title_and_signers(tmp_path):
    receipt = make_receipt(2, kind="STOCK_IN")
    path = tmp_path / "return.pdf"
    write_receipt_pdf(receipt, path)
    text = assert_complete(path, receipt)
    assert "Return receipt" in text
    assert "Hand-over receipt" not in text
    assert "Returned by (holder)" in text
    assert "Received by (operator)" in text


def test_non_ascii_holder_name(tmp_path):
    receipt = make_receipt(3, holder="Zoë Müller-Łukasiewicz")
    receipt.operator = "Ørjan Åsmund"
    path = tmp_path / "zoe.pdf"
    write_receipt_pdf(receipt, path)
    text = assert_complete(path, receipt)
    assert "Zoë Müller-Łukasiewicz" in text


def test_cjk_name_without_fallback_font_prints_quietly(tmp_path, monkeypatch, caplog):
    """No CJK font on the machine: the receipt is still written, with no warning or log noise."""
    monkeypatch.setattr(receipt_mod, "FALLBACK_FONT_CANDIDATES", ())
    receipt = make_receipt(2, holder="李小龍")
    path = tmp_path / "cjk.pdf"
    with caplog.at_level(logging.WARNING):
        write_receipt_pdf(receipt, path)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    text = pdf_text(path)
    assert receipt.batch_id in text and "AT-000001" in text


@pytest.mark.skipif(
    not any(p.is_file() for p in receipt_mod.FALLBACK_FONT_CANDIDATES),
    reason="no CJK fallback font installed",
)
def test_cjk_name_with_fallback_font_is_printed(tmp_path):
    receipt = make_receipt(2, holder="Zoë 李小龍")
    path = tmp_path / "cjk.pdf"
    write_receipt_pdf(receipt, path)
    assert "李小龍" in pdf_text(path)


def test_log_head_and_missing_serial(tmp_path):
    receipt = make_receipt(1)
    receipt.lines.append(ReceiptLine("AT-NOSERIAL", None, None, ""))  # type: ignore[arg-type]
    receipt.log_head = LogHead(4321, HEAD_HASH)
    path = tmp_path / "head.pdf"
    write_receipt_pdf(receipt, path)
    text = assert_complete(path, receipt)
    assert "4321 events" in text
    assert HEAD_HASH in text.replace("\n", "")


def test_existing_file_is_replaced(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(b"old")
    write_receipt_pdf(make_receipt(1), path)
    assert path.read_bytes().startswith(b"%PDF")


def test_other_batch_kinds_are_refused(tmp_path):
    with pytest.raises(ValueError, match="STOCK_OUT and STOCK_IN"):
        write_receipt_pdf(make_receipt(1, kind="SLOT_MOVE"), tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []
