"""The transition map: point positions are the indices, quadrants as the engine names them."""

from __future__ import annotations

import pytest

from assess.reports.charts import TransitionPoint, quadrant_of, transition_map
from assess.scoring import QUADRANTS
from tests.reports.svg_helpers import (
    check_common,
    drawn_texts,
    find_all,
    own_title,
    visible_text,
)

POINTS = [
    TransitionPoint("Standards", 62.5, 41.0),
    TransitionPoint("Portfolio management", 30.0, 70.0),
    TransitionPoint("Talent management", 80.0, 90.0),
    TransitionPoint("Knowledge management", 10.0, 20.0),
    TransitionPoint("Strategic planning", float("nan"), 55.0),
]


def plot_box(root):
    (plot,) = find_all(root, "rect", "chart-plot")
    return (float(plot.get(k)) for k in ("x", "y", "width", "height"))


def test_points_sit_at_their_indices():
    root = check_common(transition_map(POINTS, id_prefix="tm", title="t"), "tm")
    x0, y0, w, h = plot_box(root)
    circles = [g.find("{http://www.w3.org/2000/svg}circle")
               for g in find_all(root, "g", "chart-point")]
    assert len(circles) == 4  # the point without a PMO index is not drawn
    for c, pt in zip(circles, POINTS, strict=False):
        assert (float(c.get("cx")) - x0) / w * 100 == pytest.approx(pt.pmo, abs=0.01)
        assert (y0 + h - float(c.get("cy"))) / h * 100 == pytest.approx(pt.apo, abs=0.01)


def test_quadrants_are_the_scoring_names_in_their_corners():
    chart = transition_map(POINTS, id_prefix="tm", title="t")
    root = check_common(chart, "tm")
    names = [visible_text(t) for t in find_all(root, "text", "chart-quadrant")]
    assert sorted(names) == sorted(QUADRANTS)
    assert [row[3] for row in chart.rows] == ["traditional", "agile-enabled", "hybrid",
                                              "under-governed", ""]
    assert own_title(find_all(root, "g", "chart-point")[0]) == (
        "1. Standards: PMO-style index 62, APO-style index 41, traditional")


@pytest.mark.parametrize(("pmo", "apo", "quadrant"), [
    (50.0, 49.99, "traditional"),
    (50.0, 50.0, "hybrid"),
    (49.99, 50.0, "agile-enabled"),
    (49.994, 49.994, "under-governed"),
    (49.995, 49.995, "hybrid"),  # 50.00 when rounded to hundredths, like the engine
    (0.0, 100.0, "agile-enabled"),
])
def test_quadrant_cuts_at_50_in_hundredths(pmo, apo, quadrant):
    assert quadrant_of(pmo, apo) == quadrant


def test_the_engines_quadrant_is_used_when_given():
    chart = transition_map([TransitionPoint("a", 60, 40, "traditional")], id_prefix="tm",
                           title="t")
    assert chart.rows[0][3] == "traditional"
    with pytest.raises(ValueError, match="quadrant"):
        TransitionPoint("a", 60, 40, "agile")


def test_missing_points_are_listed_not_drawn():
    chart = transition_map(POINTS, id_prefix="tm", title="t")
    root = check_common(chart, "tm")
    keys = [[visible_text(t) for t in find_all(g, "text")] for g in find_all(root, "g",
                                                                             "chart-key")]
    assert keys[4] == ["5", "Strategic planning", "not enough responses"]
    assert keys[0] == ["1", "Standards", "62 / 41 \u00b7 traditional"]
    assert own_title(find_all(root, "g", "chart-key")[4]) == (
        "5. Strategic planning: not enough responses")
    assert chart.rows[4] == ("Strategic planning", "not enough responses", "55", "")
    assert "1 not drawn: not enough responses." in chart.description


def test_out_of_range_indices_are_drawn_on_the_edge():
    root = check_common(transition_map([TransitionPoint("a", 140, -20)], id_prefix="tm",
                                       title="t"), "tm")
    x0, y0, w, h = plot_box(root)
    c = find_all(root, "circle")[0]
    assert float(c.get("cx")) == pytest.approx(x0 + w)
    assert float(c.get("cy")) == pytest.approx(y0 + h)
    assert any("140" in t for t in drawn_texts(root))
