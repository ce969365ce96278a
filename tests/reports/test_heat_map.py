"""The heat map: values as given, colour only with a verdict and always with a symbol,
hidden cells hatched and worded, hover texts with the interval, a colour-blind-safe palette."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.reports.charts import (
    ABOVE_FILL,
    BELOW_FILL,
    HIDDEN_TEXT,
    NEUTRAL_FILL,
    OKABE_ITO,
    VERDICT_FILLS,
    VERDICT_SYMBOLS,
    HeatCell,
    heat_map,
)
from assess.scoring import VERDICTS
from tests.reports.cvd import VISIONS, contrast, delta_e
from tests.reports.svg_helpers import (
    all_titles,
    assert_no_nan_text,
    check_common,
    drawn_texts,
    find_all,
    own_title,
    visible_text,
)

ROWS = ["Atlas", "Borealis"]
COLS = ["Standards", "Portfolio management", "Talent management"]


def grid() -> list[list[HeatCell]]:
    return [
        [HeatCell(3.25, None, 2.83, 3.67, "in line"),
         HeatCell(3.42, None, 3.01, 3.83, "clearly above", True, n=8),
         HeatCell(2.1, None, 1.8, 2.4, "clearly below", n=7)],
        [HeatCell(hidden=True, n=3),
         HeatCell(4.9, "4.90", 4.0, 5.0, "clearly above", hidden=True, n=4),
         HeatCell(hidden=True, complementary=True, n=6)],
    ]


def cells_of(root):
    return find_all(root, "g", "chart-cell")


def draw(**kwargs):
    return heat_map(ROWS, COLS, grid(), id_prefix="hm", title="Teams by focus area", **kwargs)


def test_cells_show_the_given_values_with_their_verdict_symbol():
    chart = draw()
    root = check_common(chart, "hm")
    cells = cells_of(root)
    assert len(cells) == 6
    texts = [visible_text(c.find("{http://www.w3.org/2000/svg}text")).strip() for c in cells]
    assert texts[:3] == ["3.25", "\u25b2 3.42", "\u25bc 2.10"]
    for shown, value in zip(texts[:3], [3.25, 3.42, 2.1], strict=True):
        assert math.isclose(float(shown.split()[-1]), value, abs_tol=0.005)


def test_colour_only_where_a_verdict_is_clear_and_never_without_its_symbol():
    root = check_common(draw(), "hm")
    for cell in cells_of(root):
        rect = cell.find("{http://www.w3.org/2000/svg}rect")
        drawn = visible_text(cell)
        fill = rect.get("fill")
        if fill == ABOVE_FILL:
            assert "\u25b2" in drawn
            assert "clearly above the baseline" in own_title(cell)
        elif fill == BELOW_FILL:
            assert "\u25bc" in drawn
            assert "clearly below the baseline" in own_title(cell)
        else:
            assert "\u25b2" not in drawn
            assert "\u25bc" not in drawn
    fills = [c.find("{http://www.w3.org/2000/svg}rect").get("fill") for c in cells_of(root)]
    assert fills[0] == NEUTRAL_FILL  # in line stays neutral
    assert fills.count(ABOVE_FILL) == 1
    assert fills.count(BELOW_FILL) == 1


def test_hover_text_carries_the_interval_verdict_and_divided_views():
    root = check_common(draw(), "hm")
    assert own_title(cells_of(root)[1]) == (
        "Atlas \u00b7 Portfolio management: mean 3.42 (95% CI 3.01\u20133.83), clearly above "
        "the baseline, divided views (n = 8)")
    assert own_title(cells_of(root)[0]) == (
        "Atlas \u00b7 Standards: mean 3.25 (95% CI 2.83\u20133.67), in line with the baseline")


def test_divided_views_have_a_mark_with_its_own_text():
    root = check_common(draw(), "hm")
    marks = [m for c in cells_of(root) for m in find_all(c, "polygon", "chart-divided")]
    assert len(marks) == 1
    assert own_title(marks[0]) == "divided views"
    assert marks[0] in list(cells_of(root)[1])


def test_hidden_cells_say_not_enough_responses_and_show_no_number_or_colour():
    chart = draw()
    root = check_common(chart, "hm")
    hidden = cells_of(root)[3:]
    for cell in hidden:
        rect = cell.find("{http://www.w3.org/2000/svg}rect")
        assert rect.get("fill") == "url(#hm-hatch)"
        assert rect.get("fill") not in VERDICT_FILLS.values()
        assert "chart-cell-missing" in cell.get("class")
        drawn = visible_text(cell)
        assert not re.search(r"\d", drawn), drawn  # the 4.90 of a hidden cell never shows
        assert "\u25b2" not in drawn
        assert "\u25bc" not in drawn
    assert [visible_text(c).strip() for c in hidden[:2]] == ["not enoughresponses"] * 2
    assert own_title(hidden[0]) == "Borealis \u00b7 Standards: not enough responses (n = 3)"
    assert own_title(hidden[1]) == ("Borealis \u00b7 Portfolio management: not enough "
                                    "responses (n = 4)")
    assert "hidden to protect a smaller group" in own_title(hidden[2])
    assert chart.rows[1][1:] == ("not enough responses (n = 3)", "not enough responses (n = 4)",
                                 "hidden to protect a smaller group (n = 6)")
    assert not any("4.9" in t for t in all_titles(root) + drawn_texts(root))


def test_missing_value_is_never_drawn_as_zero():
    chart = heat_map(["Atlas"], ["Standards", "Delivery"],
                     [[HeatCell(float("nan"), verdict="clearly above"),
                       HeatCell(math.inf, text=None)]], id_prefix="m", title="t")
    root = check_common(chart, "m")
    for cell in cells_of(root):
        assert cell.find("{http://www.w3.org/2000/svg}rect").get("fill") == "url(#m-hatch)"
        assert "0" not in visible_text(cell)
    assert chart.rows == (("Atlas", "no value", "no value"),)


def test_display_text_is_the_callers_and_the_table_has_every_cell():
    cells = [[HeatCell(3.0, "3 Defined", verdict="clearly above", detail="mean 3.42")]]
    chart = heat_map(["Atlas"], ["Standards"], cells, id_prefix="lv", title="Levels",
                     value_label="level", row_header="team")
    root = check_common(chart, "lv")
    assert visible_text(cells_of(root)[0]).strip() == "\u25b2 3 Defined"
    assert chart.header == ("team", "Standards")
    assert chart.rows == (("Atlas", "level 3 Defined, mean 3.42, clearly above the baseline"),)


def test_legend_names_every_signal():
    root = check_common(draw(), "hm")
    legend = visible_text(find_all(root, "g", "chart-legend")[0])
    for words in ("\u25b2 clearly above the baseline", "\u25bc clearly below the baseline",
                  "in line, or no verdict", HIDDEN_TEXT, "divided views"):
        assert words in legend


def test_description_counts_what_the_map_shows():
    chart = draw(description="Against the organisation baseline.")
    assert chart.description.startswith("Against the organisation baseline. 2 rows by 3 columns")
    assert "1 clearly above" in chart.description
    assert "3 hidden" in chart.description


def test_wrong_shapes_and_verdicts_are_refused():
    with pytest.raises(ValueError, match="2 rows of 3 cells"):
        heat_map(ROWS, COLS, grid()[:1], id_prefix="x", title="t")
    with pytest.raises(ValueError, match="2 rows of 3 cells"):
        heat_map(ROWS, COLS, [r[:2] for r in grid()], id_prefix="x", title="t")
    with pytest.raises(ValueError, match="verdict"):
        HeatCell(3.0, verdict="above")


def test_verdict_palette_is_okabe_ito_and_stays_apart_in_colour_blind_vision():
    assert set(VERDICT_FILLS) == set(VERDICT_SYMBOLS) == {"clearly above", "clearly below"}
    assert set(VERDICT_FILLS) < set(VERDICTS)
    assert {ABOVE_FILL, BELOW_FILL} <= set(OKABE_ITO.values())
    for vision in VISIONS:
        assert delta_e(ABOVE_FILL, BELOW_FILL, vision) > 40, vision
        assert delta_e(ABOVE_FILL, NEUTRAL_FILL, vision) > 20, vision
        assert delta_e(BELOW_FILL, NEUTRAL_FILL, vision) > 20, vision


# -- properties -------------------------------------------------------------------------------

# labels without the letters of "nan" / "inf", so the output can be searched for those words
LABEL = st.text(alphabet=st.characters(blacklist_characters="nNiIaAfF"), max_size=40)
NUMBER = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 3.995, 2.5999999999999996]))
CELL = st.builds(
    HeatCell, value=NUMBER, text=st.one_of(st.none(), LABEL), ci_low=NUMBER, ci_high=NUMBER,
    verdict=st.one_of(st.none(), st.sampled_from(VERDICTS)), divided=st.booleans(),
    hidden=st.booleans(), complementary=st.booleans(),
    n=st.one_of(st.none(), st.integers(0, 10**6)), detail=st.one_of(st.none(), LABEL))


@st.composite
def heat_maps(draw_):
    n_rows, n_cols = draw_(st.integers(0, 6)), draw_(st.integers(0, 6))
    rows = draw_(st.lists(LABEL, min_size=n_rows, max_size=n_rows))
    cols = draw_(st.lists(LABEL, min_size=n_cols, max_size=n_cols))
    cells = draw_(st.lists(st.lists(CELL, min_size=n_cols, max_size=n_cols), min_size=n_rows,
                           max_size=n_rows))
    return rows, cols, cells


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heat_maps())
def test_any_heat_map_parses_and_holds_no_nan(data):
    rows, cols, cells = data
    chart = heat_map(rows, cols, cells, id_prefix="p", title="t")
    root = check_common(chart, "p")
    assert_no_nan_text(root, chart)
    assert len(chart.rows) == len(rows)
    drawn = cells_of(root)
    assert len(drawn) == len(rows) * len(cols)
    flat = [c for r in cells for c in r]
    for cell, g in zip(flat, drawn, strict=True):
        fill = g.find("{http://www.w3.org/2000/svg}rect").get("fill")
        if cell.hidden:
            assert fill == "url(#p-hatch)"
            assert HIDDEN_TEXT in own_title(g) or "protect" in own_title(g)
        elif fill in VERDICT_FILLS.values():
            assert VERDICT_SYMBOLS[cell.verdict] in visible_text(g)


def test_cell_text_contrasts_with_every_fill():
    root = check_common(draw(), "hm")
    for cell in cells_of(root):
        fill = cell.find("{http://www.w3.org/2000/svg}rect").get("fill")
        if fill.startswith("#"):
            ink = root.get("fill")  # the value inherits the chart's ink
            assert contrast(ink, fill) > 7, fill
