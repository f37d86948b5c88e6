"""``report … --csv FILE`` from the command line into a FIFO, a reader that stops early, and
``/dev/stdout`` under a shell redirection."""

from __future__ import annotations

import os

import pytest

from assettrack_gui.core.model import NewCase
from tests.fifos import drain


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
    reader = drain(fifo, got)
    code = cli.main(["--db", str(db), "report", "events", "--csv", str(fifo)])
    reader.join(10)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == ""
    assert "head_hash:" in err
    assert got[0].count(b"\r\n") == 3002
    # A reader that stops early: a plain message and exit 1, never "Wrote N rows".
    reader = drain(fifo, got, limit=10)
    code = cli.main(["--db", str(db), "report", "events", "--csv", str(fifo)])
    reader.join(10)
    out, err = capsys.readouterr()
    assert code == 1
    assert "Cannot write the CSV to" in err and "Traceback" not in err
    assert "Wrote" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["at.db", "pipe"]


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
