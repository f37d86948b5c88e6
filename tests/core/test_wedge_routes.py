"""core.wedge.route_keys: whom keys are for while dialogs are open (README, scanner section)."""

from __future__ import annotations

import pytest

from assettrack_gui.core.wedge import BurstDetector, KeyRoute, route_keys


@pytest.mark.parametrize(
    ("in_text_field", "modal_dialog", "asks_for_text", "scan_as_text", "route"),
    [
        # no dialog: the detector decides, in a text field or not
        (True, False, False, False, KeyRoute.DETECT),
        (False, False, False, False, KeyRoute.DETECT),
        # a file dialog's or text-entry dialog's own text field: text as typed
        (True, True, True, False, KeyRoute.TEXT),
        # the same dialog, keyboard on its file list or a button: scans are held
        (False, True, True, False, KeyRoute.HOLD),
        # any other dialog (the commit confirmation, a form): held, even in its text field
        (True, True, False, False, KeyRoute.HOLD),
        (False, True, False, False, KeyRoute.HOLD),
        # a field that asked for scans as text gets them, dialog or not
        (True, False, False, True, KeyRoute.TEXT),
        (True, True, False, True, KeyRoute.TEXT),
    ],
)
def test_route(
    in_text_field: bool, modal_dialog: bool, asks_for_text: bool, scan_as_text: bool, route: KeyRoute
) -> None:
    assert (
        route_keys(
            in_text_field=in_text_field,
            modal_dialog=modal_dialog,
            dialog_asks_for_text=asks_for_text,
            scan_as_text=scan_as_text,
        )
        is route
    )


def test_a_path_typed_at_20_ms_would_be_a_scan_without_the_route() -> None:
    """Why the route exists: to the detector alone a fast-typed path ending in Enter is a scan."""
    detector = BurstDetector()
    results = [detector.feed(k, 20 * i) for i, k in enumerate([*"/tmp/out.csv", "enter"])]
    assert results[-1].scan == "/tmp/out.csv"
