"""Chart inputs from the scoring engine's result types (pure: arrays in, dataclasses out).

The chart functions take plain values; these helpers read them off
:class:`~assess.scoring.results.GroupScores` and :class:`~assess.scoring.baseline.Baseline`
so that every page and the PDF read a result the same way. Hidden cells stay hidden: their
statistics are NaN in the result already, and the ``suppressed`` flags are passed on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assess.scoring.baseline import Baseline
from assess.scoring.results import GroupScores, ReadinessVerdicts

from ._svg import finite, fmt
from .heat_map import HeatCell
from .matrix import ReadinessPlacement
from .radar import RadarAxis
from .transition import TransitionPoint
from .trend import WavePoint

__all__ = [
    "HEAT_MAP_VALUES",
    "heat_map_cells",
    "radar_axes",
    "readiness_placements",
    "transition_points",
    "transition_points_by_group",
    "trend_points",
]

#: What a heat map cell can show: the mean, the maturity level (by bands), the difference
#: of the mean from the baseline's mean (points on the scale), or the effect size d (that
#: difference over the baseline's SD).
HEAT_MAP_VALUES: tuple[str, ...] = ("mean", "level", "difference", "d")


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, np.bool_) and bool(value))


def heat_map_cells(
    scores: GroupScores,
    value: str = "mean",
    *,
    level_labels: Sequence[str] = (),
    interval_label: str = "95% CI",
    baseline: Baseline | None = None,
) -> list[list[HeatCell]]:
    """One :class:`HeatCell` per group and dimension of `scores`.

    `value` is "mean" (with its interval), "level" (the band level, with its label from
    `level_labels` where given), "difference" (mean minus the `baseline` mean, signed, in
    points; only where the result has a comparison, i.e. a finite d) or "d" (the effect size
    against the baseline). Except for "mean", the mean and its interval go into the hover
    text. The verdict is the result's own (``GroupScores.verdict``).
    """
    if value not in HEAT_MAP_VALUES:
        raise ValueError(f"value must be one of {HEAT_MAP_VALUES}, got {value!r}")
    if value == "difference" and baseline is None:
        raise ValueError("value='difference' needs the baseline")
    refs = [baseline.get(dim) if baseline is not None else None for dim in scores.dimensions]
    out: list[list[HeatCell]] = []
    for g in range(len(scores.labels)):
        row: list[HeatCell] = []
        for j in range(len(scores.dimensions)):
            n = int(scores.n[g, j])
            if bool(scores.suppressed[g, j]):
                row.append(HeatCell(hidden=True, complementary=bool(scores.complementary[g, j]),
                                    n=n))
                continue
            mean = finite(scores.mean[g, j])
            lo, hi = finite(scores.ci_low[g, j]), finite(scores.ci_high[g, j])
            verdict = scores.verdict[g, j]
            divided = _flag(scores.divided_views[g, j])
            mean_text = None
            if mean is not None:
                mean_text = f"mean {fmt(mean)}"
                if lo is not None and hi is not None:
                    mean_text += f" ({interval_label} {fmt(lo)}\u2013{fmt(hi)})"
            if value == "mean":
                row.append(HeatCell(mean, None, lo, hi, verdict, divided, n=n))
            elif value == "level":
                level = finite(scores.level_band[g, j])
                shown = None
                if level is not None:
                    i = round(level)
                    shown = (f"{i} {level_labels[i - 1]}" if 0 < i <= len(level_labels)
                             else str(i))
                row.append(HeatCell(level, shown, None, None, verdict, divided, n=n,
                                    detail=mean_text))
            elif value == "difference":
                ref = refs[j]
                diff = (mean - ref.mean if mean is not None and ref is not None
                        and finite(scores.d[g, j]) is not None else None)
                shown = None if diff is None else ("+" if diff > 0 else "") + fmt(diff)
                row.append(HeatCell(diff, shown or "no comparison", None, None, verdict,
                                    divided, n=n, detail=mean_text))
            else:
                d = finite(scores.d[g, j])
                row.append(HeatCell(d, None if d is not None else "no comparison", None, None,
                                    verdict, divided, n=n, detail=mean_text))
        out.append(row)
    return out


def radar_axes(
    scores: GroupScores,
    row: int,
    dimension_titles: Sequence[str],
    baseline: Baseline | None = None,
) -> list[RadarAxis]:
    """The radar axes of group `row`: its means and intervals, and the baseline's median
    and quartiles of team means (``numpy.percentile``, linear interpolation) where the
    baseline has at least one team mean for the dimension."""
    if len(dimension_titles) != len(scores.dimensions):
        raise ValueError("need one title per dimension")
    axes = []
    for j, dim in enumerate(scores.dimensions):
        hidden = bool(scores.suppressed[row, j])
        med = q1 = q3 = None
        ref = baseline.get(dim) if baseline is not None else None
        if ref is not None and ref.team_count:
            q1, med, q3 = (float(v) for v in np.percentile(ref.team_means, [25, 50, 75]))
        axes.append(RadarAxis(
            dimension_titles[j],
            None if hidden else finite(scores.mean[row, j]),
            None if hidden else finite(scores.ci_low[row, j]),
            None if hidden else finite(scores.ci_high[row, j]),
            med, q1, q3,
        ))
    return axes


def transition_points(scores: GroupScores, row: int,
                      dimension_titles: Sequence[str]) -> list[TransitionPoint]:
    """One point per dimension of group `row` (PMO and APO indices, quadrant)."""
    if len(dimension_titles) != len(scores.dimensions):
        raise ValueError("need one title per dimension")
    return [_point(scores, row, j, dimension_titles[j]) for j in range(len(scores.dimensions))]


def transition_points_by_group(scores: GroupScores, dimension: str) -> list[TransitionPoint]:
    """One point per group (team) on one dimension."""
    j = scores.dimensions.index(dimension)
    return [_point(scores, g, j, str(label)) for g, label in enumerate(scores.labels)]


def _point(scores: GroupScores, g: int, j: int, label: str) -> TransitionPoint:
    if bool(scores.suppressed[g, j]):
        return TransitionPoint(label)
    pmo, apo = finite(scores.pmo_index[g, j]), finite(scores.apo_index[g, j])
    quad = scores.quadrant[g, j] if pmo is not None and apo is not None else None
    return TransitionPoint(label, pmo, apo, quad)


def readiness_placements(verdicts: ReadinessVerdicts,
                         maturity: GroupScores | None) -> list[ReadinessPlacement]:
    """One placement per group of `verdicts` (a readiness wave's ``teams``): its verdict,
    and as maturity the mean band level over every dimension of the same group in
    `maturity` (a maturity wave's ``teams``, matched by label). A group missing from
    `maturity`, or with a dimension without a level (hidden, or no answers), has no
    maturity and is not placed: a mean over some dimensions would not compare with the
    others'."""
    out = []
    for i, label in enumerate(verdicts.labels):
        level = None
        protected = False
        if maturity is not None and label in maturity.labels:
            g = maturity.row(label)
            row = maturity.level_band[g]
            hidden = maturity.suppressed[g]
            if row.size and bool(np.all(np.isfinite(row) & ~hidden)):
                level = float(np.mean(row))
            # Hidden only to protect a smaller group: the team has responses enough itself.
            protected = bool(hidden.any() and np.all(maturity.complementary[g][hidden]))
        out.append(ReadinessPlacement(str(label), verdicts.verdict[i], level,
                                      protected=protected))
    return out


def trend_points(waves: Sequence[tuple[str, GroupScores]], label: Any,
                 dimension: str) -> list[WavePoint]:
    """One point per wave (name, that wave's scores) for group `label` on `dimension`; a
    wave without the group or the dimension, or hiding the cell, has no mean."""
    out = []
    for name, scores in waves:
        if label not in scores.labels or dimension not in scores.dimensions:
            out.append(WavePoint(name))
            continue
        g, j = scores.row(label), scores.dimensions.index(dimension)
        if bool(scores.suppressed[g, j]):
            out.append(WavePoint(name))
            continue
        clear = scores.clear_change[g, j]
        out.append(WavePoint(
            name, finite(scores.mean[g, j]), finite(scores.ci_low[g, j]),
            finite(scores.ci_high[g, j]), finite(scores.change[g, j]),
            None if clear is None else _flag(clear)))
    return out
