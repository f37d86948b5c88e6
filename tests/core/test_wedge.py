"""Keyboard-wedge burst detection with synthetic timestamps.

``Widget`` plays the focused widget: it applies each FeedResult the way the Qt adaptor must
(replay first, then retract + scan, then the key unless swallowed), so tests can assert what
the person would see in the field and what the scan handler got.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assettrack_gui.core.wedge import BurstDetector, FeedResult, WedgeConfig

THRESHOLD = 35


@dataclass
class Widget:
    detector: BurstDetector = field(default_factory=BurstDetector)
    in_text_field: bool = False
    received: list[str] = field(default_factory=list)  # keys the widget got, in order
    scans: list[str] = field(default_factory=list)
    swallowed: int = 0

    def apply(self, key: str, result: FeedResult) -> None:
        self.received.extend(result.replay)
        if result.scan is not None:
            if result.retract:
                leaked = self.received[-result.retract :]
                assert "".join(leaked) == result.scan[: result.retract]
                del self.received[-result.retract :]
            self.scans.append(result.scan)
        if result.swallow:
            self.swallowed += 1
        else:
            self.received.append(key)

    def key(self, key: str, ts: int) -> FeedResult:
        result = self.detector.feed(key, ts, in_text_field=self.in_text_field)
        self.apply(key, result)
        return result

    def keys(self, keys: list[str], start: int, step: int) -> int:
        ts = start
        for k in keys:
            self.key(k, ts)
            ts += step
        return ts - step

    def idle(self, now: int) -> None:
        result = self.detector.flush_if_stale(now)
        assert not result.swallow and result.scan is None
        self.received.extend(result.replay)

    @property
    def text(self) -> str:
        return "".join(k for k in self.received if len(k) == 1)


def widget(text_field: bool = False, **config: Any) -> Widget:
    return Widget(BurstDetector(WedgeConfig(**config)), in_text_field=text_field)


@pytest.mark.parametrize("text_field", [False, True])
@pytest.mark.parametrize("ms_per_char", [5, 8, 16, 20])
def test_scanner_speeds_deliver_one_scan(ms_per_char: int, text_field: bool) -> None:
    w = widget(text_field)
    w.keys([*"AT-0001", "enter"], start=1000, step=ms_per_char)
    assert w.scans == ["AT-0001"]
    assert w.received == []
    assert not w.detector.pending


def test_text_field_scan_says_how_many_characters_leaked() -> None:
    w = widget(text_field=True)
    results = [w.detector.feed(k, 1000 + 8 * i, in_text_field=True) for i, k in enumerate("AT-1")]
    assert [r.swallow for r in results] == [False, False, True, True]
    done = w.detector.feed("enter", 1032, in_text_field=True)
    assert done == FeedResult(swallow=True, scan="AT-1", retract=2)


@pytest.mark.parametrize("text_field", [False, True])
def test_person_typing_is_never_a_scan_and_every_character_arrives_in_order(
    text_field: bool,
) -> None:
    w = widget(text_field)
    end = w.keys([*"AT-0001", "enter"], start=1000, step=150)
    w.idle(end + 1000)
    assert w.scans == []
    assert w.received == [*"AT-0001", "enter"]


def test_slow_typing_in_a_text_field_is_never_held() -> None:
    w = widget(text_field=True)
    for i, k in enumerate("hello"):
        assert w.detector.feed(k, 1000 + 100 * i, in_text_field=True) == FeedResult()


def test_typing_outside_a_text_field_is_held_only_until_the_next_slow_key() -> None:
    d = BurstDetector()
    assert d.feed("h", 1000) == FeedResult(swallow=True)
    assert d.feed("i", 1150) == FeedResult(swallow=True, replay="h")
    assert d.flush_if_stale(1150 + THRESHOLD) == FeedResult()  # not stale yet
    assert d.flush_if_stale(1150 + THRESHOLD + 1) == FeedResult(replay="i")
    assert not d.pending


@pytest.mark.parametrize("text_field", [False, True])
def test_person_types_two_characters_then_scans(text_field: bool) -> None:
    w = widget(text_field)
    w.key("n", 1000)
    w.key("o", 1200)
    end = w.keys([*"CASE-12", "enter"], start=1300, step=8)
    w.idle(end + 500)
    assert w.scans == ["CASE-12"]
    assert w.received == ["n", "o"]


@pytest.mark.parametrize("text_field", [False, True])
def test_a_key_typed_just_before_a_burst_joins_the_scan(text_field: bool) -> None:
    """8 ms before a burst nobody can tell the key from the scanner's; the scan shows it."""
    w = widget(text_field)
    w.key("x", 1392)
    w.keys([*"AT-9", "enter"], start=1400, step=8)
    assert w.scans == ["xAT-9"]
    assert w.received == []


@pytest.mark.parametrize("text_field", [False, True])
def test_burst_shorter_than_min_length_is_typing_and_enter_gets_through(text_field: bool) -> None:
    w = widget(text_field, min_length=4)
    w.keys([*"AT1", "enter"], start=1000, step=8)
    assert w.scans == []
    assert w.received == [*"AT1", "enter"]


def test_min_length_is_inclusive() -> None:
    w = widget(min_length=3)
    w.keys([*"AT1", "enter"], start=1000, step=8)
    assert w.scans == ["AT1"]


@pytest.mark.parametrize("text_field", [False, True])
def test_empty_enter_reaches_the_widget(text_field: bool) -> None:
    w = widget(text_field)
    assert w.key("enter", 1000) == FeedResult()
    w.keys([*"AT-1", "enter"], start=2000, step=8)
    assert w.key("enter", 2100) == FeedResult()  # a second Enter after the scan
    assert w.scans == ["AT-1"]
    assert w.received == ["enter", "enter"]


@pytest.mark.parametrize("text_field", [False, True])
def test_long_pause_inside_a_burst_then_enter_is_not_a_scan(text_field: bool) -> None:
    w = widget(text_field)
    end = w.keys([*"AT-0"], start=1000, step=8)
    w.keys([*"001", "enter"], start=end + 400, step=8)
    assert w.scans == []
    assert w.text == "AT-0001"
    assert w.received[-1] == "enter"


@pytest.mark.parametrize("text_field", [False, True])
def test_long_pause_before_the_terminator_is_not_a_scan(text_field: bool) -> None:
    w = widget(text_field)
    end = w.keys([*"AT-0001"], start=1000, step=8)
    w.key("enter", end + THRESHOLD + 1)
    assert w.scans == []
    assert w.received == [*"AT-0001", "enter"]


@pytest.mark.parametrize("text_field", [False, True])
def test_stale_timer_replays_a_burst_that_never_ended(text_field: bool) -> None:
    w = widget(text_field)
    end = w.keys([*"AT-0001"], start=1000, step=8)
    w.idle(end + THRESHOLD + 1)
    assert w.received == [*"AT-0001"]
    w.key("enter", end + 1000)
    assert w.scans == []


def test_tab_terminator() -> None:
    w = widget(terminator="tab")
    w.keys([*"AT-0001", "tab"], start=1000, step=8)
    assert w.scans == ["AT-0001"]
    w.keys([*"AT-0002", "enter"], start=2000, step=8)  # Enter is not the terminator here
    assert w.scans == ["AT-0001"]
    assert w.received == [*"AT-0002", "enter"]


def test_tab_is_not_a_terminator_when_enter_is() -> None:
    w = widget()
    w.keys([*"AT-0001", "tab"], start=1000, step=8)
    assert w.scans == []
    assert w.received == [*"AT-0001", "tab"]


@pytest.mark.parametrize("lf", ["lf", "\n"])
def test_crlf_swallows_the_line_feed_after_the_scan(lf: str) -> None:
    w = widget(terminator="crlf")
    end = w.keys([*"AT-0001", "enter", lf], start=1000, step=8)
    assert w.scans == ["AT-0001"]
    assert w.received == []
    w.key(lf, end + 500)  # an LF long after is the person's
    assert w.received == [lf]


def test_crlf_without_the_line_feed_still_scans_and_next_scan_works() -> None:
    w = widget(terminator="crlf")
    w.keys([*"AT-0001", "enter"], start=1000, step=8)
    w.keys([*"AT-0002", "enter", "lf"], start=1050, step=8)
    assert w.scans == ["AT-0001", "AT-0002"]
    assert w.received == []


def test_shift_between_characters_does_not_break_a_burst() -> None:
    w = widget()
    keys = ["shift", "A", "shift", "T", "-", "0", "0", "1", "enter"]
    w.keys(keys, start=1000, step=8)
    assert w.scans == ["AT-001"]
    assert w.received == ["shift", "shift"]


def test_backspace_ends_a_burst_after_the_held_characters() -> None:
    w = widget()
    w.key("a", 1000)
    w.key("b", 1010)
    w.key("backspace", 1020)
    assert w.received == ["a", "b", "backspace"]


def test_key_aliases() -> None:
    w = widget()
    w.keys([*"AT-0001", "\r"], start=1000, step=8)
    w.keys([*"AT-0002", "Return"], start=2000, step=8)
    assert w.scans == ["AT-0001", "AT-0002"]


def test_gs1_group_separator_stays_in_the_scan() -> None:
    w = widget()
    w.keys([*"0109501101530003", "\x1d", *"10ABC", "enter"], start=1000, step=8)
    assert w.scans == ["0109501101530003\x1d10ABC"]


def test_clock_going_backwards_counts_as_a_long_gap() -> None:
    w = widget()
    w.keys([*"AT"], start=5000, step=8)
    w.keys([*"-1", "enter"], start=100, step=8)
    assert w.scans == []
    assert w.text == "AT-1"


def test_focus_moving_into_a_text_field_mid_burst_keeps_order() -> None:
    w = widget()
    w.key("A", 1000)  # held: not a text field
    w.in_text_field = True
    w.key("B", 1008)
    w.key("enter", 1500)
    assert w.received == ["A", "B", "enter"]


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError):
        WedgeConfig(terminator="space")
    with pytest.raises(ValueError):
        WedgeConfig(confirm_length=1)
    with pytest.raises(ValueError):
        BurstDetector().feed("", 0)


def test_core_wedge_has_no_qt() -> None:
    source = Path(__file__).parents[2] / "assettrack_gui" / "core" / "wedge.py"
    assert "PySide" not in source.read_text(encoding="utf-8")


# --- properties ---------------------------------------------------------------------------

printable = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
named_keys = st.sampled_from(["enter", "tab", "backspace", "escape", "left"])
slow_gap = st.integers(min_value=THRESHOLD + 1, max_value=5000)
fast_gap = st.integers(min_value=0, max_value=THRESHOLD)


@given(
    keys=st.lists(st.one_of(printable, named_keys), max_size=40),
    gaps=st.lists(slow_gap, min_size=40, max_size=40),
    text_field=st.booleans(),
    terminator=st.sampled_from(["enter", "tab", "crlf"]),
)
def test_slow_keys_all_reach_the_widget_in_order_and_never_scan(
    keys: list[str], gaps: list[int], text_field: bool, terminator: str
) -> None:
    w = widget(text_field, terminator=terminator)
    ts = 0
    for key, gap in zip(keys, gaps, strict=False):
        ts += gap
        w.key(key, ts)
    w.idle(ts + 10_000)
    assert w.scans == []
    assert w.received == keys


@given(
    chars=st.lists(printable, min_size=4, max_size=40),
    gaps=st.lists(fast_gap, min_size=41, max_size=41),
    text_field=st.booleans(),
    terminator=st.sampled_from(["enter", "tab", "crlf"]),
    typed_before=st.lists(printable, max_size=5),
)
def test_fast_burst_with_terminator_is_exactly_one_scan(
    chars: list[str], gaps: list[int], text_field: bool, terminator: str, typed_before: list[str]
) -> None:
    w = widget(text_field, terminator=terminator)
    ts = w.keys(typed_before, start=0, step=500) + 500
    for char, gap in zip(chars, gaps, strict=False):
        ts += gap
        w.key(char, ts)
    w.key("tab" if terminator == "tab" else "enter", ts + gaps[-1])
    w.idle(ts + 10_000)
    assert w.scans == ["".join(chars)]
    assert w.received == typed_before


@given(
    events=st.lists(
        st.tuples(st.one_of(printable, named_keys), st.integers(min_value=0, max_value=120)),
        max_size=60,
    ),
    focus=st.lists(st.booleans(), min_size=60, max_size=60),
)
def test_nothing_is_lost_duplicated_or_reordered(
    events: list[tuple[str, int]], focus: list[bool]
) -> None:
    """Whatever the timing and focus, widget keys + scans (each with its Enter) = the input."""
    detector = BurstDetector()
    delivered: list[str] = []  # the widget's keys, with each scan spliced in as chars + "enter"
    ts = 0
    for (key, gap), text_field in zip(events, focus, strict=False):
        ts += gap
        result = detector.feed(key, ts, in_text_field=text_field)
        delivered.extend(result.replay)
        if result.scan is not None:
            if result.retract:
                assert delivered[-result.retract :] == list(result.scan[: result.retract])
                del delivered[-result.retract :]
            delivered.extend([*result.scan, "enter"])
        if not result.swallow:
            delivered.append(key)
    delivered.extend(detector.flush_if_stale(ts + 10_000).replay)
    assert delivered == [key for key, _ in events]
