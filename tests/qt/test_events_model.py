"""The Lookup page's history shows local time exactly as the Reports page does, the stored UTC
value in the tooltip, and a row whose stored time cannot be read still shows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from assettrack_gui.core.model import EventRow
from assettrack_gui.core.reports import local_display
from assettrack_gui.qt.preview_model import EventsModel


def event(created_at: str) -> EventRow:
    return EventRow(1, "b-1", "STOCK_OUT", created_at, "clerk", "AT-0001", "Dana", "C-1/3", "")


def test_history_shows_local_time_like_reports(qtmodeltester, local_cet: None) -> None:
    model = EventsModel()
    stored = ["2026-11-24T18:30:12.123Z", "damaged\x00stamp"]
    model.set_events([event(s) for s in stored])
    qtmodeltester.check(model, force_py=True)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "When"
    when = [model.index(r, 0) for r in range(2)]
    assert when[0].data() == "2026-11-24 19:30" == local_display(stored[0])
    assert when[0].data(Qt.ItemDataRole.ToolTipRole) == "2026-11-24T18:30:12.123Z UTC"
    assert when[1].data() == "damaged<U+0000>stamp"
    assert model.index(0, 1).data() == "STOCK_OUT"


def test_history_shows_each_event_s_note(qtmodeltester) -> None:
    model = EventsModel()
    retire = EventRow(
        2, "b-2", "RETIRE", "2026-11-24T18:30:12.123Z", "olga", "AT-0001", None, "C-1/3",
        "retired (lost): fell\x07 off the cart",
    )  # fmt: skip
    model.set_events([event("2026-11-24T18:00:00.000Z"), retire])
    qtmodeltester.check(model, force_py=True)
    last = model.columnCount() - 1
    assert model.headerData(last, Qt.Orientation.Horizontal) == "Note"
    assert model.index(0, last).data() == ""
    assert model.index(1, last).data() == "retired (lost): fell<U+0007> off the cart"
