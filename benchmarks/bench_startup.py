"""Start-up time of the window and of ``assettrack-admin``, each beside its floor, in one run.

Not a test: it prints figures (recorded in docs/benchmarks.md). On a database of 100,000 assets,
2,000 cases and 5,000 holders (built with ``bench_core.build`` and cached, see ``--db``) it starts
fresh processes, interleaved, ``--reps`` times each after one warm-up round:

* window: ``python -m assettrack_gui --db DB`` with ``ASSETTRACK_EXIT_WHEN_SHOWN=1`` (the app
  prints ``shown_ms=…`` once its window is painted, then ``ready_ms=…`` once the Reports page,
  built after the first screen, is there too, and quits) beside the floor, a bare PySide6
  ``QMainWindow`` shown the same way (import, QApplication, show, painted, quit);
* admin CLI: ``assettrack-admin --help`` beside ``python -c "import sqlite3"``, and
  ``assettrack-admin --db DB show AT-…`` beside a bare sqlite3 script doing the same work (open
  with the same pragmas, find the asset with its slot or holder, read its history, print it).

Each time is measured by this script from just before the process is spawned until the line
saying "shown" arrives (window) or the process has exited (CLI): interpreter start, imports and
all, as a clerk waits for it. Targets: both ratios ≤ 2 (median against median).

Children get their own XDG dirs (nothing touches the real settings or log) and write byte code
to a cache next to the database, so every run after the warm-up starts from compiled modules as
an installed app does, even where PYTHONDONTWRITEBYTECODE is set.

    .venv/bin/python benchmarks/bench_startup.py                    # cached DB in the temp dir
    .venv/bin/python benchmarks/bench_startup.py --reps 15 --platform xcb   # needs a display
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import build, machine, tag  # noqa: E402

TARGET_RATIO = 2.0

BARE_WINDOW = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1100, 750)
window.show()

class Watcher(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and window.windowHandle().isExposed():
            window.windowHandle().removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False

def report():
    print("shown_ms=0", flush=True)
    app.quit()

watcher = Watcher()
window.windowHandle().installEventFilter(watcher)
if window.windowHandle().isExposed():
    QTimer.singleShot(0, report)
sys.exit(app.exec())
"""

BARE_IMPORT = "import sqlite3"

# What `show TAG` does, by hand: the Store's pragmas, the asset with its slot or holder, its events.
BARE_SHOW = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=5)
for pragma in ("busy_timeout = 5000", "foreign_keys = ON", "trusted_schema = OFF"):
    conn.execute("PRAGMA " + pragma)
conn.execute("PRAGMA user_version").fetchone()
conn.execute("PRAGMA journal_mode").fetchone()
conn.execute("PRAGMA synchronous = FULL")
row = conn.execute(
    "SELECT a.id, a.asset_tag, a.serial, a.description, a.location_type,"
    " h.name, h.badge_code, c.case_code, s.position"
    " FROM assets a LEFT JOIN holders h ON h.id = a.current_holder_id"
    " LEFT JOIN slots s ON s.asset_id = a.id LEFT JOIN cases c ON c.id = s.case_id"
    " WHERE a.asset_tag = ?",
    (sys.argv[2],),
).fetchone()
print(*row[1:], sep="\n")
for ev in conn.execute(
    "SELECT e.created_at, e.event_type, h.badge_code, c.case_code, s.position, e.note,"
    " e.operator, e.batch_id FROM events e LEFT JOIN holders h ON h.id = e.holder_id"
    " LEFT JOIN slots s ON s.id = e.slot_id LEFT JOIN cases c ON c.id = s.case_id"
    " WHERE e.asset_id = ? ORDER BY e.id",
    (row[0],),
):
    print("  ".join(str(v) for v in ev))
"""


def child_env(cache: Path, qpa: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
    env["QT_QPA_PLATFORM"] = qpa
    home = cache / "home"
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = home / var.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env.pop("ASSETTRACK_DB", None)
    return env


def until_shown(cmd: Sequence[str], env: dict[str, str], ready: list[float]) -> float:
    """Milliseconds from spawning ``cmd`` until it prints ``shown_ms=``; the process must quit.

    If it then prints ``ready_ms=`` (the app, once its Reports page is built too), the time to
    that line is appended to ``ready``.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    shown = None
    for line in proc.stdout:
        if line.startswith("shown_ms="):
            shown = (time.perf_counter() - t0) * 1000
        elif line.startswith("ready_ms="):
            ready.append((time.perf_counter() - t0) * 1000)
    proc.stdout.close()
    if proc.wait(timeout=120) != 0 or shown is None:
        raise SystemExit(f"{cmd[:4]} did not show its window (exit {proc.returncode})")
    return shown


def until_exit(cmd: Sequence[str], env: dict[str, str]) -> float:
    """Milliseconds from spawning ``cmd`` until it has exited (successfully)."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - t0) * 1000
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed: {proc.stderr.decode(errors='replace')}")
    return elapsed


def admin_command() -> list[str]:
    """The installed ``assettrack-admin`` script next to this Python, as a clerk runs it."""
    script = Path(sys.executable).with_name("assettrack-admin")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "assettrack_gui.cli"]


def versions() -> None:
    import PySide6
    from PySide6 import QtCore

    print(f"PySide6 {PySide6.__version__} (Qt {QtCore.qVersion()}), nproc {os.cpu_count()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    default_dir = Path(tempfile.gettempdir()) / "assettrack-bench-startup"
    parser.add_argument(
        "--db", type=Path, help=f"database to build or reuse (default: under {default_dir})"
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--holders", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--reps", type=int, default=11, help="timed starts of each kind")
    parser.add_argument(
        "--platform",
        default="offscreen",
        help="QT_QPA_PLATFORM for both windows (offscreen; xcb needs DISPLAY)",
    )
    args = parser.parse_args(argv)
    db = args.db or default_dir / f"start-{args.assets}-{args.cases}-{args.holders}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        build(db, args.assets, args.cases, args.holders, args.seed)
    cache = db.parent / "startup-cache"
    env = child_env(cache, args.platform)
    app_env = dict(env, ASSETTRACK_EXIT_WHEN_SHOWN="1")

    machine(db.parent)
    versions()
    print(f"database: {db} ({args.assets:,} assets, {args.cases:,} cases, {args.holders:,} holders)")
    print(f"QT_QPA_PLATFORM={args.platform}, {args.reps} timed starts each after one warm-up\n")

    py = sys.executable
    admin = admin_command()
    asset = tag(args.assets // 2 + 7)
    ready: list[float] = []  # the app's Reports page built too (printed after the table)
    runs: dict[str, Callable[[], float]] = {
        "bare QMainWindow shown": lambda: until_shown([py, "-c", BARE_WINDOW], env, []),
        "AssetTrack window shown": lambda: until_shown(
            [py, "-m", "assettrack_gui", "--db", str(db)], app_env, ready
        ),
        'python -c "import sqlite3"': lambda: until_exit([py, "-c", BARE_IMPORT], env),
        "assettrack-admin --help": lambda: until_exit([*admin, "--help"], env),
        f"sqlite3 script: show {asset}": lambda: until_exit(
            [py, "-c", BARE_SHOW, str(db), asset], env
        ),
        f"assettrack-admin show {asset}": lambda: until_exit(
            [*admin, "--db", str(db), "show", asset], env
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for rep in range(args.reps + 1):
        if rep == 1:
            ready.clear()
        for name, run in runs.items():
            ms = run()
            if rep:  # the first round compiles byte code and warms the file cache
                times[name].append(ms)

    print(f"{'start-up (ms)':<42} {'median':>8} {'min':>8} {'ratio':>7}  target ≤ {TARGET_RATIO:g}×")
    names = list(runs)
    all_met = True
    for floor, real in zip(names[::2], names[1::2], strict=True):
        f_med, r_med = statistics.median(times[floor]), statistics.median(times[real])
        ratio = r_med / f_med
        met = ratio <= TARGET_RATIO
        all_met &= met
        print(f"{floor:<42} {f_med:>8.0f} {min(times[floor]):>8.0f}")
        print(
            f"{real:<42} {r_med:>8.0f} {min(times[real]):>8.0f} {ratio:>6.2f}×  "
            f"{'met' if met else 'MISSED'}"
        )
    if ready:
        print(
            f"{'  … and its Reports page built':<42} {statistics.median(ready):>8.0f} "
            f"{min(ready):>8.0f}   (after the first screen; no target)"
        )
    print(f"\n{platform.python_implementation()} {platform.python_version()}; median of {args.reps}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
