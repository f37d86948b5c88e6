"""Fixtures shared by tests/core, tests/cli and tests/qt: a fresh database per test, and local time
fixed to Central European time.

The database is a SQLite file, except in modules marked ``both_backends``, whose tests run twice:
``[sqlite]`` and ``[postgres]`` (a fresh database in a throw-away PostgreSQL cluster started once
per session, ``tests/pgcluster.py``; skipped with the reason when PostgreSQL is not installed,
failed instead when ``ASSETTRACK_REQUIRE_PG=1``). A test of SQLite's own behaviour in such a
module is marked ``sqlite_only``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.store import Store

from .pgcluster import REQUIRE_ENV, Cluster, remove_cluster, start_cluster

BACKENDS = ("sqlite", "postgres")
PG_TEMPLATE = "assettrack_template"  # an empty AssetTrack database, copied for each test


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    node = metafunc.definition
    if (
        "backend" in metafunc.fixturenames
        and node.get_closest_marker("both_backends") is not None
        and node.get_closest_marker("sqlite_only") is None
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite" unless the module is marked ``both_backends`` (then each in turn)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL cluster, with an empty AssetTrack database as the template."""
    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"PostgreSQL is required here ({REQUIRE_ENV}=1): {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        pg_admin(cluster, f"CREATE DATABASE {PG_TEMPLATE}")
        open_store(ServerDatabase(cluster.url(PG_TEMPLATE))).close()
        yield cluster
    finally:
        remove_cluster(cluster)


def pg_admin(cluster: Cluster, *statements: str) -> None:
    """Run statements (CREATE/DROP DATABASE, pg_terminate_backend) as the superuser."""
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql.encode())


def new_pg_database(cluster: Cluster, template: str = PG_TEMPLATE) -> ServerDatabase:
    name = cluster.new_name()
    pg_admin(cluster, f"CREATE DATABASE {name} TEMPLATE {template}")
    return ServerDatabase(cluster.url(name))


def drop_pg_database(cluster: Cluster, db: ServerDatabase) -> None:
    pg_admin(cluster, f"DROP DATABASE IF EXISTS {db.name} WITH (FORCE)")


@contextmanager
def store_on(
    backend: str, request: pytest.FixtureRequest, folder: Path, name: str = "assettrack.db"
) -> Iterator[Store]:
    """A new database on ``backend`` for a module-scoped fixture (``params=BACKENDS``): a file in
    ``folder``, or a new database in the session's PostgreSQL cluster; closed (dropped) after."""
    if backend != "postgres":
        with open_store(folder / name) as store:
            yield store
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    db = new_pg_database(cluster)
    try:
        with open_store(db) as store:
            yield store
    finally:
        drop_pg_database(cluster, db)


@pytest.fixture
def db_path(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Path]:
    """The test's database: a new file's path; on PostgreSQL a ``ServerDatabase`` (a new
    database in the session's cluster, at AssetTrack's schema, dropped afterwards)."""
    if backend != "postgres":
        yield tmp_path / "assettrack.db"
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    db = new_pg_database(cluster)
    yield db  # type: ignore[misc]
    drop_pg_database(cluster, db)


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A fresh, empty, fully migrated database of this test's own."""
    s = open_store(db_path)
    yield s
    s.close()


CET = "CET-1CEST,M3.5.0,M10.5.0/3"  # POSIX rule: works without tzdata


@pytest.fixture
def local_cet() -> Iterator[None]:
    """Local time is Central European time for this test (TZ and the C library's idea of it)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = CET
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
