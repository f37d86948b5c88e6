"""Helper processes for the crash-safety and contention tests (run with ``sys.executable``).

``stock-out DB HOLDER TAGFILE [--wait-go] [--linger]``
    Opens the database, reads one asset tag per line from TAGFILE and prints ``READY``. With
    ``--wait-go`` it then waits for a line on stdin. It prints ``BEGIN`` right before calling
    ``Engine.commit_stock_out`` and ``COMMITTED <batch_id> <count> <ms>`` right after it returns
    (or ``REFUSED`` and the reasons). With ``--linger`` it then sleeps, so that a test can kill it
    after the commit, too.

``cli-barrier DIR NAME -- ARGS...``
    Imports the admin CLI, creates ``DIR/NAME.ready`` and waits until ``DIR/go`` exists, so that
    several processes start at the same instant; then runs ``assettrack_gui.cli.main(ARGS)``
    exactly as the ``assettrack-admin`` console script does, and writes ``<start> <end>``
    (wall-clock seconds) to ``DIR/NAME.timing``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def stock_out(argv: list[str]) -> int:
    from assettrack_gui.core.backend import open_store
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.core.errors import Refused
    from assettrack_gui.core.settings import Settings

    db, holder, tagfile, *flags = argv
    with open(tagfile, encoding="utf-8") as fh:
        tags = [line.strip() for line in fh if line.strip()]
    store = open_store(db, create=False)  # a file, or postgresql://…
    engine = Engine(store, operator="crash-worker", settings=Settings())
    _say("READY")
    if "--wait-go" in flags:
        sys.stdin.readline()
    _say("BEGIN")
    t0 = time.perf_counter()
    try:
        result = engine.commit_stock_out(tags, holder)
    except Refused as exc:
        _say("REFUSED")
        for reason in exc.reasons:
            _say(reason)
        return 1
    ms = (time.perf_counter() - t0) * 1000
    _say(f"COMMITTED {result.batch_id} {result.count} {ms:.1f}")
    if "--linger" in flags:
        time.sleep(60)
    store.close()
    return 0


def cli_barrier(argv: list[str]) -> int:
    from assettrack_gui import cli

    barrier, name, sep, *args = argv
    assert sep == "--", "usage: cli-barrier DIR NAME -- ARGS..."
    folder = Path(barrier)
    (folder / f"{name}.ready").touch()
    go = folder / "go"
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("barrier: no go within 60 s")
        time.sleep(0.0005)
    began = time.time()
    try:
        return cli.main(args)
    finally:
        (folder / f"{name}.timing").write_text(f"{began!r} {time.time()!r}\n", encoding="utf-8")


def main() -> int:
    command, *rest = sys.argv[1:]
    if command == "stock-out":
        return stock_out(rest)
    if command == "cli-barrier":
        return cli_barrier(rest)
    raise SystemExit(f"unknown worker command {command!r}")


if __name__ == "__main__":
    sys.exit(main())
