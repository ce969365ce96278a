"""URL converters shared by the blueprints."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

#: Largest row id: ids are 32-bit integer columns on PostgreSQL.
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<id:name>``: a positive number (a row id, a page number), 1..2^31-1, in ASCII digits.

    Anything else is "not found" (404) before a view runs: a larger number would otherwise
    reach the database and fail there (integer out of range on PostgreSQL, an overflow in the
    SQLite driver) as a 500. Werkzeug's ``int`` matches ``\\\\d``, which takes any Unicode
    digit ("１" is 1), so the pattern is spelled out.
    """

    regex = r"[1-9][0-9]{0,9}"  # no leading zeros: one URL per number

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)
