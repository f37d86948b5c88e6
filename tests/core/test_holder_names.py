"""After `holder rename`, history shows each event under the name it happened under."""

from __future__ import annotations

from pathlib import Path

import pytest

from assettrack_gui import cli
from assettrack_gui.core import reports
from assettrack_gui.core.backend import open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings

pytestmark = pytest.mark.both_backends


@pytest.fixture
def renamed(db_path) -> tuple[Path, str, str]:
    path = db_path
    store = open_store(path)
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders([NewHolder("Sam Quinn", "B-1003")])
    engine.create_cases([NewCase("CART-A", "Cart", 1, 3)])
    engine.commit_register([NewAsset("AT-1", "SN1", "ThinkPad", "CART-A", 1)])
    out = engine.commit_stock_out(["AT-1"], "B-1003").batch_id
    engine.rename_holder("B-1003", "Sam Quinn-Ortiz")
    back = engine.commit_stock_in(["AT-1"]).batch_id
    store.close()
    return path, out, back


def test_show_prints_the_rename_and_old_names_for_old_events(capsys, renamed):
    db, _, _ = renamed
    assert cli.main(["--db", str(db), "show", "B-1003"]) == 0
    history = capsys.readouterr().out.split("History", 1)[1].splitlines()
    by_type = {line.split()[1]: line for line in history if line.strip()[:1].isdigit()}
    assert "holder Sam Quinn (B-1003)" in by_type["HOLDER_ADD"]
    assert "holder Sam Quinn (B-1003)" in by_type["STOCK_OUT"]
    assert "holder Sam Quinn → Sam Quinn-Ortiz (B-1003)" in by_type["HOLDER_RENAME"]
    assert "holder Sam Quinn-Ortiz (B-1003)" in by_type["STOCK_IN"]


def test_events_report_and_receipts_use_the_name_at_the_time(renamed):
    db, out, back = renamed
    with open_store(db, create=False, anchored=False) as store:
        conn = store.conn
        rows = list(reports.events_report(conn, holder="B-1003").rows())
        holder_of = {row[3]: row[5] for row in rows}
        assert holder_of == {
            "HOLDER_ADD": "Sam Quinn",
            "STOCK_OUT": "Sam Quinn",
            "HOLDER_RENAME": "Sam Quinn → Sam Quinn-Ortiz",
            "STOCK_IN": "Sam Quinn-Ortiz",
        }
        assert reports.batch_receipt(conn, out).holder_name == "Sam Quinn"
        assert reports.batch_receipt(conn, back).holder_name == "Sam Quinn-Ortiz"
        history = list(reports.history_report(conn, "AT-1").rows())
        assert [row[5] for row in history] == ["", "Sam Quinn", "Sam Quinn-Ortiz"]
