"""Trend: one dimension's mean per wave with its interval, and where the change is clear."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._svg import (
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
    label,
    legend,
    num,
    plural,
    short,
    svg_document,
    text,
    ticks,
    truncate,
)

__all__ = ["CLEAR_CHANGE_TEXT", "WavePoint", "trend"]

CLEAR_CHANGE_TEXT = "clear change"
LINE_STROKE = OKABE_ITO["blue"]
MARK_STROKE = OKABE_ITO["vermillion"]

_W = 560.0
_LEFT = 44.0
_RIGHT = 16.0
_TOP = 30.0
_PLOT_H = 200.0


@dataclass(frozen=True)
class WavePoint:
    """One wave of a trend (values on the scale; None/NaN/inf = missing).

    Attributes
    ----------
    label : str
        Wave name ("Spring 2026"; user text).
    mean, ci_low, ci_high : float or None
        The mean and its interval in this wave.
    change : float or None
        Change from the previous wave (``GroupScores.change``), for the direction of the
        marker and the hover text.
    clear_change : bool or None
        The change from the previous wave is clear (``GroupScores.clear_change``).
    """

    label: str
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    change: float | None = None
    clear_change: bool | None = None


def trend(
    waves: Sequence[WavePoint],
    *,
    id_prefix: str,
    title: str,
    description: str = "",
    scale_min: float = 1.0,
    scale_max: float = 5.0,
    decimals: int = 2,
    interval_label: str = "95% CI",
    series_label: str = "mean",
) -> Chart:
    """Draw a dimension's mean per wave, with error bars and "clear change" markers.

    Waves are evenly spaced in the given order. A wave without a mean shows "not enough
    responses" at its place and breaks the line; values outside the scale are drawn at its
    edge (the table keeps them). A wave whose change from the previous one is clear gets a
    ring and "clear change" with an arrow in the direction of the change.

    Returns
    -------
    Chart
        The SVG and a table: wave, mean, interval, change, clear change.

    Raises
    ------
    ValueError
        On a bad `id_prefix` or a scale with ``scale_max <= scale_min``.
    """
    p = check_id_prefix(id_prefix)
    lo_s, hi_s = check_scale(scale_min, scale_max)
    k = len(waves)
    interval_label = clean(interval_label)
    plot_w = _W - _LEFT - _RIGHT
    step = plot_w / k if k else plot_w
    bottom = _TOP + _PLOT_H

    def y_of(v: float) -> float:
        return bottom - _PLOT_H * (clamp(v, lo_s, hi_s) - lo_s) / (hi_s - lo_s)

    def mark_text(x: float, arrow: str) -> str:
        """ "clear change" above the plot: one line, or two where waves stand close."""
        if step >= 100:
            return f'<tspan x="{num(x)}" y="{num(_TOP - 10)}">{arrow}{CLEAR_CHANGE_TEXT}</tspan>'
        first, second = CLEAR_CHANGE_TEXT.split(" ", 1)
        return (f'<tspan x="{num(x)}" y="{num(_TOP - 20)}">{arrow}{first}</tspan>'
                f'<tspan x="{num(x)}" y="{num(_TOP - 8)}">{second}</tspan>')

    body: list[str] = []
    for v in ticks(lo_s, hi_s):
        y = y_of(v)
        body.append(f'<line class="chart-grid" x1="{num(_LEFT)}" y1="{num(y)}" '
                    f'x2="{num(_W - _RIGHT)}" y2="{num(y)}" stroke="{LINE}"/>')
        body.append(f'<text x="{num(_LEFT - 6)}" y="{num(y + 4)}" class="chart-tick" '
                    f'text-anchor="end" font-size="10" fill="{MUTED}">'
                    f"{short(v)}</text>")

    table: list[tuple[str, ...]] = []
    line_pts: list[list[tuple[float, float]]] = [[]]
    marks: list[str] = []
    n_clear = 0
    missing: list[str] = []
    for i, w in enumerate(waves):
        name = clean(w.label)
        x = _LEFT + step * (i + 0.5)
        body.append(label(x, bottom + 16, truncate(name, fit(step - 4, 11)), "chart-wave-label",
                          anchor="middle", size=11, full=name))
        m = finite(w.mean)
        lo, hi = finite(w.ci_low), finite(w.ci_high)
        ch = finite(w.change)
        clear = bool(w.clear_change) and m is not None
        change_text = "" if ch is None else (("+" if ch > 0 else "") + fmt(ch, decimals))
        if m is None:
            missing.append(name)
            line_pts.append([])
            body.append(f'<text class="chart-missing" text-anchor="middle" font-size="10" '
                        f'font-style="italic"><title>{text(name)}: {HIDDEN_TEXT}</title>'
                        f'<tspan x="{num(x)}" y="{num(_TOP + _PLOT_H / 2)}">not enough</tspan>'
                        f'<tspan x="{num(x)}" y="{num(_TOP + _PLOT_H / 2 + 12)}">responses</tspan>'
                        "</text>")
            table.append((name, HIDDEN_TEXT, "", "", ""))
            continue
        interval = (f"{fmt(lo, decimals)}\u2013{fmt(hi, decimals)}"
                    if lo is not None and hi is not None else "")
        tip = f"{name}: {series_label} {fmt(m, decimals)}"
        if interval:
            tip += f" ({interval_label} {interval})"
        if change_text:
            tip += f", change {change_text}"
        if clear:
            tip += f", {CLEAR_CHANGE_TEXT}"
        table.append((name, fmt(m, decimals), interval, change_text,
                      "yes" if clear else ("no" if w.clear_change is not None else "")))
        y = y_of(m)
        line_pts[-1].append((x, y))
        parts = [f'<g class="chart-wave"><title>{text(tip)}</title>']
        if lo is not None and hi is not None:
            y1, y2 = y_of(lo), y_of(hi)
            parts.append(
                f'<line class="chart-error-bar" x1="{num(x)}" y1="{num(y1)}" x2="{num(x)}" '
                f'y2="{num(y2)}" stroke="{LINE_STROKE}" stroke-width="1.5"/>'
                f'<line class="chart-error-bar" x1="{num(x - 6)}" y1="{num(y1)}" '
                f'x2="{num(x + 6)}" y2="{num(y1)}" stroke="{LINE_STROKE}" stroke-width="1.5"/>'
                f'<line class="chart-error-bar" x1="{num(x - 6)}" y1="{num(y2)}" '
                f'x2="{num(x + 6)}" y2="{num(y2)}" stroke="{LINE_STROKE}" stroke-width="1.5"/>')
        parts.append(f'<circle class="chart-trend-point" cx="{num(x)}" cy="{num(y)}" r="4.5" '
                     f'fill="{LINE_STROKE}"/>')
        parts.append("</g>")
        body.extend(parts)
        if clear:
            n_clear += 1
            arrow = "\u25b2 " if ch is not None and ch > 0 else "\u25bc " if ch is not None \
                and ch < 0 else ""
            marks.append(f'<g class="chart-clear-change"><title>{text(tip)}</title>'
                         f'<circle cx="{num(x)}" cy="{num(y)}" r="9" fill="none" '
                         f'stroke="{MARK_STROKE}" stroke-width="2"/>'
                         f'<text text-anchor="middle" font-size="10.5" fill="{MARK_STROKE}" '
                         f'font-weight="bold">{mark_text(x, arrow)}</text></g>')
    lines = []
    for run in line_pts:
        if len(run) >= 2:
            lines.append('<polyline class="chart-trend-line" points="'
                         + " ".join(f"{num(x)},{num(y)}" for x, y in run)
                         + f'" fill="none" stroke="{LINE_STROKE}" stroke-width="2"/>')
    body = lines + body + marks
    if not waves:
        body.append(label(_W / 2, _TOP + _PLOT_H / 2, "No waves to show", "chart-missing",
                          anchor="middle"))
    entries = [
        (f'<line x1="7" y1="0" x2="7" y2="14" stroke="{LINE_STROKE}" stroke-width="1.5"/>'
         f'<circle cx="7" cy="7" r="4" fill="{LINE_STROKE}"/>',
         f"{clean(series_label)} and {interval_label}"),
        (f'<circle cx="7" cy="7" r="6" fill="none" stroke="{MARK_STROKE}" stroke-width="2"/>',
         f"{CLEAR_CHANGE_TEXT} from the wave before"),
    ]
    leg, leg_h = legend(entries, _LEFT, bottom + 30, plot_w)
    body.extend(leg)
    height = bottom + 30 + leg_h + 4
    desc = " ".join(filter(None, [
        clean(description),
        f"{clean(series_label).capitalize()} per wave over {plural(k, 'wave')} on a "
        f"{short(lo_s)} to {short(hi_s)} scale, with {interval_label} as error bars; "
        f"{n_clear} with a {CLEAR_CHANGE_TEXT} from the wave before.",
        (f"{HIDDEN_TEXT.capitalize()} in: " + "; ".join(missing) + ".") if missing else "",
    ]))
    svg = svg_document(id_prefix=p, kind="trend", width=_W, height=height, title=title,
                       description=desc, body=body)
    return Chart(svg=svg, title=clean(title), description=desc,
                 header=("wave", clean(series_label), interval_label, "change",
                         CLEAR_CHANGE_TEXT),
                 rows=tuple(table))
