"""core.reports.local_display: the one way a stored UTC time is shown to people, and it never
raises (an unreadable stored value is shown as it is, invisible characters made visible)."""

from __future__ import annotations

import pytest

from assettrack_gui.core.reports import local_display


def test_a_stored_utc_time_is_shown_in_local_time(local_cet: None) -> None:
    assert local_display("2026-11-24T18:30:12.123Z") == "2026-11-24 19:30"
    assert local_display("2026-07-01T23:10:00.000Z") == "2026-07-02 01:10"  # summer time
    assert local_display("2026-11-24T18:30:12") == "2026-11-24 19:30"  # no offset: UTC
    assert local_display("") == "" and local_display(None) == ""


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("yesterday", "yesterday"),
        ("2026-13-45T99:00:00Z", "2026-13-45T99:00:00Z"),
        ("2026-11-24\nT18:30", "2026-11-24<LF>T18:30"),
        ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"),  # past the last local year
    ],
)
def test_an_unreadable_stored_time_is_shown_not_raised(
    local_cet: None, stored: str, shown: str
) -> None:
    assert local_display(stored) == shown


def test_a_stored_value_that_is_not_text_is_shown(local_cet: None) -> None:
    assert local_display(1_764_000_000) == "1764000000"  # type: ignore[arg-type]
