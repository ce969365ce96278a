"""Checks on short texts people give Assess (organisation and baseline names)."""

from __future__ import annotations

import unicodedata

# Control, format (bidi overrides, zero-width), private-use and surrogate characters, and
# line or paragraph separators: none belongs in a one-line name shown in pages and listings.
_NOT_IN_A_NAME = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def has_control_characters(name: str) -> bool:
    """Whether a one-line name holds a character that has no place in it."""
    return any(unicodedata.category(ch) in _NOT_IN_A_NAME for ch in name)
