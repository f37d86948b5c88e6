"""Make docs/screenshots/main-window.png: the main window with a realistic Stock-Out batch.

Seeds a temporary database with the custody engine, starts the real app on a private Xvfb
display, types the scans with ``xdotool`` (as a keyboard-wedge scanner would) and grabs the
window with ImageMagick's ``import``. Needs Xvfb, xdotool and imagemagick.

    .venv/bin/python scripts/screenshot.py [OUTPUT.png]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assettrack_gui.core.engine import Engine  # noqa: E402
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder  # noqa: E402
from assettrack_gui.core.store import Store  # noqa: E402

HOLDERS = [
    ("Dana Reyes", "B-1001"),
    ("Lee Park", "B-1002"),
    ("Priya Natarajan", "B-1003"),
    ("Sam Quinn", "B-1004"),
    ("Marta Kowalski", "B-1005"),
]
MODELS = [
    ("5CG{:04d}", "ThinkPad T14 Gen 4"),
    ("JX{:04d}", "Dell Latitude 5440"),
    ("C02{:04d}", "MacBook Air 13 M2"),
    ("R9{:04d}", "iPad 10th gen"),
]
SCANS = [
    "B-1001",  # Dana's badge picks the custodian
    "AT-0101",
    "AT-0102",
    "AT0103",  # a scanner that drops dashes
    "AT-0107",
    "AT-0110",
    "AT-0112",  # already with Lee Park: refused
    "AT-0115",
    "AT-0116",
]


def seed(db: Path) -> None:
    with Store(db) as store:
        engine = Engine(store, "supervisor")
        engine.add_holders([NewHolder(name, badge) for name, badge in HOLDERS])
        engine.create_cases(
            [
                NewCase("CART-A", "Laptop cart A", 4, 6),
                NewCase("CART-B", "Laptop cart B", 4, 6),
                NewCase("SHELF-T", "Tablet shelf", 2, 8),
            ]
        )
        assets = []
        for i in range(1, 25):
            serial, description = MODELS[i % 3]
            assets.append(
                NewAsset(f"AT-{100 + i:04d}", serial.format(4100 + i), description, "CART-A", i)
            )
        for i in range(1, 17):
            serial, description = MODELS[3]
            assets.append(
                NewAsset(f"AT-{200 + i:04d}", serial.format(7700 + i), description, "SHELF-T", i)
            )
        engine.commit_register(assets)
        engine.commit_stock_out(["AT-0112", "AT-0120"], "B-1002")
        engine.commit_stock_out(["AT-0203"], "B-1004")


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        number = pipe.readline().strip().decode()
    if not number.isdigit():
        server.kill()
        raise SystemExit("Xvfb did not start")
    return server, f":{number}"


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs/screenshots/main-window.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="assettrack-shot-") as tmp:
        base = Path(tmp)
        env = dict(os.environ)
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            (base / var.lower()).mkdir()
            env[var] = os.environ[var] = str(base / var.lower())
        db = base / "stockroom.db"
        seed(db)
        server, display = start_xvfb()
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        app = subprocess.Popen(
            [sys.executable, "-m", "assettrack_gui", "--db", str(db), "--operator", "alice"],
            env=env,
            cwd=REPO,
            start_new_session=True,
        )

        def xdo(*args: str) -> str:
            return subprocess.run(
                ["xdotool", *args], env=env, capture_output=True, text=True, check=True, timeout=30
            ).stdout

        try:
            wid = xdo("search", "--sync", "--onlyvisible", "--name", "AssetTrack").split()[0]
            xdo("windowsize", "--sync", wid, "1200", "760")
            xdo("windowfocus", "--sync", wid)
            xdo("key", "ctrl+1")
            for text in SCANS:
                xdo("type", "--delay", "8", text)
                xdo("key", "Return")
            time.sleep(1.0)  # let the last repaint land
            subprocess.run(["import", "-window", wid, str(out)], env=env, check=True, timeout=30)
        finally:
            os.killpg(app.pid, signal.SIGTERM)
            app.wait(10)
            server.terminate()
            server.wait(10)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
