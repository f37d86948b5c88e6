"""CSV imports: file-level problems are usage errors, row-level problems refuse the whole file."""

from __future__ import annotations

import re

import pytest

from assettrack_gui.core import importer
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, UsageError
from assettrack_gui.core.model import Code, NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store

from .conftest import dump, seed

HOLDER_COLS = importer.COLUMNS[importer.HOLDERS]
ASSET_COLS = importer.COLUMNS[importer.ASSETS]
ASSET_HEADER_LINE = ",".join(ASSET_COLS) + "\n"


pytestmark = pytest.mark.both_backends  # the tests that import into a database run on both


@pytest.fixture
def engine(store: Store) -> Engine:
    engine = Engine(store, operator="tester", settings=Settings())
    engine.add_holders([NewHolder("Dana Reyes", "B-1001", label="seed")])
    engine.create_cases([NewCase("CART-A", "Laptop cart A", 2, 5, label="seed")])
    return engine


def write(tmp_path, text: str | bytes, name: str = "in.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return path


# -- reading ------------------------------------------------------------------------------------


def test_records_carry_the_file_line_they_start_on():
    text = (
        "name,badge_code\r\n"
        '"Dana\r\nReyes",B-1\r\n'  # record on lines 2-3
        "\r\n"  # blank line 4 is skipped
        "Lee Park,B-2\r\n"  # line 5
        ",\r\n"  # an empty spreadsheet row is skipped too
        "Sam,B-3,extra\r\n"  # line 7: wrong field count
    )
    records = importer.parse_csv(text, HOLDER_COLS)
    assert [(r.line, r.values, r.problem) for r in records] == [
        (2, {"name": "Dana\r\nReyes", "badge_code": "B-1"}, ""),
        (5, {"name": "Lee Park", "badge_code": "B-2"}, ""),
        (7, {}, "expected 2 fields (name,badge_code), found 3"),
    ]
    assert records[2].label == "line 7"


def test_header_in_any_order_with_spreadsheet_noise():
    records = importer.parse_csv(
        " Badge_Code , NAME\n B-1 , Dana \n", HOLDER_COLS, source="holders.csv"
    )
    # Names and badges are kept exactly as typed (the engine refuses badges with spaces).
    assert records[0].values == {"badge_code": " B-1 ", "name": " Dana "}


def test_case_code_position_rows_and_cols_are_trimmed_other_fields_are_not():
    records = importer.parse_csv(
        "asset_tag,serial,description,case_code,position\nAT-1, S1 , desc , CART-A , 3 \n",
        ASSET_COLS,
    )
    assert records[0].values == {
        "asset_tag": "AT-1",
        "serial": " S1 ",
        "description": " desc ",
        "case_code": "CART-A",
        "position": "3",
    }
    cases = importer.parse_csv(
        "case_code,name,rows,cols\n C-1 ,Cart, 2 ,5 \n", ("case_code", "name", "rows", "cols")
    )
    assert cases[0].values == {"case_code": "C-1", "name": "Cart", "rows": "2", "cols": "5"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty: expected a header line name,badge_code"),
        ("\n\n", "is empty"),
        ("name\nDana\n", "missing column(s) badge_code"),
        ("name,badge_code,email\n", "unknown column(s) email"),
        ("name,badge,code\n", "missing column(s) badge_code and unknown column(s) badge, code"),
        ("name,badge_code,name\n", "repeats column(s) name"),
        ("name,badge_code,\n", "unnamed column(s) 3"),
        (
            'name,badge_code\nDana,B-1\n"Lee,B-2\n',
            "line 3: malformed CSV (a quoted field is never closed)",
        ),
        ('name,badge_code\n"Dana"x,B-1\n', "line 2: malformed CSV"),
    ],
)
def test_bad_files_are_usage_errors(text, expected):
    with pytest.raises(UsageError) as err:
        importer.parse_csv(text, HOLDER_COLS, source="holders.csv")
    assert expected in str(err.value)
    assert "holders.csv" in str(err.value)
    assert err.value.exit_code == 2


def test_read_csv_accepts_a_bom_and_crlf(tmp_path):
    path = write(tmp_path, "\ufeffname,badge_code\r\nDana,B-1\r\n".encode())
    records = importer.read_csv(path, HOLDER_COLS)
    assert records[0].values == {"name": "Dana", "badge_code": "B-1"}


def test_read_csv_refuses_files_it_cannot_read(tmp_path):
    with pytest.raises(UsageError, match="No such file"):
        importer.read_csv(tmp_path / "missing.csv", HOLDER_COLS)
    with pytest.raises(UsageError, match="is a folder"):
        importer.read_csv(tmp_path, HOLDER_COLS)
    garbled = write(tmp_path, b"name,badge_code\nDana,B-1\nJos\x81,B-2\n")
    with pytest.raises(
        UsageError, match=r"neither UTF-8 nor Windows-1252 text \(byte 0x81 on line 3\)"
    ):
        importer.read_csv(garbled, HOLDER_COLS)
    with pytest.raises(UsageError, match="UTF-16 text without a BOM"):
        importer.read_csv(write(tmp_path, "name,badge_code\n".encode("utf-16-le")), HOLDER_COLS)


def test_the_encoding_error_names_the_byte_windows_1252_has_no_character_for(tmp_path):
    # 0x8E is Windows-1252 "Ž" (and not UTF-8); 0x81 on line 3 is what makes it unreadable.
    garbled = write(tmp_path, b"name,badge_code\n\x8eofie,B-4002\nA\x81B,B-4003\n")
    with pytest.raises(UsageError) as err:
        importer.read_csv(garbled, HOLDER_COLS)
    message = str(err.value)
    assert "neither UTF-8 nor Windows-1252 text (byte 0x81 on line 3 is no Windows-1252 character;" in message
    assert "the first byte that is not UTF-8, byte 0x8E on line 2, reads as 'Ž' in Windows-1252)" in message
    assert err.value.exit_code == 2


def test_unknown_kind_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="choose one of holders, cases, assets"):
        importer.load_import("people", write(tmp_path, "name\n"))


# -- previewing and committing ---------------------------------------------------------------------


def test_import_holders_commits_one_batch(engine, tmp_path):
    path = write(tmp_path, "name,badge_code\nLee Park,B-1002\nSam Quinn,B-1003\n")
    result = importer.commit_import(engine, importer.load_import(importer.HOLDERS, path))
    assert result.count == 2
    batches = engine.store.conn.execute(
        "SELECT DISTINCT batch_id FROM events WHERE event_type = 'HOLDER_ADD' AND holder_id > 1"
    ).fetchall()
    assert batches == [(result.batch_id,)]
    assert [h.badge_code for h in engine.all_holders()] == ["B-1001", "B-1002", "B-1003"]


def test_every_bad_row_is_named_by_file_line_and_nothing_changes(engine, tmp_path):
    path = write(
        tmp_path,
        "name,badge_code\n"
        "Lee Park,B-1002\n"  # line 2: fine
        "Dana Again,B-1001\n"  # line 3: badge already used
        '"Sam\nQuinn",B-1003\n'  # lines 4-5: a line break inside a name
        "Too,many,fields\n"  # line 6
        "\n"
        "Lee Twin,B-1002\n"  # line 8: duplicate of line 2
        ",B-1004\n",  # line 9: empty name
    )
    before = dump(engine.store.conn)
    file = importer.load_import(importer.HOLDERS, path)
    preview = importer.preview_import(engine, file)
    assert [line.name for line in preview.lines] == [f"line {n}" for n in (2, 3, 4, 6, 8, 9)]
    with pytest.raises(Refused) as err:
        importer.commit_import(engine, file)
    assert err.value.reasons == [
        "line 3: badge B-1001 is already used by a holder (Dana Reyes)",
        "line 4: name Sam<LF>Quinn contains a control character (U+000A)",
        "line 6: expected 2 fields (name,badge_code), found 3",
        "line 8: badge B-1002 appears twice (also line 2)",
        "line 9: name is empty",
    ]
    assert dump(engine.store.conn) == before


def test_import_cases_refuses_bad_sizes(engine, tmp_path):
    path = write(
        tmp_path, "case_code,name,rows,cols\nBIN-1,Bin,1,4\nBIN-2,Bin,0,4\nBIN-3,Bin,x,2\n"
    )
    before = dump(engine.store.conn)
    with pytest.raises(Refused) as err:
        importer.commit_import(engine, importer.load_import(importer.CASES, path))
    assert [r.split(":")[0] for r in err.value.reasons] == ["line 3", "line 4"]
    assert dump(engine.store.conn) == before
    path = write(tmp_path, "case_code,name,rows,cols\nBIN-1,Bin, 1 , 4 \n")
    importer.commit_import(engine, importer.load_import(importer.CASES, path))
    assert [c.case_code for c in engine.cases()] == ["BIN-1", "CART-A"]


def test_import_assets_into_slots_or_unslotted(engine, tmp_path):
    path = write(
        tmp_path,
        "asset_tag,serial,description,case_code,position\n"
        "AT-1,S1,ThinkPad,CART-A,1\n"
        "AT-2,S2,Spare,,\n"
        "AT-3,S3,Dell, CART-A , 10 \n",
    )
    result = importer.commit_import(engine, importer.load_import(importer.ASSETS, path))
    assert [(line.asset_tag, line.to) for line in result.preview.lines] == [
        ("AT-1", "CART-A/1"),
        ("AT-2", "storage (no slot)"),
        ("AT-3", "CART-A/10"),
    ]


def test_import_assets_names_every_bad_row(engine, tmp_path):
    path = write(
        tmp_path,
        "asset_tag,serial,description,case_code,position\n"
        "AT-1,S1,ok,CART-A,1\n"  # line 2
        "AT-2,S2,ok,NO-CASE,1\n"  # line 3: unknown case
        "AT-3,S3,ok,CART-A,11\n"  # line 4: out of range
        "AT-4,S4,ok,CART-A\n"  # line 5: field missing
        "AT-5,S5,ok,CART-A,1\n"  # line 6: slot of line 2
        " AT-6,S6,ok,,\n"  # line 7: tag with a leading space
        "AT-7,S7,ok,CART-A,\n",  # line 8: case without position
    )
    before = dump(engine.store.conn)
    with pytest.raises(Refused) as err:
        importer.commit_import(engine, importer.load_import(importer.ASSETS, path))
    reasons = err.value.reasons
    assert [r.split(":")[0] for r in reasons] == [f"line {n}" for n in (3, 4, 5, 6, 7, 8)]
    assert "no case 'NO-CASE'" in reasons[0]
    assert "positions 1–10" in reasons[1]
    assert "slot CART-A/1 is already used by line 2" in reasons[3]
    assert dump(engine.store.conn) == before


def test_a_header_without_rows_imports_nothing(engine, tmp_path):
    path = write(tmp_path, "name,badge_code\n\n")
    with pytest.raises(Refused, match="no rows after the header"):
        importer.commit_import(engine, importer.load_import(importer.HOLDERS, path))


def test_an_endless_or_huge_file_is_refused_before_memory_runs_out(tmp_path, monkeypatch):
    """``import … /dev/zero`` stops with a clear message after the size limit."""
    from assettrack_gui.core import importer
    from assettrack_gui.core.errors import UsageError

    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 1024 * 1024)
    with pytest.raises(UsageError, match="larger than 1 MiB"):
        importer.load_import("assets", "/dev/zero")
    big = tmp_path / "big.csv"
    big.write_text("name,badge_code\n" + "Someone,B-1\n" * 100_000)
    with pytest.raises(UsageError, match="larger than 1 MiB"):
        importer.load_import("holders", big)


# -- the files people actually have: encodings, separators, .xlsx ----------------------------------

HOLDERS_TEXT = "name,badge_code\r\nJosé Müller,B-2001\r\nRenée (€ desk),B-2002\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (HOLDERS_TEXT.encode("utf-8"), "UTF-8"),
        (HOLDERS_TEXT.encode("utf-8-sig"), "UTF-8 with BOM"),
        (b"\xff\xfe" + HOLDERS_TEXT.replace(",", "\t").encode("utf-16-le"), "UTF-16"),
        (HOLDERS_TEXT.encode("cp1252"), "Windows-1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom-tab", "cp1252"],
)
def test_each_encoding_is_detected_and_said(engine, tmp_path, data, encoding):
    path = write(tmp_path, data)
    file = importer.load_import(importer.HOLDERS, path)
    assert file.encoding == encoding
    assert file.how_read.startswith(f"read {path} as {encoding}, separator ")
    result = importer.commit_import(engine, file)
    assert result.count == 2
    names = {h.badge_code: h.name for h in engine.all_holders()}
    assert names["B-2001"] == "José Müller" and names["B-2002"] == "Renée (€ desk)"


@pytest.mark.parametrize(("separator", "said"), [(",", "','"), (";", "';'"), ("\t", "Tab")])
def test_each_separator_is_detected_and_said(engine, tmp_path, separator, said):
    rows = [
        ["asset_tag", "serial", "description", "case_code", "position"],
        ["AT-1", "S1", '"Dell, 14; dock"', "CART-A", "1"],
        ["AT-2", "S2", "spare", "", ""],
    ]
    path = write(tmp_path, "".join(separator.join(row) + "\r\n" for row in rows))
    file = importer.load_import(importer.ASSETS, path)
    assert file.separator == separator
    assert file.how_read == f"read {path} as UTF-8, separator {said}"
    assert [r.values["description"] for r in file.records] == ["Dell, 14; dock", "spare"]
    assert importer.commit_import(engine, file).count == 2


def test_a_header_no_separator_explains_is_still_refused_by_the_header_rule():
    with pytest.raises(UsageError, match="unknown column"):
        importer.parse_csv("name;badge_code;email\n", HOLDER_COLS, separator=";")
    text = "name;badge;x\nDana;B-1;y\n"
    assert importer.detect_separator(text, HOLDER_COLS) == ";"  # the most frequent


def make_xlsx(path, rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    book.create_sheet("ignored").cell(row=1, column=1, value="not read")
    book.save(path)
    return path


def test_xlsx_first_sheet_cells_as_shown(engine, tmp_path):
    path = make_xlsx(
        tmp_path / "assets.xlsx",
        [
            [],  # row 1 empty: the header is the first non-empty row
            ["Asset_Tag", "serial", "description", "case_code", "position", None],
            ["AT-1", 5012345, "00042", "CART-A", 3],  # a number, text with leading zeros
            ["AT-2", 7.0, 2.5, None, None],  # a float shown as 7; empty cells
            [None, None, None, None, None],  # an empty row is skipped
            ["AT-3", "S3", None, "CART-A", 4.0],
        ],
    )
    file = importer.load_import(importer.ASSETS, path)
    assert (file.encoding, file.separator) == (importer.XLSX, "")
    assert file.how_read == f"read {path} as an Excel workbook (.xlsx), first sheet"
    assert [(r.line, r.values) for r in file.records] == [
        (3, {"asset_tag": "AT-1", "serial": "5012345", "description": "00042",
             "case_code": "CART-A", "position": "3"}),
        (4, {"asset_tag": "AT-2", "serial": "7", "description": "2.5",
             "case_code": "", "position": ""}),
        (6, {"asset_tag": "AT-3", "serial": "S3", "description": "",
             "case_code": "CART-A", "position": "4"}),
    ]  # fmt: skip
    result = importer.commit_import(engine, file)
    assert [(line.name, line.to) for line in result.preview.lines] == [
        ("line 3", "CART-A/3"),
        ("line 4", "storage (no slot)"),
        ("line 6", "CART-A/4"),
    ]


def test_xlsx_problems(tmp_path):
    path = make_xlsx(tmp_path / "h.xlsx", [["name", "badge_code"], ["Dana", "B-1", "extra"]])
    file = importer.load_import(importer.HOLDERS, path)
    assert file.records[0].problem == "expected 2 fields (name,badge_code), found 3"
    with pytest.raises(UsageError, match="not a readable .xlsx workbook"):
        importer.load_import(importer.HOLDERS, write(tmp_path, b"PK\x03\x04junk", "x.xlsx"))


# -- --skip-existing ------------------------------------------------------------------------------


def test_skip_existing_skips_identical_rows_and_names_differences(engine, tmp_path):
    same = write(tmp_path, "name,badge_code\nDana Reyes,B-1001\nLee Park,B-1002\n")
    file = importer.load_import(importer.HOLDERS, same)
    with pytest.raises(Refused, match="B-1001 is already used"):
        importer.commit_import(engine, file)  # without the option: refused as always
    result = importer.commit_import(engine, file, skip_existing=True)
    assert (result.count, result.skipped) == (1, 1)
    line = result.preview.lines[0]
    assert line.skipped and line.warning is not None
    assert line.warning.code == Code.EXISTS_IDENTICAL
    # All rows identical now: nothing is written, no batch.
    again = importer.commit_import(engine, file, skip_existing=True)
    assert (again.batch_id, again.count, again.skipped) == ("", 0, 2)

    other = write(tmp_path, "name,badge_code\nSam,B-1003\nDana R.,B-1001\n")
    before = dump(engine.store.conn)
    with pytest.raises(Refused) as err:
        importer.commit_import(
            engine, importer.load_import(importer.HOLDERS, other), skip_existing=True
        )
    assert err.value.reasons == ["line 3: holder B-1001 exists with name 'Dana Reyes', not 'Dana R.'"]
    assert err.value.result is not None
    assert err.value.result.lines[1].code == Code.EXISTS_DIFFERENT
    assert dump(engine.store.conn) == before


def test_skip_existing_cases_and_assets(engine, tmp_path):
    engine.commit_register([NewAsset("AT-1", "S1", "ThinkPad", "CART-A", 1, label="seed")])
    cases = write(tmp_path, "case_code,name,rows,cols\nCART-A,Laptop cart A,2,5\nBIN,Bin,1,2\n")
    result = importer.commit_import(
        engine, importer.load_import(importer.CASES, cases), skip_existing=True
    )
    assert (result.count, result.skipped) == (1, 1)
    cases = write(tmp_path, "case_code,name,rows,cols\nCART-A,Cart,2,4\n")
    with pytest.raises(Refused) as err:
        importer.commit_import(engine, importer.load_import(importer.CASES, cases), skip_existing=True)
    assert err.value.reasons == [
        "line 2: case CART-A exists with name 'Laptop cart A', not 'Cart' and cols '5', not '4'"
    ]
    assets = write(
        tmp_path,
        ASSET_HEADER_LINE + "AT-1,S1,ThinkPad,CART-A,1\nAT-1X,S9,new,,\nAT-1,S1,ThinkPad,,\n",
    )
    with pytest.raises(Refused, match="appears twice"):
        importer.commit_import(engine, importer.load_import(importer.ASSETS, assets), skip_existing=True)
    assets = write(tmp_path, ASSET_HEADER_LINE + "AT-1,S1,ThinkPad,CART-A,1\nAT-9,S9,new,,\n")
    result = importer.commit_import(
        engine, importer.load_import(importer.ASSETS, assets), skip_existing=True
    )
    assert (result.count, result.skipped) == (1, 1)
    assets = write(tmp_path, ASSET_HEADER_LINE + "AT-1,S1,ThinkPad 14,CART-A,2\n")
    with pytest.raises(Refused) as err:
        importer.commit_import(engine, importer.load_import(importer.ASSETS, assets), skip_existing=True)
    assert err.value.reasons == [
        "line 2: asset AT-1 exists with description 'ThinkPad', not 'ThinkPad 14'; "
        "it is in CART-A/1, not CART-A/2"
    ]


@pytest.fixture
def stockroom(store: Store) -> Engine:
    """The seeded stockroom of ``tests/core/conftest.py`` (AT-SMOKE-0006 out with Dana)."""
    engine = Engine(store, operator="tester", settings=Settings())
    seed(engine)
    return engine


def _skip_import(engine, tmp_path, rows: str):
    """Import asset ``rows`` with --skip-existing: (result, None) or (None, refusal reasons)."""
    file = importer.load_import(importer.ASSETS, write(tmp_path, ASSET_HEADER_LINE + rows))
    try:
        return importer.commit_import(engine, file, skip_existing=True), None
    except Refused as err:
        return None, err.reasons


def test_skip_existing_an_asset_out_with_someone_is_the_same_asset(stockroom, tmp_path):
    # The list the stockroom was set up from, imported again (it grew by one row) while
    # AT-SMOKE-0006 (home CART-A/5) is with Dana: unchanged rows are skipped and counted.
    rows = "AT-SMOKE-0006,SN6,ThinkPad,CART-A,5\nAT-SMOKE-0001,SN1,ThinkPad,CART-A,1\n"
    result, refused = _skip_import(stockroom, tmp_path, rows + "AT-NEW-0100,SN100,ThinkPad,,\n")
    assert refused is None and result is not None
    assert (result.count, result.skipped) == (1, 2)
    first = result.preview.lines[0]
    assert first.skipped and first.warning is not None
    assert first.warning.code == Code.EXISTS_IDENTICAL
    assert first.warning.message == (
        "asset AT-SMOKE-0006 already exists as given "
        "(with Dana Reyes (B-1001), home slot CART-A/5): skipped"
    )
    assert result.preview.lines[1].warning.message == (
        "asset AT-SMOKE-0001 already exists as given: skipped"
    )
    # A real difference names where the asset is now, not "slot 'none'".
    before = dump(stockroom.store.conn)
    result, refused = _skip_import(stockroom, tmp_path, "AT-SMOKE-0006,SN6,ThinkPad,CART-A,7\n")
    assert refused == [
        "line 2: asset AT-SMOKE-0006 is with Dana Reyes (B-1001), home slot CART-A/5, not CART-A/7"
    ]
    result, refused = _skip_import(stockroom, tmp_path, "AT-SMOKE-0006,SN9,ThinkPad,CART-A,7\n")
    assert refused == [
        "line 2: asset AT-SMOKE-0006 exists with serial 'SN6', not 'SN9'; it is with Dana Reyes "
        "(B-1001), home slot CART-A/5, not CART-A/7"
    ]
    assert dump(stockroom.store.conn) == before
    # Back in its home slot, the same row is as identical as before.
    stockroom.commit_stock_in(["AT-SMOKE-0006"])
    result, refused = _skip_import(stockroom, tmp_path, "AT-SMOKE-0006,SN6,ThinkPad,CART-A,5\n")
    assert refused is None and (result.count, result.skipped) == (0, 1)


def test_skip_existing_an_unslotted_asset(stockroom, tmp_path):
    result, refused = _skip_import(stockroom, tmp_path, "AT-SMOKE-0005,SN5,Dell spare,CART-A,9\n")
    assert refused == ["line 2: asset AT-SMOKE-0005 is in storage with no slot, not in CART-A/9"]
    result, refused = _skip_import(stockroom, tmp_path, "AT-SMOKE-0005,SN5,Dell spare,,\n")
    assert refused is None and result.skipped == 1  # a row naming no slot compares no slot


def test_skip_existing_a_retired_asset_names_its_retirement(stockroom, tmp_path):
    from assettrack_gui.core.model import Retirement

    stockroom.commit_retire(["AT-SMOKE-0001"], Retirement.BROKEN, "screen cracked")  # from CART-A/1
    stockroom.commit_retire(["AT-SMOKE-0007"], Retirement.LOST, "left on a train")  # Lee's, home A/6
    rows = "AT-SMOKE-0001,SN1,ThinkPad,CART-A,1\nAT-SMOKE-0007,SN7,ThinkPad,CART-A,6\n"
    result, refused = _skip_import(stockroom, tmp_path, rows)
    assert refused is None and (result.count, result.skipped) == (0, 2)
    notes = [line.warning.message for line in result.preview.lines]
    assert re.fullmatch(
        r"asset AT-SMOKE-0001 already exists as given \(retired \(broken\) on "
        r"\d{4}-\d\d-\d\d, left CART-A/1\): skipped",
        notes[0],
    )
    assert "AT-SMOKE-0007 already exists as given (retired (lost) on " in notes[1]
    assert notes[1].endswith(", left CART-A/6): skipped")
    result, refused = _skip_import(stockroom, tmp_path, "AT-SMOKE-0001,SN1,ThinkPad,CART-A,2\n")
    assert refused is not None and len(refused) == 1
    assert re.fullmatch(
        r"line 2: asset AT-SMOKE-0001 is retired \(broken\) on \d{4}-\d\d-\d\d "
        r"and left CART-A/1, not CART-A/2",
        refused[0],
    )


# -- duplicate serials: accepted, with a warning -------------------------------------------------


def test_shared_serials_are_warned_not_refused(engine, tmp_path):
    engine.commit_register([NewAsset("AT-OLD", "5CG1", "old", label="seed")])
    path = write(
        tmp_path,
        ASSET_HEADER_LINE
        + "AT-1,5CG1,ThinkPad,,\n"  # line 2: serial of AT-OLD
        + "AT-2,X9,Dell,,\n"
        + "AT-3,X9,Dell,,\n"  # line 4: serial of line 3
        + "AT-4,,no serial,,\n"
        + "AT-5,,no serial,,\n",  # empty serials are never shared
    )
    result = importer.commit_import(engine, importer.load_import(importer.ASSETS, path))
    assert result.count == 5
    warnings = [
        (line.name, line.warning.code, line.warning.message)
        for line in result.preview.lines
        if line.warning is not None
    ]
    assert warnings == [
        ("line 2", Code.SERIAL_SHARED, "serial 5CG1 is also on AT-OLD"),
        ("line 4", Code.SERIAL_SHARED, "serial X9 is also on AT-2 (line 3)"),
    ]
