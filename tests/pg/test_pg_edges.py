"""The edges of the PostgreSQL backend a review found: backup's destination rules and printed
head, addresses libpq refuses, and messages that must say what happened (a missing role, a lost
server on the command line, a refused read, a failed safety dump before a restore)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from assettrack_gui import cli
from assettrack_gui.core import backend, pg_backup, pg_store
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import ReadOnlyDatabase, ServerUnavailable, UsageError
from assettrack_gui.core.settings import Settings
from tests.conftest import drop_pg_database, new_pg_database
from tests.pg.tools import admin, require_pg_dump
from tests.pgcluster import Cluster

require_pg_dump()


def head_of(uri: str) -> tuple[int, str]:
    with psycopg.connect(uri) as conn:
        count = conn.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
        row = conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return int(count), str(row[0])  # type: ignore[index]


# -- backup: the same destination rules as a file's ------------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_backup_never_writes_through_a_symbolic_link(
    stockroom: ServerDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    link = tmp_path / "link2.dump"
    link.symlink_to(tmp_path / "z.dump")
    code, out, err = admin(
        capsys, "--db", stockroom.uri, "backup", str(link), *(["--force"] if force else [])
    )
    assert code == 2 and out == ""
    assert "is a symbolic link" in err and "never writes a backup through a link" in err
    assert link.is_symlink() and not (tmp_path / "z.dump").exists()


def test_backup_into_a_missing_folder_says_so_as_for_a_file(
    stockroom: ServerDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "nodir" / "x.dump"
    code, _, err = admin(capsys, "--db", stockroom.uri, "backup", str(dest))
    assert (code, err) == (2, f"No folder {dest.parent} for x.dump.\n")
    sqlite = tmp_path / "s.db"
    assert cli.main(["--db", str(sqlite), "init"]) == 0
    capsys.readouterr()
    code, _, err = admin(capsys, "--db", str(sqlite), "backup", str(tmp_path / "nodir" / "x.db"))
    assert (code, err) == (2, f"No folder {dest.parent} for x.db.\n")  # the same words


def test_backup_prints_the_head_of_what_was_dumped_even_if_others_commit_meanwhile(
    stockroom: ServerDatabase,
    pg_cluster: Cluster,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = head_of(stockroom.uri)
    real_run = subprocess.run

    def commit_then_dump(cmd, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Another station commits after the head was read, before pg_dump starts.
        with open_store(stockroom, create=False, anchored=False) as store:
            Engine(store, operator="clerk", settings=Settings()).commit_stock_out(
                ["AT-SMOKE-0001"], "B-1001"
            )
        return real_run(cmd, *args, **kwargs)

    monkeypatch.setattr(pg_backup.subprocess, "run", commit_then_dump)
    dest = tmp_path / "x.dump"
    code, out, err = admin(capsys, "--db", stockroom.uri, "backup", str(dest))
    assert (code, err) == (0, "")
    assert f"events: {before[0]}\nhead_hash: {before[1]}\n" in out
    assert head_of(stockroom.uri)[0] > before[0]  # the commit did happen
    copy = new_pg_database(pg_cluster, template="template0")
    try:
        real_run(["pg_restore", "--no-owner", "--dbname", copy.uri, str(dest)], check=True)
        assert head_of(copy.uri) == before  # the dump holds exactly the printed head
    finally:
        drop_pg_database(pg_cluster, copy)


# -- addresses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("port=notaport", 'invalid integer value "notaport" for connection option "port"'),
        ("port=99999", 'invalid port number: "99999"'),
        ("port=0", 'invalid port number: "0"'),
        ("sslmode=bogus", 'invalid sslmode value: "bogus"'),
        ("gssencmode=maybe", 'invalid gssencmode value: "maybe"'),
        ("target_session_attrs=any-old", 'invalid target_session_attrs value: "any-old"'),
        ("connect_timeout=soon", 'invalid integer value "soon" for connection option "connect_timeout"'),
    ],
)
def test_values_libpq_refuses_are_a_usage_error_in_its_words(
    pg_db: ServerDatabase, capsys: pytest.CaptureFixture[str], query: str, words: str
) -> None:
    uri = f"{pg_db.uri}&{query}"
    with pytest.raises(UsageError) as caught:
        backend.parse(uri)
    assert str(caught.value) == f"{uri!r} is not a PostgreSQL address libpq accepts: {words}"
    libpq = psycopg.pq.PGconn.connect(uri.encode())  # libpq itself says the very words
    try:
        assert libpq.status == psycopg.pq.ConnStatus.BAD
        assert words in libpq.get_error_message()
    finally:
        libpq.finish()
    code, out, err = admin(capsys, "--db", uri, "verify")
    assert (code, out) == (2, "") and "Cannot reach" not in err
    assert err == f"{caught.value}\n"


def test_a_host_url_with_an_out_of_range_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = admin(capsys, "--db", "postgresql://postgres@localhost:99999/at1", "verify")
    assert code == 2 and err.endswith('libpq accepts: invalid port number: "99999"\n')


@pytest.mark.parametrize("value", ["postgresql://u@h/db?bogus=1", "postgresql://u@h/db%zz", "postgresql://[bad/db"])
def test_libpq_parse_errors_end_without_a_blank_line(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = admin(capsys, "--db", value, "verify")
    assert code == 2 and "libpq accepts: " in err and not err.endswith("\n\n") and "\n" not in err[:-1]


def test_good_values_stay_accepted() -> None:
    for uri in (
        "postgresql://u@h1:5433,h2:5434/db",
        "postgresql://u@h/db?sslmode=verify-full&connect_timeout=5&port=6432",
        "postgresql://u@/db?host=/run/postgresql&port=5433&target_session_attrs=read-write",
    ):
        assert isinstance(backend.parse(uri), ServerDatabase)


def test_libpq_sentences_are_ended_once(pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = admin(capsys, "--db", f"postgresql://postgres@/at1?host={pg_cluster.socket_dir}/none", "verify")
    assert code == 1 and "Cannot reach" in err
    assert "?." not in err and "socket? Nothing was changed" in err


def test_a_missing_role_is_not_called_a_missing_database(
    pg_db: ServerDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = pg_db.uri.replace("postgresql://postgres@", "postgresql://nouser@")
    code, _, err = admin(capsys, "--db", uri, "verify")
    assert code == 1
    assert "has no user (login role) nouser" in err and "createuser nouser" in err
    assert "no such database" not in err and "createdb" not in err


def test_a_missing_database_names_it(pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = admin(capsys, "--db", pg_cluster.url("nodb_here"), "verify")
    assert code == 1 and "has no such database" in err and 'database "nodb_here" does not exist' in err and "createdb nodb_here" in err


# -- messages ----------------------------------------------------------------------------------------


def _dies_at(psql: psycopg.Connection, table: str, column: str, value: str) -> None:
    """The server ends the session that writes ``value`` into ``table``: the line is lost in
    the middle of a batch (an ``executemany`` pipeline), deterministically."""
    psql.execute(
        "CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF NEW.{column}::text = '{value}' THEN PERFORM pg_terminate_backend(pg_backend_pid()); "
        "END IF; RETURN NEW; END $$"
    )
    psql.execute(f"CREATE TRIGGER die BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION die()")


def test_a_server_lost_mid_batch_is_said_without_psycopg_noise(
    stockroom: ServerDatabase, psql: psycopg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    psql.execute("CREATE TABLE scratch (x int)")
    _dies_at(psql, "scratch", "x", "500")
    caplog.set_level(logging.WARNING, logger="psycopg")
    with (
        pg_store.PgStore(stockroom, migrate=False, keeps_batch=False) as store,
        pytest.raises(ServerUnavailable) as caught,
        store.write() as conn,
    ):
        conn.executemany("INSERT INTO scratch VALUES (?)", [(i,) for i in range(1000)])
    assert [r.getMessage() for r in caplog.records if r.name.startswith("psycopg")] == []
    words = str(caught.value)
    assert "Nothing was changed; run the command again when the server is back." in words
    assert "batch is kept" not in words


def test_the_command_line_says_run_the_command_again(
    stockroom: ServerDatabase, psql: psycopg.Connection, tmp_path: Path
) -> None:
    rows = tmp_path / "big.csv"
    rows.write_text(
        "asset_tag,serial,description,case_code,position\n"
        + "".join(f"AT-BIG-{i:05d},S{i},laptop,,\n" for i in range(3000)),
        "utf-8",
    )
    _dies_at(psql, "events", "id", "1500")  # the import's events go in by executemany
    before = head_of(stockroom.uri)
    done = subprocess.run(  # a real process: psycopg's warnings would reach its stderr
        [sys.executable, "-m", "assettrack_gui.cli", "--db", stockroom.uri, "import", "assets", str(rows)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, err = done.returncode, done.stderr
    assert code == 1
    assert err.startswith("The database server went away"), err
    assert "Nothing was changed; run the command again when the server is back." in err
    assert "error ignored" not in err and "Pipeline" not in err and "batch is kept" not in err
    assert head_of(stockroom.uri) == before


def test_the_app_keeps_its_words_about_the_batch(
    stockroom: ServerDatabase, psql: psycopg.Connection
) -> None:
    psql.execute("CREATE TABLE scratch (x int)")
    _dies_at(psql, "scratch", "x", "5")
    with open_store(stockroom, create=False) as store:
        assert isinstance(store, pg_store.PgStore)
        with pytest.raises(ServerUnavailable, match="Nothing was changed; your batch is kept"), store.write() as conn:
            conn.executemany("INSERT INTO scratch VALUES (?)", [(i,) for i in range(10)])


@pytest.fixture
def reader_without_select(stockroom: ServerDatabase, psql: psycopg.Connection) -> Iterator[str]:
    role = f"noselect_{os.getpid()}"
    psql.execute(f"DROP ROLE IF EXISTS {role}")
    psql.execute(f"CREATE ROLE {role} LOGIN")
    yield stockroom.uri.replace("postgresql://postgres@", f"postgresql://{role}@")
    psql.execute(f"DROP OWNED BY {role}")
    psql.execute(f"DROP ROLE {role}")


@pytest.mark.parametrize("command", [["verify"], ["report", "custody"]])
def test_a_refused_read_is_said_as_a_refused_read(
    reader_without_select: str, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, _, err = admin(capsys, "--db", reader_without_select, *command)
    assert code == 1
    assert "refused access" in err and "permission denied" in err
    assert "refused the change" not in err


def test_a_refused_write_is_still_a_refused_change(stockroom: ServerDatabase, psql: psycopg.Connection) -> None:
    role = f"noinsert_{os.getpid()}"
    psql.execute(f"CREATE ROLE {role} LOGIN")
    try:
        psql.execute(f"GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}")
        uri = stockroom.uri.replace("postgresql://postgres@", f"postgresql://{role}@")
        with (
            open_store(uri, create=False, anchored=False) as store,
            pytest.raises(ReadOnlyDatabase, match="refused the change"),
        ):
            Engine(store, operator="clerk", settings=Settings()).commit_stock_out(
                ["AT-SMOKE-0001"], "B-1001"
            )
    finally:
        psql.execute(f"DROP OWNED BY {role}")
        psql.execute(f"DROP ROLE {role}")


def test_a_failed_safety_dump_before_restore_says_nothing_was_restored(
    stockroom: ServerDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "good.dump"
    assert admin(capsys, "--db", stockroom.uri, "backup", str(dump))[0] == 0
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump: error: disk on fire' >&2\nexit 1\n")
    (fake / "pg_dump").chmod(0o755)
    (fake / "pg_restore").symlink_to(shutil.which("pg_restore") or "pg_restore")
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    before = head_of(stockroom.uri)
    code, out, err = admin(capsys, "--db", stockroom.uri, "restore", str(dump))
    assert (code, out) == (1, "")
    assert err.startswith("Nothing was restored: could not dump the current database first"), err
    assert "disk on fire" in err and "No backup was made" not in err
    assert head_of(stockroom.uri) == before
