"""Plain text helpers every layer uses: what is noise around a scan, how to show invisible
characters, which strings may be stored. No database, no settings: cheap to import."""

from __future__ import annotations

import unicodedata


def _is_edge_junk(ch: str) -> bool:
    # U+FFFD is what an undecodable byte from a serial scanner becomes: noise, not part of a code.
    return ch.isspace() or ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cf")


def strip_edges(text: str) -> str:
    """Drop whitespace, control and format characters (and U+FFFD) from both ends: the one rule
    for what a scanner adds around a code, used for wedge, serial and typed scans alike."""
    start, end = 0, len(text)
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and _is_edge_junk(text[end - 1]):
        end -= 1
    return text[start:end]


def visible(text: str, limit: int = 60) -> str:
    """Show a scan with invisible characters made visible, shortened for messages."""
    out = []
    for ch in text:
        if ch == "\t":
            out.append("<TAB>")
        elif ch == "\r":
            out.append("<CR>")
        elif ch == "\n":
            out.append("<LF>")
        elif ch == "\x1d":
            out.append("<GS>")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    shown = "".join(out)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown


def shown_ref(ref: str | int) -> str:
    """A badge, name or code the user typed, for the start of a message: ``''`` or ``' '`` when
    there is nothing visible to show, so a message never starts with a bare colon."""
    text = str(ref)
    return visible(text) if text.strip() else repr(text)


def control_character(value: str) -> str | None:
    """The first control character in ``value`` shown as ``U+000A``, or None.

    Names, codes and operator names are printed one per line in history and reports; a newline
    or NUL inside one could forge a line or cut the text short, so such values are refused.
    """
    for ch in value:
        if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029":
            return f"U+{ord(ch):04X}"
    return None


def is_text(value: str) -> bool:
    """False for strings SQLite cannot store: undecodable bytes (e.g. a non-UTF-8 terminal)
    arrive in Python as lone surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Letters NFKD leaves whole (no combining mark to drop), written as a person searching types them.
_FOLD_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)


def fold(text: str) -> str:
    """``text`` as a search compares it: accents and letter case ignored.

    NFKD splits a letter from its accents (and "ﬁ" into "fi"), the combining marks are dropped,
    the rest is casefolded ("ß" → "ss"), and the few letters with no decomposition ("Ø", "Ł",
    "Æ", …) become the plain letters a person types on a keyboard without them. So "tomas"
    finds "Tomás Ortega" and "OREN" finds "Øren". Searches only: never for matching codes.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_FOLD_LETTERS)
