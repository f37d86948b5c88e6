"""An empty stockroom, and the template files the welcome panel saves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assettrack_gui.core import importer
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.first_run import (
    TEMPLATE_KINDS,
    existing_templates,
    save_templates,
    stockroom_is_empty,
    template_source,
)
from assettrack_gui.core.store import Store


def test_a_stockroom_is_empty_until_anything_is_added(store: Store) -> None:
    assert stockroom_is_empty(store)
    engine = Engine(store, "clerk")
    engine.add_holder("Dana Reyes", "B-1001")
    assert not stockroom_is_empty(store)
    engine.set_holder_active("B-1001", False)
    assert not stockroom_is_empty(store)  # a deactivated holder still counts


@pytest.mark.parametrize("kind", ["cases", "assets"])
def test_a_case_or_an_asset_alone_is_not_empty(store: Store, kind: str) -> None:
    engine = Engine(store, "clerk")
    if kind == "cases":
        engine.create_case("CART-A", "Cart", 1, 2)
    else:
        engine.commit_register([importer.NewAsset("AT-1", "SN1", "Laptop")])
    assert not stockroom_is_empty(store)


def test_each_template_has_exactly_the_import_columns_and_example_rows() -> None:
    assert set(TEMPLATE_KINDS) == set(importer.COLUMNS)
    for kind in TEMPLATE_KINDS:
        file = importer.load_import(kind, template_source(kind))
        assert file.encoding == importer.UTF8_BOM  # Excel shows é and ñ right
        assert file.separator == ","
        assert len(file.readable) >= 3 and not file.broken
        assert set(file.records[0].values) == set(importer.COLUMNS[kind])
    assets = importer.load_import("assets", template_source("assets")).records
    assert any(not r.values["case_code"] for r in assets)  # how an unslotted asset is written


def test_the_templates_import_cleanly_in_order(store: Store) -> None:
    engine = Engine(store, "clerk")
    for kind in TEMPLATE_KINDS:
        file = importer.load_import(kind, template_source(kind))
        assert importer.preview_import(engine, file).ok
        result = importer.commit_import(engine, file)
        assert result.count == len(file.records)
        assert all(line.warning is None for line in result.preview.lines)


def test_templates_are_saved_and_never_replace_silently(tmp_path: Path) -> None:
    written = save_templates(tmp_path)
    assert [p.name for p in written] == ["holders.csv", "cases.csv", "assets.csv"]
    for path, kind in zip(written, TEMPLATE_KINDS, strict=True):
        assert path.read_bytes() == template_source(kind).read_bytes()
    assert existing_templates(tmp_path) == written
    (tmp_path / "cases.csv").write_text("mine\n", encoding="utf-8")
    with pytest.raises(UserError, match="already has holders.csv, cases.csv, assets.csv"):
        save_templates(tmp_path)
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8") == "mine\n"
    save_templates(tmp_path, replace=True)
    assert (tmp_path / "cases.csv").read_bytes() == template_source("cases").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets.csv", "cases.csv", "holders.csv"]


def test_templates_never_go_through_a_link_or_over_a_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("keep\n", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    os.symlink(elsewhere, folder / "holders.csv")
    for replace in (False, True):
        with pytest.raises(UserError, match="symbolic link"):
            save_templates(folder, replace=replace)
    assert elsewhere.read_text(encoding="utf-8") == "keep\n"
    assert sorted(p.name for p in folder.iterdir()) == ["holders.csv"]  # nothing else written
    other = tmp_path / "other"
    (other / "assets.csv").mkdir(parents=True)
    with pytest.raises(UserError, match="is a folder"):
        save_templates(other, replace=True)
    with pytest.raises(UserError, match="not a folder"):
        save_templates(tmp_path / "missing")
