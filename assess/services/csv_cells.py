"""Spreadsheet-safe cells for the CSV files Assess writes (organisation export, exports).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a
leading tab or carriage return) as a formula: text from users (team and campaign names,
comments) could run commands on the coach's machine when the file is opened (CSV
injection, OWASP). Text that could start a formula gets a leading single quote, which
spreadsheets show as text; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

#: First characters that make a spreadsheet run a cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """One CSV cell: numbers as they are, text that a spreadsheet would run as a formula
    prefixed with a single quote, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """RFC 4180 CSV (CRLF line ends, quoted where needed) with formula cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def formula_like(text: str) -> bool:
    """Whether a spreadsheet might read ``text`` as a formula, strictly: it starts with one
    of :data:`FORMULA_START` (a tab or carriage return included) after any leading
    whitespace, or with a full-width form of ``= + - @`` (which NFKC maps to them and
    which some spreadsheets accept from an IME)."""
    head = text.lstrip(" \u00a0\u3000\n\x0b\x0c\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                       "\u2007\u2008\u2009\u200a\u202f\u205f\ufeff")
    if not head:
        return False
    if head.startswith(FORMULA_START):
        return True
    return unicodedata.normalize("NFKC", head[0]).startswith(FORMULA_START)


def strict_csv_cell(value: object) -> str:
    """Like :func:`csv_cell`, with :func:`formula_like` deciding which text is prefixed."""
    if isinstance(value, str):
        return "'" + value if formula_like(value) else value
    return csv_cell(value)
