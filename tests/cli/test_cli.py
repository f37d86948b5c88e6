"""The real ``assettrack-admin`` console script, run as a process against a temp database.

Most tests start from a copy of one seeded database (built once per module with the core engine):
holders Dana Reyes (B-1001), Lee Park (B-1002) and the deactivated Old Timer (B-0999); case CART-A
(2 × 5); AT-SMOKE-0001…0004 in CART-A/1…4 and AT-SMOKE-0005 registered but not slotted.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from assettrack_gui import cli
from assettrack_gui.core import dialect
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from tests.conftest import drop_pg_database, new_pg_database
from tests.core.conftest import TABLES

pytestmark = pytest.mark.both_backends  # the tests that take ``db`` run on both

ADMIN = Path(sys.executable).parent / "assettrack-admin"
if not ADMIN.exists():  # installed elsewhere (e.g. a system-wide install)
    ADMIN = Path(shutil.which("assettrack-admin") or ADMIN)


def run(*args: str, db: Path | ServerDatabase | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    """Run the console script; the autouse fixture's private XDG dirs are in os.environ."""
    cmd = [str(ADMIN), *(["--db", str(db)] if db is not None else []), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def dump(db: Path | ServerDatabase) -> str:
    if isinstance(db, ServerDatabase):
        with psycopg.connect(db.uri) as conn:
            return "\n".join(
                f"{table}: {row!r}"
                for table in TABLES
                for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")
            )
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def query(db: Path | ServerDatabase, sql: str, *params: object) -> list[tuple]:
    if isinstance(db, ServerDatabase):
        with psycopg.connect(db.uri) as conn:
            return conn.execute(dialect.placeholders(sql), params).fetchall()
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def seed(store: Store) -> None:
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders(
        [NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002"), NewHolder("Old Timer", "B-0999")]
    )
    engine.set_holder_active("B-0999", False)
    engine.create_cases([NewCase("CART-A", "Laptop cart A", 2, 5)])
    engine.commit_register(
        [NewAsset(f"AT-SMOKE-000{n}", f"SN{n}", "ThinkPad", "CART-A", n) for n in range(1, 5)]
        + [NewAsset("AT-SMOKE-0005", "SN5", "Dell spare")]
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seed.db"
    store = Store(path.with_name("work.db"))
    seed(store)
    store.backup(path)
    store.close()
    return path


@pytest.fixture(scope="module")
def pg_template(request) -> Iterator[str]:
    """The seeded stockroom as a PostgreSQL database, copied for each test (CREATE DATABASE …
    TEMPLATE)."""
    cluster = request.getfixturevalue("pg_cluster")
    db = new_pg_database(cluster)
    with open_store(db) as store:
        seed(store)
    yield db.name
    drop_pg_database(cluster, db)


@pytest.fixture
def db(template, tmp_path, backend, request) -> Iterator[Path | ServerDatabase]:
    if backend == "postgres":
        cluster = request.getfixturevalue("pg_cluster")
        server = new_pg_database(cluster, template=request.getfixturevalue("pg_template"))
        yield server
        drop_pg_database(cluster, server)
        return
    path = tmp_path / "at.db"
    shutil.copy(template, path)
    yield path


# -- init and finding the database --------------------------------------------------------------


def test_init_creates_then_leaves_an_up_to_date_database(tmp_path):
    path = tmp_path / "new" / "at.db"
    first = run("init", db=path)
    assert first.returncode == 0, first.stderr
    assert str(path) in first.stdout and "Created" in first.stdout
    again = run("init", db=path)
    assert again.returncode == 0 and "up to date" in again.stdout
    ok = run("verify", db=path)
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 0 events, head hash 0000")


def test_commands_other_than_init_need_an_existing_database(tmp_path):
    path = tmp_path / "missing.db"
    proc = run("holder", "list", db=path)
    assert proc.returncode == 2
    assert f"No database at {path}; run assettrack-admin init" in proc.stderr
    assert not path.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    proc = run("verify", db=empty)
    assert proc.returncode == 2 and "run assettrack-admin init" in proc.stderr
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.close()
    verified = run("verify", db=other)
    assert verified.returncode == 2 and "is not an AssetTrack database" in verified.stderr
    initialised = run("init", db=other)
    assert initialised.returncode == 2 and "is not AssetTrack's" in initialised.stderr
    assert query(other, "SELECT name FROM sqlite_master") == [("notes",)]


def test_assettrack_db_env_var_and_options_after_the_command(tmp_path, monkeypatch):
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("ASSETTRACK_DB", str(path))
    assert run("init").returncode == 0
    assert path.exists()
    assert run("holder", "add", "Dana Reyes", "B-1001", "--operator", "olga").returncode == 0
    assert query(path, "SELECT operator FROM events") == [("olga",)]
    # --db given after the command wins over the environment, and before the command too
    other = tmp_path / "other.db"
    assert run("init", "--db", str(other)).returncode == 0
    listed = run("--db", str(other), "holder", "list")
    assert listed.stdout.strip() == "No holders yet."


def test_default_database_is_in_the_user_data_dir(private_dirs):
    proc = run("init")
    assert proc.returncode == 0, proc.stderr
    expected = private_dirs / "xdg_data_home" / "AssetTrack" / "assettrack.db"
    assert expected.exists() and str(expected) in proc.stdout


# -- imports ----------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_import_holders_cases_and_assets(tmp_path):
    path = tmp_path / "at.db"
    assert run("init", db=path).returncode == 0
    holders = write(
        tmp_path, "holders.csv", "name,badge_code\nDana Reyes,B-1001\nLee Park,B-1002\n"
    )
    cases = write(tmp_path, "cases.csv", "case_code,name,rows,cols\nCART-A,Laptop cart A,2,5\n")
    assets = write(
        tmp_path,
        "assets.csv",
        "\ufeffasset_tag,serial,description,case_code,position\r\n"
        'AT-SMOKE-0001,5CG1,"ThinkPad T14, with dock",CART-A,1\r\n'
        "\r\n"
        "AT-SMOKE-0002,5CG2,Dell, CART-A , 2 \r\n"
        "AT-SMOKE-0003,5CG3,spare,,\r\n",
    )
    for kind, file, count in (("holders", holders, 2), ("cases", cases, 1), ("assets", assets, 3)):
        proc = run("import", kind, str(file), db=path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("batch ") and f"imported {count} " in proc.stdout
    assert query(
        path,
        "SELECT a.asset_tag, a.description, c.case_code, s.position FROM assets a "
        "LEFT JOIN slots s ON s.asset_id = a.id LEFT JOIN cases c ON c.id = s.case_id ORDER BY 1",
    ) == [
        ("AT-SMOKE-0001", "ThinkPad T14, with dock", "CART-A", 1),
        ("AT-SMOKE-0002", "Dell", "CART-A", 2),
        ("AT-SMOKE-0003", "spare", None, None),
    ]
    assert run("verify", db=path).returncode == 0


ASSET_HEADER = "asset_tag,serial,description,case_code,position\n"


@pytest.mark.parametrize(
    ("kind", "data", "code", "expected"),
    [
        pytest.param(
            "holders",
            "name,badge_code\nAna,B-2001\nDup,B-1001\nBen,B-2001\n",
            1,
            [
                "line 3: badge B-1001 is already used",
                "line 4: badge B-2001 appears twice (also line 2)",
            ],
            id="duplicate-badge",
        ),
        pytest.param(
            "assets",
            ASSET_HEADER
            + 'AT-9,S,"two\nlines",CART-A,1\nAT-10,S,x,CART-A,11\nAT-11,S,x,NO-CASE,5\n',
            1,
            [
                # a description may not hold a line break (it would forge a history line)
                "line 2: description two<LF>lines contains a control character (U+000A)",
                # …and the record after a quoted field that spans two lines starts on line 4
                "line 4: slot unknown: case CART-A has positions 1–10",
                "line 5: slot unknown: no case 'NO-CASE'",
            ],
            id="multi-line-description-and-position-out-of-range",
        ),
        pytest.param(
            "assets",
            ASSET_HEADER + "AT-9,S,x,,\nAT-10,S,x\nAT-SMOKE-0001,S,x,,\n",
            1,
            ["line 3: expected 5 fields", "line 4: asset tag AT-SMOKE-0001 already exists"],
            id="wrong-field-count",
        ),
        pytest.param(
            "cases",
            "case_code,name,rows\nBIN-1,Bin,1\n",
            2,
            ["missing column(s) cols"],
            id="missing-column",
        ),
        pytest.param(
            "holders",
            "name,badge_code,email\nAna,B-2001,a@example.org\n",
            2,
            ["unknown column(s) email"],
            id="extra-column",
        ),
        pytest.param(
            "holders",
            b"name,badge_code\nJos\x81,B-2001\n",  # 0x81: neither UTF-8 nor Windows-1252
            2,
            ["is neither UTF-8 nor Windows-1252 text (byte 0x81 on line 2)"],
            id="not-utf8-nor-cp1252",
        ),
        pytest.param(
            "holders",
            b"name,badge_code\n\x8eofie,B-4002\nA\x81B,B-4003\n",  # 0x8E is Windows-1252 (a Z with caron)
            2,
            ["is neither UTF-8 nor Windows-1252 text (byte 0x81 on line 3 is no Windows-1252"],
            id="cp1252-byte-before-the-bad-one",
        ),
        pytest.param("holders", None, 2, ["No such file"], id="missing-file"),
    ],
)
def test_bad_imports_change_nothing(db, tmp_path, kind, data, code, expected):
    file = tmp_path / "in.csv" if data is None else write(tmp_path, "in.csv", data)
    before = dump(db)
    proc = run("import", kind, str(file), db=db)
    assert proc.returncode == code
    for text in expected:
        assert text in proc.stderr
    if code == 1:
        assert all(line.startswith("line ") for line in proc.stderr.splitlines())
    assert proc.stdout == ""
    assert dump(db) == before


HOLDERS_CSV = "name,badge_code\r\nJosé Müller,B-2001\r\nRenée € desk,B-2002\r\n"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (HOLDERS_CSV.encode("utf-8"), "as UTF-8, separator ','"),
        (HOLDERS_CSV.encode("utf-8-sig"), "as UTF-8 with BOM, separator ','"),
        (b"\xff\xfe" + HOLDERS_CSV.replace(",", "\t").encode("utf-16-le"), "as UTF-16, separator Tab"),
        (HOLDERS_CSV.replace(",", ";").encode("cp1252"), "as Windows-1252, separator ';'"),
        (HOLDERS_CSV.replace(",", "\t").encode("cp1252"), "as Windows-1252, separator Tab"),
    ],
    ids=["utf8", "utf8-bom", "utf16-tab", "cp1252-semicolon", "cp1252-tab"],
)
def test_import_says_how_the_file_was_read(db, tmp_path, data, said):
    file = write(tmp_path, "holders.csv", data)
    proc = run("import", "holders", str(file), db=db)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("batch ") and "imported 2 holders" in lines[0]
    assert lines[1] == f"read {file} {said}"
    assert query(db, "SELECT name FROM holders WHERE badge_code LIKE 'B-200%' ORDER BY 1") == [
        ("José Müller",),
        ("Renée € desk",),
    ]


def test_import_xlsx(db, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["asset_tag", "serial", "description", "case_code", "position"])
    sheet.append(["AT-X1", 4711, "00042", "CART-A", 5])
    sheet.append(["AT-X2", "0099", None, None, None])
    path = tmp_path / "assets.xlsx"
    book.save(path)
    proc = run("import", "assets", str(path), db=db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1] == f"read {path} as an Excel workbook (.xlsx), first sheet"
    assert query(
        db,
        "SELECT a.asset_tag, a.serial, a.description, s.position FROM assets a "
        "LEFT JOIN slots s ON s.asset_id = a.id WHERE asset_tag LIKE 'AT-X%' ORDER BY 1",
    ) == [("AT-X1", "4711", "00042", 5), ("AT-X2", "0099", "", None)]


def test_an_asset_list_imports_again_while_an_asset_is_out(db, tmp_path):
    import openpyxl

    def workbook(name: str, *rows: list[object]) -> Path:
        book = openpyxl.Workbook()
        book.active.append(["asset_tag", "serial", "description", "case_code", "position"])
        for row in rows:
            book.active.append(row)
        book.save(tmp_path / name)
        return tmp_path / name

    first = workbook("a.xlsx", ["AT-X-0010", "5CG10", "ThinkPad", "CART-A", 7])
    assert run("import", "assets", str(first), db=db).returncode == 0
    out = run("stock-out", "--holder", "B-1001", "AT-X-0010", db=db)
    assert out.returncode == 0, out.stderr
    grown = workbook(
        "b.xlsx",
        ["AT-X-0010", "5CG10", "ThinkPad", "CART-A", 7],
        ["AT-X-0011", "5CG11", "ThinkPad", "CART-A", 8],
    )
    proc = run("import", "assets", str(grown), "--skip-existing", db=db)
    assert proc.returncode == 0, proc.stderr
    assert "imported 1 asset from" in proc.stdout
    assert "skipped 1 asset identical to existing records" in proc.stdout
    before = dump(db)
    moved = workbook("c.xlsx", ["AT-X-0010", "5CG10", "ThinkPad", "CART-A", 9])
    proc = run("import", "assets", str(moved), "--skip-existing", db=db)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "line 2: asset AT-X-0010 is with Dana Reyes (B-1001), home slot CART-A/7, not CART-A/9"
    )
    assert dump(db) == before


def test_import_skip_existing(db, tmp_path):
    same = write(tmp_path, "h.csv", "name,badge_code\nDana Reyes,B-1001\nAna,B-2001\n")
    refused = run("import", "holders", str(same), db=db)
    assert refused.returncode == 1 and "line 2: badge B-1001 is already used" in refused.stderr
    proc = run("import", "holders", "--skip-existing", str(same), db=db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("batch ") and "imported 1 holder from" in proc.stdout
    assert "skipped 1 holder identical to existing records" in proc.stdout
    again = run("import", "holders", "--skip-existing", str(same), db=db)
    assert again.returncode == 0 and "nothing imported" in again.stdout
    assert "skipped 2 holders" in again.stdout
    before = dump(db)
    differ = write(tmp_path, "d.csv", "name,badge_code\nBen,B-2002\n\nDana R.,B-1001\n")
    proc = run("import", "holders", "--skip-existing", str(differ), db=db)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "line 4: holder B-1001 exists with name 'Dana Reyes', not 'Dana R.'"
    assert dump(db) == before


def test_import_warns_about_shared_serials(db, tmp_path):
    file = write(
        tmp_path,
        "a.csv",
        ASSET_HEADER + "AT-9,SN1,x,,\nAT-10,Q7,y,,\nAT-11,Q7,z,,\n",
    )
    proc = run("import", "assets", str(file), db=db)
    assert proc.returncode == 0
    assert "imported 3 assets" in proc.stdout.splitlines()[0]
    assert proc.stderr.splitlines() == [
        "warning: line 2: serial SN1 is also on AT-SMOKE-0001",
        "warning: line 4: serial Q7 is also on AT-10 (line 3)",
    ]


# -- custody --------------------------------------------------------------------------------------


def test_stock_out_and_stock_in_use_canonical_tags(db):
    out = run(
        "--operator",
        "alice",
        "stock-out",
        "--holder",
        "B-1001",
        "ATSMOKE0001",
        "AT-SMOKE-0002",
        db=db,
    )
    assert out.returncode == 0, out.stderr
    batch = out.stdout.split()[1].rstrip(":")
    assert "stocked out 2 assets to Dana Reyes (B-1001)" in out.stdout
    assert "AT-SMOKE-0001: CART-A/1 → Dana Reyes (B-1001)  (scanned ATSMOKE0001)" in out.stdout
    events = query(
        db,
        "SELECT a.asset_tag, e.event_type, e.operator, e.batch_id FROM events e "
        "JOIN assets a ON a.id = e.asset_id WHERE e.event_type = 'STOCK_OUT' ORDER BY e.id",
    )
    assert events == [
        ("AT-SMOKE-0001", "STOCK_OUT", "alice", batch),
        ("AT-SMOKE-0002", "STOCK_OUT", "alice", batch),
    ]

    shown = run("show", "ATSMOKE0001", db=db)
    assert shown.returncode == 0
    assert (
        "Asset AT-SMOKE-0001" in shown.stdout and "Held by:     Dana Reyes (B-1001)" in shown.stdout
    )
    history = shown.stdout.split("History (oldest first; times are UTC):")[1]
    assert history.index("RECEIVE") < history.index("STOCK_OUT") and "by alice" in history

    back = run("stock-in", "AT-SMOKE-0002", "AT-SMOKE-0001", "--operator", "bob", db=db)
    assert back.returncode == 0, back.stderr
    assert "stocked in 2 assets" in back.stdout
    assert "AT-SMOKE-0001: Dana Reyes (B-1001) → CART-A/1" in back.stdout
    assert query(db, "SELECT DISTINCT operator FROM events WHERE event_type = 'STOCK_IN'") == [
        ("bob",)
    ]
    assert run("verify", db=db).returncode == 0


def test_stock_out_by_exact_name_and_scanner_settings_apply(db, private_dirs):
    settings = private_dirs / "xdg_config_home" / "AssetTrack" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"prefix": "*"}))
    out = run("stock-out", "--holder", "Lee Park", "*AT-SMOKE-0003", "]C0AT-SMOKE-0004", db=db)
    assert out.returncode == 0, out.stderr
    assert query(db, "SELECT count(*) FROM assets WHERE current_holder_id = 2") == [(2,)]


def test_refused_stock_out_names_every_bad_scan_and_changes_nothing(db):
    before = dump(db)
    proc = run(
        "stock-out", "--holder", "B-1001",
        "AT-SMOKE-0001", "AT-SMOKE-0005", "NOPE-1", "at-smoke-0002", "AT-SMOKE-0001",
        db=db,
    )  # fmt: skip
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "AT-SMOKE-0005: not in a slot — put it away before stock-out",
        "NOPE-1: no asset, badge or case NOPE-1",
        "at-smoke-0002: no asset at-smoke-0002; asset AT-SMOKE-0002 exists — is Caps Lock on?",
        "AT-SMOKE-0001: scanned twice (same asset as scan 1)",
    ]
    inactive = run("stock-out", "--holder", "B-0999", "AT-SMOKE-0001", db=db)
    assert inactive.returncode == 1 and "deactivated" in inactive.stderr
    nobody = run("stock-out", "--holder", "Nobody", "AT-SMOKE-0001", db=db)
    assert nobody.returncode == 1 and "no holder with badge or name 'Nobody'" in nobody.stderr
    not_out = run("stock-in", "AT-SMOKE-0001", db=db)
    assert not_out.returncode == 1 and not_out.stderr.startswith("AT-SMOKE-0001: not in custody")
    assert dump(db) == before


def test_slot_and_move(db):
    put = run("slot", "--case", "CART-A", "--position", "5", "AT-SMOKE-0005", db=db)
    assert put.returncode == 0, put.stderr
    assert "AT-SMOKE-0005: storage (no slot) → CART-A/5" in put.stdout
    moved = run("move", "--case", "CART-A", "--position", "10", "ATSMOKE0005", db=db)
    assert moved.returncode == 0 and "AT-SMOKE-0005: CART-A/5 → CART-A/10" in moved.stdout
    before = dump(db)
    taken = run("move", "--case", "CART-A", "--position", "1", "AT-SMOKE-0005", db=db)
    assert taken.returncode == 1 and "slot CART-A/1 is taken by AT-SMOKE-0001" in taken.stderr
    outside = run("slot", "--case", "CART-A", "--position", "11", "AT-SMOKE-0002", db=db)
    assert outside.returncode == 1 and outside.stderr.startswith("AT-SMOKE-0002: ")
    bad = run("slot", "--case", "CART-A", "--position", "two", "AT-SMOKE-0002", db=db)
    assert bad.returncode == 2 and "invalid int value" in bad.stderr
    assert dump(db) == before


def test_holder_and_case_commands(db):
    added = run("holder", "add", "Sam Q", "B-1003", db=db)
    assert added.returncode == 0 and "added holder Sam Q (B-1003)" in added.stdout
    duplicate = run("holder", "add", "Sam Again", "B-1003", db=db)
    assert duplicate.returncode == 1 and duplicate.stderr.startswith("B-1003: badge B-1003")
    renamed = run("holder", "rename", "B-1003", "Sam Quinn", db=db)
    assert renamed.stdout.strip() == "Renamed holder B-1003: Sam Q → Sam Quinn"
    assert (
        run("holder", "deactivate", "Sam Quinn", db=db)
        .stdout.strip()
        .endswith("is now deactivated")
    )
    refused = run("stock-out", "--holder", "B-1003", "AT-SMOKE-0001", db=db)
    assert refused.returncode == 1 and "deactivated" in refused.stderr
    assert (
        run("holder", "reactivate", "B1003", db=db).stdout.strip()
        == "Sam Quinn (B-1003) is now active"
    )
    unknown = run("holder", "rename", "B-7777", "X", db=db)
    assert (
        unknown.returncode == 1
        and unknown.stderr.strip() == "B-7777: no holder with that badge or name"
    )
    listed = run("holder", "list", db=db).stdout.splitlines()
    assert listed == [
        "B-1001  Dana Reyes",
        "B-1002  Lee Park",
        "B-0999  Old Timer  (deactivated)",
        "B-1003  Sam Quinn",
    ]
    case = run("case", "add", "BIN-1", "Small bin", "1", "4", db=db)
    assert case.returncode == 0 and "created case BIN-1 (Small bin), 1 × 4 = 4 slots" in case.stdout
    bad = run("case", "add", "BIN-2", "Bin", "0", "4", db=db)
    assert bad.returncode == 1 and bad.stderr.startswith("BIN-2: rows and cols")
    assert run("case", "list", db=db).stdout.splitlines() == [
        "BIN-1   1 × 4  0/4 used  Small bin",
        "CART-A  2 × 5  4/10 used  Laptop cart A",
    ]
    types = [t for (t,) in query(db, "SELECT event_type FROM events WHERE id > 10 ORDER BY id")]
    assert types == [
        "HOLDER_ADD",
        "HOLDER_RENAME",
        "HOLDER_DEACTIVATE",
        "HOLDER_REACTIVATE",
        "CASE_CREATE",
    ]


def test_show_holder_case_and_unknown(db):
    holder = run("show", "B-1001", db=db)
    assert holder.returncode == 0 and holder.stdout.startswith("Holder Dana Reyes (B-1001)")
    assert "HOLDER_ADD" in holder.stdout
    case = run("show", "CART-A", db=db)
    assert "Occupied: 4 used, 6 free" in case.stdout
    caps = run("show", "at-smoke-0001", db=db)
    assert caps.returncode == 1 and "is Caps Lock on?" in caps.stderr and caps.stdout == ""


# -- verify, backup and failures of the database itself -------------------------------------------------


@pytest.mark.sqlite_only
def test_verify_reports_an_edited_event(db):
    ok = run("verify", db=db)
    assert ok.returncode == 0
    assert ok.stdout.startswith("OK: 10 events, head hash ") and ok.stdout.strip().endswith(
        "5 assets"
    )
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET operator = 'mallory' WHERE id = 3")
    conn.commit()
    conn.close()
    bad = run("verify", db=db)
    assert bad.returncode == 1 and bad.stdout == ""
    assert "event 3: hash does not match its content" in bad.stderr


@pytest.mark.sqlite_only
def test_locked_database_is_a_plain_refusal(db):
    locker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(30)\n",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        before = dump(db)
        started = time.monotonic()
        proc = run("stock-out", "--holder", "B-1001", "AT-SMOKE-0001", db=db)
        assert proc.returncode == 1
        assert "busy" in proc.stderr and "Nothing was changed" in proc.stderr
        assert time.monotonic() - started >= 4.5  # it waited for the busy timeout first
    finally:
        locker.kill()
        locker.communicate()
    assert dump(db) == before


@pytest.mark.sqlite_only
def test_newer_or_damaged_database_is_refused_without_a_traceback(db, tmp_path):
    newer = tmp_path / "newer.db"
    shutil.copy(db, newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    for args in (("verify",), ("init",), ("stock-out", "--holder", "B-1001", "AT-SMOKE-0001")):
        proc = run(*args, db=newer)
        assert proc.returncode == 1 and "written by a newer version of AssetTrack" in proc.stderr
    damaged = tmp_path / "damaged.db"
    data = bytearray(db.read_bytes())
    data[:16] = b"not a database!!"
    damaged.write_bytes(bytes(data))
    proc = run("show", "AT-SMOKE-0001", db=damaged)
    assert proc.returncode == 1 and "damaged" in proc.stderr


WRITER = """
import sys, time
from pathlib import Path
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core import dialect
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.store import Store
from tests.conftest import drop_pg_database, new_pg_database
from tests.core.conftest import TABLES
engine = Engine(Store(sys.argv[1]), operator="writer", settings=Settings())
stop = Path(sys.argv[2])
n = 0
while not stop.exists():
    n += 1
    engine.add_holders([NewHolder(f"Writer {n}", f"W-{n}")])
    if n == 3:
        print("writing", flush=True)
print(n, flush=True)
"""


@pytest.mark.sqlite_only
def test_backup_while_another_process_writes(db, tmp_path):
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(stop)], stdout=subprocess.PIPE, text=True
    )
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchone()  # holds a read snapshot open
        dest = tmp_path / "backups" / "at-backup.db"
        dest.parent.mkdir()
        proc = run("backup", str(dest), db=db)
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert lines[0] == f"Backup written to {dest}"
        count, head = int(lines[1].split(": ")[1]), lines[2].split(": ")[1]
        assert count > 10
    finally:
        reader.close()
        stop.touch()
        written = int(writer.communicate(timeout=30)[0].split()[-1])
    assert writer.returncode == 0 and written > 3
    checked = run("verify", db=dest)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"OK: {count} events, head hash {head}, 5 assets")
    assert run("verify", db=db).returncode == 0
    itself = run("backup", str(db), db=db)
    assert itself.returncode == 2 and "is the database itself" in itself.stderr
    nowhere = run("backup", str(tmp_path / "no" / "such" / "dir.db"), db=db)
    assert nowhere.returncode == 2 and "No folder" in nowhere.stderr


# -- help ---------------------------------------------------------------------------------------------


def test_every_command_has_help(capsys):
    commands = list(cli.iter_commands())
    assert {"init", "import holders", "holder add", "case list", "stock-out", "backup"} <= {
        name for name, _ in commands
    }
    for name, parser in commands:
        assert parser.description, f"{name} has no description"
        with pytest.raises(SystemExit) as done:
            cli.main([*name.split(), "--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: assettrack-admin {name}") and parser.description[:30] in out


def test_console_script_and_module_help():
    top = run("--help")
    assert top.returncode == 0 and "stock-out" in top.stdout and "exit codes" in top.stdout
    nested = run("import", "holders", "--help")
    assert nested.returncode == 0 and "name,badge_code" in nested.stdout
    module = subprocess.run(
        [sys.executable, "-m", "assettrack_gui.cli", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=30,
    )
    assert module.returncode == 0 and "usage: assettrack-admin" in module.stdout
    usage = run("stock-out", "AT-1")
    assert usage.returncode == 2 and "--holder" in usage.stderr
