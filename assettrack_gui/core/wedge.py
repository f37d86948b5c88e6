"""Tell a keyboard-wedge scanner's burst of keystrokes apart from a person typing.

A USB barcode scanner in keyboard mode "types" the tag one key every ~5-20 ms and ends it with a
terminator key (Enter, Tab, or Enter followed by a line feed). A person rarely manages even three
keys under 35 ms in a row and never four. The detector is fed every key press with the window
system's timestamp and answers, per key, what the caller must do with it. It has no Qt in it so
the rules can be tested with synthetic timestamps; the Qt event filter is a thin adaptor.

Keys
----
``feed(key, timestamp_ms)`` takes either one character (``"A"``, ``"7"``, ``"-"``, ``" "``, also
``"\\x1d"``, the GS1 group separator a scanner types as Ctrl+]) or a key name: ``"enter"``,
``"tab"``, ``"lf"``, ``"backspace"``, ``"escape"``, ``"left"``, ... (any name longer than one
character). ``"\\r"``, ``"return"``, ``"\\t"``, ``"\\n"``, ``"\\x08"`` and ``"\\x1b"`` are read as
``"enter"``, ``"tab"``, ``"lf"``, ``"backspace"`` and ``"escape"``. Modifier keys on their own
(``"shift"``, ``"control"``, ``"alt"``, ``"altgr"``, ``"meta"``, ``"capslock"``, ...) are ignored
and never swallowed: a scanner presses Shift before every capital letter, so Shift must not break
a burst. Callers should not feed key releases or auto-repeats.

What the caller does with a :class:`FeedResult`
-----------------------------------------------
1. Deliver ``replay`` to the focused widget first, one key per character, in order. These are
   characters the detector held back earlier and now knows were typed by a person.
2. If ``scan`` is set, a scan completed: first remove the last ``retract`` characters the widget
   received (they are the start of the scan that reached a text field before the burst was
   recognised, see below), then hand ``scan`` to the scan handler.
3. If ``swallow`` is true, drop the current key event; otherwise let it through to the widget.

Nothing is lost and nothing is reordered: every character the detector holds back is either part
of a delivered scan or comes back in ``replay`` before any later key is let through.

Rules
-----
A *burst* is a run of characters where each one arrives at most ``max_interval_ms`` after the
previous one. It is a *scan* when the terminator arrives at most ``max_interval_ms`` after its
last character and it has at least ``min_length`` characters. Anything else is typing:

* a gap longer than ``max_interval_ms`` (before the next character or before the terminator)
  ends the burst: its held characters are replayed and the new key starts afresh;
* the terminator after fewer than ``min_length`` characters: held characters are replayed and the
  Enter/Tab is let through (so an empty Enter always reaches the widget);
* any other named key (Backspace, arrows, a Tab that is not the terminator, ...) ends the burst:
  held characters are replayed, then the key is let through, so Backspace still erases what the
  person just typed.

Terminators (``WedgeConfig.terminator``)
----------------------------------------
``"enter"``: the Enter/Return key. ``"tab"``: the Tab key. ``"crlf"``: Enter followed by a line
feed; the scan completes on the Enter (some platforms never deliver the LF), and a ``"lf"`` key
arriving within ``max_interval_ms`` after it is swallowed so no stray LF reaches the widget.

Focus outside a text field (``in_text_field=False``, the default)
-----------------------------------------------------------------
The first character of a burst cannot be known to be a scanner's until the next one arrives, so
every character is held (swallowed) as it arrives and replayed as soon as it turns out to be
typing. Typing therefore reaches a table or a button up to ``max_interval_ms`` late (about one
frame at the default 35 ms), never lost and in order. Call :meth:`BurstDetector.flush_if_stale`
from a timer so the last typed character does not wait for the next key.

Focus in a text field (``in_text_field=True``)
----------------------------------------------
Slow typing is never touched: a character is held only once it is the ``confirm_length``-th
(default 3rd) character of a burst, which needs keys under ``max_interval_ms`` apart. The first
``confirm_length - 1`` characters of a scanner burst therefore reach the text field; when the
terminator completes the scan the result carries the whole scan in ``scan`` and the number of
characters that leaked in ``retract``, so the caller can take them back out of the field and the
scan goes to the scan handler, not into the note or search box. If a burst breaks off after
characters were held (a long pause, then Enter), the held characters are replayed, so the field
ends up with exactly what was typed. A person typing three keys under 35 ms apart ("the" with
rolled fingers) sees the third character up to ``max_interval_ms`` late, nothing worse.

Once any character of a burst is held, every later character of that burst is held too, even if
focus moves into a text field mid-burst, so order is always kept.

Which keys the detector sees (:func:`route_keys`)
-------------------------------------------------
Before a key reaches the detector, the caller asks :func:`route_keys` whom it is for:

* ``TEXT``: the focused field gets every key as typed and nothing is read as a scan. That is a
  field that asked for scans as text, and a text field of a modal dialog that asks for text (a
  file dialog, a dialog with one text box): people type paths and names there, often fast
  (a tool such as xdotool types a key every 20 ms, inside any sane scanner threshold), and the
  Enter at the end answers the dialog. A scan made into such a field is typed like a person's
  keys.
* ``HOLD``: any other modal dialog is open. Every character is held (no text-field shortcut)
  until it is clear who typed it, so no key of a burst, nor its terminator, reaches the
  dialog; completed scans wait until the dialog has closed (the caller's job).
* ``DETECT``: no dialog; the rules above, with ``in_text_field`` as the focus says.

Timestamps and the stale timer
------------------------------
Timestamps are milliseconds from any monotonic clock; use ``QKeyEvent.timestamp()`` (the window
system's time, right even when the event loop was busy). ``flush_if_stale(now_ms)`` must be given
a time on the *same* clock; a Qt caller that has no such clock can restart a single-shot timer of
about ``2 * max_interval_ms`` on every swallowed key and call :meth:`BurstDetector.flush` when it
fires. A timestamp that goes backwards (clock wrap) counts as a long gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .settings import TERMINATORS

__all__ = [
    "TERMINATORS",
    "BurstDetector",
    "FeedResult",
    "KeyRoute",
    "WedgeConfig",
    "route_keys",
]

TERMINATOR_NAMES = {"enter": "Enter", "tab": "Tab", "crlf": "Enter + line feed (CR LF)"}

_ALIASES = {
    "\r": "enter",
    "return": "enter",
    "\t": "tab",
    "\n": "lf",
    "linefeed": "lf",
    "\x08": "backspace",
    "\x1b": "escape",
}

MODIFIER_KEYS = frozenset(
    {
        "shift",
        "control",
        "ctrl",
        "alt",
        "altgr",
        "meta",
        "super",
        "hyper",
        "capslock",
        "numlock",
        "scrolllock",
    }
)


@dataclass
class WedgeConfig:
    """Thresholds for telling a scanner from a person; see the module docstring for the rules.

    ``confirm_length`` only matters in text fields: how many fast characters prove a burst is a
    scanner (and from which character on keys are held back). It is at least 2, so a character
    after a long gap always reaches a text field at once.
    """

    max_interval_ms: int = 35
    min_length: int = 4
    terminator: str = "enter"
    confirm_length: int = 3

    def __post_init__(self) -> None:
        if self.terminator not in TERMINATORS:
            raise ValueError(
                f"terminator must be one of {', '.join(TERMINATORS)}, not {self.terminator!r}"
            )
        if self.max_interval_ms < 1:
            raise ValueError("max_interval_ms must be at least 1")
        if self.min_length < 1:
            raise ValueError("min_length must be at least 1")
        if self.confirm_length < 2:
            raise ValueError("confirm_length must be at least 2")


@dataclass(frozen=True)
class FeedResult:
    """What to do with one key; apply ``replay``, then ``retract``/``scan``, then ``swallow``."""

    swallow: bool = False
    scan: str | None = None
    replay: str = ""
    retract: int = 0


_PASS = FeedResult()


class BurstDetector:
    """Feed it every key press; it says which keys to hold back and when a scan completed."""

    def __init__(self, config: WedgeConfig | None = None) -> None:
        self.config = config or WedgeConfig()
        self._chars: list[str] = []
        self._leaked = 0  # how many of _chars (a prefix) already reached a text field
        self._last_ts: int | None = None
        self._lf_since: int | None = None  # crlf: time of the Enter whose LF may still come

    @property
    def pending(self) -> bool:
        """True while characters are held back (a stale timer is worth running)."""
        return len(self._chars) > self._leaked

    @property
    def last_timestamp_ms(self) -> int | None:
        """Timestamp of the last character of the burst in progress, if any."""
        return self._last_ts

    def reset(self) -> None:
        """Forget the burst in progress without replaying it (e.g. the window lost focus)."""
        self._chars.clear()
        self._leaked = 0
        self._last_ts = None
        self._lf_since = None

    def flush(self) -> FeedResult:
        """End the burst in progress as typing: its held characters come back as ``replay``."""
        held = "".join(self._chars[self._leaked :])
        self._chars.clear()
        self._leaked = 0
        self._last_ts = None
        return FeedResult(replay=held) if held else _PASS

    def flush_if_stale(self, now_ms: int) -> FeedResult:
        """Replay held characters once ``max_interval_ms`` passed without a key (same clock)."""
        if self._lf_since is not None and not self._within(self._lf_since, now_ms):
            self._lf_since = None
        if self._last_ts is not None and not self._within(self._last_ts, now_ms):
            return self.flush()
        return _PASS

    def feed(self, key: str, timestamp_ms: int, *, in_text_field: bool = False) -> FeedResult:
        """Account for one key press and say what to do with it (see the module docstring)."""
        if not key:
            raise ValueError("key must be a character or a key name, not empty")
        key = _ALIASES.get(key, key)
        if len(key) > 1:
            key = _ALIASES.get(key.lower(), key.lower())
            if key in MODIFIER_KEYS:
                return _PASS

        if self._lf_since is not None:
            lf_since, self._lf_since = self._lf_since, None
            if key == "lf" and self._within(lf_since, timestamp_ms):
                return FeedResult(swallow=True)

        replay = ""
        if self._last_ts is not None and not self._within(self._last_ts, timestamp_ms):
            replay = self.flush().replay

        if len(key) == 1:
            return self._character(key, timestamp_ms, in_text_field, replay)
        if key == self._terminator_key and len(self._chars) >= self.config.min_length:
            scan = "".join(self._chars)
            retract = self._leaked
            self._chars.clear()
            self._leaked = 0
            self._last_ts = None
            if self.config.terminator == "crlf":
                self._lf_since = timestamp_ms
            return FeedResult(swallow=True, scan=scan, replay=replay, retract=retract)
        replay += self.flush().replay
        return FeedResult(replay=replay) if replay else _PASS

    @property
    def _terminator_key(self) -> str:
        return "tab" if self.config.terminator == "tab" else "enter"

    def _within(self, earlier_ms: int, later_ms: int) -> bool:
        return 0 <= later_ms - earlier_ms <= self.config.max_interval_ms

    def _character(
        self, char: str, timestamp_ms: int, in_text_field: bool, replay: str
    ) -> FeedResult:
        self._chars.append(char)
        self._last_ts = timestamp_ms
        nothing_held = self._leaked == len(self._chars) - 1
        if in_text_field and nothing_held and len(self._chars) < self.config.confirm_length:
            self._leaked += 1
            return FeedResult(replay=replay) if replay else _PASS
        return FeedResult(swallow=True, replay=replay)


class KeyRoute(StrEnum):
    """Whom a key press is for, decided before the detector sees it (see the module docstring)."""

    DETECT = "DETECT"  # the detector decides; slow typing reaches a text field at once
    HOLD = "HOLD"  # a modal dialog: every character held until it is clear who typed it
    TEXT = "TEXT"  # the focused field gets every key as typed; nothing is read as a scan


def route_keys(
    *, in_text_field: bool, modal_dialog: bool, dialog_asks_for_text: bool, scan_as_text: bool
) -> KeyRoute:
    """The one rule for keys while dialogs are open.

    ``in_text_field``: the key types into a text field; ``modal_dialog``: a modal dialog is
    open; ``dialog_asks_for_text``: that dialog is one a person types text into (a file
    dialog, a text-entry dialog) and the text field is its own; ``scan_as_text``: the focused
    field asked for scans as text.
    """
    if scan_as_text:
        return KeyRoute.TEXT
    if modal_dialog:
        return KeyRoute.TEXT if in_text_field and dialog_asks_for_text else KeyRoute.HOLD
    return KeyRoute.DETECT


class BurstCode(StrEnum):
    """Why a burst of keys was, or was not, a scan (for the scanner test area)."""

    SCAN = "SCAN"
    NO_TERMINATOR = "NO_TERMINATOR"
    TOO_SLOW = "TOO_SLOW"
    TOO_SHORT = "TOO_SHORT"
    INTERRUPTED = "INTERRUPTED"


@dataclass(frozen=True)
class Diagnosis:
    code: BurstCode
    scan: str | None = None
    message: str = ""


def diagnose(config: WedgeConfig, keys: Sequence[tuple[str, int]]) -> Diagnosis:
    """Would these keys (name, timestamp ms) be a scan under ``config``, and if not, why not?

    The same detector that reads scans decides; the reasons only explain its verdict, in the
    order a person should fix them (terminator, speed, length).
    """
    detector = BurstDetector(config)
    for key, ms in keys:
        result = detector.feed(key, ms)
        if result.scan is not None:
            return Diagnosis(BurstCode.SCAN, result.scan, "Recognised as a scan.")
    end_key = "tab" if config.terminator == "tab" else "enter"
    names = [_ALIASES.get(k.lower(), k.lower()) if len(k) > 1 else k for k, _ in keys]
    if end_key not in names:
        return Diagnosis(
            BurstCode.NO_TERMINATOR,
            message=f"it did not end with {TERMINATOR_NAMES[config.terminator]}. "
            "Set the terminator to what arrived.",
        )
    gaps = [b - a for (_, a), (_, b) in zip(keys, keys[1:], strict=False)]
    if gaps and max(gaps) > config.max_interval_ms:
        return Diagnosis(
            BurstCode.TOO_SLOW,
            message=f"the slowest gap ({max(gaps)} ms) is over {config.max_interval_ms} ms. "
            f"Raise the threshold to about {max(gaps) + 10} ms.",
        )
    chars = sum(1 for k, _ in keys if len(k) == 1)
    if chars < config.min_length:
        return Diagnosis(
            BurstCode.TOO_SHORT,
            message=f"only {chars} characters, fewer than the minimum of {config.min_length}.",
        )
    return Diagnosis(BurstCode.INTERRUPTED, message="a key that is not part of a scan interrupted it.")
