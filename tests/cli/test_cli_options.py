"""Option values, the operator name, backups and the settings file, as the acceptance test found them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assettrack_gui import cli
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, UsageError
from assettrack_gui.core.rules import check_operator
from assettrack_gui.core.settings import Settings, load_settings, load_settings_checked
from assettrack_gui.core.store import Store


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "at.db"
    assert cli.main(["--db", str(path), "init"]) == 0
    return path


def admin(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(args))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "", "init"],
        ["init", "--db", ""],
        ["--operator", "", "verify"],
        ["stock-out", "--holder", "", "AT-1"],
        ["stock-in", "--case", "", "AT-1"],
        ["slot", "--case", "", "--position", "1", "AT-1"],
        ["report", "events", "--operator", ""],
        ["report", "custody", "--csv", ""],
    ],
)
def test_an_empty_option_value_is_a_usage_error_naming_the_option(capsys, private_dirs, args):
    code, out, err = admin(capsys, *args)
    assert code == 2
    option = args[args.index("") - 1]
    assert f"argument {option}: the value is empty" in err
    assert out == ""
    # Nothing was created at the default database.
    from assettrack_gui.core import paths

    assert not paths.default_db_path().exists()


@pytest.mark.parametrize("name", ["   ", "alice\nFORGED 2026-01-01 STOCK_OUT", "bob\x00", "\t"])
def test_blank_or_control_character_operators_are_refused(capsys, db, name):
    code, out, err = admin(capsys, "--db", str(db), "--operator", name, "holder", "add", "X", "B-1")
    assert code == 2
    assert "argument --operator: The operator name" in err
    assert "\n" not in err.split("argument --operator: ")[1].rstrip("\n")
    with pytest.raises(UsageError):
        check_operator(name)


def test_the_engine_refuses_a_bad_operator_for_the_gui_too(db):
    store = Store(db)
    try:
        engine = Engine(store, operator="alice", settings=Settings())
        with pytest.raises(UsageError, match="control character"):
            engine.operator = "eve\nmallory"
        assert engine.operator == "alice"
        engine.operator = "  carol "
        assert engine.operator == "carol"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("name", "badge"),
    [("Nul\x00Name", "B-7"), ("Fine Name", "B\x00-7"), ("Line\nBreak", "B-8")],
)
def test_holder_names_and_badges_with_control_characters_are_refused(capsys, db, name, badge):
    code, _, err = admin(capsys, "--db", str(db), "holder", "add", name, badge)
    assert code == 1
    assert "control character" in err or "control characters" in err


def test_imports_with_control_characters_name_the_file_line(capsys, db, tmp_path):
    holders = tmp_path / "holders.csv"
    holders.write_text(
        "name,badge_code\nDana,B-1\nBad\x00Name,B-2\nLee,B\x07-3\n", encoding="utf-8"
    )
    code, _, err = admin(capsys, "--db", str(db), "import", "holders", str(holders))
    assert code == 1
    assert "line 3: name Bad<U+0000>Name contains a control character (U+0000)" in err
    assert "line 4: badge code B<U+0007>-3 contains a control character (U+0007)" in err
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "case_code,name,rows,cols\nC\x00X,Cart,1,1\nC2,Ca\x1bt,1,1\n", encoding="utf-8"
    )
    code, _, err = admin(capsys, "--db", str(db), "import", "cases", str(cases))
    assert code == 1
    assert "line 2: case code" in err and "line 3: name" in err
    assets = tmp_path / "assets.csv"
    assets.write_text(
        "asset_tag,serial,description,case_code,position\nAT\x00-1,,,,\n", encoding="utf-8"
    )
    code, _, err = admin(capsys, "--db", str(db), "import", "assets", str(assets))
    assert code == 1
    assert "line 2: asset tag AT<U+0000>-1 contains a control character" in err


def test_rename_to_a_name_with_a_control_character_is_refused(db):
    store = Store(db)
    try:
        engine = Engine(store, operator="alice", settings=Settings())
        engine.add_holder("Dana", "B-1")
        with pytest.raises(Refused, match="control character"):
            engine.rename_holder("B-1", "Dana\nReyes")
    finally:
        store.close()


# -- backup ------------------------------------------------------------------------------------


def test_backup_never_overwrites_an_existing_file(capsys, db, tmp_path):
    other = tmp_path / "other.db"
    assert cli.main(["--db", str(other), "init"]) == 0
    before = other.read_bytes()
    capsys.readouterr()
    code, out, err = admin(capsys, "--db", str(db), "backup", str(other))
    assert code == 2
    assert f"{other} already exists; choose a new file name" in err
    assert other.read_bytes() == before
    # A folder, or a folder that does not exist: the same usage-error exit code.
    code, _, err = admin(capsys, "--db", str(db), "backup", str(tmp_path))
    assert code == 2 and "is a folder" in err
    code, _, err = admin(capsys, "--db", str(db), "backup", str(tmp_path / "no" / "b.db"))
    assert code == 2 and "No folder" in err
    code, out, _ = admin(capsys, "--db", str(db), "backup", str(tmp_path / "new.db"))
    assert code == 0 and "Backup written to" in out


# -- overdue days and the settings file ---------------------------------------------------------


def test_absurd_overdue_days_in_the_settings_file_are_clamped_with_a_warning(
    capsys, db, private_dirs
):
    from assettrack_gui.core import paths

    path = paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"overdue_days": 99999999999}), encoding="utf-8")
    settings, problems = load_settings_checked()
    assert settings.overdue_days == 36500
    assert problems and "overdue_days" in problems[0] and str(path) in problems[0]
    code, out, err = admin(capsys, "--db", str(db), "report", "custody", "--overdue")
    assert code == 0, err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and "overdue_days" in err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"overdue_days": "30"}', "overdue_days should be int"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_a_broken_settings_file_warns_once_and_keeps_going(capsys, db, private_dirs, text, problem):
    from assettrack_gui.core import paths

    path = paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    assert load_settings() == Settings()  # current callers still get the defaults
    code, out, err = admin(capsys, "--db", str(db), "report", "custody")
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 1 and problem in lines[0] and str(path) in lines[0]


def test_a_missing_settings_file_is_no_problem(private_dirs):
    assert load_settings_checked() == (Settings(), [])


# -- dates at the ends of the calendar ----------------------------------------------------------


@pytest.mark.parametrize("tz", ["Asia/Tokyo", "America/New_York"])
def test_events_since_year_1_and_until_year_9999_are_accepted(db, tz):
    env = dict(os.environ, TZ=tz)
    proc = subprocess.run(
        [sys.executable, "-m", "assettrack_gui.cli", "--db", str(db), "report", "events",
         "--since", "0001-01-01", "--until", "9999-12-31"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "No events match." in proc.stdout  # init records no events


def test_an_early_since_still_finds_every_event(db):
    store = Store(db)
    try:
        Engine(store, operator="a", settings=Settings()).add_holder("Dana", "B-1")
    finally:
        store.close()
    from assettrack_gui.core.reports import events_report

    conn = sqlite3.connect(db)
    try:
        rows = list(events_report(conn, since="0500-01-01", until="9999-12-31").rows())
    finally:
        conn.close()
    assert len(rows) == 1
