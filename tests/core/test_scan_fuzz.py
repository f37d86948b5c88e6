"""100,000 arbitrary scans through normalise → match → preview: never an exception, always a
verdict (a refused line carries a code and words; an accepted one a destination).

Hypothesis draws each batch's random seed (so a failing batch is found again from its seed) and
a second test lets it build and shrink small batches itself.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import Placement, Preview

BATCH = 1000
EXAMPLES = 100  # × BATCH scans = 100,000
CODES = ["AT-SMOKE-0001", "ATSMOKE0001", "at-smoke-0001", "B-1001", "CART-A", "CART-A/3", "ZX9000"]
# Code points worth meeting: controls, GS, DEL, NBSP, combining marks, a BOM, lone surrogates
# (undecodable bytes), the replacement character, astral characters.
SPECIAL = "\x00\t\n\r\x1b\x1d\x7f\xa0\u0301\u200b\ufeff\ud800\udfff\ufffd\U0001f600-/ ]C1"


def arbitrary_scan(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:  # a real code with noise around it
        code = rng.choice(CODES)
        return "".join(rng.choice(SPECIAL) for _ in range(rng.randint(0, 3))) + code + "".join(
            rng.choice(SPECIAL) for _ in range(rng.randint(0, 3))
        )
    if kind < 0.6:  # anything at all from the whole code space
        return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 30)))
    if kind < 0.9:  # mostly printable ASCII, dashes and letters in either case
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789--/ "
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
    return "".join(rng.choice(SPECIAL) for _ in range(rng.randint(0, 250)))  # long and odd


def assert_every_line_has_a_verdict(preview: Preview) -> None:
    for line in preview.lines:
        assert line.ok or (line.code is not None and line.reason), line
        assert not line.ok or line.to, line


def check(engine: Engine, scans: list[str]) -> None:
    assert_every_line_has_a_verdict(engine.preview_stock_out(scans, "B-1001"))
    assert_every_line_has_a_verdict(engine.preview_stock_in(scans[:100], "CART-A"))
    assert_every_line_has_a_verdict(
        engine.preview_put_away([Placement(s, "CART-A", 7) for s in scans[:100]])
    )
    for scan in scans[:20]:
        assert engine.classify(scan).kind


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
    ],
)
@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_a_hundred_thousand_arbitrary_scans_always_get_a_verdict(engine: Engine, seed: int) -> None:
    rng = random.Random(seed)  # hypothesis chooses (and reports) the seed of each batch
    check(engine, [arbitrary_scan(rng) for _ in range(BATCH)])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.characters(codec=None), max_size=60), max_size=12))
def test_small_batches_hypothesis_builds_itself_get_verdicts(
    engine: Engine, scans: list[str]
) -> None:
    check(engine, scans)
