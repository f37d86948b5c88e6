"""``assettrack-admin restore DUMP`` and ``accept-rollback`` on a PostgreSQL database.

restore: the dump is checked, refused while other sessions are connected (unless --force, which
ends them), the database as it was is dumped aside first, pg_restore runs as one transaction,
the result is verified (unsound: put back) and becomes this computer's anchor.
accept-rollback: the anchor is kept per database address, so a station whose database was put
back behind its anchor refuses writes until the loss is accepted on the record.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from assettrack_gui.core import pg_backup
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.verify import verify
from tests.pg.tools import admin, require_pg_dump

require_pg_dump()


def content(db: ServerDatabase) -> list[tuple]:
    with psycopg.connect(db.uri) as conn:
        return conn.execute(
            "SELECT a.asset_tag, a.location_type, a.current_holder_id, s.id FROM assets a "
            "LEFT JOIN slots s ON s.asset_id = a.id ORDER BY a.asset_tag"
        ).fetchall() + conn.execute("SELECT count(*), max(hash) FROM events").fetchall()


def stock_out(db: ServerDatabase, tag: str, badge: str = "B-1001") -> None:
    with open_store(db, create=False) as store:
        Engine(store, operator="clerk", settings=Settings()).commit_stock_out([tag], badge)


@pytest.fixture
def dump_file(stockroom: ServerDatabase, tmp_path: Path, capsys) -> Path:
    dest = tmp_path / "stockroom.dump"
    assert admin(capsys, "--db", stockroom.uri, "backup", str(dest))[0] == 0
    return dest


def test_restore_puts_a_dump_back_keeps_the_database_aside_and_says_what_is_lost(
    stockroom: ServerDatabase, dump_file: Path, capsys
) -> None:
    at_dump = content(stockroom)
    stock_out(stockroom, "AT-SMOKE-0001")
    stock_out(stockroom, "AT-SMOKE-0002")
    before_restore = content(stockroom)
    code, out, err = admin(capsys, "--db", stockroom.uri, "restore", str(dump_file))
    assert (code, err) == (0, "")
    assert f"Restored {stockroom.uri} from {dump_file}" in out
    assert "had 2 events that the dump does not" in out
    assert content(stockroom) == at_dump
    aside = Path(out.split("The database as it was is dumped in ")[1].splitlines()[0])
    assert aside.is_file() and aside.stat().st_mode & 0o077 == 0
    with open_store(stockroom, create=False) as store:
        report = verify(store)  # anchored: the anchor is the restored head now
        assert report.ok, report.problems
        Engine(store, operator="clerk", settings=Settings()).commit_stock_out(
            ["AT-SMOKE-0003"], "B-1002"
        )  # writes work at once
    # the database as it was can be put back in turn
    again = admin(capsys, "--db", stockroom.uri, "restore", str(aside))
    assert again[0] == 0, again
    assert content(stockroom) == before_restore


def test_restore_is_refused_while_others_are_connected_unless_forced(
    stockroom: ServerDatabase, dump_file: Path, capsys
) -> None:
    stock_out(stockroom, "AT-SMOKE-0001")
    station = open_store(stockroom, create=False)  # a counter, idle between scans
    try:
        before = content(stockroom)
        code, _, err = admin(capsys, "--db", stockroom.uri, "restore", str(dump_file))
        assert code == 1
        assert "1 other session(s) are connected" in err and "nothing was restored" in err
        assert "--force" in err
        assert content(stockroom) == before
        code, out, _ = admin(capsys, "--db", stockroom.uri, "restore", "--force", str(dump_file))
        assert code == 0 and "Ended 1 other session" in out
        # the station's next transaction connects again and works on the restored database
        # (AT-SMOKE-0001 is back in its slot; this computer's anchor is the restored head)
        engine = Engine(station, operator="station-2", settings=Settings())
        assert engine.commit_stock_out(["AT-SMOKE-0001"], "B-1002").count == 1
        assert verify(station).ok
    finally:
        station.close()


@pytest.mark.parametrize("kind", ["junk", "sqlite file", "another database"])
def test_restore_refuses_what_is_not_an_assettrack_dump(
    stockroom: ServerDatabase, tmp_path: Path, capsys, kind: str, pg_db: ServerDatabase
) -> None:
    bad = tmp_path / "bad.dump"
    if kind == "junk":
        bad.write_bytes(b"PGDMP but not really" * 50)
    elif kind == "sqlite file":
        with open_store(tmp_path / "x.db"):
            pass
        bad = tmp_path / "x.db"
    else:
        other = pg_db.uri.replace(f"/{pg_db.name}?", "/postgres?")
        subprocess.run(["pg_dump", "-Fc", "-f", str(bad), other], check=True)
    before = content(stockroom)
    code, _, err = admin(capsys, "--db", stockroom.uri, "restore", str(bad))
    assert code == 1 and "nothing was restored" in err and "Traceback" not in err
    assert content(stockroom) == before
    code, _, err = admin(capsys, "--db", stockroom.uri, "restore", str(tmp_path / "none.dump"))
    assert code == 2 and "No dump file" in err


def test_an_unsound_dump_is_put_back(
    stockroom: ServerDatabase, tmp_path: Path, capsys, pg_db: ServerDatabase
) -> None:
    """A dump of a database someone edited behind the log: restored, verified, refused, and
    the database is as it was."""
    with psycopg.connect(stockroom.uri, autocommit=True) as conn:
        conn.execute("UPDATE holders SET name = 'Forged' WHERE badge_code = 'B-1001'")
    forged = tmp_path / "forged.dump"
    assert admin(capsys, "--db", stockroom.uri, "backup", str(forged))[0] == 0
    with psycopg.connect(stockroom.uri, autocommit=True) as conn:
        conn.execute("UPDATE holders SET name = 'Dana Reyes' WHERE badge_code = 'B-1001'")
    stock_out(stockroom, "AT-SMOKE-0001")
    before = content(stockroom)
    code, _, err = admin(capsys, "--db", stockroom.uri, "restore", str(forged))
    assert code == 1
    assert "is not a sound AssetTrack backup" in err and "put back as it was" in err
    assert content(stockroom) == before
    with open_store(stockroom, create=False) as store:
        assert verify(store).ok


def test_restore_force_is_for_servers_only(tmp_path: Path, capsys) -> None:
    db = tmp_path / "at.db"
    assert admin(capsys, "--db", str(db), "init")[0] == 0
    code, _, err = admin(capsys, "--db", str(db), "restore", "--force", str(tmp_path / "b.db"))
    assert code == 2 and "--force is for a server database" in err


def test_accept_rollback_on_a_server_database(
    stockroom: ServerDatabase, dump_file: Path, capsys
) -> None:
    """This computer recorded two stock-outs; the administrator (elsewhere) puts the dump back
    with pg_restore: this computer's anchor for the address sees the loss and refuses writes
    until it is accepted on the record."""
    stock_out(stockroom, "AT-SMOKE-0001")
    stock_out(stockroom, "AT-SMOKE-0002")
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--dbname", stockroom.uri, str(dump_file)],
        check=True, capture_output=True,
    )  # fmt: skip
    code, _, err = admin(capsys, "--db", stockroom.uri, "stock-out", "--holder", "B-1001", "AT-SMOKE-0003")
    assert code == 1 and "gone back in time" in err and "2 event(s)" in err
    code, out, err = admin(capsys, "--db", stockroom.uri, "--operator", "supervisor", "accept-rollback")
    assert code == 0, err
    assert "Accepted: 2 events are gone for good (the log this computer saw reach event" in out
    assert "ROLLBACK_ACCEPTED" in out
    code, out, _ = admin(capsys, "--db", stockroom.uri, "stock-out", "--holder", "B-1001", "AT-SMOKE-0003")
    assert code == 0
    with open_store(stockroom, create=False) as store:
        assert verify(store).ok
        (n,) = store.conn.execute(
            "SELECT count(*) FROM events WHERE event_type = 'ROLLBACK_ACCEPTED' AND operator = ?",
            ("supervisor",),
        ).fetchone()
        assert n == 1


def test_server_backup_dir_is_one_folder_per_address(pg_db: ServerDatabase) -> None:
    first = pg_backup.server_backup_dir(pg_db)
    other = pg_backup.server_backup_dir(ServerDatabase(pg_db.uri + "&sslmode=disable"))
    assert first != other and first.name.startswith(pg_db.name)
