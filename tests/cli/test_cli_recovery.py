# ruff: noqa: F811 - the db fixture is imported from test_cli and used as a parameter
"""The way back, from the command line: ``verify --expect``, a rolled-back database refused and
reported, ``restore`` of a backup (the current file kept aside), and ``backup`` of a damaged file
refused. Each command is the real console script, run as a process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.damage import overwrite_root_page

from .test_cli import db, run, template  # noqa: F401 - fixtures

HEAD_LINES = ("events: ", "head_hash: ")


def head_of(output: str) -> tuple[int, str]:
    lines = dict(line.split(": ", 1) for line in output.splitlines() if line.startswith(HEAD_LINES))
    return int(lines["events"]), lines["head_hash"].strip()


def drop_newest_events(db: Path, keep: int) -> None:
    """What a lost ``-wal`` does to a log: the newest events are simply gone (tables too)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE id > ?", (keep,))
    conn.close()


def test_verify_expect_holds_the_log_against_a_head_kept_elsewhere(db: Path, tmp_path: Path) -> None:
    backup = run("backup", str(tmp_path / "b.db"), db=db)
    count, digest = head_of(backup.stdout)
    assert run("stock-out", "AT-SMOKE-0001", "--holder", "B-1001", db=db).returncode == 0
    ok = run("verify", "--expect", f"{count}:{digest}", db=db)
    assert ok.returncode == 0, ok.stderr
    wrong = run("verify", "--expect", f"{count}:{'0' * 64}", db=db)
    assert wrong.returncode == 1
    assert f"expected head: the log does not hold event {count} with hash {'0' * 64}" in wrong.stderr
    bad = run("verify", "--expect", "12:xyz", db=db)
    assert bad.returncode == 2 and "expected COUNT:HASH" in bad.stderr


def test_a_rolled_back_database_refuses_changes_and_verify_says_why(db: Path) -> None:
    for tag in ("AT-SMOKE-0001", "AT-SMOKE-0002"):
        assert run("stock-out", tag, "--holder", "B-1001", db=db).returncode == 0
    (count,) = sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()
    drop_newest_events(db, count - 2)
    refused = run("stock-out", "AT-SMOKE-0003", "--holder", "B-1001", db=db)
    assert refused.returncode == 1
    assert "The database has gone back in time: 2 event(s) are missing: this computer saw" in refused.stderr
    assert "assettrack-admin restore BACKUP" in refused.stderr
    shown = run("show", "AT-SMOKE-0003", db=db)  # reading still works
    assert shown.returncode == 0 and "CART-A/3" in shown.stdout
    report = run("verify", db=db)
    assert report.returncode == 1 and "rolled back: The database has gone back in time" in report.stderr


def test_restore_puts_a_backup_back_keeps_the_current_file_and_says_what_is_lost(
    db: Path, tmp_path: Path
) -> None:
    assert run("stock-out", "AT-SMOKE-0001", "--holder", "B-1001", db=db).returncode == 0
    backup = tmp_path / "good.db"
    saved = head_of(run("backup", str(backup), db=db).stdout)
    assert run("stock-out", "AT-SMOKE-0002", "--holder", "B-1002", db=db).returncode == 0
    before = backup.read_bytes()
    done = run("restore", str(backup), db=db)
    assert done.returncode == 0, done.stderr
    assert "had 1 event that the backup does not" in done.stdout
    assert head_of(done.stdout) == saved
    assert backup.read_bytes() == before  # the backup itself is never changed
    aside = [p for p in db.parent.iterdir() if p.name.startswith("at.db.before-restore-")]
    assert len(aside) == 1 and aside[0].stat().st_mode & 0o077 == 0
    kept = sqlite3.connect(aside[0]).execute("SELECT count(*) FROM events").fetchone()[0]
    assert kept == saved[0] + 1  # the replaced file, with the event the backup lacks
    assert run("verify", db=db).returncode == 0
    again = run("stock-out", "AT-SMOKE-0002", "--holder", "B-1002", db=db)  # work goes on
    assert again.returncode == 0, again.stderr


def test_restore_is_the_way_out_of_a_rollback(db: Path, tmp_path: Path) -> None:
    assert run("stock-out", "AT-SMOKE-0001", "--holder", "B-1001", db=db).returncode == 0
    backup = tmp_path / "after.db"
    assert run("backup", str(backup), db=db).returncode == 0
    drop_newest_events(db, 1)
    assert run("stock-out", "AT-SMOKE-0003", "--holder", "B-1001", db=db).returncode == 1
    assert run("restore", str(backup), db=db).returncode == 0
    assert run("verify", db=db).returncode == 0
    assert run("stock-out", "AT-SMOKE-0003", "--holder", "B-1001", db=db).returncode == 0


def test_restore_refuses_a_file_that_is_not_a_sound_backup(db: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    refused = run("restore", str(junk), db=db)
    assert refused.returncode == 1 and "nothing was restored" in refused.stderr.lower() or (
        refused.returncode == 1 and "damaged" in refused.stderr
    )
    missing = run("restore", str(tmp_path / "none.db"), db=db)
    assert missing.returncode == 2 and "No backup file at" in missing.stderr


def test_backup_of_a_damaged_database_is_refused(db: Path, tmp_path: Path) -> None:
    overwrite_root_page(db, "events")
    refused = run("backup", str(tmp_path / "copy.db"), db=db)
    assert refused.returncode == 1
    assert "damaged" in refused.stderr and "assettrack-admin restore" in refused.stderr
    assert not (tmp_path / "copy.db").exists()
    report = run("verify", db=db)
    assert report.returncode == 1 and "damaged: table events cannot be read" in report.stderr


def test_files_named_on_the_command_line_are_never_replaced_or_written_through_links(
    db: Path, tmp_path: Path
) -> None:
    existing = tmp_path / "custody.csv"
    existing.write_text("keep me\n")
    refused = run("report", "custody", "--csv", str(existing), db=db)
    assert refused.returncode == 2 and "already exists; add --force" in refused.stderr
    assert existing.read_text() == "keep me\n"
    assert run("report", "custody", "--csv", str(existing), "--force", db=db).returncode == 0
    assert existing.read_text("utf-8-sig").startswith("asset_tag,")

    target = tmp_path / "elsewhere.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    through = run("report", "custody", "--csv", str(link), "--force", db=db)
    assert through.returncode == 2 and "is a symbolic link" in through.stderr
    assert not target.exists()

    backup_link = tmp_path / "backup-link.db"
    backup_link.symlink_to(tmp_path / "somewhere.db")
    no_backup = run("backup", str(backup_link), "--force", db=db)
    assert no_backup.returncode == 2 and "is a symbolic link" in no_backup.stderr
    assert not (tmp_path / "somewhere.db").exists()

    old_backup = tmp_path / "old.db"
    old_backup.write_bytes(b"an old backup")
    assert run("backup", str(old_backup), db=db).returncode == 2
    assert run("backup", str(old_backup), "--force", db=db).returncode == 0
    assert run("verify", db=old_backup).returncode == 0


def test_accept_rollback_records_the_loss_and_lets_work_go_on(db: Path) -> None:
    nothing = run("accept-rollback", db=db)
    assert nothing.returncode == 0 and "Nothing to accept" in nothing.stdout
    for tag in ("AT-SMOKE-0001", "AT-SMOKE-0002"):
        assert run("stock-out", tag, "--holder", "B-1001", db=db).returncode == 0
    (count,) = sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()
    drop_newest_events(db, count - 2)
    conn = sqlite3.connect(db, isolation_level=None)  # the tables as the shorter log says
    conn.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END"
    )
    conn.close()
    done = run("accept-rollback", "--operator", "supervisor", db=db)
    assert done.returncode == 0, done.stderr
    assert "Accepted: 2 events are gone for good (the log this computer saw reach event" in done.stdout
    assert "backed up in" in done.stdout
    (event,) = sqlite3.connect(db).execute(
        "SELECT operator, note, details FROM events WHERE event_type = 'ROLLBACK_ACCEPTED'"
    ).fetchall()
    assert event[0] == "supervisor" and event[1] == "2 event(s) lost"
    assert '"missing":2' in event[2]
    assert run("stock-out", "AT-SMOKE-0003", "--holder", "B-1001", db=db).returncode == 0
    report = run("report", "events", "--type", "ROLLBACK_ACCEPTED", db=db)
    assert report.returncode == 0 and "ROLLBACK_ACCEPTED" in report.stdout


def test_verify_show_and_reports_work_on_read_only_media(db: Path, monkeypatch, capsys) -> None:
    """An auditor checks a backup straight off a write-protected USB stick: opening it for
    writing fails there, so the CLI reads it with mode=ro, else immutable=1 (simulated here by
    making the normal open fail as a read-only mount does)."""
    from assettrack_gui import cli
    from assettrack_gui.core.errors import ReadOnlyDatabase
    from assettrack_gui.core.store import Store

    real_init = Store.__init__

    def read_only_mount(self, path, *args, **kwargs):
        if Path(path) == db:
            raise ReadOnlyDatabase(f"The database is read-only ({db}): changes cannot be saved.")
        real_init(self, path, *args, **kwargs)

    monkeypatch.setattr(Store, "__init__", read_only_mount)
    real_open = Store.open_read_only.__func__

    def no_shm_possible(cls, path, *, immutable=False):
        if not immutable:  # mode=ro needs a -shm file it could not create on such media
            raise ReadOnlyDatabase("unable to open database file")
        return real_open(cls, path, immutable=immutable)

    monkeypatch.setattr(Store, "open_read_only", classmethod(no_shm_possible))
    assert cli.main(["--db", str(db), "verify"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")
    assert cli.main(["--db", str(db), "show", "AT-SMOKE-0001"]) == 0
    assert "CART-A/1" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "report", "occupancy"]) == 0
    assert "CART-A" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "stock-out", "AT-SMOKE-0001", "--holder", "B-1001"]) == 1
    assert "read-only" in capsys.readouterr().err


def test_an_immutable_open_reads_a_backup_as_it_is(db: Path) -> None:
    from assettrack_gui.core.store import Store
    from assettrack_gui.core.verify import verify

    with Store.open_read_only(db, immutable=True) as store:
        report = verify(store)
    assert report.ok, report.problems
    assert sorted(p.name for p in db.parent.iterdir()) == ["at.db"]  # no -wal, no -shm made


def test_init_and_writes_on_a_damaged_file_say_so_and_change_nothing(db: Path) -> None:
    overwrite_root_page(db, "events")
    before = db.read_bytes()
    for args in (("init",), ("stock-out", "AT-SMOKE-0001", "--holder", "B-1001")):
        refused = run(*args, db=db)
        assert refused.returncode == 1, refused
        assert "damaged" in refused.stderr and "assettrack-admin restore" in refused.stderr
    # Only the 100-byte file header may differ (opening switched the journal mode to WAL).
    assert db.read_bytes()[100:] == before[100:]


def test_reports_and_show_never_crash_on_a_forged_stored_value(db: Path) -> None:
    """created_at 'yesterday' and an operator with a line break, written past the engine: every
    report still runs, showing the values made visible, and verify names the events."""
    assert run("stock-out", "AT-SMOKE-0001", "--holder", "B-1001", db=db).returncode == 0
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute(
        "UPDATE events SET created_at = 'yesterday', operator = 'bob' || char(10) || "
        "'2026-01-01 STOCK_IN fake' WHERE event_type = 'STOCK_OUT'"
    )
    conn.close()
    for args in (
        ("report", "events"),
        ("report", "custody"),
        ("report", "holder", "B-1001"),
        ("report", "history", "AT-SMOKE-0001"),
        ("show", "AT-SMOKE-0001"),
    ):
        proc = run(*args, db=db)  # run() fails on any traceback
        assert proc.returncode == 0, (args, proc.stderr)
        assert "\nfake" not in proc.stdout and "2026-01-01 STOCK_IN fake" not in proc.stdout.splitlines()
    shown = run("show", "AT-SMOKE-0001", db=db).stdout
    assert "by bob<LF>2026-01-01 STOCK_IN fake" in shown
    report = run("verify", db=db)
    assert report.returncode == 1
    assert "created_at 'yesterday' is not a UTC time" in report.stderr
    assert "operator 'bob<LF>2026-01-01 STOCK_IN fake' contains U+000A" in report.stderr


def test_an_accepted_import_is_preceded_by_a_checked_backup_a_refused_one_is_not(
    db: Path, tmp_path: Path
) -> None:
    from assettrack_gui.core.backups import SIDECAR_SUFFIX, automatic_backups

    bad = tmp_path / "bad.csv"
    bad.write_text("name,badge_code\nDana again,B-1001\n", encoding="utf-8")
    assert run("import", "holders", str(bad), db=db).returncode == 1
    assert automatic_backups(db) == []  # nothing was going to change: no backup
    good = tmp_path / "good.csv"
    good.write_text("name,badge_code\nSam Quinn,B-3001\n", encoding="utf-8")
    done = run("import", "holders", str(good), db=db)
    assert done.returncode == 0, done.stderr
    (made,) = automatic_backups(db)
    assert f"backed up in {made}" in done.stdout
    assert made.with_name(made.name + SIDECAR_SUFFIX).exists()
    holders = sqlite3.connect(made).execute("SELECT count(*) FROM holders").fetchone()[0]
    assert holders == 3  # the database as it was before the import


def test_imports_in_the_same_second_never_overwrite_each_others_backup(
    db: Path, tmp_path: Path
) -> None:
    import re
    from datetime import UTC, datetime, timedelta

    from assettrack_gui.core.backups import backup_dir

    # Backups already named for each of the next seconds: the import must pick a name of its own.
    folder = backup_dir(db)
    folder.mkdir(parents=True)
    start = datetime.now(UTC)
    stamps = [start + timedelta(seconds=s) for s in range(12)]
    taken = [folder / f"backup-{stamp:%Y%m%d-%H%M%S}-import.db" for stamp in stamps]
    for path in taken:
        path.write_bytes(b"an earlier backup")
    holders, more = tmp_path / "sc.csv", tmp_path / "more.csv"
    holders.write_text("name,badge_code\nSam Quinn,B-3001\n", encoding="utf-8")
    more.write_text("name,badge_code\nTess Ode,B-3002\n", encoding="utf-8")
    first = run("import", "holders", str(holders), db=db)
    second = run("import", "holders", str(more), db=db)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    said = [
        Path(re.search(r"backed up in (.+)\)$", done.stdout, re.M)[1])  # type: ignore[index]
        for done in (first, second)
    ]
    assert said[0] != said[1]
    assert re.fullmatch(r"backup-\d{8}-\d{6}-import-\d+\.db", said[0].name)
    assert all(path.read_bytes() == b"an earlier backup" for path in taken)
    counts = [sqlite3.connect(p).execute("SELECT count(*) FROM holders").fetchone()[0] for p in said]
    assert counts == [3, 4]  # each is the database as it was before its own import
