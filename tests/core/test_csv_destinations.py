"""``--csv FILE`` writes *to* FILE: symlinks are followed, FIFOs and devices are streamed into."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from assettrack_gui.core import csvout
from assettrack_gui.core.csvout import sidecar_path, write_csv
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.model import NewCase

HEAD = (3, "ab" * 32)
HEADER = ["asset_tag", "holder"]
ROWS = [["AT-1", "Dana"], ["AT-2", "Lee"]]


def test_export_files_are_not_executable(tmp_path):
    old = os.umask(0o022)
    try:
        write_csv(tmp_path / "out.csv", HEADER, ROWS, log_head=HEAD)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE(sidecar_path(tmp_path / "out.csv").stat().st_mode) == 0o644


def test_a_symlink_destination_writes_to_its_target(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert write_csv(link, HEADER, ROWS, log_head=HEAD) == 2
    assert link.is_symlink()
    assert target.read_bytes().startswith(b"\xef\xbb\xbfasset_tag,holder")
    assert sidecar_path(target).exists()


def _drain(fifo: Path, got: list[bytes], limit: int | None = None) -> threading.Thread:
    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read(limit) if limit else fh.read())

    thread = threading.Thread(target=read)
    thread.start()
    return thread


def test_a_fifo_is_streamed_into_with_the_head_on_stderr(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    assert write_csv(fifo, HEADER, ROWS, log_head=HEAD) == 2
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got[0].startswith(b"\xef\xbb\xbfasset_tag,holder\r\nAT-1,Dana")
    assert "events: 3" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_write_error_on_a_stream_is_a_plain_user_error(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def full(self, data):  # what /dev/full does
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csvout._HashingSink, "write", full)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    with pytest.raises(UserError, match="No space left on device") as exc:
        write_csv(fifo, HEADER, ROWS, log_head=HEAD)
    reader.join(10)
    assert exc.value.exit_code == 1
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_cli_csv_into_a_fifo_and_a_closed_reader(tmp_path, capsys):
    from assettrack_gui import cli
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.core.model import NewAsset
    from assettrack_gui.core.settings import Settings
    from assettrack_gui.core.store import Store

    db = tmp_path / "at.db"
    store = Store(db)
    engine = Engine(store, operator="seed", settings=Settings())
    engine.create_cases([NewCase("C", "Case", 1, 1)])
    engine.commit_register([NewAsset(f"AT-{n}", "", "", "", "") for n in range(3000)])
    store.close()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    code = cli.main(["--db", str(db), "report", "events", "--csv", str(fifo)])
    reader.join(10)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == ""
    assert "head_hash:" in err
    assert got[0].count(b"\r\n") == 3002
    # A reader that stops early: a plain message and exit 1, never "Wrote N rows".
    reader = _drain(fifo, got, limit=10)
    code = cli.main(["--db", str(db), "report", "events", "--csv", str(fifo)])
    reader.join(10)
    out, err = capsys.readouterr()
    assert code == 1
    assert "Cannot write the CSV to" in err and "Traceback" not in err
    assert "Wrote" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["at.db", "pipe"]


def test_a_symlink_to_a_fifo_is_streamed_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    assert write_csv(link, HEADER, ROWS, log_head=HEAD) == 2
    reader.join(10)
    assert link.is_symlink() and stat.S_ISFIFO(fifo.stat().st_mode)
    assert got[0].count(b"\r\n") == 3


@pytest.mark.parametrize("redirect", ["pipe", "file"])
def test_csv_dev_stdout_writes_into_the_shell_redirection(tmp_path, redirect):
    import subprocess
    import sys

    db = tmp_path / "at.db"
    subprocess.run(
        [sys.executable, "-m", "assettrack_gui.cli", "--db", str(db), "init"], check=True,
        capture_output=True,
    )  # fmt: skip
    out = tmp_path / "out.txt"
    with open(out, "wb") as fh:
        proc = subprocess.run(
            [sys.executable, "-m", "assettrack_gui.cli", "--db", str(db), "report", "occupancy",
             "--csv", "/dev/stdout"],
            stdout=subprocess.PIPE if redirect == "pipe" else fh, stderr=subprocess.PIPE,
            timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = proc.stdout if redirect == "pipe" else out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfcase_code,")
    assert b"head_hash:" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["at.db", "out.txt"]
