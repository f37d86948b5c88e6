"""A scanned code means one thing: no tag, badge or case code may read as a slot label
``CASE/POS`` (``rules.slot_label_like``), on every path that creates or changes a code, and
``verify`` warns about such codes an older version let in."""

from __future__ import annotations

from pathlib import Path

import pytest

from assettrack_gui.core import importer, matching, rules
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused
from assettrack_gui.core.model import Code, NewAsset, NewCase, NewHolder
from assettrack_gui.core.verify import verify

SLOT = Code.LOOKS_LIKE_SLOT_LABEL


@pytest.mark.parametrize("code", ["CART-A/3", "BIN-1/2", "x/0007", "A/B/12", "CART-A/123456"])
def test_codes_that_parse_as_slot_labels_are_refused_for_every_kind(code: str) -> None:
    assert matching.SLOT_LABEL.match(code)  # what Put-away and the audit take for a slot
    for what in ("badge code", "asset tag"):
        verdict = rules.slot_label_like(code, what)
        assert verdict is not None and verdict.code == SLOT
        assert code in verdict.message and "label of slot" in verdict.message
    verdict = rules.slot_label_like(code, "case code", case_code=True)
    assert verdict is not None and verdict.code == SLOT


@pytest.mark.parametrize("code", ["AT-SMOKE-0001", "B/C", "A/1B", "A/1234567", "/3x", "A-3"])
def test_other_codes_pass_but_a_case_code_holds_no_slash(code: str) -> None:
    assert rules.slot_label_like(code, "badge code") is None
    assert rules.slot_label_like(code, "asset tag") is None
    case = rules.slot_label_like(code, "case code", case_code=True)
    assert (case is not None and case.code == SLOT) == ("/" in code)


def test_holder_add_and_rebadge_refuse_a_badge_like_a_slot_label(engine: Engine) -> None:
    preview = engine.preview_add_holders([NewHolder("Slot Person", "BIN-1/2", label="line 2")])
    assert preview.lines[0].code == SLOT
    with pytest.raises(Refused):
        engine.add_holder("Slot Person", "BIN-1/2")
    with pytest.raises(Refused) as refused:
        engine.rebadge_holder("B-1001", "CART-A/3")
    assert refused.value.result.code == SLOT
    assert "CART-A/3" in refused.value.reasons[0]
    assert engine.holder("B-1001").badge_code == "B-1001"


def test_asset_and_case_registration_refuse_slot_label_codes(engine: Engine) -> None:
    preview = engine.preview_register([NewAsset("CART-A/9"), NewAsset("AT-NEW-1")])
    assert [line.code for line in preview.lines] == [SLOT, None]
    with pytest.raises(Refused):
        engine.commit_register([NewAsset("SHELF-B/2")])
    cases = engine.preview_create_cases(
        [NewCase("BIN/4", "bin", 1, 1), NewCase("A/B", "ab", 1, 1), NewCase("BIN-9", "ok", 1, 1)]
    )
    assert [line.code for line in cases.lines] == [SLOT, SLOT, None]
    with pytest.raises(Refused):
        engine.create_case("A/B", "ab", 1, 1)
    assert engine.case("A/B") is None


@pytest.mark.parametrize(
    ("kind", "text", "bad"),
    [
        (importer.HOLDERS, "name,badge_code\nAna,B-2001\nSlot Person,BIN-1/2\n", "BIN-1/2"),
        (importer.ASSETS, "asset_tag,serial,description,case_code,position\nCART-A/7,,,,\n", "CART-A/7"),
        (importer.CASES, "case_code,name,rows,cols\nRACK/2,Rack,1,2\n", "RACK/2"),
    ],
)
def test_imports_refuse_slot_label_codes_naming_the_line(
    engine: Engine, tmp_path: Path, kind: str, text: str, bad: str
) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    file = importer.load_import(kind, path)
    preview = importer.preview_import(engine, file)
    refused = [line for line in preview.lines if line.code == SLOT]
    assert len(refused) == 1 and bad in refused[0].reason
    with pytest.raises(Refused) as error:
        importer.commit_import(engine, file)
    assert any(bad in reason for reason in error.value.reasons)


def test_verify_warns_about_existing_slot_label_codes_and_stays_ok(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not [w for w in verify(engine.store).warnings if "slot label" in w]
    with monkeypatch.context() as mp:  # as a version before the rule allowed
        mp.setattr(rules, "slot_label_like", lambda code, what, case_code=False: None)
        engine.add_holder("Slot Person", "CART-A/3")
        engine.commit_register([NewAsset("AT/12")])
        engine.create_case("RACK/B", "Rack", 1, 1)
    report = verify(engine.store)
    assert report.ok, report.problems
    slot_warnings = [w for w in report.warnings if "slot label" in w]
    assert len(slot_warnings) == 3
    assert any("badge CART-A/3" in w and "holder rebadge" in w for w in slot_warnings)
    assert any("asset tag AT/12" in w for w in slot_warnings)
    assert any("case code RACK/B" in w and "contains '/'" in w for w in slot_warnings)
