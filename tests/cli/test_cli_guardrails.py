"""``assettrack-admin void``, near-duplicate codes refused by ``import``, and ``verify``'s
warnings, run as the real console script against a copy of the seeded database of test_cli."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assettrack_gui.core import queries, rules
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store

from .test_cli import dump, query, run
from .test_cli import template as template  # the module's seeded database (a fixture)

BATCH = re.compile(r"batch (\d{8}-\d{6}-[0-9a-f]{6})")


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "at.db"
    shutil.copy(template, path)
    return path


def batch_of(stdout: str) -> str:
    found = BATCH.search(stdout)
    assert found, stdout
    return found[1]


def test_void_undoes_a_stock_out_and_exits_0(db: Path) -> None:
    out = run("stock-out", "--holder", "B-1001", "AT-SMOKE-0001", "AT-SMOKE-0002", db=db)
    assert out.returncode == 0, out.stderr
    batch = batch_of(out.stdout)
    void = run("--operator", "alice", "void", batch, db=db)
    assert void.returncode == 0, void.stderr
    assert f"voided batch {batch}: put 2 assets back" in void.stdout
    assert "AT-SMOKE-0001: Dana Reyes (B-1001) → CART-A/1" in void.stdout
    assert query(db, "SELECT count(*) FROM assets WHERE location_type = 'IN_CUSTODY'") == [(0,)]
    notes = query(db, "SELECT DISTINCT note, operator FROM events WHERE batch_id = ?",
                  batch_of(void.stdout))  # fmt: skip
    assert notes == [(f"voids batch {batch}", "alice")]
    assert run("verify", db=db).returncode == 0
    history = run("report", "history", "AT-SMOKE-0001", db=db)
    assert f"voided by batch {batch_of(void.stdout)}" in history.stdout


def test_void_refused_exits_1_with_every_reason_and_changes_nothing(db: Path) -> None:
    out = run("stock-out", "--holder", "B-1001", "AT-SMOKE-0001", "AT-SMOKE-0002", db=db)
    batch = batch_of(out.stdout)
    back = run("stock-in", "AT-SMOKE-0001", "AT-SMOKE-0002", db=db)
    before = dump(db)
    proc = run("void", batch, db=db)
    assert proc.returncode == 1 and proc.stdout == ""
    later = batch_of(back.stdout)
    assert f"AT-SMOKE-0001: changed since: STOCK_IN in batch {later}" in proc.stderr
    assert f"AT-SMOKE-0002: changed since: STOCK_IN in batch {later}" in proc.stderr
    assert dump(db) == before
    registration = query(db, "SELECT batch_id FROM events WHERE event_type = 'RECEIVE'")[0][0]
    proc = run("void", registration, db=db)
    assert proc.returncode == 1
    assert "RECEIVE: only stock-out, stock-in, put-away and move batches can be voided" in proc.stderr
    proc = run("void", "nope", db=db)
    assert proc.returncode == 1 and "'nope': no batch with that id" in proc.stderr


def test_void_usage_errors_exit_2(db: Path) -> None:
    assert run("void", db=db).returncode == 2
    assert run("void", "", db=db).returncode == 2
    assert run("void", "a", "b", db=db).returncode == 2


def test_import_refuses_near_duplicate_tags_naming_lines_and_codes(db: Path, tmp_path: Path) -> None:
    csv = tmp_path / "assets.csv"
    csv.write_text(
        "asset_tag,serial,description,case_code,position\n"
        "ATSMOKE0003,,,,\nZZ-1,,,,\nzz1,,,,\nB1002,,,,\n",
        encoding="utf-8",
    )
    before = dump(db)
    proc = run("import", "assets", str(csv), db=db)
    assert proc.returncode == 1, proc.stderr
    assert "line 2: asset tag ATSMOKE0003 is too like asset tag AT-SMOKE-0003" in proc.stderr
    assert "line 4: asset tag zz1 is too like asset tag ZZ-1 (line 3)" in proc.stderr
    assert "line 5: asset tag B1002 is too like badge B-1002" in proc.stderr
    assert dump(db) == before
    proc = run("holder", "add", "Bo", "b-1001", db=db)
    assert proc.returncode == 1 and "badge b-1001 is too like badge B-1001" in proc.stderr
    proc = run("case", "add", "CARTA", "x", "1", "1", db=db)
    assert proc.returncode == 1 and "case code CARTA is too like case code CART-A" in proc.stderr


def test_verify_prints_near_duplicates_as_warnings_and_exits_0(db: Path) -> None:
    with Store(db, create=False) as store, pytest.MonkeyPatch.context() as mp:
        mp.setattr(queries, "codes_alike", lambda conn, code: [])  # as an older version did
        mp.setattr(rules, "alike_key", lambda code: code)
        Engine(store, "old", Settings()).commit_register([NewAsset("AT-SMOKE0001")])
    proc = run("verify", db=db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: ")
    assert proc.stderr.splitlines() == [
        "warning: near-duplicate codes: asset tag AT-SMOKE-0001 and asset tag AT-SMOKE0001 "
        "differ only in dashes or letter case (a scanner that drops dashes, or Caps Lock, may "
        "pick the wrong one)"
    ]


def test_codes_that_read_as_slot_labels_are_refused_exit_1(db: Path, tmp_path: Path) -> None:
    before = dump(db)
    proc = run("holder", "rebadge", "B-1001", "CART-A/3", db=db)
    assert proc.returncode == 1
    assert "badge code CART-A/3 reads like the label of slot 3 of case CART-A" in proc.stderr
    proc = run("holder", "add", "Slot Person", "BIN-1/2", db=db)
    assert proc.returncode == 1 and "BIN-1/2 reads like the label of slot 2" in proc.stderr
    proc = run("case", "add", "RACK/B", "Rack", "1", "2", db=db)
    assert proc.returncode == 1 and "case code RACK/B contains '/'" in proc.stderr
    csv = tmp_path / "holders.csv"
    csv.write_text("name,badge_code\nAna,B-2001\nSlot Person,CART-A/4\n", encoding="utf-8")
    proc = run("import", "holders", str(csv), db=db)
    assert proc.returncode == 1 and "line 3: badge code CART-A/4 reads like" in proc.stderr
    assert dump(db) == before


def test_verify_warns_about_codes_like_slot_labels_and_exits_0(db: Path) -> None:
    with Store(db, create=False) as store, pytest.MonkeyPatch.context() as mp:
        mp.setattr(rules, "slot_label_like", lambda code, what, case_code=False: None)
        Engine(store, "old", Settings()).add_holder("Slot Person", "CART-A/3")
    proc = run("verify", db=db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: ")
    assert proc.stderr.splitlines() == [
        "warning: code that reads like a slot label: badge CART-A/3 reads like the label of "
        "slot 3 of case CART-A, so Put-away and audits could take its scan for that slot — give "
        "the holder another badge (holder rebadge)"
    ]
