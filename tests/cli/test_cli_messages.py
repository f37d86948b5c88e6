"""How refusals and lookups are worded: no "line 1" where there is no line, scans normalised the
same way in reports as in custody commands, the right words for a slot that already holds the asset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assettrack_gui import cli
from assettrack_gui.core import paths
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "at.db"
    store = Store(path)
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders([NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002")])
    engine.create_cases([NewCase("CART-A", "Laptop cart A", 2, 5), NewCase("EMP", "Empty", 1, 2)])
    engine.commit_register(
        [NewAsset(f"AT-000{n}", f"SN{n}", "ThinkPad", "CART-A", n) for n in range(1, 4)]
    )
    engine.commit_stock_out(["AT-0003"], "B-1002")
    store.close()
    return path


def admin(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["--db", str(db), *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_single_item_commands_have_no_line_number(capsys, db):
    code, _, err = admin(capsys, db, "holder", "add", "Sam", "")
    assert code == 1
    assert err == "badge code is empty\n"
    code, _, err = admin(capsys, db, "case", "add", "", "Bin", "1", "1")
    assert code == 1
    assert "line" not in err and "case code is empty" in err


def test_positional_scans_are_named_scan_n(capsys, db):
    code, _, err = admin(capsys, db, "stock-out", "--holder", "B-1001", "AT-0001", "", "AT-0001")
    assert code == 1
    assert "scan 2: " in err
    assert "AT-0001: scanned twice (same asset as scan 1)" in err
    assert "line" not in err


def test_report_history_of_an_empty_scan_says_so_like_show(capsys, db):
    _, _, show = admin(capsys, db, "show", "")
    code, _, err = admin(capsys, db, "report", "history", "")
    assert code == 1
    assert err.startswith("'': ") and err == show


def test_moving_an_asset_to_the_slot_it_is_in(capsys, db):
    code, _, err = admin(capsys, db, "move", "--case", "CART-A", "--position", "1", "AT-0001")
    assert code == 1
    assert err == "AT-0001: AT-0001 is already in CART-A/1\n"
    code, _, err = admin(capsys, db, "move", "--case", "CART-A", "--position", "2", "AT-0001")
    assert err == "AT-0001: slot CART-A/2 is taken by AT-0002\n"


@pytest.mark.parametrize(
    "args",
    [
        ["report", "holder", "]C1B-1002"],
        ["report", "custody", "--holder", "]C1B-1002"],
        ["report", "events", "--holder", "]C1B-1002"],
        ["report", "occupancy", "--case", "]C1CART-A"],
        ["report", "history", "]C1AT-0001"],
    ],
)
def test_report_arguments_are_normalised_like_scans(capsys, db, args):
    code, out, err = admin(capsys, db, *args)
    assert code == 0, err
    assert "]C1" not in out


def test_report_arguments_use_the_settings_file_prefix(capsys, db):
    path = paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"prefix": "#"}), encoding="utf-8")
    code, out, err = admin(capsys, db, "report", "holder", "#B-1002")
    assert code == 0, err
    assert "Lee Park" in out
    code, out, err = admin(capsys, db, "stock-out", "--holder", "#B-1001", "#AT-0001")
    assert code == 0, err


# -- show a case, Caps Lock hints, the time zone footer ------------------------------------------


def test_show_case_lists_its_slots_and_history(capsys, db):
    code, out, err = admin(capsys, db, "show", "CART-A")
    assert code == 0, err
    assert "    • 1: AT-0001 ThinkPad" in out
    assert "    • 3: (empty)" in out  # AT-0003 left for Lee
    assert "History (oldest first" in out
    history = out.split("History", 1)[1]
    assert "CASE_CREATE" in history and "RECEIVE" in history and "STOCK_OUT" in history
    assert "EMP" not in history


def test_lookup_of_a_case_keeps_the_gui_fields(db):
    store = Store(db)
    try:
        found = Engine(store, operator="t", settings=Settings()).lookup("EMP", history_limit=1)
    finally:
        store.close()
    assert found.title == "Case EMP"
    assert ("Code", "EMP") in found.facts and ("  •", "2: (empty)") in found.facts
    assert [e.event_type for e in found.events] == ["CASE_CREATE"]


def test_caps_lock_hints_name_what_was_looked_for(capsys, db):
    code, _, err = admin(capsys, db, "show", "emp")
    assert code == 1
    assert err == "emp: no asset, badge or case emp; case EMP exists — is Caps Lock on?\n"
    _, _, err = admin(capsys, db, "show", "at-0001")
    assert "no asset at-0001; asset AT-0001 exists — is Caps Lock on?" in err
    code, _, err = admin(capsys, db, "move", "--case", "emp", "--position", "1", "AT-0001")
    assert code == 1
    assert "no case 'emp'; case EMP exists — is Caps Lock on?" in err
    code, _, err = admin(capsys, db, "stock-in", "--case", "cart-a", "AT-0003")
    assert "case CART-A exists — is Caps Lock on?" in err or code == 0


def test_table_footer_names_the_time_zone_not_one_offset(db):
    import os
    import subprocess
    import sys

    env = dict(os.environ, TZ="America/New_York")
    proc = subprocess.run(
        [sys.executable, "-m", "assettrack_gui.cli", "--db", str(db), "report", "events"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "times are local (America/New_York)" in proc.stdout
    assert "UTC-0" not in proc.stdout


def test_empty_or_blank_holder_and_case_arguments_are_named_visibly(capsys, db):
    code, out, err = admin(capsys, db, "report", "holder", "")
    assert code == 2 and "argument BADGE: the value is empty" in err and out == ""
    code, _, err = admin(capsys, db, "holder", "rename", " ", "X")
    assert code == 1 and err == "' ': no holder with that badge or name\n"
    code, _, err = admin(capsys, db, "report", "occupancy", "--case", " ")
    assert code == 1 and err == "' ': no such case\n"



def test_an_unexpected_error_is_logged_with_its_traceback(tmp_path, monkeypatch, capsys) -> None:
    """A bug in a command keeps its traceback and lands in the log file, which is named."""
    from assettrack_gui.cli import inspection
    from assettrack_gui.core import logs

    def broken(args, ctx):
        raise RuntimeError("boom in a command")

    db = tmp_path / "at.db"
    assert cli.main(["--db", str(db), "init"]) == 0
    monkeypatch.setattr(inspection, "cmd_verify", broken)
    with pytest.raises(RuntimeError, match="boom in a command"):
        cli.main(["--db", str(db), "verify"])
    err = capsys.readouterr().err
    path = logs.log_path()
    assert f"details were written to {path}" in err
    text = path.read_text("utf-8")
    assert "RuntimeError: boom in a command" in text and "Traceback" in text
    logs.stop_logging()
