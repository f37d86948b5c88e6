"""The anchor: the event-log head this computer last saw, kept outside the database.

The hash chain shows an edited event, but not a log that lost its newest events (a deleted or
truncated ``-wal`` file, a restored copy, an old file put back). So after every commit the app
and the CLI record the new head — event count and head hash — in a small file in the platform
state dir, one per database, written atomically. Every open compares: a log that is behind its
anchor, or no longer holds the anchored event with that hash, has been **rolled back**. Writes
are then refused until the newest good backup is restored (``assettrack-admin restore``) or the
loss is accepted on the record (``assettrack-admin accept-rollback``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .atomic import atomic_write_text
from .eventlog import GENESIS, LogHead, utc_now

if TYPE_CHECKING:
    from sqlite3 import Connection as Conn

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Anchor:
    count: int
    head_hash: str
    written_at: str  # UTC, when this computer recorded the head
    db_path: str


@dataclass(frozen=True)
class Rollback:
    """The database's log no longer holds the head this computer recorded."""

    anchor: Anchor
    current: LogHead

    @property
    def missing(self) -> int:
        return max(0, self.anchor.count - self.current.count)

    @property
    def message(self) -> str:
        if self.missing:
            lost = (
                f"{self.missing} event(s) are missing: this computer saw the log reach event "
                f"{self.anchor.count} on {self.anchor.written_at}, and it now ends at event "
                f"{self.current.count}"
            )
        else:
            lost = (
                f"its log no longer holds event {self.anchor.count} as this computer recorded it "
                f"on {self.anchor.written_at}: the history was replaced"
            )
        return (
            f"The database has gone back in time: {lost}. No changes are saved until this is "
            "resolved: restore the newest backup whose log holds event "
            f"{self.anchor.count} (head {self.anchor.head_hash[:12]}…) with "
            "'assettrack-admin restore BACKUP', or accept the loss on the record with "
            "'assettrack-admin accept-rollback'."
        )


def anchor_dir() -> Path:
    return paths.state_dir() / "anchors"


def _key(db_path: object) -> str:
    """A file by its resolved path; a server database (``backend.ServerDatabase``) by its URI."""
    from .backend import storage_key

    return storage_key(db_path)


def anchor_path(db_path: object) -> Path:
    """The anchor file of one database (by its resolved path, or a server database's URI)."""
    import hashlib

    key = _key(db_path)
    return anchor_dir() / f"head-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}.json"


def read_anchor(db_path: object) -> Anchor | None:
    """The recorded head, or None when there is none (or it cannot be read: never a reason to
    refuse work, as a missing anchor only means nothing was recorded here yet)."""
    try:
        data = json.loads(anchor_path(db_path).read_text("utf-8"))
        anchor = Anchor(
            int(data["count"]), str(data["head_hash"]), str(data["written_at"]), str(data["db_path"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return anchor if anchor.count >= 0 else None


def write_anchor(db_path: object, head: LogHead) -> None:
    """Record ``head`` as the latest this computer has seen (atomic, readable by its user only)."""
    target = anchor_path(db_path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    anchor = Anchor(head.count, head.head_hash, utc_now(), _key(db_path))
    text = json.dumps({"format": FORMAT_VERSION, **asdict(anchor)}, indent=1)
    atomic_write_text(target, text, mode=0o600)


def fast_head(conn: Conn) -> LogHead:
    """The head from the newest event (ids are contiguous from 1: ``verify`` checks that)."""
    row = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return LogHead(int(row[0]), str(row[1])) if row else LogHead(0, GENESIS)


def contains(conn: Conn, count: int, head_hash: str) -> bool:
    """True if event number ``count`` of this log has hash ``head_hash`` (0 = the empty log)."""
    if count == 0:
        return head_hash == GENESIS
    row = conn.execute("SELECT hash FROM events WHERE id = ?", (count,)).fetchone()
    return row is not None and row[0] == head_hash


def check(conn: Conn, db_path: object) -> Rollback | None:
    """A Rollback when the database no longer holds the head recorded for it here."""
    anchor = read_anchor(db_path)
    if anchor is None or contains(conn, anchor.count, anchor.head_hash):
        return None
    return Rollback(anchor, fast_head(conn))
