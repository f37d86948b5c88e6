"""``holder rebadge``, ``case rename`` and ``case resize``: what they print, their exit codes and
what they record (issue 12). The engine's own checks are in tests/core/test_admin_ops.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assettrack_gui import cli
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "at.db"
    store = Store(path)
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders([NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002")])
    engine.create_cases([NewCase("CART-A", "Laptop cart A", 2, 5)])
    engine.commit_register(
        [NewAsset(f"AT-000{n}", f"SN{n}", "ThinkPad", "CART-A", n) for n in range(1, 5)]
    )
    store.close()
    return path


def admin(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["--db", str(db), "--operator", "alice", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def last_event(db: Path) -> tuple[str, str, dict[str, object]]:
    conn = sqlite3.connect(db)
    try:
        kind, operator, details = conn.execute(
            "SELECT event_type, operator, details FROM events ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return kind, operator, json.loads(details)


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def test_holder_rebadge(capsys, db: Path) -> None:
    code, out, err = admin(capsys, db, "holder", "rebadge", "Dana Reyes", "B-2001")
    assert (code, out, err) == (0, "Changed the badge of Dana Reyes: B-1001 → B-2001\n", "")
    assert last_event(db) == ("HOLDER_REBADGE", "alice", {"badge_code": ["B-1001", "B-2001"]})
    code, out, _ = admin(capsys, db, "holder", "rebadge", "B-2001", "B-2001")
    assert (code, out) == (0, "Dana Reyes (B-2001) already has that badge; nothing changed\n")
    code, out, _ = admin(capsys, db, "holder", "list")
    assert "B-2001  Dana Reyes" in out and "B-1001" not in out


def test_holder_rebadge_refused(capsys, db: Path) -> None:
    before = dump(db)
    code, out, err = admin(capsys, db, "holder", "rebadge", "B-1001", "B1002")
    assert code == 1 and out == ""
    assert err.startswith("badge B1002 is too like badge B-1002")
    code, _, err = admin(capsys, db, "holder", "rebadge", "B-1001", "AT-0001")
    assert (code, err) == (1, "badge AT-0001 is already used by an asset tag (AT-0001)\n")
    code, _, err = admin(capsys, db, "holder", "rebadge", "B-4040", "B-4041")
    assert code == 1 and "no holder" in err
    assert dump(db) == before


def test_case_rename(capsys, db: Path) -> None:
    code, out, _ = admin(capsys, db, "case", "rename", "CART-A", "Laptop cart, 2nd floor")
    assert (code, out) == (0, "Renamed case CART-A: Laptop cart A → Laptop cart, 2nd floor\n")
    assert last_event(db) == (
        "CASE_RENAME",
        "alice",
        {"case": "CART-A", "name": ["Laptop cart A", "Laptop cart, 2nd floor"]},
    )
    code, out, _ = admin(capsys, db, "case", "list")
    assert out == "CART-A  2 × 5  4/10 used  Laptop cart, 2nd floor\n"
    code, _, err = admin(capsys, db, "case", "rename", "NOPE", "x")
    assert (code, err) == (1, "no case 'NOPE'\n")


@pytest.mark.parametrize("size", ["3x5", "3×5", " 3 X 5 "])
def test_case_resize_grows(capsys, db: Path, size: str) -> None:
    code, out, err = admin(capsys, db, "case", "resize", "CART-A", size)
    assert (code, out, err) == (0, "Resized case CART-A: 2 × 5 → 3 × 5 = 15 slots\n", "")
    assert last_event(db) == (
        "CASE_RESIZE",
        "alice",
        {"case": "CART-A", "rows": [2, 3], "cols": [5, 5]},
    )
    code, out, _ = admin(capsys, db, "case", "list")
    assert out == "CART-A  3 × 5  4/15 used  Laptop cart A\n"


def test_case_resize_shrinks_unless_an_occupied_slot_falls_outside(capsys, db: Path) -> None:
    before = dump(db)
    code, out, err = admin(capsys, db, "case", "resize", "CART-A", "1x3")
    assert (code, out) == (1, "")
    assert err == (
        "case CART-A cannot become 1 × 3: CART-A/4 holds AT-0004 — move it to a slot inside "
        "the new size first\n"
    )
    assert dump(db) == before
    code, out, _ = admin(capsys, db, "case", "resize", "CART-A", "1x4")
    assert (code, out) == (0, "Resized case CART-A: 2 × 5 → 1 × 4 = 4 slots\n")
    code, out, _ = admin(capsys, db, "case", "resize", "CART-A", "1x4")
    assert (code, out) == (0, "case CART-A is already 1 × 4; nothing changed\n")


@pytest.mark.parametrize("size", ["3", "3x", "x5", "3x5x2", "three by five"])
def test_case_resize_with_a_size_it_cannot_read_is_a_usage_error(capsys, db: Path, size: str) -> None:
    code, _, err = admin(capsys, db, "case", "resize", "CART-A", size)
    assert code == 2
    assert "give the new size as ROWSxCOLS, e.g. 3x5" in err


def test_case_resize_to_zero_slots_is_refused(capsys, db: Path) -> None:
    code, _, err = admin(capsys, db, "case", "resize", "CART-A", "0x5")
    assert code == 1 and "rows and cols must be whole numbers ≥ 1" in err


def test_the_new_commands_have_help(capsys) -> None:
    for command in (["holder", "rebadge"], ["case", "rename"], ["case", "resize"]):
        with pytest.raises(SystemExit) as exc:
            cli.main([*command, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "exit codes:" in out
    with pytest.raises(SystemExit):
        cli.main(["case", "resize", "--help"])
    assert "ROWSxCOLS" in capsys.readouterr().out


def test_backup_help_covers_a_file_and_a_server(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["backup", "--help"])
    assert exc.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "SQLite's online backup" in out and "pg_dump --format=custom" in out
    assert "event count and head hash" in out and "snapshot pg_dump dumped" in out
    assert "symbolic link never" in out and "existing folder" in out
    assert "copy the database with SQLite's online backup" not in out  # not only a file's
