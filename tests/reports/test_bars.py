"""Diverging stacked bars: shares as widths, centred on the midpoint, don't know apart."""

from __future__ import annotations

import pytest

from assess.reports.charts import ItemCounts, diverging_bars, scale_colours
from tests.reports.cvd import VISIONS, contrast, delta_e
from tests.reports.svg_helpers import check_common, find_all, own_title, visible_text

SCALE = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
SVG = "{http://www.w3.org/2000/svg}"


def segments(root):
    segs = find_all(root, "g", "chart-segment")
    return [s for s in segs if "chart-dont-know" not in s.get("class")]


def centre(root):
    return float(find_all(root, "line", "chart-centre")[0].get("x1"))


def rect(g):
    r = g.find(SVG + "rect")
    return float(r.get("x")), float(r.get("width"))


def test_widths_are_shares_of_the_answers_and_the_midpoint_is_split_at_the_centre():
    chart = diverging_bars([ItemCounts("We plan together", [2, 2, 4, 6, 6], 5)], SCALE,
                           id_prefix="db", title="Planning")
    root = check_common(chart, "db")
    segs = segments(root)
    assert len(segs) == 5
    widths = [rect(s)[1] for s in segs]
    unit = widths[0] / 10  # 2 of 20 answers = 10%
    assert [w / unit for w in widths] == pytest.approx([10, 10, 20, 30, 30], abs=0.05)
    # contiguous, and the neutral segment straddles the centre line evenly
    xs = [rect(s)[0] for s in segs]
    for a, b, w in zip(xs, xs[1:], widths, strict=False):
        assert a + w == pytest.approx(b, abs=0.02)
    x_mid, w_mid = rect(segs[2])
    assert x_mid + w_mid / 2 == pytest.approx(centre(root), abs=0.02)
    # left side 10 + 10 + half of 20 = 30%
    assert centre(root) - xs[0] == pytest.approx(30 * unit, abs=0.05)


def test_percentages_are_written_and_dont_know_is_shown_apart():
    chart = diverging_bars([ItemCounts("We plan together", [2, 2, 4, 6, 6], 5)], SCALE,
                           id_prefix="db", title="Planning")
    root = check_common(chart, "db")
    assert [visible_text(s) for s in segments(root)][2:] == ["20%", "30%", "30%"]
    assert own_title(segments(root)[3]) == "We plan together: Agree, 6 of 20 answers (30%)"
    (dk,) = find_all(root, "g", "chart-dont-know")
    assert visible_text(dk) == "20%"  # 5 of 25 answers
    assert own_title(dk) == "We plan together: don't know, 5 of 25 (20%)"
    last_x, last_w = rect(segments(root)[-1])
    assert rect(dk)[0] > last_x + last_w  # beside the bar, not in it
    assert chart.header == ("item", *SCALE, "don't know", "answers on the scale")
    assert chart.rows[0] == ("We plan together", "2 (10%)", "2 (10%)", "4 (20%)", "6 (30%)",
                             "6 (30%)", "5 (20% of all)", "20")


def test_even_scales_have_no_neutral_point():
    chart = diverging_bars([ItemCounts("x", [1, 1, 1, 1])], ["a", "b", "c", "d"],
                           id_prefix="db", title="t")
    root = check_common(chart, "db")
    xs = [rect(s) for s in segments(root)]
    assert xs[2][0] == pytest.approx(centre(root), abs=0.02)
    assert len(set(scale_colours(4))) == 4


def test_hidden_items_show_no_bar():
    chart = diverging_bars([ItemCounts("Secret", [1, 0, 0, 0, 1], 1, hidden=True)], SCALE,
                           id_prefix="db", title="t")
    root = check_common(chart, "db")
    assert find_all(root, "g", "chart-segment") == []
    assert "not enough responses" in [visible_text(t) for t in find_all(root, "text",
                                                                        "chart-missing")]
    assert chart.rows[0][1:6] == ("not enough responses",) * 5


def test_an_item_without_answers_is_not_drawn_as_zero():
    chart = diverging_bars([ItemCounts("Nobody", [0] * 5, 3)], SCALE, id_prefix="db",
                           title="t")
    root = check_common(chart, "db")
    assert segments(root) == []
    assert "no answers on the scale" in [visible_text(t) for t in find_all(root, "text")]


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="2 counts for 5"):
        diverging_bars([ItemCounts("x", [1, 2])], SCALE, id_prefix="db", title="t")
    for bad in (-1, 1.5, True, float("nan")):
        with pytest.raises(ValueError, match="whole numbers"):
            ItemCounts("x", [bad, 1, 1, 1, 1])
    with pytest.raises(ValueError, match="2 scale labels"):
        diverging_bars([], ["only"], id_prefix="db", title="t")


@pytest.mark.parametrize("points", [3, 4, 5, 7])
def test_the_two_sides_of_the_scale_stay_apart_in_colour_blind_vision(points):
    colours = scale_colours(points)
    low, high = colours[: points // 2], colours[-(points // 2):]
    for vision in VISIONS:
        for a in low:
            for b in high:
                assert delta_e(a, b, vision) > 25, (a, b, vision)


@pytest.mark.parametrize("points", [3, 4, 5, 7])
def test_percentages_contrast_with_their_segment(points):
    chart = diverging_bars([ItemCounts("x", [5] * points, 1)],
                           [str(k) for k in range(1, points + 1)], id_prefix="db", title="t")
    root = check_common(chart, "db")
    for seg in segments(root):
        text_el = seg.find(SVG + "text")
        assert contrast(text_el.get("fill"), seg.find(SVG + "rect").get("fill")) >= 4.5
        # charts.css colours all text dark unless it is marked as sitting on a dark fill
        assert ("chart-on-dark" in text_el.get("class")) == (text_el.get("fill") == "#FFFFFF")
