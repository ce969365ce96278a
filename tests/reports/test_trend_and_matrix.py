"""The trend (means per wave with error bars, clear change) and the readiness x maturity
matrix (which team lands in which cell)."""

from __future__ import annotations

import pytest

from assess.reports.charts import (
    MATRIX_CELLS,
    ReadinessPlacement,
    WavePoint,
    matrix_cell,
    readiness_matrix,
    trend,
)
from assess.scoring import READINESS_VERDICTS
from tests.reports.svg_helpers import (
    check_common,
    drawn_texts,
    find_all,
    own_title,
    points,
    visible_text,
)

SVG = "{http://www.w3.org/2000/svg}"
WAVES = [
    WavePoint("Spring 2025", 3.0, 2.6, 3.4),
    WavePoint("Autumn 2025", 3.6, 3.3, 3.9, 0.6, True),
    WavePoint("Spring 2026", None),
    WavePoint("Autumn 2026", 3.2, 2.9, 3.5, -0.1, False),
    WavePoint("Spring 2027", 2.8, 2.5, 3.1, -0.4, True),
]


def y_axis(root):
    """y of scale points 1 and 5 from the grid lines."""
    grid = find_all(root, "line", "chart-grid")
    return float(grid[0].get("y1")), float(grid[-1].get("y1"))


def value(root, y):
    y1, y5 = y_axis(root)
    return 1 + (y1 - y) / (y1 - y5) * 4


def test_points_and_error_bars_are_the_means_and_intervals():
    chart = trend(WAVES, id_prefix="tr", title="Portfolio management, Atlas")
    root = check_common(chart, "tr")
    waves = find_all(root, "g", "chart-wave")
    assert len(waves) == 4
    present = [w for w in WAVES if w.mean is not None]
    for g, w in zip(waves, present, strict=True):
        c = g.find(SVG + "circle")
        assert value(root, float(c.get("cy"))) == pytest.approx(w.mean, abs=0.001)
        bar = g.find(SVG + "line")
        assert sorted([value(root, float(bar.get("y1"))), value(root, float(bar.get("y2")))]) \
            == pytest.approx([w.ci_low, w.ci_high], abs=0.001)
    assert own_title(waves[1]) == ("Autumn 2025: mean 3.60 (95% CI 3.30\u20133.90), change "
                                   "+0.60, clear change")


def test_a_missing_wave_breaks_the_line_and_says_why():
    chart = trend(WAVES, id_prefix="tr", title="t")
    root = check_common(chart, "tr")
    lines = find_all(root, "polyline", "chart-trend-line")
    assert [len(points(line)) for line in lines] == [2, 2]
    (missing,) = find_all(root, "text", "chart-missing")
    assert visible_text(missing) == "not enoughresponses"
    assert chart.rows[2] == ("Spring 2026", "not enough responses", "", "", "")
    assert "Not enough responses in: Spring 2026." in chart.description


def test_clear_changes_are_marked_with_their_direction():
    chart = trend(WAVES, id_prefix="tr", title="t")
    root = check_common(chart, "tr")
    marks = [visible_text(g) for g in find_all(root, "g", "chart-clear-change")]
    assert marks == ["\u25b2 clear change", "\u25bc clear change"]
    assert [row[4] for row in chart.rows] == ["", "yes", "", "no", "yes"]
    assert "2 with a clear change" in chart.description


def test_trend_scale_is_checked():
    with pytest.raises(ValueError, match="scale_min < scale_max"):
        trend(WAVES, id_prefix="tr", title="t", scale_min=5, scale_max=1)


# -- readiness x maturity ---------------------------------------------------------------------

@pytest.mark.parametrize(("readiness", "maturity", "cell"), [
    ("ready", 2.0, "act now"),
    ("conditionally ready", 2.99, "act now"),
    ("ready", 3.0, "sustain"),
    ("conditionally ready", 2.995, "sustain"),  # 3.00 in hundredths, as the bands cut
    ("not yet", 1.5, "build readiness"),
    ("not yet", 4.5, "prepare first"),
    ("not yet", float("nan"), None),
    (None, 3.5, None),
])
def test_matrix_cell(readiness, maturity, cell):
    assert matrix_cell(readiness, maturity) == cell


def test_matrix_covers_every_verdict():
    assert set(MATRIX_CELLS.values()) == {"act now", "sustain", "build readiness",
                                          "prepare first"}
    for verdict in READINESS_VERDICTS:
        assert matrix_cell(verdict, 1.0) in MATRIX_CELLS.values()


TEAMS = [
    ReadinessPlacement("Atlas", "ready", 2.4),
    ReadinessPlacement("Borealis", "conditionally ready", 3.5),
    ReadinessPlacement("Comet", "not yet", 2.1),
    ReadinessPlacement("Delta", "not yet", 4.0),
    ReadinessPlacement("Fjord"),
]


def cells(root):
    return {visible_text(g.find(SVG + "text")): g for g in find_all(root, "g",
                                                                   "chart-matrix-cell")}


def test_team_names_are_placed_in_their_cells():
    chart = readiness_matrix(TEAMS, id_prefix="mx", title="Where teams stand")
    root = check_common(chart, "mx")
    by_action = cells(root)
    assert set(by_action) == set(MATRIX_CELLS.values())

    def names(action):
        return [visible_text(t) for t in find_all(by_action[action], "text",
                                                  "chart-matrix-team")]

    assert names("act now") == ["Atlas"]
    assert names("sustain") == ["Borealis*"]
    assert names("build readiness") == ["Comet"]
    assert names("prepare first") == ["Delta"]
    assert "* conditionally ready" in drawn_texts(root)
    assert any(t.startswith("Not placed (not enough responses): Fjord") for t in
               drawn_texts(root))
    assert chart.rows[4] == ("Fjord", "not enough responses", "not enough responses",
                             "not placed: not enough responses")
    assert chart.rows[1] == ("Borealis", "conditionally ready", "3.50", "sustain")


def test_a_full_cell_lists_eight_lines_and_keeps_every_name_on_hover():
    teams = [ReadinessPlacement(f"Team {k:02d}", "ready", 2.0) for k in range(12)]
    root = check_common(readiness_matrix(teams, id_prefix="mx", title="t"), "mx")
    cell = cells(root)["act now"]
    listed = [visible_text(t) for t in find_all(cell, "text", "chart-matrix-team")]
    assert listed == [f"Team {k:02d}" for k in range(7)]
    assert "+ 5 more" in [visible_text(t) for t in find_all(cell, "text")]
    assert own_title(cell).endswith("; ".join(f"Team {k:02d}" for k in range(12)))


def test_bad_readiness_is_refused():
    with pytest.raises(ValueError, match="readiness"):
        ReadinessPlacement("a", "almost")


def test_clear_change_marks_of_close_waves_wrap_onto_two_lines():
    waves = [WavePoint(f"W{k}", 3.0 + 0.3 * k, 2.8 + 0.3 * k, 3.2 + 0.3 * k, 0.3, k > 0)
             for k in range(8)]
    root = check_common(trend(waves, id_prefix="tr", title="t", scale_max=7), "tr")
    marks = find_all(root, "g", "chart-clear-change")
    assert len(marks) == 7
    spans = [visible_text(s) for s in marks[0].iter(SVG + "tspan")]
    assert spans == ["\u25b2 clear", "change"]


def test_a_team_hidden_to_protect_a_smaller_one_is_not_said_to_lack_responses():
    teams = [*TEAMS, ReadinessPlacement("Granite", "ready", None, protected=True)]
    chart = readiness_matrix(teams, id_prefix="mx", title="Where teams stand")
    check_common(chart, "mx")
    rows = {row[0]: row for row in chart.rows}
    assert rows["Granite"][3] == "not placed: hidden to protect a smaller group"
    assert rows["Fjord"][3] == "not placed: not enough responses"
    assert "Not placed (hidden to protect a smaller group): Granite" in chart.svg
    assert "Not placed (not enough responses): Fjord" in chart.svg
    assert "Granite" not in chart.svg.split("Not placed (not enough responses)")[1].split(
        "</text>")[0]
