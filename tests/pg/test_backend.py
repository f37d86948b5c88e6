"""Which backend a --db / ASSETTRACK_DB value selects (core/backend.py): no server needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assettrack_gui import cli
from assettrack_gui.core import backend
from assettrack_gui.core.backend import ServerDatabase
from assettrack_gui.core.errors import UsageError


@pytest.mark.parametrize(
    "value",
    [
        "postgresql://clerk@db.example.org:5433/stockroom",
        "postgres://clerk@db.example.org/stockroom",
        "postgresql://clerk@/stockroom?host=/run/postgresql&port=5433",
        "postgresql:///stockroom",
        "postgresql://?service=stockroom",
    ],
)
def test_a_postgresql_uri_selects_the_server(value: str) -> None:
    target = backend.parse(value)
    assert isinstance(target, ServerDatabase) and target.uri == value
    assert backend.is_server(target)


def test_the_database_name_is_shown() -> None:
    assert backend.parse("postgresql://u@h/stockroom").name == "stockroom"  # type: ignore[union-attr]
    assert backend.parse("postgresql://u@/st?host=/tmp").name == "st"  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["stock.db", "~/at/stock.db", "C:\\AT\\stock.db", "C://x.db", "./postgresql.db"])
def test_a_path_keeps_sqlite(value: str) -> None:
    target = backend.parse(value)
    assert isinstance(target, Path) and not backend.is_server(target)


@pytest.mark.parametrize(
    "value, words",
    [
        ("postgresql:stockroom", "is not a PostgreSQL address"),
        ("postgres:", "is not a PostgreSQL address"),
        ("mysql://u@h/db", "looks like a mysql:// address"),
        ("sqlite:///tmp/x.db", "looks like a sqlite:// address"),
        ("postgresql://clerk:secret@h/db", "contains a password"),
        ("postgresql://clerk@h/db?password=secret", "contains a password"),
        ("postgresql://clerk@h/db?nosuch=1", "not a PostgreSQL address libpq accepts"),
        ("postgresql://[bad/db", "not a PostgreSQL address libpq accepts"),
    ],
)
def test_a_url_that_cannot_be_used_is_a_clear_error(value: str, words: str) -> None:
    with pytest.raises(UsageError, match=words) as caught:
        backend.parse(value)
    if "password" in words:
        assert "~/.pgpass" in str(caught.value) and "PGPASSWORD" in str(caught.value)
        assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    "value", ["postgresql:stockroom", "mysql://u@h/db", "postgresql://clerk:secret@h/db"]
)
def test_the_cli_refuses_with_exit_2_and_creates_no_folder(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["init"], ["verify"], ["holder", "list"]):
        assert cli.main(["--db", value, *command]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.strip()
    assert list(tmp_path.iterdir()) == []  # never a folder named postgresql: or mysql:


def test_assettrack_db_env_var_is_read_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASSETTRACK_DB", "postgresql:stockroom")
    assert cli.main(["verify"]) == 2
    assert "is not a PostgreSQL address" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("ASSETTRACK_DB", "postgresql://u@/db?host=/x")
    assert backend.default_target() == ServerDatabase("postgresql://u@/db?host=/x")


def test_an_unreachable_server_is_said_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://nobody@/db?host={tmp_path}&port=1"
    assert cli.main(["--db", url, "verify"]) == 1
    err = capsys.readouterr().err
    assert "Cannot reach the database server" in err and "Traceback" not in err


def test_psycopg_is_not_loaded_for_a_sqlite_database(tmp_path: Path) -> None:
    code = (
        "import sys; from assettrack_gui import cli; "
        f"rc = cli.main(['--db', {str(tmp_path / 'x.db')!r}, 'init']); "
        "assert rc == 0, rc; assert 'psycopg' not in sys.modules, 'psycopg loaded'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- the app's choice (File → Connect to a server…) ------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "uri"),
    [
        (("dbhost", "5433", "stockroom", "clerk"), "postgresql://clerk@dbhost:5433/stockroom"),
        (("dbhost", "", "stockroom", ""), "postgresql://dbhost/stockroom"),
        (("/run/postgresql", "5433", "stock room", "ana maría"),
         "postgresql://ana%20mar%C3%ADa@/stock%20room?host=/run/postgresql&port=5433"),
        (("::1", "", "db", "u"), "postgresql://u@[::1]/db"),
        (("", "", "", ""), "postgresql:///"),
    ],
)  # fmt: skip
def test_the_server_fields_make_a_uri_libpq_reads_back(
    fields: tuple[str, str, str, str], uri: str
) -> None:
    assert backend.server_uri(*fields) == uri
    back = backend.server_fields(uri)
    assert (back["host"], back["port"], back["dbname"], back["user"]) == fields
    assert isinstance(backend.parse(uri), ServerDatabase)


@pytest.mark.parametrize("port", ["x", "0", "70000", "54 32"])
def test_a_port_that_is_not_a_number_is_refused(port: str) -> None:
    with pytest.raises(UsageError, match="port must be a number"):
        backend.server_uri("dbhost", port, "stockroom", "clerk")


def test_the_app_opens_db_then_the_variable_then_the_remembered_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered = "postgresql://clerk@dbhost/stockroom"
    assert backend.app_target(None, remembered) == ServerDatabase(remembered)
    assert backend.app_target(str(tmp_path / "x.db"), remembered) == tmp_path / "x.db"
    default = backend.app_target(None, "")
    assert isinstance(default, Path) and default.name == "assettrack.db"
    with pytest.raises(UsageError, match="contains a password"):
        backend.app_target(None, "postgresql://clerk:secret@dbhost/stockroom")
    monkeypatch.setenv("ASSETTRACK_DB", str(tmp_path / "env.db"))
    assert backend.app_target(None, remembered) == tmp_path / "env.db"


def test_what_the_settings_remember(tmp_path: Path) -> None:
    uri = "postgresql://clerk@/stockroom?host=/run/postgresql"
    assert backend.remembered_value(ServerDatabase(uri)) == uri
    assert backend.remembered_value(tmp_path / "a.db") == str((tmp_path / "a.db").resolve())
    assert backend.remembered_value(backend.default_target()) == ""  # the default file
