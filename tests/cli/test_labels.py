"""``assettrack-admin labels``: the PDF decodes to exactly the codes asked for; errors exit 1 or 2."""

from __future__ import annotations

import pytest

from ..label_pages import needs_poppler, printed, read_labels
from .test_cli import db, run, template  # noqa: F401  (fixtures)


@needs_poppler
@pytest.mark.parametrize("symbology", ["code128", "qr"])
@pytest.mark.parametrize("layout", ["avery-l7651", "avery-5160", "roll-62mm"])
def test_assets_by_dashless_scan_print_the_canonical_tags(db, tmp_path, layout, symbology):  # noqa: F811
    pdf = tmp_path / "labels.pdf"
    proc = run("labels", "assets", "ATSMOKE0001", "AT-SMOKE-0005", "--pdf", str(pdf),
               "--layout", layout, "--symbology", symbology, db=db)
    assert proc.returncode == 0, proc.stderr
    read = read_labels(pdf, layout)
    assert printed(read) == ["AT-SMOKE-0001", "AT-SMOKE-0005"]
    texts = [text for page in read for codes, text in page if codes]
    assert "AT-SMOKE-0001" in texts[0] and "ThinkPad" in texts[0]
    assert "Dell spare" in texts[1]


@needs_poppler
def test_slots_cases_and_badges(db, tmp_path):  # noqa: F811
    slots = tmp_path / "slots.pdf"
    assert run("labels", "slots", "--case", "CART-A", "--pdf", str(slots), "--start", "3", db=db).returncode == 0
    (page,) = read_labels(slots, "avery-l7651")
    assert page[0] == ([], "") and page[1] == ([], "")
    assert printed([page]) == [f"CART-A/{n}" for n in range(1, 11)]
    cases = tmp_path / "cases.pdf"
    assert run("labels", "cases", "--all", "--pdf", str(cases), db=db).returncode == 0
    assert printed(read_labels(cases, "avery-l7651")) == ["CART-A"]
    badges = tmp_path / "badges.pdf"
    assert run("labels", "badges", "--all", "--pdf", str(badges), "--layout", "roll-62mm", db=db).returncode == 0
    pages = read_labels(badges, "roll-62mm")
    assert printed(pages) == ["B-1001", "B-1002"] and "Dana Reyes" in pages[0][0][1]


def test_unknown_codes_exit_1_naming_them(db, tmp_path):  # noqa: F811
    pdf = tmp_path / "x.pdf"
    proc = run("labels", "assets", "AT-SMOKE-0001", "NOPE-1", "--pdf", str(pdf), db=db)
    assert proc.returncode == 1 and "NOPE-1" in proc.stderr
    proc = run("labels", "slots", "--case", "NOPE-C", "--pdf", str(pdf), db=db)
    assert proc.returncode == 1 and "NOPE-C" in proc.stderr
    assert not pdf.exists()


def test_usage_errors_exit_2(db, tmp_path):  # noqa: F811
    pdf = tmp_path / "x.pdf"
    assert run("labels", "assets", "--pdf", str(pdf), db=db).returncode == 2
    assert run("labels", "cases", "CART-A", "--all", "--pdf", str(pdf), db=db).returncode == 2
    assert run("labels", "badges", "--all", db=db).returncode == 2  # no --pdf
    assert run("labels", "cases", "--all", "--pdf", str(pdf), "--start", "66", db=db).returncode == 2
    assert run("labels", "cases", "--all", "--pdf", str(pdf), "--layout", "nope", db=db).returncode == 2
    pdf.write_bytes(b"keep")
    proc = run("labels", "cases", "--all", "--pdf", str(pdf), db=db)
    assert proc.returncode == 2 and pdf.read_bytes() == b"keep"
    assert run("labels", "cases", "--all", "--pdf", str(pdf), "--force", db=db).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")


@needs_poppler
def test_retired_assets_are_skipped_by_all_and_case_and_noted_when_named(db, tmp_path):  # noqa: F811
    retire = run("asset", "retire", "AT-SMOKE-0002", "--kind", "broken", "--reason", "cracked", db=db)
    assert retire.returncode == 0, retire.stderr
    every = tmp_path / "all.pdf"
    proc = run("labels", "assets", "--all", "--pdf", str(every), db=db)
    assert proc.returncode == 0, proc.stderr
    assert "note:" not in proc.stdout and proc.stdout.startswith("Wrote 4 asset labels")
    assert printed(read_labels(every, "avery-l7651")) == [
        "AT-SMOKE-0001", "AT-SMOKE-0003", "AT-SMOKE-0004", "AT-SMOKE-0005"
    ]  # fmt: skip
    case = tmp_path / "case.pdf"
    proc = run("labels", "assets", "--case", "CART-A", "--pdf", str(case), db=db)
    assert proc.returncode == 0 and "note:" not in proc.stdout
    assert printed(read_labels(case, "avery-l7651")) == [
        "AT-SMOKE-0001", "AT-SMOKE-0003", "AT-SMOKE-0004"
    ]  # fmt: skip
    named = tmp_path / "named.pdf"
    proc = run("labels", "assets", "ATSMOKE0002", "AT-SMOKE-0001", "--pdf", str(named), db=db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1:] == [
        "note: AT-SMOKE-0002 is retired (broken): its label is printed anyway"
    ]
    assert printed(read_labels(named, "avery-l7651")) == ["AT-SMOKE-0002", "AT-SMOKE-0001"]


LONG_TAGS = ["AT-LAPTOP-00016X", "AT-LAPTOP-EAST-00020", "AT-LAPTOP-EAST-WING-0024",
             "SN-ABCDEFGHIJKLMNOPQRSTUVWX"]  # fmt: skip


def test_tags_too_long_for_the_layout_print_with_a_warning_each(db, tmp_path):  # noqa: F811
    for tag in LONG_TAGS:
        assert run("asset", "add", tag, db=db).returncode == 0
    pdf = tmp_path / "len.pdf"
    proc = run("labels", "assets", "AT-SMOKE-0001", *LONG_TAGS, "--pdf", str(pdf), db=db)
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 5 asset labels" in proc.stdout and pdf.exists()
    warnings = proc.stderr.splitlines()
    assert len(warnings) == 4 and "AT-SMOKE-0001" not in proc.stderr
    for tag, line in zip(LONG_TAGS, warnings, strict=True):
        assert line.startswith(f"warning: {tag}: its Code 128 bars would be 0.")
        assert "mm wide on avery-l7651" in line and "--symbology qr" in line
        assert "avery-5160" in line
    wide = run("labels", "assets", *LONG_TAGS, "--pdf", str(tmp_path / "wide.pdf"),
               "--layout", "avery-5160", db=db)  # fmt: skip
    assert wide.returncode == 0 and wide.stderr == ""
    qr = run("labels", "assets", *LONG_TAGS, "--pdf", str(tmp_path / "qr.pdf"),
             "--symbology", "qr", db=db)  # fmt: skip
    assert qr.returncode == 0 and qr.stderr == ""
