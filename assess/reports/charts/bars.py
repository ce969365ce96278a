"""Diverging stacked bars: answers per scale point of each item, centred on the midpoint."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from ._svg import (
    CHAR_EM,
    HIDDEN_TEXT,
    INK,
    LINE,
    MUTED,
    OKABE_ITO,
    Chart,
    check_id_prefix,
    clean,
    fit,
    hatch_pattern,
    label,
    legend,
    num,
    plural,
    svg_document,
    text,
    truncate,
)

__all__ = ["ItemCounts", "diverging_bars", "scale_colours"]

NEUTRAL_POINT = "#D0D4D9"
#: Okabe-Ito vermillion darkened (#D55E00 to #B34F00) so that white percentages on the
#: lowest scale point reach a 4.5:1 contrast; neither white nor dark text does on #D55E00.
LOWEST_POINT = "#B34F00"
DONT_KNOW_FILL = "#FFFFFF"
DONT_KNOW_TEXT = "don't know"

_W = 640.0
_X0 = 8.0
_BAR_W = 500.0  # the diverging part; its centre is the scale midpoint
_DK_X = _X0 + _BAR_W + 30
_DK_W = _W - _DK_X - 8
_BAR_H = 22.0
_ROW_H = 58.0


@dataclass(frozen=True)
class ItemCounts:
    """Answers to one item.

    Attributes
    ----------
    label : str
        Item text (user text).
    counts : sequence of int
        Answers per scale point, lowest first (one count per scale label).
    dont_know : int
        "Don't know" answers, drawn apart from the diverging bar.
    hidden : bool
        Suppressed under the anonymity rules: no bar, "not enough responses".
    """

    label: str
    counts: Sequence[int]
    dont_know: int = 0
    hidden: bool = False

    def __post_init__(self) -> None:
        counts = tuple(self.counts)
        for c in (*counts, self.dont_know):
            if isinstance(c, bool) or not isinstance(c, numbers.Integral) or c < 0:
                raise ValueError(f"counts must be whole numbers >= 0, got {c!r}")
        object.__setattr__(self, "counts", tuple(int(c) for c in counts))
        object.__setattr__(self, "dont_know", int(self.dont_know))


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ca, cb, strict=True))


def scale_colours(points: int) -> list[str]:
    """Fills of the scale points, lowest first: dark vermillion to orange (Okabe-Ito) below
    the midpoint, grey at it (odd scales), sky blue to blue above."""
    side = points // 2
    below = [_mix(LOWEST_POINT, OKABE_ITO["orange"], i / (side - 1) if side > 1 else 1)
             for i in range(side)]
    above = [_mix(OKABE_ITO["sky blue"], OKABE_ITO["blue"], i / (side - 1) if side > 1 else 0)
             for i in range(side)]
    return below + ([NEUTRAL_POINT] if points % 2 else []) + above


def _ink_on(fill: str) -> str:
    """Dark or white text, whichever contrasts more with `fill` (WCAG relative luminance)."""
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(int(fill[i:i + 2], 16)) for i in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#FFFFFF" if (1.05 / (lum + 0.05)) > ((lum + 0.05) / 0.0621) else INK


def _pct(count: int, total: int) -> float:
    return 100.0 * count / total if total else 0.0


def diverging_bars(
    items: Sequence[ItemCounts],
    scale_labels: Sequence[str],
    *,
    id_prefix: str,
    title: str,
    description: str = "",
    item_header: str = "item",
) -> Chart:
    """Draw one diverging stacked bar per item.

    Each bar shows the shares of the answered scale points (don't know left out), the lower
    points to the left of the centre line and the higher ones to the right; on an odd scale
    the middle point is split in half across the centre. "Don't know" is a separate bar at
    the right, as a share of all answers to the item. Percentages are written in segments
    wide enough to hold them; every one is in the hover text and the table.

    Raises
    ------
    ValueError
        On a bad `id_prefix`, fewer than 2 scale labels, or counts that do not match them.
    """
    p = check_id_prefix(id_prefix)
    m = len(scale_labels)
    if m < 2:
        raise ValueError("need at least 2 scale labels")
    scale = [clean(s) for s in scale_labels]
    for it in items:
        if len(it.counts) != m:
            raise ValueError(f"item {clean(it.label)[:80]!r} has {len(it.counts)} counts for "
                             f"{m} scale points")
    colours = scale_colours(m)
    side = m // 2
    mid_index = side if m % 2 else None

    def left_share(counts: Sequence[int]) -> float:
        """Share of the answers left of the centre (half of the midpoint's on odd scales)."""
        half_mid = counts[side] if mid_index is not None else 0
        return _pct(2 * sum(counts[:side]) + half_mid, 2 * sum(counts))

    shares = [left_share(it.counts) for it in items if not it.hidden and any(it.counts)]
    extent = max([max(s, 100.0 - s) for s in shares] + [25.0])
    extent = min(100.0, 25.0 * math.ceil(extent / 25.0 - 1e-9))
    unit = (_BAR_W / 2) / extent
    centre = _X0 + _BAR_W / 2

    body: list[str] = []
    top = 44.0
    # scale of the diverging part, and the don't-know column heading
    for v, anchor in ((-extent, "start"), (0.0, "middle"), (extent, "end")):
        x = centre + v * unit
        body.append(f'<text x="{num(x)}" y="{num(top - 22)}" class="chart-tick" font-size="10" '
                    f'text-anchor="{anchor}" fill="{MUTED}">{abs(v):.0f}%</text>')
    body.append(label(_DK_X + _DK_W / 2, top - 22, DONT_KNOW_TEXT, "chart-tick",
                      anchor="middle", size=10, extra=f' fill="{MUTED}"'))

    table: list[tuple[str, ...]] = []
    for i, it in enumerate(items):
        y = top + i * _ROW_H
        name = clean(it.label)
        body.append(label(_X0, y, truncate(name, fit(_W - 2 * _X0, 12)), "chart-item-label",
                          full=name))
        by = y + 8
        answered = sum(it.counts)
        everything = answered + it.dont_know
        if it.hidden:
            body.append(f'<rect x="{num(_X0)}" y="{num(by)}" width="{num(_W - 2 * _X0)}" '
                        f'height="{num(_BAR_H)}" fill="url(#{p}-hatch)" stroke="{LINE}">'
                        f"<title>{text(name)}: {HIDDEN_TEXT}</title></rect>")
            plate = len(HIDDEN_TEXT) * 12 * CHAR_EM + 16  # keeps the words clear of the hatching
            body.append(f'<rect x="{num(centre - plate / 2)}" y="{num(by + 3)}" '
                        f'width="{num(plate)}" height="{num(_BAR_H - 6)}" fill="#FFFFFF"/>')
            body.append(label(centre, by + 15, HIDDEN_TEXT, "chart-missing", anchor="middle",
                              extra=f' fill="{INK}"'))
            table.append((name, *([HIDDEN_TEXT] * m), HIDDEN_TEXT, ""))
            continue
        x = centre - left_share(it.counts) * unit
        row = [name]
        for s, count in enumerate(it.counts):
            share = _pct(count, answered)
            row.append(f"{count} ({share:.0f}%)")
            w = share * unit
            if count == 0:
                continue
            tip = (f"{name}: {scale[s]}, {count} of {answered} answers ({share:.0f}%)")
            body.append(f'<g class="chart-segment chart-scale-{s + 1}"><title>{text(tip)}</title>'
                        f'<rect x="{num(x)}" y="{num(by)}" width="{num(w)}" '
                        f'height="{num(_BAR_H)}" fill="{colours[s]}" stroke="#FFFFFF"/>')
            if w >= 30:
                ink = _ink_on(colours[s])
                cls = "chart-on-dark" if ink != INK else "chart-on-light"
                body.append(f'<text x="{num(x + w / 2)}" y="{num(by + 15)}" font-size="10.5" '
                            f'text-anchor="middle" class="{cls}" fill="{ink}">'
                            f"{share:.0f}%</text>")
            body.append("</g>")
            x += w
        if answered == 0:
            body.append(label(centre, by + 15, "no answers on the scale", "chart-missing",
                              anchor="middle", size=10.5))
        # the centre as ticks above and below the bar, clear of the percentages
        for y1, y2 in ((by - 5, by), (by + _BAR_H, by + _BAR_H + 5)):
            body.append(f'<line x1="{num(centre)}" y1="{num(y1)}" x2="{num(centre)}" '
                        f'y2="{num(y2)}" class="chart-centre" stroke="{INK}" stroke-width="1.5"/>')
        dk_share = _pct(it.dont_know, everything)
        dk_tip = f"{name}: {DONT_KNOW_TEXT}, {it.dont_know} of {everything} ({dk_share:.0f}%)"
        body.append(f'<g class="chart-segment chart-dont-know"><title>{text(dk_tip)}</title>'
                    f'<rect x="{num(_DK_X)}" y="{num(by)}" width="{num(_DK_W)}" '
                    f'height="{num(_BAR_H)}" fill="{DONT_KNOW_FILL}" stroke="{LINE}"/>'
                    f'<rect x="{num(_DK_X)}" y="{num(by)}" width="{num(_DK_W * dk_share / 100)}" '
                    f'height="{num(_BAR_H)}" fill="{MUTED}" fill-opacity="0.35"/>'
                    f'<text x="{num(_DK_X + _DK_W / 2)}" y="{num(by + 15)}" font-size="10.5" '
                    f'text-anchor="middle">{dk_share:.0f}%</text></g>')
        row.append(f"{it.dont_know} ({dk_share:.0f}% of all)")
        row.append(str(answered))
        table.append(tuple(row))

    y_end = top + len(items) * _ROW_H - 16
    if not items:
        body.append(label(_W / 2, top + 10, "No items to show", "chart-missing", anchor="middle"))
        y_end = top + 24
    entries = [(f'<rect width="14" height="14" fill="{c}" stroke="{LINE}"/>', s)
               for c, s in zip(colours, scale, strict=True)]
    entries.append((f'<rect width="14" height="14" fill="{MUTED}" fill-opacity="0.35" '
                    f'stroke="{LINE}"/>', DONT_KNOW_TEXT))
    leg, leg_h = legend(entries, _X0, y_end + 12, _W - 2 * _X0)
    body.extend(leg)
    height = y_end + 12 + leg_h + 4
    desc = " ".join(filter(None, [
        clean(description),
        f"Diverging bars of {plural(len(items), 'item')} on a {m}-point scale ("
        + ", ".join(scale) + "): lower answers left of the centre line, higher answers "
        "right; percentages of the answers on the scale. Don't know is shown apart, as a "
        "share of all answers.",
    ]))
    svg = svg_document(id_prefix=p, kind="diverging-bars", width=_W, height=height, title=title,
                       description=desc, body=body, defs=hatch_pattern(p))
    header = (clean(item_header), *scale, DONT_KNOW_TEXT, "answers on the scale")
    return Chart(svg=svg, title=clean(title), description=desc, header=header,
                 rows=tuple(table))
