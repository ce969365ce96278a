"""Transition map: PMO-style index (x) against APO-style index (y), quadrants cut at 50."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assess.scoring.results import QUADRANTS

from ._svg import (
    HIDDEN_TEXT,
    MUTED,
    OKABE_ITO,
    Chart,
    check_id_prefix,
    clamp,
    clean,
    finite,
    fit,
    fmt,
    hundredths_at_least,
    label,
    num,
    plural,
    svg_document,
    text,
    truncate,
)

__all__ = ["TransitionPoint", "quadrant_of", "transition_map"]

TRADITIONAL, HYBRID, AGILE_ENABLED, UNDER_GOVERNED = QUADRANTS
POINT_FILL = OKABE_ITO["blue"]

_W = 480.0
_LEFT = 56.0
_TOP = 16.0
_SIZE = 400.0
_KEY_LINE = 18.0


@dataclass(frozen=True)
class TransitionPoint:
    """One dimension (or team) on the transition map.

    Attributes
    ----------
    label : str
        Dimension title or team name (user text).
    pmo, apo : float or None
        PMO-style and APO-style orientation indices, 0-100 (None/NaN/inf = missing).
    quadrant : str or None
        The quadrant as the scoring engine gave it (``GroupScores.quadrant``); computed
        from the indices when None.
    """

    label: str
    pmo: float | None = None
    apo: float | None = None
    quadrant: str | None = None

    def __post_init__(self) -> None:
        if self.quadrant is not None and self.quadrant not in QUADRANTS:
            raise ValueError(f"quadrant must be one of {QUADRANTS} or None, "
                             f"got {self.quadrant!r}")


def quadrant_of(pmo: float, apo: float) -> str:
    """The quadrant of two indices, each cut at 50 after rounding to hundredths, as the
    scoring engine cuts them: PMO >= 50 and APO < 50 "traditional", both "hybrid", APO only
    "agile-enabled", neither "under-governed"."""
    pmo_hi, apo_hi = hundredths_at_least(pmo, 50.0), hundredths_at_least(apo, 50.0)
    if pmo_hi:
        return HYBRID if apo_hi else TRADITIONAL
    return AGILE_ENABLED if apo_hi else UNDER_GOVERNED


def transition_map(
    points: Sequence[TransitionPoint],
    *,
    id_prefix: str,
    title: str,
    description: str = "",
    x_label: str = "PMO-style index",
    y_label: str = "APO-style index",
    label_header: str = "dimension",
) -> Chart:
    """Draw the transition map: one numbered marker per point, a key below the plot.

    Points without both indices are not drawn; the key and the table say "not enough
    responses" for them. Indices outside 0-100 are drawn on the edge (the key keeps the
    value).

    Returns
    -------
    Chart
        The SVG and a table: label, PMO-style index, APO-style index, quadrant.
    """
    p = check_id_prefix(id_prefix)
    xl, yl = clean(x_label), clean(y_label)
    half = _SIZE / 2
    right, bottom = _LEFT + _SIZE, _TOP + _SIZE
    body: list[str] = [
        f'<rect class="chart-plot" x="{num(_LEFT)}" y="{num(_TOP)}" width="{num(_SIZE)}" '
        f'height="{num(_SIZE)}" fill="#FFFFFF" stroke="{MUTED}"/>',
        f'<line class="chart-cut" x1="{num(_LEFT + half)}" y1="{num(_TOP)}" '
        f'x2="{num(_LEFT + half)}" y2="{num(bottom)}" stroke="{MUTED}" stroke-dasharray="4 3"/>',
        f'<line class="chart-cut" x1="{num(_LEFT)}" y1="{num(_TOP + half)}" x2="{num(right)}" '
        f'y2="{num(_TOP + half)}" stroke="{MUTED}" stroke-dasharray="4 3"/>',
    ]
    # quadrant names in the outer corners: x = PMO, y = APO
    corners = [
        (AGILE_ENABLED, _LEFT + 8, _TOP + 18, "start"),
        (HYBRID, right - 8, _TOP + 18, "end"),
        (UNDER_GOVERNED, _LEFT + 8, bottom - 10, "start"),
        (TRADITIONAL, right - 8, bottom - 10, "end"),
    ]
    for name, x, y, anchor in corners:
        body.append(label(x, y, name, "chart-quadrant", anchor=anchor, size=13,
                          extra=f' fill="{MUTED}" font-weight="bold"'))
    for v in (0, 50, 100):
        x = _LEFT + _SIZE * v / 100
        y = bottom - _SIZE * v / 100
        body.append(f'<text x="{num(x)}" y="{num(bottom + 14)}" class="chart-tick" '
                    f'text-anchor="middle" font-size="10" fill="{MUTED}">{v}</text>')
        body.append(f'<text x="{num(_LEFT - 6)}" y="{num(y + 4)}" class="chart-tick" '
                    f'text-anchor="end" font-size="10" fill="{MUTED}">{v}</text>')
    body.append(label(_LEFT + half, bottom + 32, truncate(xl, fit(_SIZE, 12)), "chart-axis-title",
                      anchor="middle", full=xl))
    ymid = _TOP + half
    body.append(f'<text x="16" y="{num(ymid)}" class="chart-axis-title" text-anchor="middle" '
                f'transform="rotate(-90 16 {num(ymid)})"><title>{text(yl)}</title>'
                f"{text(truncate(yl, fit(_SIZE, 12)))}</text>")

    table: list[tuple[str, ...]] = []
    key: list[str] = []
    key_y = bottom + 56
    lh = clean(label_header)
    key_head = f"{lh}: {xl} / {yl} \u00b7 quadrant"
    key.append(label(_LEFT, key_y, truncate(key_head, fit(_W - _LEFT - 8, 10)), "chart-note",
                     size=10, full=key_head, extra=f' fill="{MUTED}"'))
    values_w = 172.0
    name_room = fit(_W - 8 - values_w - _LEFT - 24, 11)
    placed = 0
    for n, pt in enumerate(points, start=1):
        name = clean(pt.label)
        x_v, y_v = finite(pt.pmo), finite(pt.apo)
        if x_v is None or y_v is None:
            sentence = f"{name}: {HIDDEN_TEXT}"
            values = HIDDEN_TEXT
            table.append((name, fmt(x_v, 0) if x_v is not None else HIDDEN_TEXT,
                          fmt(y_v, 0) if y_v is not None else HIDDEN_TEXT, ""))
        else:
            quad = pt.quadrant or quadrant_of(x_v, y_v)
            sentence = f"{name}: {xl} {fmt(x_v, 0)}, {yl} {fmt(y_v, 0)}, {quad}"
            table.append((name, fmt(x_v, 0), fmt(y_v, 0), quad))
            values = truncate(f"{fmt(x_v, 0)} / {fmt(y_v, 0)} \u00b7 {quad}", fit(values_w, 11))
            cx = _LEFT + _SIZE * clamp(x_v, 0, 100) / 100
            cy = bottom - _SIZE * clamp(y_v, 0, 100) / 100
            placed += 1
            body.append(
                f'<g class="chart-point"><title>{n}. {text(sentence)}</title>'
                f'<circle cx="{num(cx)}" cy="{num(cy)}" r="10" fill="{POINT_FILL}" '
                f'fill-opacity="0.85" stroke="#FFFFFF"/>'
                f'<text x="{num(cx)}" y="{num(cy + 3.5)}" text-anchor="middle" font-size="10" '
                f'class="chart-point-label" fill="#FFFFFF">{n}</text></g>')
        y = key_y + n * _KEY_LINE
        key.append(f'<g class="chart-key"><title>{n}. {text(sentence)}</title>'
                   f'<text x="{num(_LEFT)}" y="{num(y)}" font-size="11">{n}</text>'
                   f'<text x="{num(_LEFT + 24)}" y="{num(y)}" font-size="11">'
                   f"{text(truncate(name, name_room))}</text>"
                   f'<text x="{num(_W - 8)}" y="{num(y)}" font-size="11" text-anchor="end">'
                   f"{text(values)}</text></g>")
    if not points:
        key.append(label(_LEFT, key_y + _KEY_LINE, "No points to show", "chart-missing",
                         size=11))
    body.extend(key)
    height = key_y + (max(1, len(points)) + 0.5) * _KEY_LINE
    missing = len(points) - placed
    desc = " ".join(filter(None, [
        clean(description),
        f"Transition map of {plural(len(points), 'point')}: {xl} across, {yl} up, both 0 to "
        f"100, cut at 50 into {AGILE_ENABLED} (top left), {HYBRID} (top right), {UNDER_GOVERNED} "
        f"(bottom left) and {TRADITIONAL} (bottom right).",
        f"{missing} not drawn: {HIDDEN_TEXT}." if missing else "",
    ]))
    svg = svg_document(id_prefix=p, kind="transition-map", width=_W, height=height, title=title,
                       description=desc, body=body)
    return Chart(svg=svg, title=clean(title), description=desc,
                 header=(clean(label_header), xl, yl, "quadrant"), rows=tuple(table))

