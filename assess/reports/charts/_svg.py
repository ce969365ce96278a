"""Building blocks of the charts: the result type, safe text, numbers, palette, legend.

Everything a chart writes into its SVG passes through :func:`text` (element content and
attribute values alike) or :func:`num` (coordinates), so no markup, control character, bidi
override, NaN or infinity can reach the output.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assess.scoring.levels import mean_hundredths

__all__ = [
    "ABOVE_FILL",
    "BELOW_FILL",
    "COMPLEMENTARY_TEXT",
    "HIDDEN_TEXT",
    "INK",
    "LINE",
    "MUTED",
    "NEUTRAL_FILL",
    "OKABE_ITO",
    "Chart",
    "clean",
    "finite",
    "fmt",
    "legend",
    "num",
    "text",
    "truncate",
    "wrap",
]

#: The Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), designed to stay
#: distinguishable with protanopia, deuteranopia and tritanopia.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}

#: Verdict colours: blue for "clearly above", orange for "clearly below" (Okabe-Ito).
ABOVE_FILL = OKABE_ITO["sky blue"]
BELOW_FILL = OKABE_ITO["orange"]
#: No verdict, or "in line": a neutral light grey.
NEUTRAL_FILL = "#F3F5F7"
INK = "#1B1F24"
MUTED = "#4A5360"
LINE = "#C9D1D9"
HATCH = "#8C959F"

HIDDEN_TEXT = "not enough responses"
COMPLEMENTARY_TEXT = "hidden to protect a smaller group"

#: Average advance of a DejaVu Sans glyph, in em: used to fit labels without font metrics.
CHAR_EM = 0.62

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF),
# C1 controls, and the bidi embedding/override/isolate controls and marks: a label must not
# reorder the text around it or break the document.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
_SPACE = re.compile("[\t\n\r\u2028\u2029]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_ESCAPE_RE = re.compile("[&<>\"']")


@dataclass(frozen=True)
class Chart:
    """One drawn chart: inline SVG markup and the same numbers as a plain table.

    Attributes
    ----------
    svg : str
        An ``<svg>`` element (no XML declaration), safe to insert into HTML as is. It is
        also returned by ``__html__``, so Jinja inserts it without ``|safe``.
    title, description : str
        Plain text of the chart's ``<title>`` and ``<desc>`` (not escaped).
    header : tuple of str
        Column headings of the data table.
    rows : tuple of tuple of str
        The data table, one tuple of display strings per row (not escaped: the template
        escapes them; user text in it is the full, untruncated label).
    """

    svg: str
    title: str
    description: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __html__(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg


def check_id_prefix(id_prefix: str) -> str:
    """The id prefix, validated: a letter, then letters, digits, ``-`` or ``_`` (<= 64)."""
    if not isinstance(id_prefix, str) or not _ID.fullmatch(id_prefix):
        raise ValueError(
            "id_prefix must start with a letter and hold only letters, digits, '-' and '_' "
            f"(at most 64 characters), got {id_prefix!r}"
        )
    return id_prefix


def clean(value: Any) -> str:
    """Text of a label as drawn: controls and bidi overrides become U+FFFD, breaks spaces."""
    s = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub("\ufffd", _SPACE.sub(" ", s))


def text(value: Any) -> str:
    """Clean and escape for XML element content or a double- or single-quoted attribute."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], clean(value))


def truncate(value: Any, max_chars: int) -> str:
    """Cleaned text cut to `max_chars` characters, the last one an ellipsis if cut."""
    s = clean(value)
    max_chars = max(1, int(max_chars))
    if len(s) <= max_chars:
        return s
    return s[: max_chars - 1].rstrip() + "\u2026"


def fit(width: float, font_size: float) -> int:
    """How many average glyphs of `font_size` fit into `width` (at least 1)."""
    return max(1, int(width / (font_size * CHAR_EM)))


def wrap(value: Any, width: int, lines: int) -> list[str]:
    """Cleaned text wrapped to at most `lines` lines of `width` characters, the last one
    ending in an ellipsis if text was left out."""
    s = clean(value).strip()
    if not s:
        return [""]
    out = textwrap.wrap(s, max(2, width), max_lines=max(1, lines), placeholder="\u2026")
    if not out:  # a text of spaces only
        return [""]
    return [truncate(line, width) for line in out]


def finite(value: Any) -> float | None:
    """`value` as a float, or None when missing: None, NaN, infinity, or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def fmt(value: float | None, decimals: int = 2) -> str:
    """A finite number for display (``3.42``); very large ones in 3 significant digits."""
    if value is None or not math.isfinite(value):
        raise ValueError("only finite numbers are displayed")
    if abs(value) >= 1e6:
        return f"{value:.3g}"
    s = f"{value:.{decimals}f}"
    return "0" + s[2:] if s.startswith("-0") and float(s) == 0 else s


def short(value: float) -> str:
    """A scale value or tick: ``3``, ``2.5``, ``1e+09``."""
    if value.is_integer() and abs(value) < 1e6:
        return fmt(value, 0)
    return f"{value:.3g}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 team``, ``2 teams``."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"


def num(value: float) -> str:
    """A coordinate: finite, at most 2 decimals, no trailing zeros."""
    if not math.isfinite(value):
        raise ValueError(f"coordinate must be finite, got {value!r}")
    s = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def check_scale(scale_min: float, scale_max: float) -> tuple[float, float]:
    """A finite, increasing scale with a finite span (``ValueError`` otherwise)."""
    lo, hi = finite(scale_min), finite(scale_max)
    if lo is None or hi is None or not lo < hi or not math.isfinite(hi - lo):
        raise ValueError(f"need finite scale_min < scale_max, got {scale_min!r}, {scale_max!r}")
    return lo, hi


def ticks(low: float, high: float) -> list[float]:
    """Grid values within [low, high]: whole numbers on a short scale (1..5), else about
    five round steps (1, 2 or 5 times a power of ten)."""
    span = high - low
    if span <= 10:
        step = 1.0
    else:
        raw = span / 5
        power = 10.0 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step)
    return [k * step for k in range(first, first + int(span / step) + 2)
            if low <= k * step <= high]


def hundredths_at_least(value: float, cut: float) -> bool:
    """``value >= cut`` on both rounded half-up to whole hundredths, as the scoring engine
    cuts levels, quadrants and verdicts (2.995 counts as 3.00)."""
    # far outside any scale: no rounding question, and no overflow in x * 100
    if abs(value) > 1e12 or abs(cut) > 1e12:
        return value >= cut
    both = mean_hundredths([value, cut])
    return bool(both[0] >= both[1])


def svg_document(
    *,
    id_prefix: str,
    kind: str,
    width: float,
    height: float,
    title: str,
    description: str,
    body: Iterable[str],
    defs: str = "",
) -> str:
    """The outer ``<svg>``: viewBox sizing, ``role="img"``, labelled by its title and desc."""
    p = id_prefix
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{p}" class="chart chart-{kind}" '
        f'viewBox="0 0 {num(width)} {num(height)}" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-labelledby="{p}-title {p}-desc" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="12" fill="{INK}">',
        f'<title id="{p}-title">{text(title)}</title>',
        f'<desc id="{p}-desc">{text(description)}</desc>',
        f"<defs>{defs}</defs>" if defs else "",
        *body,
        "</svg>",
    ])


def hatch_pattern(id_prefix: str) -> str:
    """The hatching of cells without a value (``fill="url(#<prefix>-hatch)"``)."""
    return (
        f'<pattern id="{id_prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#FFFFFF"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="1.5"/></pattern>'
    )


def label(x: float, y: float, content: str, cls: str, *, anchor: str = "start",
          size: float | None = None, full: str | None = None, extra: str = "") -> str:
    """A ``<text>`` (already truncated `content`), with the full text as its ``<title>``
    when it was shortened."""
    attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
    if size is not None:
        attrs += f' font-size="{num(size)}"'
    tip = ""
    if full is not None and clean(full) != content:
        tip = f"<title>{text(full)}</title>"
    return (f'<text x="{num(x)}" y="{num(y)}" class="{cls}"{attrs}{extra}>'
            f"{tip}{text(content)}</text>")


def legend(entries: Sequence[tuple[str, str]], x: float, y: float, width: float,
           font_size: float = 11) -> tuple[list[str], float]:
    """Legend entries (swatch markup drawn in a 14 x 14 box at the origin, label) flowed
    into lines within `width`; returns the markup and the height used."""
    out = ['<g class="chart-legend">']
    cx, cy, line_h = x, y, font_size + 9
    for swatch, name in entries:
        shown = truncate(name, min(60, fit(width - 20, font_size)))
        tip = f"<title>{text(name)}</title>" if shown != clean(name) else ""
        w = 20 + len(shown) * font_size * CHAR_EM + 16
        if cx > x and cx + w > x + width:
            cx, cy = x, cy + line_h
        out.append(f'<g transform="translate({num(cx)},{num(cy)})">{tip}{swatch}'
                   f'<text x="20" y="11.5" font-size="{num(font_size)}">{text(shown)}</text></g>')
        cx += w
    out.append("</g>")
    return out, (cy - y) + line_h if entries else 0.0


def swatch(fill: str, cls: str, stroke: str = LINE) -> str:
    return f'<rect width="14" height="14" class="{cls}" fill="{fill}" stroke="{stroke}"/>'
