"""Automatic backups never write over one another: two made in the same second (two imports run
back to back, two restores) each keep their own file, named by ``backups.new_file``, and the
newest ``keep`` are still the ones kept."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assettrack_gui.core import backups
from assettrack_gui.core.backups import SIDECAR_SUFFIX, auto_backup, automatic_backups, new_file
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.model import NewHolder
from assettrack_gui.core.store import Store

SECOND = datetime(2026, 11, 30, 11, 47, 57, tzinfo=UTC)


class _FrozenClock(datetime):
    """``datetime.now`` stuck at one second: every backup below is made "in the same second"."""

    moment = SECOND

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return cls.moment


@pytest.fixture
def same_second(monkeypatch: pytest.MonkeyPatch) -> type[_FrozenClock]:
    _FrozenClock.moment = SECOND
    monkeypatch.setattr(backups, "datetime", _FrozenClock)
    return _FrozenClock


def holders_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT badge_code FROM holders ORDER BY badge_code")]
    finally:
        conn.close()


def test_two_imports_in_the_same_second_keep_two_backups(tmp_path: Path, same_second) -> None:
    with Store(tmp_path / "x.db") as store:
        engine = Engine(store, "test")
        engine.add_holders([NewHolder("Dana Reyes", "B-1001")])
        first = auto_backup(store, "import", keep=14)
        engine.add_holders([NewHolder("Lee Park", "B-1002")])  # the first import
        second = auto_backup(store, "import", keep=14)
        engine.add_holders([NewHolder("Sofie Ng", "B-1003")])  # the second import
    assert first is not None and second is not None
    assert first.path.name == "backup-20261130-114757-import.db"
    assert second.path.name == "backup-20261130-114757-import-2.db"
    assert holders_in(first.path) == ["B-1001"]  # still the state before the FIRST import
    assert holders_in(second.path) == ["B-1001", "B-1002"]
    assert first.head.count == 1 and second.head.count == 2
    for made in (first, second):
        sidecar = made.path.with_name(made.path.name + SIDECAR_SUFFIX)
        assert f"file: {made.path.name}\nevents: {made.head.count}\n" in sidecar.read_text()
    assert automatic_backups(tmp_path / "x.db") == [second.path, first.path]  # newest first


def test_pruning_keeps_the_newest_even_within_one_second(tmp_path: Path, same_second) -> None:
    db = tmp_path / "x.db"
    with Store(db) as store:
        Engine(store, "test").add_holders([NewHolder("Dana Reyes", "B-1001")])
        made = [auto_backup(store, "import", keep=3) for _ in range(11)]
        same_second.moment = SECOND.replace(second=58)
        later = auto_backup(store, "start", keep=3)
    assert later is not None and all(m is not None for m in made)
    names = [p.name for p in automatic_backups(db)]
    assert names == [
        "backup-20261130-114758-start.db",
        "backup-20261130-114757-import-11.db",  # 11 after 10 and 9, though "1" sorts before "9"
        "backup-20261130-114757-import-10.db",
    ]
    left = sorted(p.name for p in backups.backup_dir(db).iterdir())
    assert left == sorted(names + [n + SIDECAR_SUFFIX for n in names])  # sidecars pruned too


def test_a_failed_backup_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path / "x.db") as store:

        def fail(store: Store, dest: Path) -> backups.Backup:
            raise UserError("No backup was made: the disk is full.")

        monkeypatch.setattr(backups, "write_backup", fail)
        with pytest.raises(UserError):
            auto_backup(store, "import", keep=14)
    assert automatic_backups(tmp_path / "x.db") == []
    assert list(backups.backup_dir(tmp_path / "x.db").iterdir()) == []


def test_new_file_never_gives_one_name_twice_even_to_racing_writers(tmp_path: Path) -> None:
    (tmp_path / "before-restore-20261130-114757.dump").write_bytes(b"an older dump")
    names: list[Path] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(20):
            got = new_file(tmp_path, "before-restore-20261130-114757", ".dump")
            with lock:
                names.append(got)

    workers = [threading.Thread(target=take) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(names) == len(set(names)) == 80
    assert (tmp_path / "before-restore-20261130-114757.dump").read_bytes() == b"an older dump"
    assert {p.name for p in names} == {
        f"before-restore-20261130-114757-{n}.dump" for n in range(2, 82)
    }
    assert all(p.stat().st_size == 0 and p.stat().st_mode & 0o077 == 0 for p in names)


def test_two_restores_in_the_same_second_keep_both_replaced_files(
    tmp_path: Path, same_second
) -> None:
    db = tmp_path / "x.db"
    with Store(db) as store:
        engine = Engine(store, "test")
        engine.add_holders([NewHolder("Dana Reyes", "B-1001")])
        store.backup(tmp_path / "good.db")
        engine.add_holders([NewHolder("Lee Park", "B-1002")])
    first = backups.restore(db, tmp_path / "good.db")
    with Store(db) as store:
        Engine(store, "test").add_holders([NewHolder("Sofie Ng", "B-1003")])
    second = backups.restore(db, tmp_path / "good.db")
    assert first.kept_aside.name == "x.db.before-restore-20261130-114757"
    assert second.kept_aside.name == "x.db.before-restore-20261130-114757-2"
    assert holders_in(first.kept_aside) == ["B-1001", "B-1002"]  # not overwritten by the second
    assert holders_in(second.kept_aside) == ["B-1001", "B-1003"]
    assert holders_in(db) == ["B-1001"]
