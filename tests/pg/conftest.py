"""PostgreSQL-only tests: a fresh AssetTrack database in the session's cluster per test."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.settings import Settings
from tests.conftest import drop_pg_database, new_pg_database
from tests.core.conftest import seed
from tests.pgcluster import Cluster


@pytest.fixture
def pg_db(pg_cluster: Cluster) -> Iterator[ServerDatabase]:
    db = new_pg_database(pg_cluster)
    yield db
    drop_pg_database(pg_cluster, db)


@pytest.fixture
def psql(pg_db: ServerDatabase) -> Iterator[psycopg.Connection]:
    """A plain superuser connection to the test's database, in autocommit (a hand at psql)."""
    with psycopg.connect(pg_db.uri, autocommit=True) as conn:
        yield conn


@pytest.fixture
def stockroom(pg_db: ServerDatabase) -> ServerDatabase:
    """The test's database seeded like the core tests' ``engine`` (``tests.core.conftest.seed``);
    a module may define a larger one of its own."""
    with open_store(pg_db) as store:
        seed(Engine(store, operator="seed", settings=Settings()))
    return pg_db
