"""``assettrack-admin audit --case CODE FILE``: the contract — the CSV's columns and statuses,
exit codes 0 / 1 / 2, ``--dry-run`` records nothing, ``-`` reads stdin.

The stockroom (built once with the engine): CART-A (2 × 5) holds AT-SMOKE-0001…0004 in slots
1…4; SHELF-B (1 × 3) holds ZX9000 in slot 1; AT-SMOKE-0005 waits without a slot; Dana Reyes
(B-1001) holds AT-SMOKE-0006 (it left CART-A/5).
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
from pathlib import Path

import psycopg
import pytest

from assettrack_gui import cli
from assettrack_gui.core import pg_store
from assettrack_gui.core import store as store_module
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.csvout import sidecar_path
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from tests.conftest import drop_pg_database, new_pg_database

from .test_cli import dump, query

ADMIN = Path(sys.executable).parent / "assettrack-admin"
if not ADMIN.exists():
    ADMIN = Path(shutil.which("assettrack-admin") or ADMIN)

HEADER = ["asset_tag", "status", "expected_slot", "found_slot", "detail"]
STATUSES = {"ok", "wrong-slot", "missing", "unexpected", "unknown", "duplicate"}
EVERYTHING = [
    "AT-SMOKE-0001",  # ok (slot 1)
    "CART-A/3",
    "AT-SMOKE-0004",  # wrong-slot: expected 4, found 3
    "ATSMOKE0003",  # wrong-slot, dash-stripped: expected 3, found 4 (after the last slot)
    "AT-SMOKE-0006",  # unexpected: in custody of Dana Reyes
    "ZX9000",  # unexpected: SHELF-B/1
    "AT-SMOKE-0005",  # unexpected: no slot
    "at-smoke-0002",  # unknown: Caps Lock
    "NOPE-1",  # unknown
    "AT-SMOKE-0001",  # duplicate
    "",  # blank: ignored
]  # AT-SMOKE-0002: missing


pytestmark = pytest.mark.both_backends  # the tests that take ``db`` run on both


def seed(store: Store) -> None:
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders([NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002")])
    engine.create_cases(
        [NewCase("CART-A", "Laptop cart A", 2, 5), NewCase("SHELF-B", "Scanner shelf B", 1, 3)]
    )
    engine.commit_register(
        [NewAsset(f"AT-SMOKE-000{n}", f"SN{n}", "ThinkPad", "CART-A", n) for n in range(1, 5)]
        + [
            NewAsset("AT-SMOKE-0005", "SN5", "Dell spare"),
            NewAsset("ZX9000", "ZX", "Zebra scanner", "SHELF-B", 1),
            NewAsset("AT-SMOKE-0006", "SN6", "ThinkPad", "CART-A", 5),
        ]
    )
    engine.commit_stock_out(["AT-SMOKE-0006"], "B-1001")


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
    """The stockroom as a PostgreSQL database, copied for each test (CREATE DATABASE … TEMPLATE)."""
    cluster = request.getfixturevalue("pg_cluster")
    db = new_pg_database(cluster)
    with open_store(db) as store:
        seed(store)
    yield db.name
    drop_pg_database(cluster, db)


@pytest.fixture
def db(template: Path, tmp_path: Path, backend: str, request) -> Iterator[Path | ServerDatabase]:
    if backend == "postgres":
        cluster = request.getfixturevalue("pg_cluster")
        server = new_pg_database(cluster, template=request.getfixturevalue("pg_template"))
        yield server
        drop_pg_database(cluster, server)
        return
    path = tmp_path / "at.db"
    shutil.copy(template, path)
    yield path


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    path = tmp_path / "scans.txt"
    path.write_text("\n".join(EVERYTHING) + "\n", encoding="utf-8")
    return path


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(ADMIN), "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def audit_events(db: Path) -> list[tuple[str, str, str]]:
    return query(
        db, "SELECT operator, note, details FROM events WHERE event_type = 'AUDIT' ORDER BY id"
    )


def test_audit_prints_records_and_writes_the_csv(db: Path, scans: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    proc = run(db, "--operator", "auditor", "audit", "--case", "CART-A", str(scans), "--csv", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "Audit of CART-A — Laptop cart A: 10 scans" in proc.stdout
    assert (
        "CART-A: 1 ok, 2 wrong-slot, 1 missing, 3 unexpected, 2 unknown, 1 duplicate"
        in proc.stdout
    )
    assert "recorded the audit of CART-A (AUDIT event)" in proc.stdout
    table = read_csv(out.read_text(encoding="utf-8-sig"))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel-safe: a BOM
    assert table[0] == HEADER
    rows = {(r[0], r[1]): r for r in table[1:]}
    assert {r[1] for r in table[1:]} == STATUSES
    assert rows["AT-SMOKE-0001", "ok"] == ["AT-SMOKE-0001", "ok", "CART-A/1", "CART-A/1", ""]
    assert rows["AT-SMOKE-0004", "wrong-slot"][2:4] == ["CART-A/4", "CART-A/3"]
    assert rows["AT-SMOKE-0003", "wrong-slot"][4].endswith("scanned as ATSMOKE0003")
    assert rows["AT-SMOKE-0006", "unexpected"][4] == "in custody of Dana Reyes (B-1001)"
    assert rows["ZX9000", "unexpected"][2] == "SHELF-B/1"
    assert "is Caps Lock on?" in rows["at-smoke-0002", "unknown"][4]
    assert rows["AT-SMOKE-0002", "missing"] == [
        "AT-SMOKE-0002", "missing", "CART-A/2", "", "not scanned"
    ]  # fmt: skip
    assert rows["AT-SMOKE-0001", "duplicate"][4].startswith("scanned twice")
    assert len(table) == 1 + 10
    head = sidecar_path(out).read_text(encoding="utf-8")
    assert "rows: 10" in head and "head_hash: " in head
    events = audit_events(db)
    assert len(events) == 1
    operator, note, details = events[0]
    assert (operator, note) == ("auditor", "")
    data = json.loads(details)
    assert data["counts"]["unexpected"] == 3 and len(data["findings"]) == 10
    ((count,),) = query(db, "SELECT count(*) FROM events")
    assert f"events: {count}\n" in head  # the head includes the AUDIT event


def test_dry_run_records_nothing(db: Path, scans: Path) -> None:
    before = dump(db)
    proc = run(db, "audit", "--case", "CART-A", str(scans), "--dry-run")
    assert proc.returncode == 0
    assert "--dry-run: nothing recorded" in proc.stdout
    assert "wrong-slot" in proc.stdout
    assert dump(db) == before


def test_stdin_and_csv_to_stdout(db: Path) -> None:
    proc = run(
        db, "audit", "--case", "CARTA", "-", "--csv", "-", stdin="CART-A/2\r\nAT-SMOKE-0002\r\n"
    )
    assert proc.returncode == 0
    table = read_csv(proc.stdout)
    assert table[0] == HEADER
    assert table[1] == ["AT-SMOKE-0002", "ok", "CART-A/2", "CART-A/2", ""]
    assert [r[1] for r in table[2:]] == ["missing", "missing", "missing"]
    # Everything for people went to stderr, with the log head.
    assert "CART-A: 1 ok, 0 wrong-slot, 3 missing" in proc.stderr
    assert "head_hash: " in proc.stderr and len(audit_events(db)) == 1


def test_scans_outside_the_audit_are_named_by_line(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "scans.txt"
    path.write_text("SHELF-B\nAT-SMOKE-0001\nSHELF-B/1\nCART-A/99\n", encoding="utf-8")
    proc = run(db, "audit", "--case", "CART-A", str(path), "--dry-run")
    assert proc.returncode == 0
    # Another case's code is not part of the audit: said on stderr. Bad slot labels are
    # findings (below), not warnings.
    assert proc.stderr.splitlines() == [
        "line 1: case SHELF-B is not the case being audited (CART-A): not recorded",
    ]
    assert "SHELF-B/1 is a slot of case SHELF-B, not of CART-A." in proc.stdout
    assert "CART-A/99: case CART-A has positions 1–10, not '99'." in proc.stdout


BAD_LABELS = [
    "CARTA/2",  # a good label (dashless)
    "AT-SMOKE-0002",  # ok
    "cart-a/4",  # unknown: Caps Lock
    "AT-SMOKE-0004",  # ok, by scan order
    "CART-A/99",  # unknown: outside the case
    "AT-SMOKE-0001",  # wrong-slot, by scan order (not pinned by the bad label)
    "CART-A/5",
]
NOT_PINNED = "Not used as a slot label: the next scan is placed by scan order."


def test_bad_slot_labels_are_kept_as_unknown_findings(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "sl.txt"
    path.write_text("\n".join(BAD_LABELS) + "\n", encoding="utf-8")
    out = tmp_path / "sl.csv"
    proc = run(db, "audit", "--case", "CART-A", str(path), "--csv", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # nothing only on stderr: every scan is in the findings
    assert "Audit of CART-A — Laptop cart A: 7 scans" in proc.stdout
    assert "CART-A: 2 ok, 1 wrong-slot, 1 missing, 0 unexpected, 2 unknown, 0 duplicate" in (
        proc.stdout
    )
    caps = f"no slot cart-a/4; case CART-A exists — is Caps Lock on? {NOT_PINNED}"
    outside = f"CART-A/99: case CART-A has positions 1–10, not '99'. {NOT_PINNED}"
    rows = read_csv(out.read_text(encoding="utf-8-sig"))[1:]
    assert ["cart-a/4", "unknown", "", "CART-A", caps] in rows
    assert ["CART-A/99", "unknown", "", "CART-A", outside] in rows
    wrong = next(r for r in rows if r[0] == "AT-SMOKE-0001")
    assert wrong[1:] == [
        "wrong-slot", "CART-A/1", "CART-A/5", "expected in CART-A/1, found in CART-A/5 (slot by "
        "scan order)"
    ]  # fmt: skip
    ((details,),) = query(db, "SELECT details FROM events WHERE event_type = 'AUDIT'")
    data = json.loads(details)
    assert data["scans"] == 7 and data["counts"]["unknown"] == 2
    # The printed findings and `report audit` show them, with the reason whole.
    for shown in (proc.stdout, run(db, "report", "audit", "--case", "CART-A").stdout):
        text = " ".join(shown.split())
        assert "cart-a/4 unknown CART-A" in text and caps in text
        assert "CART-A/99 unknown CART-A" in text and outside in text


def test_a_file_with_no_scans_is_refused_and_records_nothing(db: Path, tmp_path: Path) -> None:
    """An empty or failed scanner export must not become an audit saying all is missing."""
    before = dump(db)
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \r\n\n", encoding="utf-8")
    out = tmp_path / "never.csv"
    for args, stdin in (
        ([str(empty)], None),
        ([str(blank), "--csv", str(out)], None),
        (["-"], "\n\n"),
        ([str(empty), "--dry-run"], None),
    ):
        proc = run(db, "audit", "--case", "SHELF-B", *args, stdin=stdin)
        assert proc.returncode == 2, proc
        assert "the audit of SHELF-B has no scans: nothing recorded" in proc.stderr
        assert proc.stdout == ""
    assert not out.exists()
    assert dump(db) == before


def test_the_printed_table_keeps_every_detail_whole_within_80_columns(
    db: Path, scans: Path
) -> None:
    proc = run(db, "audit", "--case", "CART-A", str(scans), "--dry-run")
    assert proc.returncode == 0
    assert "…" not in proc.stdout
    assert all(len(line) <= 80 for line in proc.stdout.splitlines()), proc.stdout
    text = " ".join(proc.stdout.split())
    assert "no asset at-smoke-0002; asset AT-SMOKE-0002 exists — is Caps Lock on?" in text
    assert "expected in CART-A/3, found in CART-A/4 (slot by scan order); scanned as " in text
    assert "AT-SMOKE-0002 missing CART-A/2 not scanned" in text  # short: on its own line


def test_usage_errors_exit_2_and_record_nothing(db: Path, scans: Path, tmp_path: Path) -> None:
    before = dump(db)
    proc = run(db, "audit", "--case", "NOPE", str(scans))
    assert proc.returncode == 2 and "no case 'NOPE'" in proc.stderr
    proc = run(db, "audit", "--case", "CART-A", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2 and "Cannot read" in proc.stderr
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"AT-\xe9\n")
    proc = run(db, "audit", "--case", "CART-A", str(bad))
    assert proc.returncode == 2 and "not UTF-8 text" in proc.stderr
    existing = tmp_path / "exists.csv"
    existing.write_text("keep", encoding="utf-8")
    proc = run(db, "audit", "--case", "CART-A", str(scans), "--csv", str(existing))
    assert proc.returncode == 2 and "already exists; add --force" in proc.stderr
    assert existing.read_text(encoding="utf-8") == "keep"
    proc = run(db, "audit", str(scans))
    assert proc.returncode == 2 and "--case" in proc.stderr
    assert dump(db) == before
    proc = run(db, "audit", "--case", "CART-A", str(scans), "--csv", str(existing), "--force")
    assert proc.returncode == 0 and read_csv(existing.read_text(encoding="utf-8"))[0] == HEADER


def test_a_busy_database_refuses_with_exit_1(
    db: Path | ServerDatabase, scans: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(pg_store, "LOCK_TIMEOUT_MS", 200)
    before = dump(db)
    if isinstance(db, ServerDatabase):  # another station in the middle of its commit
        locker = psycopg.connect(db.uri, autocommit=True)
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
    else:
        locker = sqlite3.connect(db, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
    try:
        code = cli.main(["--db", str(db), "audit", "--case", "CART-A", str(scans)])
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    out, err = capsys.readouterr()
    assert code == 1
    assert "busy" in err.lower()
    assert "wrong-slot" in out  # the findings were shown before the record was refused
    assert dump(db) == before


def test_help_states_the_contract() -> None:
    proc = subprocess.run([str(ADMIN), "audit", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for words in ("--case CODE", "--dry-run", "--csv OUT", "ok, wrong-slot, missing", "stdin"):
        assert words in " ".join(proc.stdout.split()), words


# -- report audits / report audit / occupancy --------------------------------------------------------


def test_report_audits_and_one_audit_with_its_pdf(db: Path, scans: Path, tmp_path: Path) -> None:
    assert run(db, "report", "audits").stdout.strip().endswith("No audit recorded yet.")
    assert run(db, "audit", "--case", "CART-A", str(scans)).returncode == 0
    listing = run(db, "report", "audits", "--csv", "-")
    table = read_csv(listing.stdout)
    assert table[0] == [
        "batch_id", "created_at_utc", "created_at_local", "case_code", "operator", "scans",
        "ok", "wrong_slot", "missing", "unexpected", "unknown", "duplicate",
    ]  # fmt: skip
    batch = table[1][0]
    assert table[1][3:] == ["CART-A", table[1][4], "10", "1", "2", "1", "3", "2", "1"]
    shown = run(db, "report", "audit", batch)
    assert shown.returncode == 0 and f"(batch {batch})" in shown.stdout
    assert "in custody of Dana Reyes (B-1001)" in shown.stdout
    latest = read_csv(run(db, "report", "audit", "--case", "CART-A", "--csv", "-").stdout)
    assert latest[0] == HEADER and len(latest) == 11
    pdf = tmp_path / "sheet.pdf"
    proc = run(db, "report", "audit", "--case", "CART-A", "--pdf", str(pdf))
    assert proc.returncode == 0 and "10 findings, written to" in proc.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    again = run(db, "report", "audit", "--case", "CART-A", "--pdf", str(pdf))
    assert again.returncode == 2 and "--force" in again.stderr
    assert run(db, "report", "audit").returncode == 2
    assert run(db, "report", "audit", batch, "--case", "CART-A").returncode == 2
    missing = run(db, "report", "audit", "--case", "SHELF-B")
    assert missing.returncode == 1 and "has not been audited yet" in missing.stderr
    occupancy = run(db, "report", "occupancy", "--case", "CART-A")
    assert "last audit" in occupancy.stdout
    assert table[1][2] in occupancy.stdout  # the audit's local time
    occ = read_csv(run(db, "report", "occupancy", "--csv", "-").stdout)
    assert occ[0][-1] == "last_audit" and occ[1][-1] == table[1][2]
