"""The batch a clerk is building, kept on disk so a crash or a restart does not lose the scans.

One small JSON file per database (the file name is a hash of the database's resolved path) in the
platform state dir, rewritten atomically (temp file + ``os.replace``) after every change. The next
start of the app offers it back; a commit or "Clear batch" deletes it.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .atomic import atomic_write_text
from .eventlog import utc_now
from .model import Mode, Operation

FORMAT_VERSION = 1


@dataclass
class PendingBatch:
    """Every uncommitted scan of every mode, with the custodian and the cases chosen for them."""

    mode: str = Mode.STOCK_OUT.value
    stock_out: list[str] = field(default_factory=list)
    custodian: str = ""  # badge code
    stock_in: list[str] = field(default_factory=list)
    return_case: str = ""  # case code
    placements: list[tuple[str, str, int | None]] = field(default_factory=list)
    place_operation: str = Operation.PUT_AWAY.value
    place_case: str = ""  # case code chosen for the next put-away scan
    saved_at: str = ""
    db_path: str = ""

    @property
    def scan_count(self) -> int:
        return len(self.stock_out) + len(self.stock_in) + len(self.placements)

    @property
    def is_empty(self) -> bool:
        return self.scan_count == 0


def pending_dir() -> Path:
    return paths.state_dir() / "pending"


def _db_key(db_path: Path | str | object) -> str:
    """A short hash of the database (a file's resolved path, a server database's URI): names
    its files in the pending dir."""
    from .backend import storage_key

    key = storage_key(db_path)
    import hashlib  # only to name the file; not needed before the first save

    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def pending_path(db_path: Path | str | object) -> Path:
    """The file that holds the pending batch of one database (a file or a server database)."""
    return pending_dir() / f"batch-{_db_key(db_path)}.json"


def save_pending(db_path: Path | str | object, batch: PendingBatch) -> None:
    """Write the batch atomically; an empty batch removes the file."""
    target = pending_path(db_path)
    if batch.is_empty:
        clear_pending(db_path)
        return
    batch.saved_at = utc_now()
    from .backend import storage_key

    batch.db_path = storage_key(db_path)
    data = {"format": FORMAT_VERSION, **asdict(batch)}
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, json.dumps(data, ensure_ascii=False, indent=1), mode=0o600)


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str)]


def _placements(value: Any) -> list[tuple[str, str, int | None]]:
    out: list[tuple[str, str, int | None]] = []
    if not isinstance(value, list):
        return out
    for item in value:
        if (
            isinstance(item, list)
            and len(item) == 3
            and isinstance(item[0], str)
            and isinstance(item[1], str)
            and (item[2] is None or (isinstance(item[2], int) and not isinstance(item[2], bool)))
        ):
            out.append((item[0], item[1], item[2]))
    return out


def load_pending(db_path: Path | str | object) -> PendingBatch | None:
    """The saved batch of this database, or None (no file, empty, or unreadable)."""
    try:
        raw = json.loads(pending_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_VERSION:
        return None

    def text(key: str, default: str = "") -> str:
        value = raw.get(key, default)
        return value if isinstance(value, str) else default

    batch = PendingBatch(
        mode=text("mode", Mode.STOCK_OUT.value),
        stock_out=_str_list(raw.get("stock_out")),
        custodian=text("custodian"),
        stock_in=_str_list(raw.get("stock_in")),
        return_case=text("return_case"),
        placements=_placements(raw.get("placements")),
        place_operation=text("place_operation", Operation.PUT_AWAY.value),
        place_case=text("place_case"),
        saved_at=text("saved_at"),
        db_path=text("db_path"),
    )
    return None if batch.is_empty else batch


def clear_pending(db_path: Path | str | object) -> None:
    with contextlib.suppress(FileNotFoundError):
        pending_path(db_path).unlink()


# -- an audit in progress (core/audit.py) ---------------------------------------------------------
# Its own file beside the batch file (``audit-<key>.json``), written atomically after every scan
# so a crash or a restart loses no scan; ``core.audit.Audit.to_data`` / ``from_data`` say what is
# in it. Finishing or discarding the audit removes it.


def audit_path(db_path: Path | str | object) -> Path:
    """The file that holds the audit in progress of one database."""
    return pending_dir() / f"audit-{_db_key(db_path)}.json"


def save_audit(db_path: Path | str | object, data: dict[str, Any]) -> None:
    from .backend import storage_key

    target = audit_path(db_path)
    data = {**data, "saved_at": utc_now(), "db_path": storage_key(db_path)}
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, json.dumps(data, ensure_ascii=False), mode=0o600)


def load_audit(db_path: Path | str | object) -> dict[str, Any] | None:
    """The saved audit of this database as stored, or None (no file, or unreadable)."""
    try:
        raw = json.loads(audit_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return raw if isinstance(raw, dict) else None


def clear_audit(db_path: Path | str | object) -> None:
    with contextlib.suppress(FileNotFoundError):
        audit_path(db_path).unlink()
