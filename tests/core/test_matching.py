"""Scan normalisation and canonical matching, as a clerk with a scanner meets them.

Rules under test (issue 2): strip only what the scanner adds (edge whitespace/control characters,
a configured prefix/suffix, a leading AIM id when switched on); an exact match wins, otherwise a
match with '-' removed on both sides; two dashless candidates are ambiguous; no case folding, no
zero padding, no guessing, but a Caps-Lock hint.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assettrack_gui.core import matching, paths, queries
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.matching import classify, normalize_scan
from assettrack_gui.core.model import NewAsset, NewHolder
from assettrack_gui.core.settings import Settings, save_settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.text import control_character

from .conftest import asset_id, before_near_duplicate_rule, holder_id

pytestmark = pytest.mark.both_backends  # the tests on a database run on both

# -- dash-stripping, both ways ------------------------------------------------------------------


def test_scan_without_dashes_finds_the_tag_with_dashes(engine: Engine) -> None:
    m = engine.classify("ATSMOKE0001")
    assert (m.kind, m.canonical, m.via) == ("asset", "AT-SMOKE-0001", "dashless")
    assert m.id == asset_id(engine.store.conn, "AT-SMOKE-0001")


def test_scan_with_dashes_finds_the_tag_without_dashes(engine: Engine) -> None:
    m = engine.classify("ZX-9000")
    assert (m.kind, m.canonical, m.via) == ("asset", "ZX9000", "dashless")
    assert engine.classify("Z-X-9-0-0-0").canonical == "ZX9000"


def test_dashes_in_other_places_still_match(engine: Engine) -> None:
    assert engine.classify("AT-SMOKE0001").canonical == "AT-SMOKE-0001"
    assert engine.classify("-ATSMOKE-0001-").canonical == "AT-SMOKE-0001"


def test_exact_match_is_reported_as_exact(engine: Engine) -> None:
    m = engine.classify("AT-SMOKE-0002")
    assert (m.kind, m.canonical, m.via) == ("asset", "AT-SMOKE-0002", "exact")


def test_commits_use_the_canonical_tag(engine: Engine) -> None:
    result = engine.commit_stock_out(["ATSMOKE0001"], "B1002")
    line = result.preview.lines[0]
    assert (line.asset_tag, line.via) == ("AT-SMOKE-0001", "dashless")
    assert result.preview.holder is not None and result.preview.holder.badge_code == "B-1002"
    assert engine.store.conn.execute(
        "SELECT e.asset_id FROM events e WHERE batch_id = ?", (result.batch_id,)
    ).fetchall() == [(asset_id(engine.store.conn, "AT-SMOKE-0001"),)]


# -- exact wins, ambiguity ----------------------------------------------------------------------


@pytest.fixture
def lookalikes(engine: Engine) -> Engine:
    """Two tags that are equal once dashes are removed: AB-12 and AB12 (an older database:
    registering them side by side is refused today)."""
    with before_near_duplicate_rule():
        engine.commit_register([NewAsset("AB-12"), NewAsset("AB12")])
    return engine


def test_exact_match_wins_over_a_dashless_one(lookalikes: Engine) -> None:
    assert lookalikes.classify("AB12").canonical == "AB12"
    assert lookalikes.classify("AB-12").canonical == "AB-12"
    assert lookalikes.classify("AB12").via == lookalikes.classify("AB-12").via == "exact"


def test_two_dashless_candidates_are_ambiguous_and_both_are_named(lookalikes: Engine) -> None:
    m = lookalikes.classify("A-B12")
    assert m.kind == matching.AMBIGUOUS and not m.found and m.id is None
    assert sorted(m.candidates) == [("asset", "AB-12"), ("asset", "AB12")]
    assert "AB-12" in m.message and "AB12" in m.message and "ambiguous" in m.message


def test_an_ambiguous_scan_refuses_the_line_and_names_both(lookalikes: Engine) -> None:
    preview = lookalikes.preview_stock_out(["A-B-12"], "B-1001")
    assert not preview.ok
    reason = preview.lines[0].reason
    assert "AB-12" in reason and "AB12" in reason


def test_ambiguity_across_kinds_names_the_kind(engine: Engine) -> None:
    with before_near_duplicate_rule():  # an older database: refused at registration today
        engine.add_holders([NewHolder("Kim Ode", "KX-77")])
        engine.commit_register([NewAsset("K-X77")])
    m = engine.classify("KX77")
    assert m.kind == matching.AMBIGUOUS
    assert "holder badge KX-77" in m.message and "asset K-X77" in m.message


# -- no case folding, no padding, the Caps-Lock hint -----------------------------------------------


@pytest.mark.parametrize("scan", ["at-smoke-0001", "atsmoke0001", "At-Smoke-0001"])
def test_other_letter_case_does_not_match_but_says_caps_lock(engine: Engine, scan: str) -> None:
    m = engine.classify(scan)
    assert m.kind == matching.UNKNOWN and m.id is None and m.canonical is None
    assert f"no asset {scan}" in m.message
    assert "AT-SMOKE-0001 exists" in m.message and "Caps Lock" in m.message


def test_caps_lock_hint_for_a_badge_says_it_is_a_badge(engine: Engine) -> None:
    m = engine.classify("b-1001")
    assert m.kind == matching.UNKNOWN
    assert "holder badge B-1001 exists" in m.message


def test_a_lower_case_scan_is_refused_in_a_batch_with_the_hint(engine: Engine) -> None:
    preview = engine.preview_stock_out(["at-smoke-0001"], "B-1001")
    assert not preview.ok and preview.lines[0].asset_id is None
    assert "Caps Lock" in preview.lines[0].reason


@pytest.mark.parametrize("scan", ["AT-SMOKE-1", "AT-SMOKE-00001", "AT-SMOKE-001", "ZX09000"])
def test_no_zero_padding_or_unpadding(engine: Engine, scan: str) -> None:
    m = engine.classify(scan)
    assert m.kind == matching.UNKNOWN
    assert "Caps Lock" not in m.message


@pytest.mark.parametrize(
    "scan", ["AT-SMOKE-000l", "AT-SMOKE-OOO1", "AT SMOKE 0001", "AT_SMOKE_0001"]
)
def test_no_guessing_of_lookalike_characters(engine: Engine, scan: str) -> None:
    assert engine.classify(scan).kind == matching.UNKNOWN


def test_unknown_scan_says_it_is_no_asset_badge_or_case(engine: Engine) -> None:
    m = engine.classify("NOPE-42")
    assert m.kind == matching.UNKNOWN and m.message == "no asset, badge or case NOPE-42"


# -- what the scanner adds around a code --------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "AT-SMOKE-0001\r",
        "AT-SMOKE-0001\n",
        "AT-SMOKE-0001\r\n",
        "AT-SMOKE-0001\t",
        "\tAT-SMOKE-0001",
        "\x1dAT-SMOKE-0001\x1d",
        "  AT-SMOKE-0001  ",
        "\r\n\t\x1d AT-SMOKE-0001 \x1d\t\r\n",
        "\u00a0AT-SMOKE-0001\u200b",  # no-break space, zero-width space
    ],
)
def test_control_characters_and_spaces_at_the_edges_are_stripped(engine: Engine, raw: str) -> None:
    assert normalize_scan(raw) == "AT-SMOKE-0001"
    assert engine.classify(raw).canonical == "AT-SMOKE-0001"


@pytest.mark.parametrize("raw", ["AT-SMOKE\x1d-0001", "AT-SMOKE-\t0001", "AT-SMOKE- 0001"])
def test_characters_inside_a_code_are_kept(engine: Engine, raw: str) -> None:
    assert normalize_scan(raw) == raw
    m = engine.classify(raw)
    assert m.kind == matching.UNKNOWN


def test_invisible_characters_are_shown_in_messages(engine: Engine) -> None:
    m = engine.classify("AT\x1dX\t1")
    assert "AT<GS>X<TAB>1" in m.message


def test_configured_prefix_and_suffix_are_stripped(engine: Engine) -> None:
    settings = Settings(prefix="@@", suffix="#")
    assert normalize_scan("@@AT-SMOKE-0001#\r\n", settings) == "AT-SMOKE-0001"
    assert normalize_scan("AT-SMOKE-0001", settings) == "AT-SMOKE-0001"  # absent: fine
    assert normalize_scan("#AT-SMOKE-0001@@", settings) == "#AT-SMOKE-0001@@"  # wrong ends: kept
    # Without the setting, the same characters stay and the scan does not match.
    assert normalize_scan("@@AT-SMOKE-0001#") == "@@AT-SMOKE-0001#"
    engine.settings_owner.update(settings)
    assert engine.classify("@@AT-SMOKE-0001#\r").canonical == "AT-SMOKE-0001"
    result = engine.commit_stock_out(["@@ATSMOKE0002#"], "@@B-1001#")
    assert result.preview.lines[0].asset_tag == "AT-SMOKE-0002"


def test_prefix_is_stripped_once_only(engine: Engine) -> None:
    settings = Settings(prefix="X")
    assert normalize_scan("XXA", settings) == "XA"


def test_the_shared_settings_file_configures_the_engine(store: Store, private_dirs: Path) -> None:
    """The GUI's scanner dialog and assettrack-admin both write/read one settings file."""
    save_settings(Settings(prefix="~", strip_aim=False))
    assert paths.settings_path().is_relative_to(private_dirs)
    engine = Engine(store, operator="tester")  # no settings given: read the file
    engine.commit_register([NewAsset("AT-1")])
    assert engine.classify("~AT-1\r").canonical == "AT-1"
    assert engine.classify("]C1AT-1").kind == matching.UNKNOWN  # AIM stripping switched off


@pytest.mark.parametrize("aim", ["]C0", "]C1", "]Q1", "]d2", "]E0", "]e0"])
def test_aim_symbology_identifier_is_stripped_by_default(engine: Engine, aim: str) -> None:
    assert normalize_scan(f"{aim}AT-SMOKE-0001\r") == "AT-SMOKE-0001"
    assert engine.classify(f"{aim}ATSMOKE0001").canonical == "AT-SMOKE-0001"


@pytest.mark.parametrize("aim", ["]C0", "]C1", "]Q1", "]d2"])
def test_aim_identifier_is_kept_when_switched_off(engine: Engine, aim: str) -> None:
    engine.settings_owner.update(Settings(strip_aim=False))
    assert normalize_scan(f"{aim}AT-SMOKE-0001", engine.settings) == f"{aim}AT-SMOKE-0001"
    assert engine.classify(f"{aim}AT-SMOKE-0001").kind == matching.UNKNOWN


def test_only_one_leading_aim_identifier_is_stripped() -> None:
    assert normalize_scan("]C1]C1ABC") == "]C1ABC"
    assert normalize_scan("ABC]C1") == "ABC]C1"


def test_prefix_then_aim_identifier_then_code(engine: Engine) -> None:
    settings = Settings(prefix="STX")
    assert normalize_scan("STX]C1AT-SMOKE-0001\r", settings) == "AT-SMOKE-0001"


# -- empty, huge and non-ASCII scans ----------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "\r\n", "   ", "\t\x1d", "]C1", "]C1\r"])
def test_empty_scans_are_their_own_verdict(engine: Engine, raw: str) -> None:
    m = engine.classify(raw)
    assert m.kind == matching.EMPTY and m.message == "empty scan"


def test_dashes_only_match_nothing(engine: Engine) -> None:
    m = engine.classify("---")
    assert m.kind == matching.UNKNOWN and m.id is None


def test_a_10_kb_scan_is_refused_quickly_with_a_short_message(engine: Engine) -> None:
    raw = "A" * 10_240 + "\r"
    m = engine.classify(raw)
    assert m.kind == matching.TOO_LONG and "10240 characters" in m.message
    assert len(m.message) < 200
    preview = engine.preview_stock_out([raw, "AT-SMOKE-0001"], "B-1001")
    assert not preview.ok and preview.lines[1].ok
    (reason,) = preview.reasons()
    assert len(reason) < 300 and "too long" in reason


def test_a_10_kb_scan_of_dashes_and_letters_is_too_long_too(engine: Engine) -> None:
    assert engine.classify("A-" * 5_120).kind == matching.TOO_LONG


@pytest.fixture
def non_ascii(engine: Engine) -> Engine:
    engine.commit_register([NewAsset("ÄT-ÜMLAUT-ß1"), NewAsset("設備-001"), NewAsset("ΩMEGA-7")])
    engine.add_holders([NewHolder("Zoë Ñúñez", "BÄ-7")])
    return engine


@pytest.mark.parametrize(
    ("scan", "canonical"),
    [
        ("ÄT-ÜMLAUT-ß1", "ÄT-ÜMLAUT-ß1"),
        ("ÄTÜMLAUTß1", "ÄT-ÜMLAUT-ß1"),
        ("設備001", "設備-001"),
        ("\r設備-001\n", "設備-001"),
        ("ΩMEGA7", "ΩMEGA-7"),
    ],
)
def test_non_ascii_tags_match_exactly_and_without_dashes(
    non_ascii: Engine, scan: str, canonical: str
) -> None:
    m = non_ascii.classify(scan)
    assert (m.kind, m.canonical) == ("asset", canonical)


@pytest.mark.parametrize("scan", ["ät-ümlaut-ß1", "ωmega-7", "ÄT-UMLAUT-ß1", "AT-ÜMLAUT-ß1"])
def test_non_ascii_tags_are_not_folded_or_transliterated(non_ascii: Engine, scan: str) -> None:
    assert non_ascii.classify(scan).kind == matching.UNKNOWN


def test_decomposed_unicode_is_not_silently_normalised(non_ascii: Engine) -> None:
    decomposed = "A\u0308T-U\u0308MLAUT-ß1"  # Ä and Ü as letter + combining diaeresis
    assert non_ascii.classify(decomposed).kind == matching.UNKNOWN


def test_non_ascii_badge_is_a_holder(non_ascii: Engine) -> None:
    m = non_ascii.classify("BÄ7")
    assert (m.kind, m.canonical) == ("holder", "BÄ-7")


# -- classify: what kind of thing a scan is -----------------------------------------------------------


@pytest.mark.parametrize(
    ("scan", "kind", "canonical"),
    [
        ("AT-SMOKE-0003", "asset", "AT-SMOKE-0003"),
        ("ZX9000", "asset", "ZX9000"),
        ("B-1001", "holder", "B-1001"),
        ("B1002\r", "holder", "B-1002"),
        ("B-0999", "holder", "B-0999"),  # a deactivated holder's badge is still a badge
        ("CART-A", "case", "CART-A"),
        ("SHELFB", "case", "SHELF-B"),
        ("WHAT-IS-THIS", "unknown", None),
    ],
)
def test_classify_says_asset_holder_badge_case_or_unknown(
    engine: Engine, scan: str, kind: str, canonical: str | None
) -> None:
    m = engine.classify(scan)
    assert (m.kind, m.canonical) == (kind, canonical)
    assert m.found == (kind != "unknown")


def test_classify_returns_the_holder_id_for_a_badge(engine: Engine) -> None:
    m = engine.classify("B-1001")
    assert m.id == holder_id(engine.store.conn, "B-1001")
    assert matching.KIND_WORDS[m.kind] == "holder badge"


def test_a_badge_in_an_asset_batch_names_the_holder(engine: Engine) -> None:
    preview = engine.preview_stock_out(["B-1002"], "B-1001")
    assert preview.lines[0].reason == "this is the badge of Lee Park (B-1002), not an asset"
    preview = engine.preview_stock_out(["CART-A"], "B-1001")
    assert preview.lines[0].reason == "this is case CART-A, not an asset"


# -- indexes ------------------------------------------------------------------------------------------


def _plan(engine: Engine, sql: str, params: dict[str, str]) -> list[str]:
    return [row[3] for row in engine.store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def _pg_plan(engine: Engine, sql: str, params: dict[str, str], *, seqscan: bool = True) -> str:
    """PostgreSQL's plan as text; ``seqscan=False`` asks whether an index *can* serve the
    statement (on a table of a few rows the planner rightly prefers reading it whole)."""
    with engine.store.read() as conn:
        if not seqscan:
            conn.execute("SET LOCAL enable_seqscan = off")
        return "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, params))


@pytest.mark.parametrize(
    ("sql", "index", "pg_index"),
    [
        (queries.EXACT_SQL, "sqlite_autoindex_assets_1", "assets_asset_tag_key"),
        (queries.DASHLESS_SQL, "assets_tag_nodash", "assets_tag_nodash"),
        (queries.NOCASE_SQL, "assets_tag_nodash_nocase", "assets_tag_nodash_nocase"),
    ],
)
def test_every_lookup_of_a_scan_uses_an_index_not_a_table_scan(
    engine: Engine, sql: str, index: str, pg_index: str, backend: str
) -> None:
    params = {"s": "ATSMOKE0001", "k": "ATSMOKE0001"}
    if backend == "postgres":
        plan = _pg_plan(engine, sql, params, seqscan=False)
        assert re.search(rf"(Index Scan using|Bitmap Index Scan on) {pg_index}\b", plan), plan
        assert "Seq Scan" not in plan, plan
        return
    plan_steps = _plan(engine, sql, params)
    assert any(f"INDEX {index} " in step for step in plan_steps), plan_steps
    assert not [step for step in plan_steps if step.startswith("SCAN")], plan_steps


def test_dashless_lookup_stays_indexed_at_100k_assets(empty_engine: Engine, backend: str) -> None:
    conn = empty_engine.store.conn
    with empty_engine.store.write():
        conn.executemany(
            "INSERT INTO assets (asset_tag) VALUES (?)",
            ((f"AT-{n // 1000:03d}-{n % 1000:03d}",) for n in range(100_000)),
        )
        if backend != "postgres":
            conn.execute("ANALYZE")
    if backend == "postgres":
        conn.execute("ANALYZE")  # not inside a transaction block there
        plan = _pg_plan(empty_engine, queries.DASHLESS_SQL, {"k": "AT050123"})
        assert "Index Scan using assets_tag_nodash on assets" in plan, plan
    else:
        steps = _plan(empty_engine, queries.DASHLESS_SQL, {"k": "AT050123"})
        assert "SEARCH assets USING INDEX assets_tag_nodash (<expr>=?)" in steps
    assert classify(conn, "AT050123").canonical == "AT-050-123"
    assert classify(conn, "at-050-123").message.endswith("AT-050-123 exists — is Caps Lock on?")


def test_undecodable_bytes_are_an_unknown_scan_not_a_crash(engine: Engine) -> None:
    # A non-UTF-8 terminal or argv turns bytes like 0xC4 into lone surrogates in Python;
    # SQLite cannot bind them, so the scan must be answered before any query.
    m = engine.classify("AT-SMOKE-\udcc4001")
    assert m.kind == matching.UNKNOWN
    assert "AT-SMOKE-<U+DCC4>001" in m.message and "not UTF-8 text" in m.message
    assert engine.lookup("\udcff").match.kind == matching.UNKNOWN
    preview = engine.preview_stock_out(["\udcff"], "\udcff")
    assert not preview.ok and "no holder with badge or name" in preview.reasons()[0]


@settings(max_examples=100, deadline=None)
@given(tag=st.text(min_size=1, max_size=30))
def test_any_registrable_tag_is_found_however_the_scanner_wraps_it(tag: str) -> None:
    """Any text that survives normalisation unchanged can be a tag (the engine refuses others),
    and then it is found exactly, without dashes and with scanner noise, but not in other case."""
    key = tag.replace("-", "")
    # Removing the dashes must not expose edge spaces (a tag like "- 0"): normalisation would
    # strip them from a dashless scan.
    assume(normalize_scan(tag) == tag and key and normalize_scan(key) == key)
    assume(control_character(tag) is None)  # refused by the engine
    assume(matching.SLOT_LABEL.match(tag) is None)  # refused too: it reads as a slot label
    with Store(":memory:") as store:  # a fresh database per example
        engine = Engine(store, operator="prop", settings=Settings())
        engine.commit_register([NewAsset(tag)])
        for scan in (tag, key, f"{tag}\r\n", f"]C1{tag}", f"\x1d{tag}\t"):
            m = engine.classify(scan)
            assert (m.kind, m.canonical) == ("asset", tag), scan
        other = tag.swapcase()
        if other.replace("-", "") != key and normalize_scan(other) == other:
            assert engine.classify(other).kind == matching.UNKNOWN
