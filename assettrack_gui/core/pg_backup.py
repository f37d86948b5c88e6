"""Backups of a PostgreSQL database: ``pg_dump`` in its custom format, written atomically.

``assettrack-admin backup FILE`` on a server database runs the ``pg_dump`` found on PATH (the
PostgreSQL client package; its version must be the server's or newer). A dump is restored by
the server's administrator with ``pg_restore`` into a new, empty database (README: PostgreSQL).
Automatic backups (before imports, at app start) are not made on a server: its administrator's
own backups cover it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .atomic import atomic_path
from .backend import ServerDatabase
from .errors import UserError


def dump(target: ServerDatabase, dest: Path) -> None:
    """``pg_dump --format=custom`` of ``target`` into ``dest`` (nothing left there on failure)."""
    program = shutil.which("pg_dump")
    if program is None:
        raise UserError(
            "No backup was made: pg_dump was not found. Install the PostgreSQL client tools "
            "(Debian/Ubuntu: apt-get install postgresql-client) or back up on the server."
        )
    if dest.is_dir():
        raise UserError(f"{dest} is a folder; give a file name for the backup.")
    with atomic_path(dest, mode=0o600) as tmp:
        done = subprocess.run(
            [program, "--format=custom", "--no-owner", "--file", str(tmp), "--dbname", target.uri],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            why = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
            raise UserError(f"No backup was made: pg_dump failed: {why}")
