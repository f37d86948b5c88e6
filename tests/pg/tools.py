"""Helpers the PostgreSQL test modules share (fixtures are in ``tests/pg/conftest.py``)."""

from __future__ import annotations

import os
import shutil

import pytest

from assettrack_gui import cli
from tests.pgcluster import REQUIRE_ENV


def require_pg_dump() -> None:
    """Call at module level: skip the module when pg_dump/pg_restore are missing, or fail it
    when PostgreSQL is required (CI: the PostgreSQL package brings them)."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            raise RuntimeError("pg_dump/pg_restore are not on PATH")
        pytest.skip("pg_dump/pg_restore are not on PATH", allow_module_level=True)


def admin(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``assettrack-admin ARGS`` in this process: exit code, stdout, stderr."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
