"""Provides `printable`: file text made safe for a terminal (no escape codes, no NUL bytes).

Text from scenario and `.efg` files, and from file names, is cleaned once when it is read, so
the model never holds a raw control character and nothing a file says can move the cursor,
change colours, set the window title or hide text. Each control character becomes a visible
stand-in (ESC becomes `␛`, NUL `␀`: the Unicode control pictures); line breaks and tabs stay.
"""

from __future__ import annotations

REPLACEMENT = "\ufffd"
"""The stand-in for invisible controls without a control picture (C1 controls, bidi overrides)."""

_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code not in (9, 10)}
_TABLE[0x7F] = "\u2421"  # DEL
_TABLE.update({code: REPLACEMENT for code in range(0x80, 0xA0)})  # C1 controls (CSI is 0x9B)
_TABLE.update({code: REPLACEMENT for code in (0x2028, 0x2029)})  # line and paragraph separators
_TABLE.update({code: REPLACEMENT for code in range(0x202A, 0x202F)})  # bidi embeddings/overrides
_TABLE.update({code: REPLACEMENT for code in range(0x2066, 0x206A)})  # bidi isolates
_UNSAFE = frozenset(chr(code) for code in _TABLE)


def printable(text: str) -> str:
    """Returns `text` with every control character replaced by a visible stand-in.

    Line breaks and tabs are kept; everything else below U+0020, DEL, the C1 controls, the
    Unicode line/paragraph separators and the bidirectional overrides are replaced.
    """
    if _UNSAFE.isdisjoint(text):
        return text
    return text.translate(_TABLE)


def is_printable(text: str) -> bool:
    """True when `printable(text)` would leave `text` unchanged."""
    return _UNSAFE.isdisjoint(text)
