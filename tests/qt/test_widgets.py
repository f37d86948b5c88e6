"""The custodian picker and case choosers are backed by one list model, filled in one go."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from assettrack_gui.core.model import CaseInfo, HolderInfo
from assettrack_gui.qt.widgets import CaseChooser, ChoiceListModel, CustodianPicker, IdRole


def holders(n: int) -> list[HolderInfo]:
    return [HolderInfo(i + 1, f"Holder {i:05d}", f"B-{i:05d}", True) for i in range(n)]


def test_choice_list_model_is_a_valid_qt_model(qtmodeltester) -> None:
    model = ChoiceListModel()
    model.set_rows(["(none)", "Dana Reyes (B-1001)", "Lee Park (B-1002)"], [None, 7, 9])
    qtmodeltester.check(model)
    assert model.data(model.index(1), IdRole) == 7
    assert model.data(model.index(2), Qt.ItemDataRole.EditRole) == "Lee Park (B-1002)"
    assert model.row_of(9) == 2 and model.row_of(None) == 0 and model.row_of(3) == -1
    model.set_rows([], [])
    qtmodeltester.check(model)


def test_picker_with_thousands_of_holders(qtbot) -> None:
    picker = CustodianPicker()
    qtbot.addWidget(picker)
    picker.set_holders(holders(5000))
    assert picker.count() == 5000 and picker.holder_ids()[:2] == [1, 2]
    assert picker.current_holder_id() is None and picker.currentText() == ""
    with qtbot.waitSignal(picker.holderChanged) as changed:
        picker.select_holder(4321)
    assert changed.args == [4321]
    assert picker.currentText() == "Holder 04320 (B-04320)"
    # Search ignores letter case and matches any part of the name or badge.
    assert picker.matching_rows("b-0432") == list(range(4320, 4330))
    assert picker.matching_rows("  HOLDER 04999 ") == [4999]
    assert picker.matching_rows("") == []
    # Reloading keeps the chosen custodian if still active, drops them otherwise (no signal).
    picker.set_holders(holders(5000)[4000:])
    assert picker.current_holder_id() == 4321 and picker.count() == 1000
    with qtbot.assertNotEmitted(picker.holderChanged):
        picker.set_holders(holders(10))
    assert picker.current_holder_id() is None


def test_picker_completion_lists_matches(qtbot) -> None:
    picker = CustodianPicker()
    qtbot.addWidget(picker)
    picker.set_holders(holders(300))
    completer = picker.completer()
    completer.setCompletionPrefix("0012")
    assert completer.completionCount() == 11  # Holder 00012 and 00120 … 00129


def test_case_chooser_with_and_without_a_none_entry(qtbot) -> None:
    cases = [CaseInfo(i + 1, f"CASE-{i:04d}", f"Case {i}", 5, 10) for i in range(2000)]
    with_none = CaseChooser("(none)")
    qtbot.addWidget(with_none)
    with_none.set_cases(cases, None)
    assert with_none.count() == 2001 and with_none.current_case_id() is None
    assert with_none.itemText(1) == "CASE-0000 — Case 0 (5 × 10)"
    with qtbot.waitSignal(with_none.caseChanged) as changed:
        with_none.setCurrentIndex(5)
    assert changed.args == [5]
    with qtbot.assertNotEmitted(with_none.caseChanged):
        with_none.select_case(1500)
        with_none.select_case(99_999)  # unknown: stays
    assert with_none.current_case_id() == 1500
    with_none.set_cases(cases, 1500)  # reload keeps the selected case
    assert with_none.current_case_id() == 1500

    without = CaseChooser(None)
    qtbot.addWidget(without)
    without.set_cases(cases[:3], 42)  # not there: the first case
    assert without.count() == 3 and without.current_case_id() == 1


ACCENTED = [
    HolderInfo(1, "Tomás Ortega", "B-2001", True),
    HolderInfo(2, "Øren Lund", "B-2002", True),
    HolderInfo(3, "Tom Oster", "B-2003", True),
]


def test_picker_search_ignores_accents_and_case(qtbot) -> None:
    picker = CustodianPicker()
    qtbot.addWidget(picker)
    picker.set_holders(ACCENTED)
    assert picker.matching_rows("tomas") == [0]
    assert picker.matching_rows("OREN") == [1]
    assert picker.matching_rows("Tomás") == [0]
    assert picker.matching_rows("b-200") == [0, 1, 2]
    completer = picker.completer()
    for typed, shown in (("tomas", "Tomás Ortega (B-2001)"), ("OREN", "Øren Lund (B-2002)")):
        completer.setCompletionPrefix(typed)
        assert completer.completionCount() == 1
        index = completer.completionModel().index(0, 0)
        assert index.data() == shown
        assert completer.pathFromIndex(index) == shown  # what a choice puts in the field


# The offscreen plugin cannot raise the search list or let it grab the keyboard.
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise|grabbing the keyboard)")
def test_picker_typing_without_accents_and_enter_chooses_the_holder(qtbot) -> None:
    picker = CustodianPicker()
    qtbot.addWidget(picker)
    picker.set_holders(ACCENTED)
    picker.show()
    qtbot.waitExposed(picker)
    line = picker.lineEdit()
    with qtbot.waitSignal(picker.holderChanged) as changed:
        qtbot.keyClicks(line, "oren")
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert changed.args == [2]
    assert picker.currentText() == "Øren Lund (B-2002)"
