"""Readiness x maturity matrix: where each team stands, and what that asks of the coach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assess.scoring.results import READINESS_VERDICTS

from ._svg import (
    COMPLEMENTARY_TEXT,
    HIDDEN_TEXT,
    LINE,
    MUTED,
    NEUTRAL_FILL,
    Chart,
    check_id_prefix,
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

__all__ = ["MATRIX_CELLS", "ReadinessPlacement", "matrix_cell", "readiness_matrix"]

READY, CONDITIONAL, NOT_YET = READINESS_VERDICTS

#: What each cell asks: (readiness row, maturity column) -> action. See docs/charts.md.
MATRIX_CELLS: dict[tuple[str, str], str] = {
    ("ready", "low"): "act now",
    ("ready", "high"): "sustain",
    ("not yet", "low"): "build readiness",
    ("not yet", "high"): "prepare first",
}
_CELL_NOTES = {
    "act now": "willing, and much to gain",
    "sustain": "willing and mature: keep improving",
    "build readiness": "work on the blocker first",
    "prepare first": "protect what works; make the case",
}
CONDITIONAL_MARK = "*"

_W = 560.0
_LEFT = 150.0
_TOP = 40.0
_CELL_W = (_W - _LEFT - 8) / 2
_NAME_H = 16.0
_MAX_NAMES = 8


@dataclass(frozen=True)
class ReadinessPlacement:
    """One team on the matrix.

    Attributes
    ----------
    label : str
        Team name (user text).
    readiness : str or None
        "ready", "conditionally ready", "not yet" (``ReadinessVerdicts.verdict``), or None
        when the team has no verdict (hidden, or no readiness wave).
    maturity : float or None
        The team's maturity on the level scale (e.g. its mean level over the dimensions);
        None/NaN/inf when unknown.
    protected : bool
        The team is not placed only because its numbers are hidden to protect a smaller
        group (complementary suppression), not for want of its own responses.
    """

    label: str
    readiness: str | None = None
    maturity: float | None = None
    protected: bool = False

    def __post_init__(self) -> None:
        if self.readiness is not None and self.readiness not in READINESS_VERDICTS:
            raise ValueError(f"readiness must be one of {READINESS_VERDICTS} or None, "
                             f"got {self.readiness!r}")


def matrix_cell(readiness: str | None, maturity: float | None,
                maturity_cut: float = 3.0) -> str | None:
    """The cell of a team: "act now", "sustain", "build readiness", "prepare first", or
    None without a verdict or a maturity. "Conditionally ready" counts as ready; maturity is
    high at or above `maturity_cut`, compared in whole hundredths like the level bands."""
    m = finite(maturity)
    if readiness is None or m is None:
        return None
    row = "not yet" if readiness == NOT_YET else "ready"
    high = hundredths_at_least(m, maturity_cut)
    return MATRIX_CELLS[(row, "high" if high else "low")]


def readiness_matrix(
    placements: Sequence[ReadinessPlacement],
    *,
    id_prefix: str,
    title: str,
    description: str = "",
    maturity_cut: float = 3.0,
    maturity_label: str = "maturity",
    decimals: int = 2,
) -> Chart:
    """Draw the 2 x 2 readiness x maturity matrix with the team names in its cells.

    Rows: ready or conditionally ready (top; conditionally ready names carry ``*``) and not
    yet (bottom). Columns: maturity below `maturity_cut` (left) and at or above it (right).
    A cell lists up to 8 names and "+ N more" (every name is in the cell's hover text and
    the table). Teams without a verdict or a maturity are listed under the matrix as "not
    placed: not enough responses".

    Returns
    -------
    Chart
        The SVG and a table: team, readiness, maturity, cell.
    """
    p = check_id_prefix(id_prefix)
    cut = finite(maturity_cut)
    if cut is None:
        raise ValueError(f"maturity_cut must be a finite number, got {maturity_cut!r}")
    mat = clean(maturity_label)
    groups: dict[str, list[str]] = {name: [] for name in MATRIX_CELLS.values()}
    unplaced: dict[str, list[str]] = {HIDDEN_TEXT: [], COMPLEMENTARY_TEXT: []}
    table: list[tuple[str, ...]] = []
    for pl in placements:
        name = clean(pl.label)
        m = finite(pl.maturity)
        cell = matrix_cell(pl.readiness, m, cut)
        reason = COMPLEMENTARY_TEXT if pl.protected else HIDDEN_TEXT
        if cell is None:
            unplaced[reason].append(name)
        else:
            groups[cell].append(name + (CONDITIONAL_MARK if pl.readiness == CONDITIONAL else ""))
        table.append((name, pl.readiness or reason,
                      fmt(m, decimals) if m is not None else reason,
                      cell or f"not placed: {reason}"))

    shown = max([min(len(v), _MAX_NAMES) + (len(v) > _MAX_NAMES) for v in groups.values()] + [1])
    cell_h = 46 + shown * _NAME_H
    body: list[str] = []
    cols = [(f"{mat} below {fmt(cut, 2)}", "low"), (f"{mat} {fmt(cut, 2)} or more", "high")]
    rows = [("ready or", "conditionally ready", "ready"), ("not yet", "ready", "not yet")]
    for c, (head, _) in enumerate(cols):
        x = _LEFT + c * _CELL_W + _CELL_W / 2
        body.append(label(x, _TOP - 12, truncate(head, fit(_CELL_W - 8, 12)), "chart-col-label",
                          anchor="middle", full=head, extra=' font-weight="bold"'))
    name_chars = fit(_CELL_W - 20, 11)
    for r, (line1, line2, row_key) in enumerate(rows):
        y = _TOP + r * cell_h
        body.append(f'<text class="chart-row-label" font-weight="bold" text-anchor="end" '
                    'font-size="11">'
                    f'<tspan x="{num(_LEFT - 8)}" y="{num(y + cell_h / 2 - 4)}">{line1}</tspan>'
                    f'<tspan x="{num(_LEFT - 8)}" y="{num(y + cell_h / 2 + 11)}">{line2}</tspan>'
                    "</text>")
        for c, (_, col_key) in enumerate(cols):
            x = _LEFT + c * _CELL_W
            action = MATRIX_CELLS[(row_key, col_key)]
            names = groups[action]
            tip = f"{action} ({_CELL_NOTES[action]}): " + ("; ".join(names) if names else
                                                             "no teams")
            parts = [f'<g class="chart-matrix-cell"><title>{text(tip)}</title>',
                     f'<rect x="{num(x + 1)}" y="{num(y + 1)}" width="{num(_CELL_W - 2)}" '
                     f'height="{num(cell_h - 2)}" fill="{NEUTRAL_FILL}" stroke="{LINE}"/>',
                     f'<text x="{num(x + 10)}" y="{num(y + 20)}" class="chart-matrix-action" '
                     f'font-weight="bold" font-size="13">{text(action)}</text>',
                     f'<text x="{num(x + 10)}" y="{num(y + 35)}" class="chart-note" '
                     f'font-size="10" fill="{MUTED}">{text(_CELL_NOTES[action])}</text>']
            listed = names[:_MAX_NAMES] if len(names) <= _MAX_NAMES else names[:_MAX_NAMES - 1]
            for n, team in enumerate(listed):
                parts.append(label(x + 14, y + 54 + n * _NAME_H, truncate(team, name_chars),
                                   "chart-matrix-team", size=11, full=team))
            if len(listed) < len(names):
                parts.append(label(x + 14, y + 54 + len(listed) * _NAME_H,
                                   f"+ {len(names) - len(listed)} more", "chart-note", size=11,
                                   extra=f' fill="{MUTED}"'))
            parts.append("</g>")
            body.extend(parts)
    y = _TOP + 2 * cell_h + 20
    body.append(label(_LEFT, y, f"{CONDITIONAL_MARK} conditionally ready", "chart-note",
                      size=11, extra=f' fill="{MUTED}"'))
    for reason, names in unplaced.items():
        if not names:
            continue
        y += 18
        line = f"Not placed ({reason}): " + "; ".join(names)
        body.append(label(8, y, truncate(line, fit(_W - 16, 11)), "chart-note", size=11,
                          full=line))
    height = y + 10
    counts = ", ".join(f"{len(v)} {k}" for k, v in groups.items())
    desc = " ".join(filter(None, [
        clean(description),
        f"Readiness (ready or conditionally ready, or not yet) against {mat} (below "
        f"{fmt(cut, 2)}, or {fmt(cut, 2)} or more) for {plural(len(placements), 'team')}: "
        f"{counts}.",
        *(f"{len(names)} not placed: {reason}." for reason, names in unplaced.items() if names),
    ]))
    svg = svg_document(id_prefix=p, kind="readiness-matrix", width=_W, height=height,
                       title=title, description=desc, body=body)
    return Chart(svg=svg, title=clean(title), description=desc,
                 header=("team", "readiness", mat, "cell"), rows=tuple(table))
