"""``assettrack-admin report …`` run as a process: tables, --csv FILE|-, the log-head sidecar, exit codes.

The stockroom is built once with the engine, event times pinned relative to the real clock (the
CLI counts days held from now): Dana Reyes (B-1001) took AT-0001 and AT-0002 ten days ago from
alice (batch ``out_old``), Lee Park (B-1002) took AT-0003 three days ago from bob (``out_new``);
AT-0002 came back two days ago (``in``, operator bob). AT-0004 stays in CART-A/4.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from assettrack_gui import cli
from assettrack_gui.core import eventlog, reports
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.csvout import sidecar_path
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from tests.conftest import BACKENDS, drop_pg_database, new_pg_database

ADMIN = Path(sys.executable).parent / "assettrack-admin"
if not ADMIN.exists():
    ADMIN = Path(shutil.which("assettrack-admin") or ADMIN)


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(ADMIN), "--db", str(db), *args], capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def stamp(days_ago: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@contextmanager
def at(when: str) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(eventlog, "utc_now", lambda: when)
        yield


@pytest.fixture(scope="module", params=BACKENDS)
def stockroom(request, tmp_path_factory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The known stockroom, in a file and then in a database on the session's PostgreSQL
    server; the reports only read it."""
    server: ServerDatabase | None = None
    if request.param == "postgres":
        server = new_pg_database(request.getfixturevalue("pg_cluster"))
        where: Path | ServerDatabase = server
    else:
        where = tmp_path_factory.mktemp("cli-report") / "at.db"
    store = open_store(where)
    engine = Engine(store, operator="seed", settings=Settings())
    batches: dict[str, str] = {}
    with at(stamp(20)):
        engine.add_holders([NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002")])
        engine.create_cases([NewCase("CART-A", "Laptop cart A", 2, 5)])
        batches["receive"] = engine.commit_register(
            [NewAsset(f"AT-000{n}", f"00{n}", f"ThinkPad {n}", "CART-A", n) for n in range(1, 5)]
        ).batch_id
    engine.operator = "alice"
    with at(stamp(10)):
        batches["out_old"] = engine.commit_stock_out(["AT-0001", "AT-0002"], "B-1001").batch_id
    engine.operator = "bob"
    with at(stamp(3)):
        batches["out_new"] = engine.commit_stock_out(["AT-0003"], "B-1002").batch_id
    with at(stamp(2)):
        batches["in"] = engine.commit_stock_in(["AT-0002"]).batch_id
    store.close()
    yield where, batches
    if server is not None:
        drop_pg_database(request.getfixturevalue("pg_cluster"), server)


@pytest.fixture
def db(stockroom) -> Path:
    return stockroom[0]


@pytest.fixture
def batches(stockroom) -> dict[str, str]:
    return stockroom[1]


def head(db: Path) -> tuple[int, str]:
    with open_store(db, create=False, anchored=False) as store, store.read() as conn:
        found = eventlog.log_head(conn)
    return found.count, found.head_hash


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


# -- custody ------------------------------------------------------------------------------------


def test_custody_prints_an_aligned_table_in_local_time(db):
    proc = run(db, "report", "custody")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == "Custody: who holds what"
    header = next(line for line in lines if line.startswith("asset tag"))
    assert "since" in header and "utc" not in header.lower()
    rows = [line for line in lines if line.startswith("AT-")]
    assert [r.split()[0] for r in rows] == ["AT-0001", "AT-0003"]
    assert "Dana Reyes" in rows[0] and "B-1001" in rows[0] and "OVERDUE" not in rows[0]
    # columns line up: every row has its holder at the same offset as the header
    assert {r.index("B-100") for r in rows} == {header.index("badge code")}
    assert "Z" not in rows[0].split("B-1001")[1]  # since is local time, not the UTC stamp
    assert "2 rows; times are local" in proc.stdout


def test_custody_overdue_uses_days_option_or_the_settings_file(db, private_dirs):
    overdue = run(db, "report", "custody", "--overdue", "--days", "5")
    assert overdue.returncode == 0
    assert "AT-0001" in overdue.stdout and "AT-0003" not in overdue.stdout
    assert "OVERDUE" in overdue.stdout and "held more than 5 days" in overdue.stdout
    # default: 14 days from the shared settings file; nothing held that long
    none = run(db, "report", "custody", "--overdue")
    assert none.returncode == 0
    assert "Nothing is overdue (held more than 14 days)." in none.stdout
    settings = private_dirs / "xdg_config_home" / "AssetTrack" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"overdue_days": 2}), encoding="utf-8")
    both = run(db, "report", "custody", "--overdue")
    assert [line.split()[0] for line in both.stdout.splitlines() if line.startswith("AT-")] == [
        "AT-0001",
        "AT-0003",
    ]
    # AT-0003 left 3 days (and the seconds since the fixture ran) ago: longer than 3, not 4
    assert "AT-0003" in run(db, "report", "custody", "--overdue", "--days", "3").stdout
    assert "AT-0003" not in run(db, "report", "custody", "--overdue", "--days", "4").stdout


def test_custody_filtered_by_holder(db):
    proc = run(db, "report", "custody", "--holder", "B-1002")
    assert proc.returncode == 0
    assert "Custody: Lee Park (B-1002)" in proc.stdout
    assert "AT-0003" in proc.stdout and "AT-0001" not in proc.stdout


def test_custody_with_nobody_holding_anything(tmp_path):
    path = tmp_path / "empty.db"
    assert run(path, "init").returncode == 0
    proc = run(path, "report", "custody")
    assert proc.returncode == 0
    assert "Nobody holds anything: every asset is in storage." in proc.stdout
    csv_out = run(path, "report", "custody", "--csv", "-")
    assert csv_out.returncode == 0
    assert read_csv(csv_out.stdout) == [reports.CUSTODY_HEADER]
    assert "Nobody holds anything" in csv_out.stderr and "events: 0" in csv_out.stderr


# -- CSV export and the log head -----------------------------------------------------------------


def test_csv_file_with_log_head_sidecar(db, tmp_path):
    dest = tmp_path / "custody.csv"
    proc = run(db, "report", "custody", "--csv", str(dest))
    assert proc.returncode == 0, proc.stderr
    assert f"Wrote 2 rows to {dest}" in proc.stdout
    assert f"Event-log head recorded in {dest}.loghead.txt" in proc.stdout
    raw = dest.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = read_csv(raw.decode("utf-8"))
    assert table[0] == reports.CUSTODY_HEADER
    assert [row[0] for row in table[1:]] == ["AT-0001", "AT-0003"]
    assert table[1][1] == "001"  # serials as stored, leading zeros kept
    assert table[1][reports.CUSTODY_HEADER.index("days_held")] == "10"
    count, head_hash = head(db)
    side = sidecar_path(dest)
    assert side.name == "custody.csv.loghead.txt"
    text = side.read_text(encoding="utf-8")
    assert f"events: {count}\nhead_hash: {head_hash}\n" in text
    assert "rows: 2\n" in text and "file: custody.csv\n" in text
    assert head_hash not in raw.decode("utf-8")  # never inside the CSV


def test_csv_to_stdout_puts_the_log_head_on_stderr(db):
    proc = run(db, "report", "events", "--csv", "-")
    assert proc.returncode == 0
    table = read_csv(proc.stdout)
    assert table[0] == reports.EVENTS_HEADER
    count, head_hash = head(db)
    assert len(table) == count + 1
    assert f"events: {count}\nhead_hash: {head_hash}\n" in proc.stderr
    assert "file: -" in proc.stderr and head_hash not in proc.stdout


def test_csv_into_a_missing_folder_is_a_usage_error(db, tmp_path):
    proc = run(db, "report", "custody", "--csv", str(tmp_path / "nope" / "x.csv"))
    assert proc.returncode == 2 and "No folder" in proc.stderr
    proc = run(db, "report", "custody", "--csv", str(tmp_path))
    assert proc.returncode == 2 and "is a folder" in proc.stderr


@pytest.fixture
def odd_copy(db, tmp_path, request) -> Iterator[Path | ServerDatabase]:
    """A copy of the stockroom whose holder B-1001 was renamed by hand to '=evil<LF>name'."""
    if isinstance(db, ServerDatabase):
        cluster = request.getfixturevalue("pg_cluster")
        copy = new_pg_database(cluster, template=db.name)
        with psycopg.connect(copy.uri, autocommit=True) as conn:
            conn.execute(
                "UPDATE holders SET name = %s WHERE badge_code = 'B-1001'", ("=evil\nname",)
            )
        yield copy
        drop_pg_database(cluster, copy)
        return
    path = tmp_path / "odd.db"
    shutil.copy(db, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE holders SET name = ? WHERE badge_code = 'B-1001'", ("=evil\nname",))
    conn.commit()
    conn.close()
    yield path


def test_table_cells_show_control_characters_and_csv_neutralises_them(odd_copy):
    table = run(odd_copy, "report", "holder", "B-1001")
    assert table.returncode == 0
    assert "=evil<LF>name" in table.stdout
    exported = run(odd_copy, "report", "holder", "B-1001", "--csv", "-")
    assert read_csv(exported.stdout)[1][3] == "'=evil\nname"


# -- holder, history, occupancy ----------------------------------------------------------------


def test_holder_report(db):
    proc = run(db, "report", "holder", "Dana Reyes")
    assert proc.returncode == 0
    assert "Held by Dana Reyes (B-1001)" in proc.stdout and "AT-0001" in proc.stdout
    assert "AT-0002" not in proc.stdout  # returned
    lee = run(db, "report", "holder", "B-1002", "--csv", "-")
    assert [row[0] for row in read_csv(lee.stdout)[1:]] == ["AT-0003"]


def test_history_oldest_first(db, batches):
    proc = run(db, "report", "history", "AT0002")
    assert proc.returncode == 0
    kinds = [
        word
        for line in proc.stdout.splitlines()
        for word in line.split()
        if word in ("RECEIVE", "STOCK_OUT", "STOCK_IN")
    ]
    assert kinds == ["RECEIVE", "STOCK_OUT", "STOCK_IN"]
    exported = read_csv(run(db, "report", "history", "AT-0002", "--csv", "-").stdout)
    assert [row[9] for row in exported[1:]] == [
        batches["receive"],
        batches["out_old"],
        batches["in"],
    ]


def test_occupancy(db):
    proc = run(db, "report", "occupancy", "--case", "CART-A")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    summary = next(line for line in lines if line.startswith("CART-A  "))
    assert summary.split()[-3:] == ["10", "2", "8"]  # slots, used, free
    assert any(line.split()[:3] == ["CART-A", "2", "AT-0002"] for line in lines)
    table = read_csv(run(db, "report", "occupancy", "--csv", "-").stdout)
    assert table[0] == reports.OCCUPANCY_HEADER and len(table) == 11
    assert table[1][:5] == ["CART-A", "Laptop cart A", "10", "2", "8"]


# -- events ----------------------------------------------------------------------------------------


def event_rows(db: Path, *args: str) -> list[list[str]]:
    proc = run(db, "report", "events", *args, "--csv", "-")
    assert proc.returncode == 0, proc.stderr
    return read_csv(proc.stdout)[1:]


def test_events_filters(db, batches):
    kind = reports.EVENTS_HEADER.index("event_type")
    tag = reports.EVENTS_HEADER.index("asset_tag")
    outs = event_rows(db, "--type", "stock-out")
    assert [(r[kind], r[tag]) for r in outs] == [
        ("STOCK_OUT", "AT-0001"),
        ("STOCK_OUT", "AT-0002"),
        ("STOCK_OUT", "AT-0003"),
    ]
    assert [r[tag] for r in event_rows(db, "--operator", "bob")] == ["AT-0003", "AT-0002"]
    assert [r[tag] for r in event_rows(db, "--holder", "B-1002")] == ["", "AT-0003"]
    assert [r[tag] for r in event_rows(db, "--batch", batches["out_old"])] == ["AT-0001", "AT-0002"]
    today = datetime.now().astimezone().date()
    recent = event_rows(db, "--since", (today - timedelta(days=5)).isoformat())
    assert [r[kind] for r in recent] == ["STOCK_OUT", "STOCK_IN"]
    old = event_rows(db, "--until", (today - timedelta(days=15)).isoformat())
    assert {r[kind] for r in old} == {"HOLDER_ADD", "CASE_CREATE", "RECEIVE"}
    table = run(db, "report", "events", "--type", "STOCK_IN")
    assert table.returncode == 0 and "STOCK_IN" in table.stdout and "1 row;" in table.stdout
    nothing = run(db, "report", "events", "--operator", "nobody")
    assert nothing.returncode == 0 and "No events match." in nothing.stdout


def test_global_operator_before_the_command_does_not_filter_events(db):
    proc = run(db, "--operator", "bob", "report", "events", "--csv", "-")
    assert len(read_csv(proc.stdout)) - 1 == head(db)[0]


# -- receipts ------------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert out.returncode == 0
    return out.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.parametrize(
    ("batch", "title", "holder", "badge", "tags"),
    [
        ("out_old", "Hand-over receipt", "Dana Reyes", "B-1001", ["AT-0001", "AT-0002"]),
        ("in", "Return receipt", "Dana Reyes", "B-1001", ["AT-0002"]),
        ("out_new", "Hand-over receipt", "Lee Park", "B-1002", ["AT-0003"]),
    ],
)
def test_receipt_pdf(db, batches, tmp_path, batch, title, holder, badge, tags):
    dest = tmp_path / "receipt.pdf"
    proc = run(db, "report", "receipt", batches[batch], "--pdf", str(dest))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{title} for batch {batches[batch]}: {len(tags)} asset")
    text = pdf_text(dest)
    for needle in (title, holder, badge, batches[batch], *tags):
        assert needle in text, needle
    count, head_hash = head(db)
    assert f"{count} events" in text


# -- exit codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["custody", "--holder", "NOPE"], "NOPE: no holder"),
        (["holder", "NOPE"], "NOPE: no holder"),
        (["history", "NOPE-1"], "NOPE-1: no asset, badge or case"),
        (["history", "B-1001"], "badge of Dana Reyes"),
        (["occupancy", "--case", "NOPE"], "NOPE: no such case"),
        (["events", "--holder", "NOPE"], "NOPE: no holder"),
        (["events", "--batch", "20990101-000000-abcdef"], "no batch with that id"),
        (["receipt", "20990101-000000-abcdef", "--pdf", "{tmp}/r.pdf"], "no batch with that id"),
    ],
)
def test_unknown_things_exit_1(db, tmp_path, args, message):
    proc = run(db, "report", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert proc.returncode == 1
    assert message in proc.stderr and proc.stdout == ""


def test_receipt_of_a_batch_that_is_not_stock_out_or_in_exits_1(db, batches, tmp_path):
    proc = run(db, "report", "receipt", batches["receive"], "--pdf", str(tmp_path / "r.pdf"))
    assert proc.returncode == 1 and "this batch is RECEIVE" in proc.stderr
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--since", "2026-13-01"], "cannot read the date '2026-13-01'"),
        (["events", "--until", "last week"], "cannot read the date"),
        (["events", "--since", "2026-11-12", "--until", "2026-11-11"], "is not before"),
        (["events", "--type", "LOAN"], "unknown event type 'LOAN'"),
        (["custody", "--days", "-1"], "days must be 0..36500 (got -1)"),
        (["custody", "--overdue", "--days", "1000000000"], "days must be 0..36500"),
        (["holder", "B-1001", "--days", "99999999999"], "days must be 0..36500"),
        (["events", "--since", ""], "argument --since: the value is empty"),
        (["events", "--batch", ""], "argument --batch: the value is empty"),
        (["events", "--type", ""], "argument --type: the value is empty"),
        (["events", "--holder", ""], "argument --holder: the value is empty"),
        (["events", "--until", ""], "argument --until: the value is empty"),
        (["occupancy", "--case", ""], "argument --case: the value is empty"),
        (["custody", "--days", "soon"], "not a whole number of days"),
        (["custody", "--bogus"], "unrecognized arguments: --bogus"),
        (["receipt", "X"], "--pdf"),
        (["receipt", "X", "--pdf", "/no/such/folder/r.pdf"], "No folder /no/such/folder"),
        (["holder"], "the following arguments are required"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_dates_and_options_exit_2(db, args, message):
    proc = run(db, "report", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and proc.stdout == ""


def test_report_needs_an_existing_database(tmp_path):
    proc = run(tmp_path / "missing.db", "report", "custody")
    assert proc.returncode == 2 and "run assettrack-admin init" in proc.stderr


def test_cli_main_in_process(db, capsys):
    assert cli.main(["--db", str(db), "report", "custody", "--holder", "B-1001"]) == 0
    out = capsys.readouterr().out
    assert "AT-0001" in out and "AT-0003" not in out
    assert cli.main(["--db", str(db), "report", "holder", "NOPE"]) == 1
    assert "NOPE: no holder" in capsys.readouterr().err


def test_help_lists_every_event_type():
    listed = [t.strip() for t in cli.REPORT_EVENT_TYPES.split(",")]
    assert listed == list(reports.EVENT_TYPES)
    names = [name for name, _ in cli.iter_commands()]
    for command in ("custody", "holder", "history", "occupancy", "events", "receipt"):
        assert f"report {command}" in names


def test_readme_names_the_sidecar_file():
    from assettrack_gui.core.csvout import SIDECAR_SUFFIX

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    admin = readme[readme.index("## Admin command line") :]
    assert f"`FILE{SIDECAR_SUFFIX}`" in admin
    assert f"custody.csv{SIDECAR_SUFFIX}" in admin
