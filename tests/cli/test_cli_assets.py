"""``assettrack-admin asset add|edit|retire|reinstate|list``: one device at a time, and devices
that are gone (lost, broken, disposed). Exit codes 0 done / 1 refused / 2 usage; refusals one
line per scan on stderr naming it; nothing changes on a refusal."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from assettrack_gui import cli
from assettrack_gui.core.backend import open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store

from .test_cli import dump, query, run

pytestmark = pytest.mark.both_backends  # the tests that take ``db`` run on both


@pytest.fixture
def db(db_path: Path) -> Path:
    """The stockroom: a file, or a database on the session's PostgreSQL server."""
    store = open_store(db_path)
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders([NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002")])
    engine.create_cases([NewCase("CART-A", "Laptop cart A", 2, 5)])
    engine.commit_register(
        [NewAsset(f"AT-000{n}", f"SN{n}", "ThinkPad", "CART-A", n) for n in range(1, 4)]
        + [NewAsset("AT-0009", "SN9", "Dell spare")]
    )
    engine.commit_stock_out(["AT-0003"], "B-1002")
    store.close()
    return db_path


def admin(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["--db", str(db), "--operator", "olga", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def last_event(db: Path) -> tuple[str, str, str]:
    (row,) = query(db, "SELECT event_type, note, details FROM events ORDER BY id DESC LIMIT 1")
    return row


def verified(db: Path) -> None:
    proc = run("verify", db=db)
    assert proc.returncode == 0, proc.stderr


# -- asset add ------------------------------------------------------------------------------------


def test_asset_add_registers_one_asset_into_a_slot_or_unslotted(capsys, db):
    code, out, err = admin(
        capsys, db, "asset", "add", "AT-0100", "--serial", "S-100", "--description", "Dock",
        "--case", "CART-A", "--position", "7",
    )
    assert (code, err) == (0, "")
    assert re.fullmatch(r"batch \d{8}-\d{6}-[0-9a-f]{6}: registered AT-0100 into CART-A/7\n", out)
    code, out, _ = admin(capsys, db, "asset", "add", "AT-0101")
    assert code == 0 and out.endswith("registered AT-0101 into storage (no slot)\n")
    assert query(
        db,
        "SELECT a.serial, a.description, s.position FROM assets a "
        "LEFT JOIN slots s ON s.asset_id = a.id WHERE a.asset_tag IN ('AT-0100', 'AT-0101') "
        "ORDER BY a.asset_tag",
    ) == [("S-100", "Dock", 7), ("", "", None)]
    verified(db)


def test_asset_add_follows_the_import_rules(capsys, db):
    before = dump(db)
    code, _, err = admin(capsys, db, "asset", "add", "AT-0001")
    assert (code, err) == (1, "AT-0001: asset tag AT-0001 already exists\n")
    code, _, err = admin(capsys, db, "asset", "add", "AT-0200", "--case", "CART-A", "--position", "1")
    assert code == 1 and err == "AT-0200: slot CART-A/1 is taken by AT-0001\n"
    code, _, err = admin(capsys, db, "asset", "add", "AT-0200", "--case", "CART-A")
    assert code == 1 and "give both case_code and position, or neither" in err
    code, _, err = admin(capsys, db, "asset", "add", "at0001")
    assert code == 1 and "too like asset tag AT-0001" in err
    code, _, err = admin(capsys, db, "asset", "add", "AT-0200", "--position", "x")
    assert code == 2 and "invalid int value" in err
    assert dump(db) == before
    code, _, err = admin(capsys, db, "asset", "add", "AT-0200", "--serial", "SN1")
    assert code == 0 and err == "warning: AT-0200: serial SN1 is also on AT-0001\n"


# -- asset edit ------------------------------------------------------------------------------------


def test_asset_edit_records_old_and_new_values(capsys, db):
    code, out, err = admin(capsys, db, "asset", "edit", "AT0001", "--serial", "SN1-B")
    assert code == 0 and err == ""
    assert out.splitlines()[1:] == ["  serial: 'SN1' → 'SN1-B'"]
    assert out.startswith("batch ") and "edited AT-0001" in out
    kind, note, details = last_event(db)
    assert (kind, note, json.loads(details)) == ("ASSET_EDIT", "", {"serial": ["SN1", "SN1-B"]})
    events = query(db, "SELECT count(*) FROM events")
    code, out, _ = admin(capsys, db, "asset", "edit", "AT-0001", "--description", "ThinkPad")
    assert code == 0 and out == "AT-0001 already has that serial and description; nothing changed\n"
    assert query(db, "SELECT count(*) FROM events") == events
    code, _, err = admin(capsys, db, "asset", "edit", "AT-0002", "--serial", "SN9")
    assert code == 0 and err == "warning: AT-0002: serial SN9 is also on AT-0009\n"
    verified(db)


def test_asset_edit_refusals_and_usage(capsys, db):
    before = dump(db)
    code, _, err = admin(capsys, db, "asset", "edit", "AT-0001")
    assert code == 2 and "give --serial, --description or both" in err
    code, _, err = admin(capsys, db, "asset", "edit", "NOPE-1", "--serial", "x")
    assert code == 1 and err.startswith("NOPE-1: ") and len(err.splitlines()) == 1
    code, _, err = admin(capsys, db, "asset", "edit", "AT-0001", "--serial", "a\nb")
    assert code == 1 and err == "AT-0001: serial a<LF>b contains a control character (U+000A)\n"
    assert dump(db) == before


# -- asset retire / reinstate ----------------------------------------------------------------------


def test_asset_retire_from_a_slot_and_from_custody(capsys, db):
    code, out, err = admin(
        capsys, db, "asset", "retire", "AT-0001", "AT-0003", "--kind", "LOST",
        "--reason", "left on a train",
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].endswith("retired 2 assets as lost")
    assert lines[1:] == [
        "  AT-0001: CART-A/1 → RETIRED (LOST)",
        "  AT-0003: Lee Park (B-1002) → RETIRED (LOST)",
    ]
    assert query(
        db, "SELECT asset_tag, location_type, retirement, current_holder_id FROM assets "
        "WHERE asset_tag IN ('AT-0001', 'AT-0003') ORDER BY asset_tag"
    ) == [("AT-0001", "RETIRED", "LOST", None), ("AT-0003", "RETIRED", "LOST", None)]
    kind, note, details = last_event(db)
    assert (kind, note, json.loads(details)) == (
        "RETIRE", "left on a train", {"kind": "LOST", "holder": "B-1002", "slot": None}
    )
    verified(db)
    # a retired asset is refused by the custody commands, in the engine's words
    code, _, err = admin(capsys, db, "stock-out", "--holder", "B-1001", "AT-0001")
    assert code == 1 and re.fullmatch(
        r"AT-0001: retired \(lost\) on \d{4}-\d{2}-\d{2} — reinstate it first\n", err
    )
    code, _, err = admin(capsys, db, "slot", "--case", "CART-A", "--position", "9", "AT-0001")
    assert code == 1 and "reinstate it first" in err
    listed = run("asset", "list", "--retired", db=db)
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()[2:]] == ["AT-0001", "AT-0003"]


def test_asset_retire_is_all_or_nothing(capsys, db):
    before = dump(db)
    code, out, err = admin(
        capsys, db, "asset", "retire", "AT-0001", "NOPE-1", "AT0001", "--kind", "broken",
        "--reason", "dropped",
    )
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "NOPE-1: no asset, badge or case NOPE-1",
        "AT0001: scanned twice (same asset as scan 1)",
    ]
    code, _, err = admin(capsys, db, "asset", "retire", "AT-0001", "--kind", "lost", "--reason", " ")
    assert (code, err) == (1, "give a reason for the retirement\n")
    code, _, err = admin(capsys, db, "asset", "retire", "AT-0001", "--kind", "stolen", "--reason", "x")
    assert code == 2 and "invalid choice: 'stolen'" in err
    code, _, err = admin(capsys, db, "asset", "retire", "AT-0001", "--kind", "lost")
    assert code == 2 and "--reason" in err
    assert dump(db) == before


def test_asset_reinstate_back_to_unslotted_storage(capsys, db):
    assert admin(capsys, db, "asset", "retire", "AT-0002", "--kind", "broken", "--reason", "x")[0] == 0
    before = dump(db)
    code, _, err = admin(capsys, db, "asset", "reinstate", "AT-0002", "AT-0001", "--reason", "ok")
    assert code == 1 and err == "AT-0001: not retired (it is in CART-A/1)\n"
    assert dump(db) == before
    code, out, err = admin(capsys, db, "asset", "reinstate", "AT-0002", "--reason", "repaired")
    assert code == 0 and err == ""
    assert out.splitlines()[1:] == ["  AT-0002: RETIRED (BROKEN) → storage (no slot)"]
    kind, note, details = last_event(db)
    assert (kind, note, json.loads(details)) == ("REINSTATE", "repaired", {"kind": "BROKEN"})
    assert admin(capsys, db, "slot", "--case", "CART-A", "--position", "2", "AT-0002")[0] == 0
    verified(db)


# -- asset list and show ---------------------------------------------------------------------------


def test_asset_list_shows_where_everything_is(capsys, db):
    admin(capsys, db, "asset", "retire", "AT-0009", "--kind", "disposed", "--reason", "recycled")
    code, out, _ = admin(capsys, db, "asset", "list")
    assert code == 0
    rows = [re.split(r"\s{2,}", line) for line in out.splitlines()]
    assert rows[0] == ["asset tag", "serial", "description", "location"]
    assert rows[2:] == [
        ["AT-0001", "SN1", "ThinkPad", "CART-A/1"],
        ["AT-0002", "SN2", "ThinkPad", "CART-A/2"],
        ["AT-0003", "SN3", "ThinkPad", "Lee Park (B-1002)"],
        ["AT-0009", "SN9", "Dell spare", "RETIRED (DISPOSED)"],
    ]
    code, out, _ = admin(capsys, db, "asset", "list", "--retired")
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["AT-0009"]
    code, out, _ = admin(capsys, db, "show", "AT-0009")
    assert re.search(r"Status: +Retired \(disposed\) — recycled, \d{4}-\d{2}-\d{2}, by olga", out)
    assert "RETIRE" in out and "note: retired (disposed): recycled" in out


def test_asset_list_on_an_empty_database(capsys, tmp_path):
    path = tmp_path / "empty.db"
    Store(path).close()
    assert admin(capsys, path, "asset", "list") == (0, "No assets yet.\n", "")
    assert admin(capsys, path, "asset", "list", "--retired") == (0, "No retired assets.\n", "")


def test_the_console_script_retires_and_verifies(db):
    proc = run("asset", "retire", "AT-0002", "--kind", "lost", "--reason", "gone", db=db)
    assert proc.returncode == 0, proc.stderr
    verified(db)
    assert query(db, "SELECT location_type FROM assets WHERE asset_tag = 'AT-0002'") == [
        ("RETIRED",)
    ]


# -- report assets: where everything is ---------------------------------------------------------


def test_report_assets_lists_every_asset_with_where_it_is(capsys, db):
    admin(capsys, db, "asset", "retire", "AT-0002", "--kind", "lost", "--reason", "gone")
    code, out, err = admin(capsys, db, "report", "assets")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Assets: where everything is"
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]
    assert rows[0] == ["asset tag", "serial", "description", "status", "location"]
    assert rows[2:6] == [
        ["AT-0001", "SN1", "ThinkPad", "STORAGE", "CART-A/1"],
        ["AT-0002", "SN2", "ThinkPad", "RETIRED", "RETIRED (LOST)"],
        ["AT-0003", "SN3", "ThinkPad", "IN_CUSTODY", "Lee Park (B-1002)"],
        ["AT-0009", "SN9", "Dell spare", "STORAGE", "storage (no slot)"],
    ]
    assert lines[-1] == "4 rows"
    code, out, _ = admin(capsys, db, "report", "assets", "--retired")
    assert code == 0 and out.splitlines()[0] == "Retired assets"
    assert [line.split()[0] for line in out.splitlines()[4:-2]] == ["AT-0002"]


def test_report_assets_csv_is_excel_safe_with_the_log_head(capsys, db, tmp_path):
    admin(capsys, db, "asset", "edit", "AT-0009", "--description", "@SUM(A1)")
    admin(capsys, db, "asset", "retire", "AT-0001", "--kind", "broken", "--reason", "cracked")
    dest = tmp_path / "assets.csv"
    code, out, err = admin(capsys, db, "report", "assets", "--csv", str(dest))
    assert (code, err) == (0, "")
    assert out == (
        f"Wrote 4 rows to {dest}\nEvent-log head recorded in {dest}.loghead.txt\n"
    )
    raw = dest.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 5
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["asset_tag", "serial", "description", "status", "location"]
    assert rows[1] == ["AT-0001", "SN1", "ThinkPad", "RETIRED", "RETIRED (BROKEN)"]
    assert rows[4] == ["AT-0009", "SN9", "'@SUM(A1)", "STORAGE", "storage (no slot)"]
    (count,) = query(db, "SELECT count(*) FROM events")[0]
    assert f"{count}" in Path(f"{dest}.loghead.txt").read_text()
    # Never over an existing file without --force; to stdout, the head goes to stderr.
    code, _out, err = admin(capsys, db, "report", "assets", "--csv", str(dest))
    assert code == 2 and "already exists" in err
    code, out, err = admin(capsys, db, "report", "assets", "--retired", "--csv", "-")
    assert code == 0
    assert list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))[1][0] == "AT-0001"
    assert "head" in err.lower()


def test_report_assets_on_an_empty_database(capsys, tmp_path):
    path = tmp_path / "empty.db"
    Store(path).close()
    code, out, _ = admin(capsys, path, "report", "assets")
    assert code == 0 and out.splitlines()[-1] == "No assets yet."
    code, out, _ = admin(capsys, path, "report", "assets", "--retired")
    assert code == 0 and out.splitlines()[-1] == "No retired assets."
