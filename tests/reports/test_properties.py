"""Properties of the other charts, and of any label: whatever comes in, the SVG parses, keeps
the common rules and writes no NaN or infinity."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.reports.charts import (
    HeatCell,
    ItemCounts,
    RadarAxis,
    ReadinessPlacement,
    TransitionPoint,
    WavePoint,
    diverging_bars,
    heat_map,
    radar,
    readiness_matrix,
    transition_map,
    trend,
)
from assess.scoring import READINESS_VERDICTS
from tests.reports.svg_helpers import assert_no_nan_text, check_common

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# labels without the letters of "nan" / "inf", so the output can be searched for those words
LABEL = st.text(alphabet=st.characters(blacklist_characters="nNiIaAfF"), max_size=40)
NUMBER = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(0, 100), st.sampled_from([1e308, -1e308, 49.995, 2.995]))


@SETTINGS
@given(st.lists(st.builds(TransitionPoint, label=LABEL, pmo=NUMBER, apo=NUMBER), max_size=15))
def test_any_transition_map(points):
    chart = transition_map(points, id_prefix="p", title="t")
    assert_no_nan_text(check_common(chart, "p"), chart)
    assert len(chart.rows) == len(points)


@st.composite
def bar_sets(draw):
    m = draw(st.integers(2, 9))
    scale = draw(st.lists(LABEL, min_size=m, max_size=m))
    items = draw(st.lists(st.builds(
        ItemCounts, label=LABEL,
        counts=st.lists(st.integers(0, 10**9), min_size=m, max_size=m),
        dont_know=st.integers(0, 10**9), hidden=st.booleans()), max_size=6))
    return items, scale


@SETTINGS
@given(bar_sets())
def test_any_diverging_bars(data):
    items, scale = data
    chart = diverging_bars(items, scale, id_prefix="p", title="t")
    assert_no_nan_text(check_common(chart, "p"), chart)
    assert len(chart.rows) == len(items)


@SETTINGS
@given(st.lists(st.builds(WavePoint, label=LABEL, mean=NUMBER, ci_low=NUMBER, ci_high=NUMBER,
                          change=NUMBER, clear_change=st.one_of(st.none(), st.booleans())),
                max_size=10),
       st.sampled_from([(1, 5), (0, 100), (1, 7), (-3, 3), (0, 1e9)]))
def test_any_trend(waves, scale):
    chart = trend(waves, id_prefix="p", title="t", scale_min=scale[0], scale_max=scale[1])
    assert_no_nan_text(check_common(chart, "p"), chart)
    assert len(chart.rows) == len(waves)


@SETTINGS
@given(st.lists(st.builds(ReadinessPlacement, label=LABEL,
                          readiness=st.one_of(st.none(), st.sampled_from(READINESS_VERDICTS)),
                          maturity=NUMBER), max_size=30),
       st.one_of(st.floats(1, 5), st.sampled_from([1e300, -1e300, 3.0])))
def test_any_readiness_matrix(placements, cut):
    chart = readiness_matrix(placements, id_prefix="p", title="t", maturity_cut=cut)
    assert_no_nan_text(check_common(chart, "p"), chart)
    assert len(chart.rows) == len(placements)


@SETTINGS
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=3, max_size=8),
       st.sampled_from([(0, 100), (1, 5), (-1e300, 1e300), (0, 1e-6)]))
def test_any_radar_scale(values, scale):
    axes = [RadarAxis("a", v, v, v, v, v, v) for v in values]
    chart = radar(axes, id_prefix="p", title="t", scale_min=scale[0], scale_max=scale[1])
    assert_no_nan_text(check_common(chart, "p"), chart)


@SETTINGS
@given(st.text(max_size=300))
def test_any_label_keeps_every_chart_well_formed(label):
    charts = [
        heat_map([label], [label], [[HeatCell(3.0, label, verdict="clearly above",
                                              detail=label)]], id_prefix="a", title=label,
                 description=label, value_label=label, row_header=label),
        radar([RadarAxis(label, 3.0)] * 3, id_prefix="b", title=label, description=label,
              team_label=label, baseline_label=label),
        transition_map([TransitionPoint(label, 60, 40)], id_prefix="c", title=label,
                       x_label=label, y_label=label),
        diverging_bars([ItemCounts(label, [1, 2, 3])], [label] * 3, id_prefix="d",
                       title=label),
        trend([WavePoint(label, 3.0, 2.5, 3.5, 0.5, True)], id_prefix="e", title=label,
              series_label=label),
        readiness_matrix([ReadinessPlacement(label, "ready", 2.0)], id_prefix="f", title=label,
                         maturity_label=label),
    ]
    for chart, prefix in zip(charts, "abcdef", strict=True):
        check_common(chart, prefix)
