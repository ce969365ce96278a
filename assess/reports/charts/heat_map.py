"""Heat map: groups (teams) x dimensions, coloured only where a verdict says so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assess.scoring.results import VERDICTS

from ._svg import (
    ABOVE_FILL,
    BELOW_FILL,
    COMPLEMENTARY_TEXT,
    HIDDEN_TEXT,
    INK,
    LINE,
    MUTED,
    NEUTRAL_FILL,
    Chart,
    check_id_prefix,
    clean,
    finite,
    fit,
    fmt,
    hatch_pattern,
    label,
    legend,
    num,
    plural,
    svg_document,
    swatch,
    text,
    truncate,
    wrap,
)

__all__ = ["VERDICT_FILLS", "VERDICT_SYMBOLS", "HeatCell", "heat_map"]

#: Fill of a cell by verdict; any other cell (in line, no verdict, hidden) gets none of these.
VERDICT_FILLS: dict[str, str] = {"clearly above": ABOVE_FILL, "clearly below": BELOW_FILL}
#: The symbol that goes with the colour, so colour is never the only signal.
VERDICT_SYMBOLS: dict[str, str] = {"clearly above": "\u25b2", "clearly below": "\u25bc"}
_VERDICT_CLASS = {"clearly above": "above", "clearly below": "below", "in line": "in-line"}
DIVIDED_TEXT = "divided views"

_LABEL_W = 170.0
_CELL_W = 104.0
_CELL_H = 40.0
_HEAD_LINES = 3
_MIN_W = 480.0


@dataclass(frozen=True)
class HeatCell:
    """One cell of a heat map.

    Attributes
    ----------
    value : float or None
        The number shown (a mean, a level, a difference); None, NaN or infinity is missing.
    text : str or None
        How the value is shown ("3.42", "3 Defined"); by default `value` to `decimals`.
    ci_low, ci_high : float or None
        The interval of the value, shown on hover and in the table when both are finite.
    verdict : str or None
        "clearly above", "in line", "clearly below" (against the baseline) or None. Only
        the first and last colour the cell.
    divided : bool
        The group holds divided views here (a corner mark).
    hidden : bool
        Suppressed under the anonymity rules: drawn hatched, "not enough responses", with
        no number, interval or verdict whatever the other fields say.
    complementary : bool
        Hidden only to protect another hidden group ("hidden to protect a smaller group").
    n : int or None
        Valid responses, shown on hover (also for hidden cells, as the result types do).
    detail : str or None
        More text for the hover title and the table ("mean 3.42 (95% CI 3.01-3.83)").
    """

    value: float | None = None
    text: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    verdict: str | None = None
    divided: bool = False
    hidden: bool = False
    complementary: bool = False
    n: int | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.verdict is not None and self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS} or None, got {self.verdict!r}")


def _cell_texts(cell: HeatCell, decimals: int, interval_label: str,
                value_label: str) -> tuple[str | None, str]:
    """(text drawn in the cell or None when missing, the full sentence for hover/table)."""
    if cell.hidden:
        return None, COMPLEMENTARY_TEXT if cell.complementary else HIDDEN_TEXT
    v = finite(cell.value)
    if v is None:
        return None, clean(cell.text) if cell.text else "no value"
    shown = clean(cell.text) if cell.text else fmt(v, decimals)
    parts = [f"{value_label} {shown}".strip()]
    lo, hi = finite(cell.ci_low), finite(cell.ci_high)
    if lo is not None and hi is not None:
        parts[0] += f" ({interval_label} {fmt(lo, decimals)}\u2013{fmt(hi, decimals)})"
    if cell.detail:
        parts.append(clean(cell.detail))
    if cell.verdict is not None:
        where = "in line with" if cell.verdict == "in line" else cell.verdict
        parts.append(f"{where} the baseline")
    if cell.divided:
        parts.append(DIVIDED_TEXT)
    return shown, ", ".join(parts)


def heat_map(
    rows: Sequence[object],
    columns: Sequence[object],
    cells: Sequence[Sequence[HeatCell]],
    *,
    id_prefix: str,
    title: str,
    description: str = "",
    value_label: str = "mean",
    decimals: int = 2,
    interval_label: str = "95% CI",
    row_header: str = "team",
) -> Chart:
    """Draw a heat map of `rows` (teams) x `columns` (dimensions).

    Parameters
    ----------
    rows, columns : sequence
        Row and column labels (user text: escaped, truncated in the SVG with the full text
        in a ``<title>``, full in the table).
    cells : sequence of sequence of HeatCell
        ``cells[i][j]`` for row i and column j.
    id_prefix : str
        Prefix of every id in the SVG (unique per page).
    title, description : str
        The chart's ``<title>``, and the start of its ``<desc>``.
    value_label : str
        What the value is ("mean", "level", "difference from the baseline").
    decimals : int
        Decimals of values shown without a `text`.
    interval_label : str
        How the interval is named in hover texts and the table.
    row_header : str
        Heading of the table's label column.

    Returns
    -------
    Chart
        The SVG and a table with one row per group and one column per dimension.

    Raises
    ------
    ValueError
        On a bad `id_prefix` or when `cells` does not have ``len(rows) x len(columns)``.
    """
    p = check_id_prefix(id_prefix)
    value_label, interval_label = clean(value_label), clean(interval_label)
    n_rows, n_cols = len(rows), len(columns)
    if len(cells) != n_rows or any(len(r) != n_cols for r in cells):
        raise ValueError(f"cells must have {n_rows} rows of {n_cols} cells")
    row_text = [clean(r) for r in rows]
    col_text = [clean(c) for c in columns]

    width = max(_MIN_W, _LABEL_W + n_cols * _CELL_W + 8)
    head_h = 14.0 * _HEAD_LINES + 10
    top = head_h
    body: list[str] = []
    table: list[tuple[str, ...]] = []
    counts = {"above": 0, "below": 0, "hidden": 0, "divided": 0}

    # column headings, wrapped into 3 lines, full title on hover
    for j, col in enumerate(col_text):
        x = _LABEL_W + j * _CELL_W + _CELL_W / 2
        lines = wrap(col, fit(_CELL_W - 6, 11), _HEAD_LINES)
        y0 = head_h - 8 - 13.0 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{num(x)}" y="{num(y0 + 13.0 * k)}">{text(line)}</tspan>'
            for k, line in enumerate(lines))
        body.append(f'<text class="chart-col-label" text-anchor="middle" font-size="11">'
                    f"<title>{text(col)}</title>{spans}</text>")

    for i, row in enumerate(row_text):
        y = top + i * _CELL_H
        body.append(label(8, y + _CELL_H / 2 + 4, truncate(row, fit(_LABEL_W - 14, 12)),
                          "chart-row-label", full=row))
        table_row = [row]
        for j, col in enumerate(col_text):
            cell = cells[i][j]
            x = _LABEL_W + j * _CELL_W
            shown, sentence = _cell_texts(cell, decimals, interval_label, value_label)
            n = cell.n
            tip = f"{row} \u00b7 {col}: {sentence}"
            if n is not None:
                tip += f" (n = {int(n)})"
            table_row.append(sentence if n is None else f"{sentence} (n = {int(n)})")
            rect = (f'x="{num(x + 1)}" y="{num(y + 1)}" width="{num(_CELL_W - 2)}" '
                    f'height="{num(_CELL_H - 2)}"')
            if shown is None:
                counts["hidden"] += cell.hidden
                lines = (["hidden to", "protect a", "smaller group"] if cell.hidden
                         and cell.complementary else ["not enough", "responses"]
                         if cell.hidden else wrap(sentence, fit(_CELL_W - 8, 10), 2))
                y0 = y + _CELL_H / 2 - 5.5 * (len(lines) - 1) + 3.5
                spans = "".join(
                    f'<tspan x="{num(x + _CELL_W / 2)}" y="{num(y0 + 11 * k)}">{text(t)}</tspan>'
                    for k, t in enumerate(lines))
                body.append(
                    f'<g class="chart-cell chart-cell-missing"><title>{text(tip)}</title>'
                    f'<rect {rect} fill="url(#{p}-hatch)" stroke="{LINE}"/>'
                    f'<text class="chart-missing" text-anchor="middle" font-size="9.5" '
                    f'fill="{INK}">{spans}</text></g>')
                continue
            verdict = cell.verdict
            fill = VERDICT_FILLS.get(verdict or "", NEUTRAL_FILL)
            cls = _VERDICT_CLASS.get(verdict or "", "none")
            symbol = VERDICT_SYMBOLS.get(verdict or "")
            if symbol:
                counts[cls] += 1
            value_text = truncate(shown, fit(_CELL_W - (26 if symbol else 12), 12))
            content = f"{symbol} {value_text}" if symbol else value_text
            mark = ""
            if cell.divided:
                counts["divided"] += 1
                r = x + _CELL_W - 1
                mark = (f'<polygon class="chart-divided" points="{num(r - 12)},{num(y + 1)} '
                        f'{num(r)},{num(y + 1)} {num(r)},{num(y + 13)}" fill="{INK}">'
                        f"<title>{DIVIDED_TEXT}</title></polygon>")
            body.append(
                f'<g class="chart-cell chart-cell-{cls}"><title>{text(tip)}</title>'
                f'<rect {rect} class="chart-fill-{cls}" fill="{fill}" stroke="{LINE}"/>'
                f'<text x="{num(x + _CELL_W / 2)}" y="{num(y + _CELL_H / 2 + 4.5)}" '
                f'class="chart-value" text-anchor="middle" font-size="12">{text(content)}</text>'
                f"{mark}</g>")
        table.append(tuple(table_row))

    y_end = top + n_rows * _CELL_H
    if n_rows == 0 or n_cols == 0:
        body.append(label(width / 2, top + 20, "No data to show", "chart-missing",
                          anchor="middle"))
        y_end = top + 30

    entries = [
        (swatch(ABOVE_FILL, "chart-fill-above"), "\u25b2 clearly above the baseline"),
        (swatch(BELOW_FILL, "chart-fill-below"), "\u25bc clearly below the baseline"),
        (swatch(NEUTRAL_FILL, "chart-fill-none", MUTED), "in line, or no verdict"),
        (swatch(f"url(#{p}-hatch)", "chart-fill-missing", MUTED), HIDDEN_TEXT),
        (f'<rect width="14" height="14" fill="{NEUTRAL_FILL}" stroke="{MUTED}"/>'
         f'<polygon class="chart-divided" points="2,0 14,0 14,12" fill="{INK}"/>', DIVIDED_TEXT),
    ]
    leg, leg_h = legend(entries, 8, y_end + 14, width - 16)
    body.extend(leg)
    height = y_end + 14 + leg_h + 6

    summary = (f"{plural(n_rows, 'row')} by {plural(n_cols, 'column')} of {value_label} values. "
               f"{counts['above']} clearly above the baseline ({VERDICT_SYMBOLS['clearly above']}, "
               f"blue), {counts['below']} clearly below ({VERDICT_SYMBOLS['clearly below']}, "
               f"orange), {counts['hidden']} hidden with not enough responses, "
               f"{counts['divided']} with divided views. The table beside the chart holds "
               "every value.")
    desc = f"{clean(description)} {summary}".strip()
    svg = svg_document(id_prefix=p, kind="heat-map", width=width, height=height, title=title,
                       description=desc, body=body, defs=hatch_pattern(p))
    return Chart(svg=svg, title=clean(title), description=desc,
                 header=(clean(row_header), *col_text), rows=tuple(table))
