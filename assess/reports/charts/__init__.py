"""Server-side SVG charts: numbers in, SVG text out (pure: no Flask, no database, no I/O).

The same functions draw the charts of the coach pages and of the PDF coaching plan
(WeasyPrint renders inline SVG). Every chart is an inline ``<svg role="img">`` labelled by
its own ``<title>`` and ``<desc>``, sized by its viewBox, styled by classes (``charts.css``;
presentation attributes as fallbacks, never ``style=``), with all ids under the caller's
``id_prefix``. Each returns a :class:`Chart`: the SVG plus the same numbers as a plain table
for the page to show beside it. Missing and hidden values are drawn as "not enough
responses", never as 0; NaN and infinity never reach the output. See docs/charts.md.

Charts: :func:`heat_map`, :func:`radar`, :func:`transition_map`, :func:`diverging_bars`,
:func:`trend`, :func:`readiness_matrix`. Inputs are small frozen dataclasses
(:class:`HeatCell`, :class:`RadarAxis`, :class:`TransitionPoint`, :class:`ItemCounts`,
:class:`WavePoint`, :class:`ReadinessPlacement`); :mod:`.adapters` builds them from the
scoring engine's result types.
"""

from ._svg import (
    ABOVE_FILL,
    BELOW_FILL,
    COMPLEMENTARY_TEXT,
    HIDDEN_TEXT,
    NEUTRAL_FILL,
    OKABE_ITO,
    Chart,
)
from .adapters import (
    HEAT_MAP_VALUES,
    heat_map_cells,
    radar_axes,
    readiness_placements,
    transition_points,
    transition_points_by_group,
    trend_points,
)
from .bars import ItemCounts, diverging_bars, scale_colours
from .heat_map import VERDICT_FILLS, VERDICT_SYMBOLS, HeatCell, heat_map
from .matrix import MATRIX_CELLS, ReadinessPlacement, matrix_cell, readiness_matrix
from .radar import RadarAxis, radar
from .transition import TransitionPoint, quadrant_of, transition_map
from .trend import CLEAR_CHANGE_TEXT, WavePoint, trend

__all__ = [
    "ABOVE_FILL",
    "BELOW_FILL",
    "CLEAR_CHANGE_TEXT",
    "COMPLEMENTARY_TEXT",
    "HEAT_MAP_VALUES",
    "HIDDEN_TEXT",
    "MATRIX_CELLS",
    "NEUTRAL_FILL",
    "OKABE_ITO",
    "VERDICT_FILLS",
    "VERDICT_SYMBOLS",
    "Chart",
    "HeatCell",
    "ItemCounts",
    "RadarAxis",
    "ReadinessPlacement",
    "TransitionPoint",
    "WavePoint",
    "diverging_bars",
    "heat_map",
    "heat_map_cells",
    "matrix_cell",
    "quadrant_of",
    "radar",
    "radar_axes",
    "readiness_matrix",
    "readiness_placements",
    "scale_colours",
    "transition_map",
    "transition_points",
    "transition_points_by_group",
    "trend",
    "trend_points",
]
