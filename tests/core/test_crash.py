"""Crash safety: a stock-out of 2,000 assets killed with SIGKILL is all there or not there at all.

A real worker process (``_workers/custody_worker.py``) commits one stock-out through
``Engine.commit_stock_out`` and is killed with SIGKILL at a random moment:

* ``before``: at a random time after it starts, while it is still importing, opening the
  database or waiting for the go-ahead, so it never reaches the commit;
* ``during``: a random 0–N ms after it prints ``BEGIN`` (right before calling commit), where N
  is 1.3 × the commit duration measured by a calibration run, so the kill lands anywhere inside
  validation, the UPDATEs, the event INSERTs or SQLite's COMMIT, and sometimes just after; half
  of these kills aim at the last quarter of the commit, where SQLite writes the WAL, so some
  leave a torn WAL behind (the ``wal=`` figure printed per trial);
* ``after``: a random 0–20 ms after it printed ``COMMITTED``.

After every kill the database is opened normally (SQLite recovers the WAL) and must hold either
the whole batch (every asset IN_CUSTODY of the holder, 2,000 STOCK_OUT events sharing one
batch_id) or none of it (content identical to the seed), with ``PRAGMA integrity_check`` = ok and
``verify`` clean. The random seed is printed; rerun a failure with ``ASSETTRACK_CRASH_SEED=<seed>``.
"""

from __future__ import annotations

import hashlib
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify

pytestmark = pytest.mark.slow

WORKER = Path(__file__).parent / "_workers" / "custody_worker.py"
ASSETS = 2000
CASES, ROWS, COLS = 21, 10, 10  # 2,100 slots: every asset slotted, a few slots spare
BADGE = "B-CRASH-1"
TRIALS = 40
MODES = ["before"] * 4 + ["after"] * 4 + ["during"] * 32
SEED = int(os.environ.get("ASSETTRACK_CRASH_SEED") or random.SystemRandom().randrange(10**9))
OUTCOMES: dict[int, tuple[str, str]] = {}  # trial -> (mode, "applied" / "absent")
TORN: list[int] = []  # trials whose kill left WAL frames of the unfinished commit behind


def tag(i: int) -> str:
    return f"AT-{i:05d}"


def dump_digest(db: Path) -> str:
    """A digest of the whole database content (schema and rows)."""
    store = Store(db, create=False, migrate=False)
    try:
        h = hashlib.sha256()
        for line in store.conn.iterdump():
            h.update(line.encode("utf-8"))
        return h.hexdigest()
    finally:
        store.close()


class Seeded:
    def __init__(self, db: Path, tagfile: Path) -> None:
        self.db = db
        self.tagfile = tagfile
        self.digest = dump_digest(db)
        store = Store(db, create=False)
        try:
            self.events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
            self.holder_id = store.conn.execute(
                "SELECT id FROM holders WHERE badge_code = ?", (BADGE,)
            ).fetchone()[0]
            self.slot_of = dict(
                store.conn.execute(
                    "SELECT a.asset_tag, s.id FROM assets a JOIN slots s ON s.asset_id = a.id"
                )
            )
        finally:
            store.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """One closed database with 2,000 slotted assets and a holder; each trial copies it."""
    base = tmp_path_factory.mktemp("crash-seed")
    db = base / "seed.db"
    store = Store(db)
    engine = Engine(store, operator="seed", settings=Settings())
    engine.add_holders([NewHolder("Crash Test Holder", BADGE, label=BADGE), NewHolder("Someone Else", "B-2", label="B-2")])
    engine.create_cases([NewCase(f"CASE-{i:02d}", f"case {i}", ROWS, COLS, label=f"C{i}") for i in range(CASES)])
    engine.commit_register(
        [
            NewAsset(tag(i), f"SN{i}", "laptop", f"CASE-{i // 100:02d}", i % 100 + 1)
            for i in range(ASSETS)
        ]
    )
    store.close()
    assert not Path(f"{db}-wal").exists(), "closing the last connection checkpoints the WAL"
    tagfile = base / "tags.txt"
    # Scanned order differs from insertion order, as it would at a counter.
    tags = [tag(i) for i in range(ASSETS)]
    random.Random(SEED).shuffle(tags)
    tagfile.write_text("\n".join(tags) + "\n", encoding="utf-8")
    return Seeded(db, tagfile)


class Worker:
    """A worker process whose stdout lines arrive on a queue, so reads can time out."""

    def __init__(self, db: Path, tagfile: Path, *flags: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), "stock-out", str(db), BADGE, str(tagfile), *flags],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, prefix: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"worker did not print {prefix!r}; saw {self.seen}") from None
            if line is None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"worker ended before {prefix!r}; saw {self.seen}\n{err}")
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=30)
        while not self.lines.empty():
            line = self.lines.get_nowait()
            if line is not None:
                self.seen.append(line)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def printed(self, prefix: str) -> bool:
        return any(line.startswith(prefix) for line in self.seen)


def copy_seed(seeded: Seeded, dest: Path) -> Path:
    db = dest / "trial.db"
    shutil.copyfile(seeded.db, db)  # the seed is closed and fully checkpointed
    return db


@pytest.fixture(scope="module")
def timing(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """Calibrate: how long the worker takes to start, and how long BEGIN → COMMITTED lasts."""
    startups, commits = [], []
    for _ in range(2):
        db = copy_seed(seeded, tmp_path_factory.mktemp("calibrate"))
        t0 = time.perf_counter()
        worker = Worker(db, seeded.tagfile, "--linger")
        try:
            worker.wait_for("BEGIN")
            t1 = time.perf_counter()
            worker.wait_for("COMMITTED")
            t2 = time.perf_counter()
        finally:
            worker.kill()
        startups.append(t1 - t0)
        commits.append(t2 - t1)
    result = {"startup_s": min(startups), "commit_s": min(commits)}
    print(f"\ncrash calibration: seed={SEED} {result}")
    return result


@pytest.mark.parametrize("trial", range(TRIALS))
def test_sigkill_leaves_stock_out_all_or_nothing(
    trial: int, seeded: Seeded, timing: dict[str, float], tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-{trial}")
    mode = MODES[trial]
    db = copy_seed(seeded, tmp_path)
    if mode == "before":
        worker = Worker(db, seeded.tagfile, "--wait-go")
        delay = rng.uniform(0, timing["startup_s"] * 1.5)
        time.sleep(delay)
    elif mode == "during":
        worker = Worker(db, seeded.tagfile, "--linger")
        worker.wait_for("BEGIN")
        # Half anywhere in the commit; half in its last part, where SQLite writes the WAL.
        low = 0.0 if trial % 2 else 0.75
        delay = rng.uniform(timing["commit_s"] * low, timing["commit_s"] * 1.3)
        time.sleep(delay)
    else:
        worker = Worker(db, seeded.tagfile, "--linger")
        worker.wait_for("COMMITTED")
        delay = rng.uniform(0, 0.02)
        time.sleep(delay)
    worker.kill()
    assert worker.proc.returncode == -signal.SIGKILL, worker.seen
    committed = worker.printed("COMMITTED")
    wal = Path(f"{db}-wal")
    wal_bytes = wal.stat().st_size if wal.exists() else 0  # what the killed process left behind
    context = (
        f"seed={SEED} trial={trial} mode={mode} delay={delay * 1000:.1f} ms "
        f"wal={wal_bytes} bytes saw={worker.seen}"
    )

    store = Store(db, create=False)  # opened normally: SQLite recovers the WAL
    try:
        conn = store.conn
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
        report = verify(store)
        assert report.ok, f"{context}\n" + "\n".join(report.problems[:20])
        out_events = conn.execute(
            "SELECT e.batch_id, e.holder_id, e.slot_id, a.asset_tag FROM events e "
            "JOIN assets a ON a.id = e.asset_id WHERE e.event_type = 'STOCK_OUT'"
        ).fetchall()
        assets = conn.execute(
            "SELECT a.asset_tag, a.location_type, a.current_holder_id, s.id FROM assets a "
            "LEFT JOIN slots s ON s.asset_id = a.id"
        ).fetchall()
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        store.close()

    if out_events:
        outcome = "applied"
        assert len(out_events) == ASSETS, context
        assert len({batch for batch, *_ in out_events}) == 1, context
        assert events == seeded.events + ASSETS, context
        for _batch, holder_id, slot_id, asset_tag in out_events:
            assert holder_id == seeded.holder_id, context
            assert slot_id == seeded.slot_of[asset_tag], context
        assert len(assets) == ASSETS
        for asset_tag, location, holder_id, slot_id in assets:
            assert (location, holder_id, slot_id) == ("IN_CUSTODY", seeded.holder_id, None), (
                f"{context}: {asset_tag} is {location}/{holder_id}/{slot_id}"
            )
    else:
        outcome = "absent"
        if wal_bytes:
            TORN.append(trial)
        assert not committed, f"{context}: the worker reported a commit that is not there"
        assert events == seeded.events, context
        assert dump_digest(db) == seeded.digest, f"{context}: the database content changed"
    if mode == "before":
        assert outcome == "absent", context
    if mode == "after":
        assert outcome == "applied", context
    OUTCOMES[trial] = (mode, outcome)
    print(f"crash trial {trial}: {context.split(' saw=')[0]} -> {outcome}")


def test_crash_trials_saw_both_outcomes() -> None:
    """Across the suite some kills left the batch applied and some absent (printed as a tally)."""
    if len(OUTCOMES) < TRIALS:
        pytest.skip("only meaningful after every crash trial has run")
    tally = Counter(OUTCOMES.values())
    print(f"\ncrash outcomes (seed={SEED}): {dict(sorted(tally.items()))}")
    print(f"kills that left a torn WAL (rolled back on open): {len(TORN)} {TORN}")
    outcomes = Counter(outcome for _, outcome in OUTCOMES.values())
    # Deterministic: 'before' kills can only leave it absent, 'after' kills only applied.
    assert outcomes["applied"] >= 1 and outcomes["absent"] >= 1, tally
