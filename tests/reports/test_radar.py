"""The radar: polygon vertices are the means, bands the intervals, missing values break the
polygon instead of falling to the centre."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.reports.charts import RadarAxis, radar
from tests.reports.svg_helpers import (
    assert_no_nan_text,
    check_common,
    find_all,
    own_title,
    points,
    visible_text,
)

AXES = [
    RadarAxis("Standards, methodologies and processes", 3.42, 3.01, 3.83, 3.1, 2.8, 3.5),
    RadarAxis("Project / program delivery management", 2.75, 2.3, 3.2, 3.0, 2.6, 3.4),
    RadarAxis("Portfolio management", 4.1, 3.7, 4.5, 3.2, 2.9, 3.6),
    RadarAxis("Talent management", 1.0, 1.0, 1.4, 2.9, 2.5, 3.3),
    RadarAxis("Governance and performance management", 5.0, 4.6, 5.0, 3.3, 3.0, 3.7),
]


def geometry(root):
    """Centre, radius and axis angles from the spokes (drawn from scale_min to scale_max)."""
    spokes = find_all(root, "line", "chart-axis")
    cx, cy = float(spokes[0].get("x1")), float(spokes[0].get("y1"))
    ends = [(float(s.get("x2")), float(s.get("y2"))) for s in spokes]
    radius = math.dist((cx, cy), ends[0])
    return (cx, cy), radius, [math.atan2(y - cy, x - cx) for x, y in ends]


def value_at(root, xy, lo=1.0, hi=5.0):
    (cx, cy), radius, _ = geometry(root)
    return lo + math.dist((cx, cy), xy) / radius * (hi - lo)


def axis_of(root, xy):
    (cx, cy), _, angles = geometry(root)
    a = math.atan2(xy[1] - cy, xy[0] - cx)
    return min(range(len(angles)),
               key=lambda i: abs(math.remainder(a - angles[i], math.tau)))


def test_polygon_vertices_are_the_team_means():
    chart = radar(AXES, id_prefix="rd", title="Atlas profile", team_label="Atlas")
    root = check_common(chart, "rd")
    (polygon,) = find_all(root, "polygon", "chart-radar-team")
    vertices = points(polygon)
    assert len(vertices) == 5
    for i, (xy, axis) in enumerate(zip(vertices, AXES, strict=True)):
        if axis.mean > 1.0:  # the scale minimum sits at the centre, on every axis
            assert axis_of(root, xy) == i
        assert value_at(root, xy) == pytest.approx(axis.mean, abs=0.001)
    assert [value_at(root, (float(c.get("cx")), float(c.get("cy"))))
            for c in find_all(root, "circle", "chart-radar-point")] == pytest.approx(
        [a.mean for a in AXES], abs=0.001)


def test_bands_span_the_intervals_and_the_baseline_iqr():
    root = check_common(radar(AXES, id_prefix="rd", title="t"), "rd")
    team_bands = find_all(root, "polygon", "chart-radar-team-band")
    base_bands = find_all(root, "polygon", "chart-radar-baseline-band")
    assert len(team_bands) == len(base_bands) == 5
    for i, band in enumerate(team_bands):
        j = (i + 1) % 5
        values = [value_at(root, xy) for xy in points(band)]
        assert values == pytest.approx([AXES[i].ci_low, AXES[i].ci_high, AXES[j].ci_high,
                                        AXES[j].ci_low], abs=0.001)
    for i, band in enumerate(base_bands):
        j = (i + 1) % 5
        values = [value_at(root, xy) for xy in points(band)]
        assert values == pytest.approx([AXES[i].baseline_q1, AXES[i].baseline_q3,
                                        AXES[j].baseline_q3, AXES[j].baseline_q1], abs=0.001)
    (median,) = find_all(root, "polygon", "chart-radar-baseline")
    assert [value_at(root, xy) for xy in points(median)] == pytest.approx(
        [a.baseline_median for a in AXES], abs=0.001)
    assert median.get("stroke-dasharray")  # told apart by dashes, not only by colour


def test_a_missing_mean_breaks_the_polygon_and_is_named():
    axes = list(AXES)
    axes[1] = RadarAxis(AXES[1].title, float("nan"), 2.0, 3.0, 3.0, 2.6, 3.4)
    axes[3] = RadarAxis(AXES[3].title, None)
    chart = radar(axes, id_prefix="rd", title="t", team_label="Atlas")
    root = check_common(chart, "rd")
    assert find_all(root, "polygon", "chart-radar-team") == []
    lines = find_all(root, "polyline", "chart-radar-team")
    drawn_axes = sorted(axis_of(root, xy) for line in lines for xy in points(line))
    assert drawn_axes == [0, 4]  # 4 -> 0 wraps round; 2 stands alone as a point
    points_drawn = find_all(root, "circle", "chart-radar-point")
    assert sorted(axis_of(root, (float(c.get("cx")), float(c.get("cy"))))
                  for c in points_drawn) == [0, 2, 4]
    # nothing at the centre: a missing value is not drawn as the scale minimum
    for c in points_drawn:
        assert value_at(root, (float(c.get("cx")), float(c.get("cy")))) > 1.5
    # the team band skips the missing axes; the baseline is drawn where it exists
    assert len(find_all(root, "polygon", "chart-radar-team-band")) == 1
    assert "Not enough responses for: Project / program delivery management; Talent " \
           "management." in chart.description
    labels = [visible_text(t) for t in find_all(root, "text", "chart-axis-label")]
    assert "not enough responses" in labels[1]
    assert "not enough responses" in labels[3]
    assert chart.rows[1] == ("Project / program delivery management", "not enough responses",
                             "", "3.00", "2.60\u20133.40")


def test_hover_and_table_hold_the_numbers_and_full_titles():
    chart = radar(AXES, id_prefix="rd", title="t", team_label="Atlas",
                  baseline_label="All teams")
    root = check_common(chart, "rd")
    first = find_all(root, "circle", "chart-radar-point")[0]
    assert own_title(first) == ("Standards, methodologies and processes: Atlas mean 3.42 "
                                "(95% CI 3.01\u20133.83); All teams median 3.10 (IQR "
                                "2.80\u20133.50)")
    assert chart.header == ("dimension", "Atlas mean", "95% CI", "All teams median",
                            "All teams interquartile range")
    assert chart.rows[0] == ("Standards, methodologies and processes", "3.42",
                             "3.01\u20133.83", "3.10", "2.80\u20133.50")
    label = find_all(root, "text", "chart-axis-label")[4]
    assert own_title(label).startswith("Governance and performance management:")


def test_values_outside_the_scale_stay_on_the_chart():
    axes = [RadarAxis("a", 7.0), RadarAxis("b", -3.0), RadarAxis("c", 3.0)]
    root = check_common(radar(axes, id_prefix="rd", title="t"), "rd")
    (cx, cy), radius, _ = geometry(root)
    for xy in points(find_all(root, "polygon", "chart-radar-team")[0]):
        assert math.dist((cx, cy), xy) <= radius + 0.01


def test_scale_must_be_finite_and_increasing():
    for lo, hi in [(5, 1), (1, 1), (1, math.inf), (math.nan, 5)]:
        with pytest.raises(ValueError, match="scale_min < scale_max"):
            radar(AXES, id_prefix="rd", title="t", scale_min=lo, scale_max=hi)


def test_a_zero_to_hundred_scale():
    axes = [RadarAxis("a", 50.0), RadarAxis("b", 75.0), RadarAxis("c", 100.0)]
    root = check_common(radar(axes, id_prefix="rd", title="t", scale_min=0, scale_max=100),
                        "rd")
    vertices = points(find_all(root, "polygon", "chart-radar-team")[0])
    assert [value_at(root, xy, 0, 100) for xy in vertices] == pytest.approx([50, 75, 100],
                                                                           abs=0.01)


LABEL = st.text(alphabet=st.characters(blacklist_characters="nNiIaAfF"), max_size=60)
VALUE = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                  st.floats(1, 5), st.sampled_from([1e308, -1e308, 0.0, 5e-324]))
AXIS = st.builds(RadarAxis, title=LABEL, mean=VALUE, ci_low=VALUE, ci_high=VALUE,
                 baseline_median=VALUE, baseline_q1=VALUE, baseline_q3=VALUE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(AXIS, max_size=12))
def test_any_radar_parses_and_holds_no_nan(axes):
    chart = radar(axes, id_prefix="p", title="t")
    root = check_common(chart, "p")
    assert_no_nan_text(root, chart)
    assert len(chart.rows) == len(axes)
    present = [a for a in axes if a.mean is not None and math.isfinite(a.mean)]
    assert len(find_all(root, "circle", "chart-radar-point")) == len(present)
