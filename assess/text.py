"""Short texts people give Assess (names, references): what may be in them, how to show them."""

from __future__ import annotations

import unicodedata

# Control, format (bidi overrides, zero-width), private-use and surrogate characters, and
# line or paragraph separators: none belongs in a one-line name shown in pages and listings.
_NOT_IN_A_NAME = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})

#: Longest untrusted value :func:`shown` prints before cutting it short.
SHOWN_CHARS = 80


def has_control_characters(name: str) -> bool:
    """Whether a one-line name holds a character that has no place in it."""
    return any(unicodedata.category(ch) in _NOT_IN_A_NAME for ch in name)


def escape_controls(text: str, *, keep: str = "") -> str:
    """``text`` with every control or format character written as an escape (``\\x1b``).

    What a terminal or a page would act on (escape sequences, bidi overrides, NUL) becomes
    visible text instead; the characters in ``keep`` (such as a message's own newlines) stay.
    """
    out = []
    for ch in text:
        if ch not in keep and unicodedata.category(ch) in _NOT_IN_A_NAME:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def shown(value: str) -> str:
    """An untrusted one-line value as it may appear in a message: escaped and at most
    :data:`SHOWN_CHARS` characters (longer ones end in "...")."""
    cut = value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "..."
    return escape_controls(cut)
