"""Row ids as they appear in URLs and in references typed by people."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import IntegerConverter

#: Largest row id: ids are 32-bit integer columns on PostgreSQL.
MAX_ROW_ID = 2**31 - 1


_ROW_ID = re.compile(r"[1-9][0-9]{0,9}")


def row_id(text: str) -> int | None:
    """The row id `text` spells (ASCII digits, 1..2^31-1), or None: for references given by
    id or name, where a full-width "1" (U+FF11) or a 40-digit number is a name, not an id."""
    if not _ROW_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None


class RowIdConverter(IntegerConverter):
    """``<id:name>``: a positive number (a row id, a page number), 1..2^31-1, in ASCII digits.

    Anything else is "not found" (404) before a view runs: a larger number would otherwise
    reach the database and fail there (integer out of range on PostgreSQL, an overflow in the
    SQLite driver) as a 500. Werkzeug's ``int`` matches ``\\\\d``, which takes any Unicode
    digit (U+FF11, full-width one, is 1), so the pattern is spelled out.
    """

    regex = _ROW_ID.pattern  # no leading zeros: one URL per number

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)
