"""``--csv FILE`` writes *to* FILE: symlinks are followed, FIFOs and devices are streamed into."""

from __future__ import annotations

import os
import stat

import pytest

from assettrack_gui.core import csvout
from assettrack_gui.core.csvout import sidecar_path, write_csv
from assettrack_gui.core.errors import UserError
from tests.fifos import drain

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


def test_a_fifo_is_streamed_into_with_the_head_on_stderr(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = drain(fifo, got)
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
    reader = drain(fifo, got)
    with pytest.raises(UserError, match="No space left on device") as exc:
        write_csv(fifo, HEADER, ROWS, log_head=HEAD)
    reader.join(10)
    assert exc.value.exit_code == 1
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_symlink_to_a_fifo_is_streamed_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    got: list[bytes] = []
    reader = drain(fifo, got)
    assert write_csv(link, HEADER, ROWS, log_head=HEAD) == 2
    reader.join(10)
    assert link.is_symlink() and stat.S_ISFIFO(fifo.stat().st_mode)
    assert got[0].count(b"\r\n") == 3
