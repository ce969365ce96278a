"""Radar (profile) chart: a team's dimension means with intervals against a baseline."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ._svg import (
    ABOVE_FILL,
    HIDDEN_TEXT,
    LINE,
    MUTED,
    OKABE_ITO,
    Chart,
    check_id_prefix,
    check_scale,
    clamp,
    clean,
    finite,
    fit,
    fmt,
    legend,
    num,
    plural,
    short,
    svg_document,
    text,
    ticks,
    wrap,
)

__all__ = ["RadarAxis", "radar"]

TEAM_STROKE = OKABE_ITO["blue"]
TEAM_BAND = ABOVE_FILL
BASELINE_STROKE = MUTED
BASELINE_BAND = "#D0D4D9"

_W = 640.0
_R = 160.0
_CX = _W / 2
_CY = 240.0
_LABEL_GAP = 16.0


@dataclass(frozen=True)
class RadarAxis:
    """One dimension of a radar chart (values on the scale; None/NaN/inf = missing).

    Attributes
    ----------
    title : str
        Dimension title (user text).
    mean, ci_low, ci_high : float or None
        The team's mean and its interval.
    baseline_median, baseline_q1, baseline_q3 : float or None
        Median and quartiles of the baseline's team means.
    """

    title: str
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    baseline_median: float | None = None
    baseline_q1: float | None = None
    baseline_q3: float | None = None


def _angle(i: int, k: int) -> float:
    return -math.pi / 2 + 2 * math.pi * i / k


def _runs(present: list[bool]) -> list[list[int]]:
    """Runs of consecutive present axes, cyclic; a full circle is one run of all axes."""
    k = len(present)
    if all(present):
        return [list(range(k))] if k else []
    start = next(i for i in range(k) if not present[i])
    runs: list[list[int]] = []
    cur: list[int] = []
    for step in range(1, k + 1):
        i = (start + step) % k
        if present[i]:
            cur.append(i)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def radar(
    axes: Sequence[RadarAxis],
    *,
    id_prefix: str,
    title: str,
    description: str = "",
    team_label: str = "team",
    baseline_label: str = "baseline",
    scale_min: float = 1.0,
    scale_max: float = 5.0,
    decimals: int = 2,
    interval_label: str = "95% CI",
) -> Chart:
    """Draw a radar chart of one team's dimension means.

    The team's means form a polygon (a point per axis, ``scale_min`` at the centre,
    ``scale_max`` on the rim), its interval a band between the ``ci_low`` and ``ci_high``
    rings; the baseline's median of team means is a dashed line and its interquartile range
    a grey band. A missing value breaks the polygon and the bands at that axis (nothing is
    drawn as 0 or as the scale minimum), and the axis label says "not enough responses".
    Finite values outside the scale are drawn on the rim or at the centre; the table and
    hover texts keep the value.

    Returns
    -------
    Chart
        The SVG and a table: dimension, team mean, interval, baseline median, IQR.

    Raises
    ------
    ValueError
        On a bad `id_prefix` or a scale with ``scale_max <= scale_min``.
    """
    p = check_id_prefix(id_prefix)
    lo_s, hi_s = check_scale(scale_min, scale_max)
    k = len(axes)
    interval_label = clean(interval_label)
    team = clean(team_label)
    base = clean(baseline_label)

    def point(i: int, v: float) -> tuple[float, float]:
        r = _R * (clamp(v, lo_s, hi_s) - lo_s) / (hi_s - lo_s)
        a = _angle(i, k)
        return _CX + r * math.cos(a), _CY + r * math.sin(a)

    def pts(seq: list[tuple[float, float]]) -> str:
        return " ".join(f"{num(x)},{num(y)}" for x, y in seq)

    titles = [clean(a.title) for a in axes]
    mean = [finite(a.mean) for a in axes]
    ci = [(finite(a.ci_low), finite(a.ci_high)) for a in axes]
    med = [finite(a.baseline_median) for a in axes]
    iqr = [(finite(a.baseline_q1), finite(a.baseline_q3)) for a in axes]
    has_ci = [m is not None and c[0] is not None and c[1] is not None for m, c in zip(mean, ci,
                                                                                   strict=True)]

    body: list[str] = []
    # rings at each whole scale point, and the spokes
    ring_values = [v for v in ticks(lo_s, hi_s) if v > lo_s]
    if k >= 3:
        for v in ring_values:
            ring = pts([point(i, v) for i in range(k)])
            body.append(f'<polygon class="chart-grid" points="{ring}" fill="none" '
                        f'stroke="{LINE}"/>')
    elif k:
        for v in ring_values:
            r = _R * (v - lo_s) / (hi_s - lo_s)
            body.append(f'<circle class="chart-grid" cx="{num(_CX)}" cy="{num(_CY)}" '
                        f'r="{num(r)}" fill="none" stroke="{LINE}"/>')
    for v in ring_values:
        x, y = _CX + 4, _CY - _R * (v - lo_s) / (hi_s - lo_s) + 4
        body.append(f'<text x="{num(x)}" y="{num(y)}" class="chart-tick" font-size="10" '
                    f'fill="{MUTED}">{short(v)}</text>')
    for i in range(k):
        x, y = point(i, hi_s)
        body.append(f'<line class="chart-axis" x1="{num(_CX)}" y1="{num(_CY)}" x2="{num(x)}" '
                    f'y2="{num(y)}" stroke="{LINE}"/>')

    def band(intervals: list[tuple[float, float] | None], cls: str, fill: str) -> None:
        """Quadrilaterals between consecutive axes that both have an interval."""
        if k < 2:
            return
        for i in range(k if k >= 3 else 1):
            a, b = intervals[i], intervals[(i + 1) % k]
            if a is not None and b is not None:
                j = (i + 1) % k
                quad = [point(i, a[0]), point(i, a[1]), point(j, b[1]), point(j, b[0])]
                body.append(f'<polygon class="{cls}" points="{pts(quad)}" fill="{fill}" '
                            'fill-opacity="0.45" stroke="none"/>')

    team_iv = [(c[0], c[1]) if ok and c[0] is not None and c[1] is not None else None
               for c, ok in zip(ci, has_ci, strict=True)]
    base_iv = [(q[0], q[1]) if q[0] is not None and q[1] is not None else None for q in iqr]
    band(base_iv, "chart-radar-baseline-band", BASELINE_BAND)
    band(team_iv, "chart-radar-team-band", TEAM_BAND)

    def line(values: list[float | None], cls: str, stroke: str, extra: str) -> None:
        present = [v is not None for v in values]
        for run in _runs(present):
            coords = [point(i, v) for i in run if (v := values[i]) is not None]
            if len(run) == k and k >= 3:
                body.append(f'<polygon class="{cls}" points="{pts(coords)}" fill="none" '
                            f'stroke="{stroke}"{extra}/>')
            elif len(run) >= 2:
                body.append(f'<polyline class="{cls}" points="{pts(coords)}" fill="none" '
                            f'stroke="{stroke}"{extra}/>')

    line(med, "chart-radar-baseline", BASELINE_STROKE, ' stroke-width="2" stroke-dasharray="6 4"')
    line(mean, "chart-radar-team", TEAM_STROKE, ' stroke-width="2.5"')

    table: list[tuple[str, ...]] = []
    missing: list[str] = []
    no_base: list[str] = []
    for i in range(k):
        m = mean[i]
        lo, hi = ci[i]
        parts: list[str] = []
        if m is None:
            missing.append(titles[i])
            parts.append(f"{team} {HIDDEN_TEXT}")
            team_cells = (HIDDEN_TEXT, "")
        else:
            interval = (f"{fmt(lo, decimals)}\u2013{fmt(hi, decimals)}"
                        if has_ci[i] else "")
            parts.append(f"{team} mean {fmt(m, decimals)}"
                         + (f" ({interval_label} {interval})" if interval else ""))
            team_cells = (fmt(m, decimals), interval)
        b = med[i]
        q1, q3 = iqr[i]
        if b is None:
            no_base.append(titles[i])
            base_cells = ("", "")
        else:
            q = (f"{fmt(q1, decimals)}\u2013{fmt(q3, decimals)}"
                 if q1 is not None and q3 is not None else "")
            parts.append(f"{base} median {fmt(b, decimals)}" + (f" (IQR {q})" if q else ""))
            base_cells = (fmt(b, decimals), q)
        tip = f"{titles[i]}: " + "; ".join(parts)
        table.append((titles[i], *team_cells, *base_cells))
        if m is not None:
            x, y = point(i, m)
            body.append(f'<circle class="chart-radar-point" cx="{num(x)}" cy="{num(y)}" r="4" '
                        f'fill="{TEAM_STROKE}"><title>{text(tip)}</title></circle>')
        # axis label: up to 2 lines, anchored away from the centre
        a = _angle(i, k)
        lx = _CX + (_R + _LABEL_GAP) * math.cos(a)
        ly = _CY + (_R + _LABEL_GAP) * math.sin(a)
        c = math.cos(a)
        anchor = "middle" if abs(c) < 0.3 else ("start" if c > 0 else "end")
        room = 170.0 if anchor == "middle" else _W / 2 - _R - _LABEL_GAP - 6
        lines = wrap(titles[i], fit(room, 11), 2)
        if m is None:
            lines.append(HIDDEN_TEXT)
        n_lines = len(lines)
        s = math.sin(a)
        y0 = ly + 4 - (13.0 * (n_lines - 1) if s < -0.3 else 13.0 * (n_lines - 1) / 2
                       if s <= 0.3 else 0.0) + (6 if s > 0.3 else 0)
        spans = "".join(
            f'<tspan x="{num(lx)}" y="{num(y0 + 13.0 * n)}"'
            + (' class="chart-missing" font-style="italic" font-size="10"'
               if m is None and n == n_lines - 1
               else "") + f">{text(t)}</tspan>"
            for n, t in enumerate(lines))
        body.append(f'<text class="chart-axis-label" text-anchor="{anchor}" font-size="11">'
                    f"<title>{text(tip)}</title>{spans}</text>")

    bottom = _CY + _R + 48
    if k == 0:
        body.append(f'<text x="{num(_CX)}" y="{num(_CY)}" class="chart-missing" '
                    'text-anchor="middle">No dimensions to show</text>')
    entries = [
        (f'<line x1="0" y1="7" x2="14" y2="7" stroke="{TEAM_STROKE}" stroke-width="2.5"/>',
         f"{team}: mean"),
        (f'<rect width="14" height="14" fill="{TEAM_BAND}" fill-opacity="0.45"/>',
         f"{team}: {interval_label}"),
        (f'<line x1="0" y1="7" x2="14" y2="7" stroke="{BASELINE_STROKE}" stroke-width="2" '
         'stroke-dasharray="4 3"/>', f"{base}: median of team means"),
        (f'<rect width="14" height="14" fill="{BASELINE_BAND}" fill-opacity="0.45"/>',
         f"{base}: middle half of team means"),
    ]
    leg, leg_h = legend(entries, 10, bottom, _W - 20)
    body.extend(leg)
    height = bottom + leg_h + 6

    desc_parts = [clean(description)] if description else []
    desc_parts.append(
        f"Radar chart of {plural(k, 'dimension')} on a {short(lo_s)} to {short(hi_s)} scale: "
        f"{team} means with their {interval_label}, against the {base} median and "
        "interquartile range of team means.")
    if missing:
        desc_parts.append(f"{HIDDEN_TEXT.capitalize()} for: " + "; ".join(missing) + ".")
    if no_base:
        desc_parts.append(f"No {base} value for: " + "; ".join(no_base) + ".")
    desc = " ".join(desc_parts)
    svg = svg_document(id_prefix=p, kind="radar", width=_W, height=height, title=title,
                       description=desc, body=body)
    header = ("dimension", f"{team} mean", interval_label, f"{base} median",
              f"{base} interquartile range")
    return Chart(svg=svg, title=clean(title), description=desc, header=header,
                 rows=tuple(table))
