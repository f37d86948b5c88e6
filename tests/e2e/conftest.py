"""End-to-end fixtures: the real ``assettrack`` process on an Xvfb display, driven with xdotool.

Reusable pieces for every e2e test module:

- ``xvfb_display`` (session): a private Xvfb server (``:N`` chosen by Xvfb via ``-displayfd``).
  Missing Xvfb or xdotool skips the e2e tests, unless ``ASSETTRACK_REQUIRE_E2E=1`` (CI), which
  makes it a failure.
- ``app_env``: the environment for child processes: ``DISPLAY``, ``QT_QPA_PLATFORM=xcb`` and the
  private XDG dirs of the root conftest (so settings, QSettings and the pending batch stay in the
  test's temp dir).
- ``xdo(*args, check=True) -> str``: run ``xdotool`` on that display; returns its stdout (with
  ``check=False`` a non-zero exit, e.g. ``search`` finding nothing, is not an error).
- ``admin(db, *args) -> CompletedProcess``: run ``assettrack-admin --db DB ...``; fails the test on
  a non-zero exit unless ``check=False``.
- ``seeded_db``: a database made with ``assettrack-admin`` (see ``SEED_*`` below).
- ``start_app(db, *extra_args) -> window id``: start ``python -m assettrack_gui --db DB ...``,
  wait until its window (title contains "AssetTrack") is visible, make sure the keyboard is on
  the app (``xdotool windowfocus --sync`` unless the app already has it, e.g. in its "Restore
  batch" question) and return the main window's X window id. ``start_app.process`` is the
  last ``Popen``; ``start_app.output()`` its stdout+stderr so far. Teardown kills the app.
- ``wait_for(predicate, timeout=..., what=...)``: poll instead of sleeping. A timeout names the
  visible windows and where the keyboard is, and ends with the app log's last lines.
- ``tests/e2e/driving.py``: scanning like a scanner, committing with Enter, waiting for a dialog
  to be on screen *and* have the keyboard (``await_window``), and reading the database.

Timing: a hardware scanner keeps its 8 ms a key whatever the PC is doing; xdotool and Xvfb (the
X server stamps each key's time) are processes competing with the app and pytest for two cores.
Both are started at a higher priority where the system allows it (``BOOST``: real-time
round-robin, else ``nice -n -10``) so the key timestamps the wedge sees stay those of a scanner,
and a burst and its Enter are one xdotool call (a second process could start later than a
scanner's Enter would arrive).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REQUIRE = os.environ.get("ASSETTRACK_REQUIRE_E2E") == "1"
REPO = Path(__file__).resolve().parents[2]
WINDOW_TIMEOUT_S = 30.0


def _boost() -> list[str]:
    """A command prefix that runs the "hardware" (X server, xdotool) ahead of the app and pytest:
    real-time round-robin at the lowest priority where allowed (root, outside a container that
    forbids it), else ``nice -n -10``, else nothing. See the module docstring."""
    for prefix in (["chrt", "--rr", "1"], ["nice", "-n", "-10"]):
        if shutil.which(prefix[0]) is None:
            continue
        try:
            done = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and not done.stderr:
            return prefix
    return []


BOOST = _boost()

SEED_HOLDERS = "name,badge_code\nDana Reyes,B-1001\nLee Park,B-1002\n"
SEED_CASES = "case_code,name,rows,cols\nCART-A,Laptop cart A,2,5\nSHELF-B,Spare shelf,1,3\n"
SEED_ASSETS = (
    "asset_tag,serial,description,case_code,position\n"
    "AT-SMOKE-0001,5CG1234,ThinkPad T14,CART-A,1\n"
    "AT-SMOKE-0002,5CG1235,ThinkPad T14,CART-A,2\n"
    "AT-SMOKE-0003,5CG1236,ThinkPad T14,CART-A,3\n"
    "AT-SMOKE-0004,JX99,Dell Latitude 5440,CART-A,4\n"
)


def _missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    missing = _missing_tools()
    if missing:
        why = f"{' and '.join(missing)} not installed (apt install xvfb xdotool)"
        if REQUIRE:
            pytest.fail(f"ASSETTRACK_REQUIRE_E2E=1 but {why}")
        pytest.skip(why)
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [
            *BOOST,
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    number = b""
    deadline = time.monotonic() + 20
    with os.fdopen(read_fd, "rb") as pipe:
        while time.monotonic() < deadline and not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                break
            number += chunk
    if not number.strip().isdigit():
        server.kill()
        pytest.fail("Xvfb did not start (no display number on -displayfd)")
    display = f":{number.strip().decode()}"
    try:
        yield display
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def app_env(xvfb_display: str, private_dirs: Path) -> dict[str, str]:
    env = dict(os.environ)  # the root conftest already points XDG_* at this test's temp dirs
    env["DISPLAY"] = xvfb_display
    env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("ASSETTRACK_DB", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def xdo(app_env: dict[str, str]) -> Callable[..., str]:
    def run(*args: str, timeout: float = 30.0, check: bool = True) -> str:
        done = subprocess.run(
            [*BOOST, "xdotool", *args],
            env=app_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    return run


def _admin_command() -> list[str]:
    script = Path(sys.executable).with_name("assettrack-admin")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "assettrack_gui.cli"]


@pytest.fixture
def admin() -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(db: Path | str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*_admin_command(), "--db", str(db), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"assettrack-admin {' '.join(args)} exited {done.returncode}:\n"
                f"{done.stdout}{done.stderr}"
            )
        return done

    return run


@pytest.fixture
def seeded_db(tmp_path: Path, admin: Callable[..., Any]) -> Path:
    """Dana Reyes (B-1001), Lee Park (B-1002); CART-A 2×5 holding AT-SMOKE-0001…0004 in slots
    1…4; SHELF-B 1×3 empty."""
    db = tmp_path / "e2e.db"
    admin(db, "init")
    for kind, text in (("holders", SEED_HOLDERS), ("cases", SEED_CASES), ("assets", SEED_ASSETS)):
        csv = tmp_path / f"{kind}.csv"
        csv.write_text(text, encoding="utf-8")
        admin(db, "import", kind, str(csv))
    return db


class AppLauncher:
    """Starts the app; every process it started is killed at teardown."""

    def __init__(self, env: dict[str, str], xdo: Callable[..., str], logs: Path) -> None:
        self.env = env
        self.xdo = xdo
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    def __call__(self, db: Path | str, *extra_args: str) -> str:
        self._log = self.logs / f"app-{len(self.processes)}.log"
        log = self._log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assettrack_gui", "--db", str(db), *extra_args],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(self.process)
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        wid = ""
        while time.monotonic() < deadline and not wid:
            if self.process.poll() is not None:
                raise AssertionError(f"assettrack exited early:\n{self.output()}")
            try:
                wid = self.xdo(
                    "search", "--sync", "--onlyvisible", "--name", "AssetTrack", timeout=5
                ).split()[0]
            except (subprocess.TimeoutExpired, AssertionError, IndexError):
                wid = ""
        if not wid:
            raise AssertionError(f"no AssetTrack window appeared:\n{self.output()}")
        # The app activates its window itself, and a dialog it opens at start (the "Restore
        # batch" question) takes the keyboard from there. Only when the keyboard is not on one
        # of the app's windows is the main window focused: focusing it over an open dialog would
        # strand the keyboard behind the dialog (no window manager hands it on).
        deadline = time.monotonic() + 2.0
        while not self._focus_in_app():
            if time.monotonic() > deadline:
                self.xdo("windowfocus", "--sync", wid)
                break
            time.sleep(0.05)
        return wid

    def _focus_in_app(self) -> bool:
        assert self.process is not None
        focus = self.xdo("getwindowfocus", check=False).strip()
        windows = self.xdo("search", "--pid", str(self.process.pid), check=False).split()
        return bool(focus) and focus in windows

    def output(self) -> str:
        if self._log is None or not self._log.exists():
            return ""
        return self._log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@pytest.fixture
def start_app(
    app_env: dict[str, str], xdo: Callable[..., str], tmp_path: Path
) -> Iterator[AppLauncher]:
    launcher = AppLauncher(app_env, xdo, tmp_path)
    try:
        yield launcher
    finally:
        launcher.close()


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``predicate`` every 50 ms until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def _what_is_on_screen(xdo: Callable[..., str], env: dict[str, str]) -> str:
    """Visible windows, where the keyboard is and the app log's tail: for a timeout's message."""
    lines = []
    for wid in xdo("search", "--onlyvisible", "--name", ".", check=False).split():
        lines.append(f"  window {wid}: {xdo('getwindowname', wid, check=False).strip()!r}")
    lines.append(f"  keyboard on: {xdo('getwindowfocus', check=False).strip() or 'nothing'}")
    log = Path(env["XDG_STATE_HOME"]) / "AssetTrack" / "log" / "assettrack.log"
    if log.exists():
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        lines.append("  app log (last lines):")
        lines.extend(f"    {line}" for line in tail)
    return "\n".join(lines)


@pytest.fixture(name="wait_for")
def wait_for_fixture(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """:func:`wait_for`; in a test that drives the app, a timeout also says what was on screen."""

    def waiting(predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
        try:
            return wait_for(predicate, timeout, what)
        except AssertionError as exc:
            if "app_env" not in request.fixturenames:
                raise
            env = request.getfixturevalue("app_env")
            xdo = request.getfixturevalue("xdo")
            seen = _what_is_on_screen(xdo, env)
            if shutil.which("import"):  # imagemagick: a picture of the screen beside the test
                shot = request.getfixturevalue("tmp_path") / "timeout-screen.png"
                subprocess.run(
                    ["import", "-window", "root", str(shot)], env=env, timeout=30, check=False
                )
                seen += f"\n  screenshot: {shot}"
            raise AssertionError(f"{exc}\non screen:\n{seen}") from None

    return waiting

