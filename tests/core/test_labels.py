"""core.labels: what goes on each label, and the PDF read back by a barcode decoder and pdftotext
for every layout and symbology."""

from __future__ import annotations

import pytest

from assettrack_gui.core.errors import Refused, UsageError
from assettrack_gui.core.labels import (
    LAYOUTS,
    MIN_MODULE_MM,
    Label,
    asset_labels,
    badge_labels,
    case_labels,
    code128_module_mm,
    code128_pattern,
    narrow_bars,
    slot_labels,
    write_labels_pdf,
)
from assettrack_gui.core.model import NewAsset

from ..label_pages import needs_poppler, printed, read_labels

AWKWARD = ["AT-SMOKE-0001", "007-x", "0042", "lower-case-9", "CART-A/10"]
LABELS = [Label(code, f"second line {i}") for i, code in enumerate(AWKWARD)]


@needs_poppler
@pytest.mark.parametrize("symbology", ["code128", "qr"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_label_decodes_to_its_code_with_its_text(tmp_path, layout, symbology):
    pdf = tmp_path / "labels.pdf"
    pages = write_labels_pdf(LABELS, pdf, layout=layout, symbology=symbology)
    read = read_labels(pdf, layout)
    assert len(read) == pages
    assert printed(read) == AWKWARD
    if layout == "roll-62mm":
        assert pages == len(LABELS)  # one label per page
    cells = [cell for page in read for cell in page if cell[0]]
    for label, (codes, text) in zip(LABELS, cells, strict=True):
        assert codes == [label.code]
        assert label.code in text and label.second_line in text


@needs_poppler
def test_start_leaves_the_first_positions_empty(tmp_path):
    pdf = tmp_path / "labels.pdf"
    write_labels_pdf(LABELS[:2], pdf, start=3)
    (page,) = read_labels(pdf, "avery-l7651")
    assert [codes for codes, _ in page[:4]] == [[], [], ["AT-SMOKE-0001"], ["007-x"]]
    assert page[0][1] == page[1][1] == ""


@needs_poppler
def test_a_full_sheet_runs_onto_a_second_page(tmp_path):
    labels = [Label(f"T-{n:03}", "") for n in range(40)]
    pdf = tmp_path / "labels.pdf"
    assert write_labels_pdf(labels, pdf, layout="avery-5160", start=25) == 3
    assert printed(read_labels(pdf, "avery-5160")) == [lb.code for lb in labels]


def test_start_beyond_the_sheet_and_unknown_layout_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="1..65"):
        write_labels_pdf(LABELS, tmp_path / "x.pdf", start=66)
    with pytest.raises(UsageError, match="1..1"):
        write_labels_pdf(LABELS, tmp_path / "x.pdf", layout="roll-62mm", start=2)
    with pytest.raises(UsageError, match="layout"):
        write_labels_pdf(LABELS, tmp_path / "x.pdf", layout="avery-9999")
    assert not (tmp_path / "x.pdf").exists()


def test_layout_geometry_is_the_avery_template():
    l7651, avery5160 = LAYOUTS["avery-l7651"], LAYOUTS["avery-5160"]
    assert (l7651.columns, l7651.rows, l7651.position(0), l7651.position(6)) == (
        5, 13, (4.75, 10.7), (4.75 + 40.6, 10.7 + 21.2)
    )
    last_x, last_y = l7651.position(64)
    assert last_x + l7651.label_width <= l7651.page_width
    assert last_y + l7651.label_height <= l7651.page_height
    assert (avery5160.columns, avery5160.rows, avery5160.position(4)) == (
        3, 10, (4.8 + 69.85, 12.7 + 25.4)
    )


def test_scans_match_like_the_app_and_labels_carry_the_canonical_tag(engine):
    assert asset_labels(engine, ["ATSMOKE0001", "ZX9000"]) == [
        Label("AT-SMOKE-0001", "ThinkPad"),
        Label("ZX9000", "Zebra scanner"),
    ]
    by_case = asset_labels(engine, ["AT-SMOKE-0002"], case="SHELF-B")
    assert [lb.code for lb in by_case] == ["AT-SMOKE-0002", "ZX9000"]
    assert len(asset_labels(engine, everything=True)) == 8


def test_unknown_codes_are_refused_naming_each(engine):
    with pytest.raises(Refused) as refused:
        asset_labels(engine, ["AT-SMOKE-0001", "NOPE-1", "B-1001"])
    assert [r.split(":")[0] for r in refused.value.reasons] == ["NOPE-1", "B-1001"]
    with pytest.raises(Refused, match="NOPE-C"):
        case_labels(engine, ["CART-A", "NOPE-C"])
    with pytest.raises(Refused, match="NOPE-C"):
        slot_labels(engine, "NOPE-C")
    with pytest.raises(Refused, match="AT-SMOKE-0001"):
        badge_labels(engine, ["AT-SMOKE-0001"])


def test_cases_slots_and_badges(engine):
    assert case_labels(engine, ["CARTA"]) == [Label("CART-A", "Laptop cart A")]
    assert [lb.code for lb in slot_labels(engine, "SHELF-B")] == ["SHELF-B/1", "SHELF-B/2", "SHELF-B/3"]
    assert badge_labels(engine, ["B1002"]) == [Label("B-1002", "Lee Park")]
    assert {lb.code for lb in badge_labels(engine, everything=True)} == {"B-1001", "B-1002"}


def test_lowercase_and_leading_zero_tags_keep_their_spelling(engine):
    engine.commit_register([NewAsset("007-abc", "S", "Pager")])
    assert asset_labels(engine, ["007abc"]) == [Label("007-abc", "Pager")]


def test_retired_assets_are_left_out_of_every_asset_and_a_case_but_print_when_named(engine):
    engine.commit_retire(["AT-SMOKE-0002", "AT-SMOKE-0005"], "lost", "not found")
    every = asset_labels(engine, everything=True)
    assert [lb.code for lb in every] == [
        "AT-SMOKE-0001", "AT-SMOKE-0003", "AT-SMOKE-0004", "AT-SMOKE-0006", "AT-SMOKE-0007",
        "ZX9000",
    ]  # fmt: skip
    assert not any(lb.note for lb in every)
    assert [lb.code for lb in asset_labels(engine, case="CART-A")] == [
        "AT-SMOKE-0001", "AT-SMOKE-0003", "AT-SMOKE-0004"
    ]  # fmt: skip
    # Named by a scan: printed, with a note for whoever asked (not on the label).
    assert asset_labels(engine, ["ATSMOKE0002", "AT-SMOKE-0001"], case="SHELF-B") == [
        Label(
            "AT-SMOKE-0002", "ThinkPad", "AT-SMOKE-0002 is retired (lost): its label is printed anyway"
        ),
        Label("AT-SMOKE-0001", "ThinkPad"),
        Label("ZX9000", "Zebra scanner"),
    ]


LONG_TAGS = [
    "AT-LAPTOP-00016X",
    "AT-LAPTOP-EAST-00020",
    "AT-LAPTOP-EAST-WING-0024",
    "SN-ABCDEFGHIJKLMNOPQRSTUVWX",
]


def test_long_tags_are_named_with_their_bar_width_and_what_to_do():
    labels = [Label(code, "") for code in ["AT-SMOKE-0001", *LONG_TAGS]]
    narrow = narrow_bars(labels, "avery-l7651")
    assert [n.code for n in narrow] == LONG_TAGS
    for n in narrow:
        assert n.module_mm < MIN_MODULE_MM
        assert n.module_mm == pytest.approx(code128_module_mm(n.code, LAYOUTS["avery-l7651"]))
        words = n.message()
        assert words.startswith(f"{n.code}: its Code 128 bars would be {n.module_mm:.2f} mm wide on avery-l7651")
        assert "avery-5160" in words and "--symbology qr" in words
    assert "or use a QR code" in narrow[0].message("a QR code")
    # The roll is too narrow for the longest; US Letter takes them all; QR codes are never narrow.
    assert narrow[-1].wider == ("avery-5160",)
    assert narrow_bars(labels, "avery-5160") == []
    assert narrow_bars(labels, "avery-l7651", "qr") == []
    assert code128_module_mm("AT-SMOKE-0001", LAYOUTS["avery-l7651"]) >= MIN_MODULE_MM


def test_a_leading_99_is_encoded():
    # python-barcode 0.16.1 dropped it (scanned back as "12"); "9912" is as long as "1212".
    assert len(code128_pattern("9912")) == len(code128_pattern("1212"))
    assert code128_pattern("9912") != code128_pattern("12")


def _varied_codes(count: int) -> list[str]:
    """Tags of 4 to 40 characters: letters, digits only (Code 128 set C), lowercase, '/', a
    leading 99 — so that some are too long for each layout and most are not."""
    codes = ["AT-SMOKE-0001", "9912", "99631683499379209674", "CART-A/10", "lower-case-0042", *LONG_TAGS]
    n = 0
    while len(codes) < count:
        length = 4 + (n * 7) % 37
        if n % 3 == 0:
            codes.append("".join(str((i * 3 + n) % 10) for i in range(length)))
        elif n % 3 == 1:
            codes.append(f"T{n}-" + "".join(chr(65 + (i * 5 + n) % 26) for i in range(length)))
        else:
            codes.append(f"t{n}/" + "".join("abc-xyz0123"[(i + n) % 11] for i in range(length)))
        n += 1
    return codes[:count]


@needs_poppler
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_label_without_a_warning_decodes_at_300_dpi(tmp_path, layout):
    count = 14 if layout == "roll-62mm" else LAYOUTS[layout].per_page
    labels = [Label(code, "x") for code in _varied_codes(count)]
    warned = {n.code for n in narrow_bars(labels, layout)}
    pdf = tmp_path / "labels.pdf"
    write_labels_pdf(labels, pdf, layout=layout)
    cells = [codes for page in read_labels(pdf, layout) for codes, _ in page][: len(labels)]
    unwarned = [(label.code, codes) for label, codes in zip(labels, cells, strict=True)
                if label.code not in warned]  # fmt: skip
    assert len(unwarned) >= 10 and warned  # both kinds are on the sheet
    assert [codes for _, codes in unwarned] == [[code] for code, _ in unwarned]
