"""How ``assettrack-admin`` writes: results on stdout, warnings and refusals on stderr, stored
values on one visible line, and aligned tables whose cells people can read.

Every command prints through these helpers so that the wording of counts, control characters in
names and the table layout are decided once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence

from ..core.text import visible

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from ..core.model import CommitResult


# A text cell wider than this is cut with "…" in the printed table (never in CSV).
TABLE_CELL_MAX = 48


def say(text: str = "") -> None:
    print(text)


def warn(text: str) -> None:
    print(text, file=sys.stderr)


def plural(n: int, word: str) -> str:
    """``1 asset``, ``3 assets``: the count and the word, as every message writes them."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def flat(text: str) -> str:
    """A stored value on one output line: line breaks and control characters made visible."""
    return visible(text, limit=len(text) * 8 + 1)


def print_moves(result: CommitResult) -> None:
    """One line per asset: canonical tag, where it was, where it is now."""
    for line in result.preview.lines:
        scanned = f"  (scanned {visible(line.scan)})" if line.scan != line.asset_tag else ""
        say(f"  {line.asset_tag}: {line.now} → {line.to}{scanned}")


def cell(value: object) -> str:
    """One table cell for people: bools as words, control characters visible, long text cut."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "OVERDUE" if value else ""
    text = flat(str(value))
    return text if len(text) <= TABLE_CELL_MAX else text[: TABLE_CELL_MAX - 1] + "…"


def print_table(
    header: Sequence[str], rows: Callable[[], Iterator[Sequence[object]]], columns: Sequence[int]
) -> int:
    """An aligned table of ``columns`` of the rows; returns the row count.

    Two passes over ``rows()`` (widths, then printing) keep memory flat for any number of rows;
    the caller holds one read transaction, so both passes see the same data.
    """
    labels = [header[i].removesuffix("_local").replace("_", " ") for i in columns]
    widths = [len(label) for label in labels]
    numeric = [True] * len(columns)
    count = 0
    for row in rows():
        count += 1
        for n, i in enumerate(columns):
            value = row[i]
            widths[n] = max(widths[n], len(cell(value)))
            if not isinstance(value, int | float) or isinstance(value, bool):
                numeric[n] = False
    if count == 0:
        return 0

    def line(cells: Sequence[str], right: Sequence[bool]) -> str:
        return "  ".join(
            text.rjust(w) if r else text.ljust(w)
            for text, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    say(line(labels, numeric))
    say("  ".join("-" * w for w in widths))
    for row in rows():
        say(line([cell(row[i]) for i in columns], numeric))
    return count
