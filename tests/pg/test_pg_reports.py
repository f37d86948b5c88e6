"""Large reports on a server: rows come through a server-side cursor, a few thousand at a time,
inside the report's read snapshot (``core.dialect.stream``, ``PgConnection.stream``), instead of
the whole result in the client's memory. What the reports show is tested on both backends in
tests/core/test_reports.py and tests/cli/test_cli_report.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assettrack_gui.core import pg_store
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.report_requests import ReportRequest, export_report, open_report
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from tests.core.conftest import seed


@pytest.fixture
def store(pg_db: ServerDatabase) -> Iterator[Store]:
    with open_store(pg_db) as s:
        seed(Engine(s, operator="seed", settings=Settings()))
        yield s


def open_cursors(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT name FROM pg_cursors ORDER BY name")]


@pytest.mark.parametrize("kind", ["events", "custody", "occupancy"])
def test_a_report_reads_its_rows_through_a_server_side_cursor(
    store: Store, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_store, "STREAM_ROWS", 3)  # several FETCHes for the seeded rows
    with open_report(store, ReportRequest(kind)) as (report, head):
        rows = report.rows()
        first = next(rows)
        during = open_cursors(store)
        rest = list(rows)
    assert [name for name in during if name.startswith("assettrack_rows_")], during
    assert open_cursors(store) == []  # closed with the snapshot
    with store.read() as conn:  # the same rows as a plain query gives
        plain = list(conn.execute("SELECT count(*) FROM events").fetchone())
    if kind == "events":
        assert len([first, *rest]) == plain[0] == head.count
    assert first and all(len(r) == len(report.header) for r in rest)


def test_an_export_streams_and_matches_the_plain_rows(store: Store, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(pg_store, "STREAM_ROWS", 4)
    dest = tmp_path / "events.csv"
    count = export_report(store, ReportRequest("events"), dest)
    with store.read() as conn:
        assert count == conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert len(dest.read_text(encoding="utf-8-sig").splitlines()) == count + 1


def test_outside_a_transaction_the_rows_come_as_a_plain_query_gives(store: Store) -> None:
    rows = list(store.conn.stream("SELECT id FROM events ORDER BY id"))  # type: ignore[attr-defined]
    assert rows == store.conn.execute("SELECT id FROM events ORDER BY id").fetchall()


def test_the_asset_list_streams_too(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from assettrack_gui.core import queries

    monkeypatch.setattr(pg_store, "STREAM_ROWS", 2)
    with store.read() as conn:
        assets = queries.iter_assets(conn)
        first = next(assets)
        assert any(n.startswith("assettrack_rows_") for n in open_cursors(store))
        listed = [first, *assets]
    assert [a.asset_tag for a in listed] == sorted(a.asset_tag for a in listed)
    assert len(listed) == 8
