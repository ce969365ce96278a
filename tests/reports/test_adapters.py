"""Chart inputs read off a scored campaign: hidden cells stay hidden, numbers are the
result's own."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from assess.reports.charts import (
    heat_map,
    heat_map_cells,
    radar,
    radar_axes,
    readiness_matrix,
    readiness_placements,
    transition_map,
    transition_points,
    transition_points_by_group,
    trend,
    trend_points,
)
from assess.scoring import (
    Baseline,
    BaselineDimension,
    DimensionSpec,
    InstrumentSpec,
    ReadinessVerdicts,
    ScoringWarning,
    score_campaign,
)
from tests.reports.svg_helpers import check_common, drawn_texts

SPEC = InstrumentSpec(
    (
        DimensionSpec("standards", (0, 1, 2), orientation=("pmo", "apo", "neutral")),
        DimensionSpec("portfolio", (3, 4, 5), orientation=("pmo", "apo", "neutral")),
    ),
    min_n=3,
    min_n_spread=3,
)
TITLES = ("Standards, methodologies and processes", "Portfolio management")
BASELINE = Baseline("All teams", "pool", tuple(
    BaselineDimension(d, 200, 3.0, 0.8, np.array([2.0, 2.5, 3.0, 3.5, 4.0, 4.5]))
    for d in ("standards", "portfolio")))


def campaign(shift=0.0):
    rng = np.random.default_rng(7)
    teams = np.array(["Atlas"] * 8 + ["Borealis"] * 6 + ["Comet"] * 5 + ["Fjord"] * 2)
    base = np.where(teams == "Atlas", 4.5, np.where(teams == "Borealis", 2.0, 3.0))[:, None]
    values = np.clip(np.round(base + shift + rng.normal(0, 0.7, (len(teams), 6))), 1, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        return score_campaign(values, None, teams, SPEC, baseline=BASELINE)


def test_heat_map_cells_follow_the_result():
    teams = campaign().teams
    cells = heat_map_cells(teams)
    assert [len(r) for r in cells] == [2] * 4
    for g in range(4):
        for j in range(2):
            cell = cells[g][j]
            assert cell.hidden == bool(teams.suppressed[g, j])
            assert cell.n == int(teams.n[g, j])
            if not cell.hidden:
                assert cell.value == teams.mean[g, j]
                assert cell.verdict == teams.verdict[g, j]
    fjord = teams.row("Fjord")
    assert all(c.hidden for c in cells[fjord])
    chart = heat_map(teams.labels, TITLES, cells, id_prefix="hm", title="t")
    check_common(chart, "hm")
    assert chart.rows[fjord][1].startswith("not enough responses")
    assert any(teams.verdict[g, j] in ("clearly above", "clearly below")
               for g in range(4) for j in range(2))


def test_heat_map_cells_levels_and_effect_sizes():
    teams = campaign().teams
    atlas = teams.row("Atlas")
    levels = heat_map_cells(teams, "level", level_labels=SPEC.level_labels)
    level = int(teams.level_band[atlas, 0])
    assert levels[atlas][0].text == f"{level} {SPEC.level_labels[level - 1]}"
    assert levels[atlas][0].detail.startswith(f"mean {teams.mean[atlas, 0]:.2f} (95% CI ")
    d = heat_map_cells(teams, "d")
    assert d[atlas][0].value == teams.d[atlas, 0]
    with pytest.raises(ValueError, match="value must be one of"):
        heat_map_cells(teams, "median")


def test_radar_axes_take_the_baseline_quartiles_of_team_means():
    result = campaign()
    atlas = result.teams.row("Atlas")
    axes = radar_axes(result.teams, atlas, TITLES, BASELINE)
    assert [a.title for a in axes] == list(TITLES)
    assert axes[0].mean == result.teams.mean[atlas, 0]
    assert (axes[0].baseline_q1, axes[0].baseline_median, axes[0].baseline_q3) == \
        pytest.approx((2.625, 3.25, 3.875))
    hidden = radar_axes(result.teams, result.teams.row("Fjord"), TITLES, None)
    assert all(a.mean is None and a.baseline_median is None for a in hidden)
    check_common(radar(axes, id_prefix="rd", title="t"), "rd")
    with pytest.raises(ValueError, match="one title per dimension"):
        radar_axes(result.teams, atlas, TITLES[:1])


def test_transition_points_use_the_engines_indices_and_quadrants():
    teams = campaign().teams
    atlas = teams.row("Atlas")
    pts = transition_points(teams, atlas, TITLES)
    assert pts[0].pmo == teams.pmo_index[atlas, 0]
    assert pts[0].quadrant == teams.quadrant[atlas, 0]
    by_team = transition_points_by_group(teams, "portfolio")
    assert [p.label for p in by_team] == list(teams.labels)
    fjord = by_team[teams.row("Fjord")]
    assert fjord.pmo is None
    assert fjord.apo is None
    chart = transition_map(by_team, id_prefix="tm", title="t", label_header="team")
    drawn = drawn_texts(check_common(chart, "tm"))
    assert "Fjord" in drawn
    assert "not enough responses" in drawn
    assert chart.rows[teams.row("Fjord")][1:] == ("not enough responses",) * 2 + ("",)


def test_trend_points_across_waves():
    first = campaign()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        rng = np.random.default_rng(8)
        teams = np.array(["Atlas"] * 8 + ["Borealis"] * 6)
        values = np.clip(np.round(np.where(teams == "Atlas", 2.0, 2.0)[:, None]
                                  + rng.normal(0, 0.5, (14, 6))), 1, 5)
        second = score_campaign(values, None, teams, SPEC, previous=first)
    pts = trend_points([("Spring", first.teams), ("Autumn", second.teams)], "Atlas",
                       "standards")
    assert [p.label for p in pts] == ["Spring", "Autumn"]
    atlas = second.teams.row("Atlas")
    assert pts[1].mean == second.teams.mean[atlas, 0]
    assert pts[1].change == second.teams.change[atlas, 0]
    assert pts[1].clear_change is True  # from about 4.5 to about 2
    missing = trend_points([("Spring", first.teams), ("Autumn", second.teams)], "Comet",
                           "standards")
    assert missing[1].mean is None
    check_common(trend(pts, id_prefix="tr", title="t"), "tr")


def test_readiness_placements_join_verdicts_with_mean_levels():
    maturity = campaign().teams
    labels = ("Atlas", "Borealis", "Fjord", "Nowhere")
    verdicts = ReadinessVerdicts(
        labels, ("leadership",), np.array(["ready", "not yet", "ready", None], dtype=object),
        np.array([None, "leadership", None, None], dtype=object),
        np.zeros((4, 1), dtype=bool), np.zeros((4, 1), dtype=bool))
    placed = readiness_placements(verdicts, maturity)
    assert [p.label for p in placed] == list(labels)
    assert [p.readiness for p in placed] == ["ready", "not yet", "ready", None]
    atlas = maturity.row("Atlas")
    assert placed[0].maturity == pytest.approx(float(np.mean(maturity.level_band[atlas])))
    assert placed[2].maturity is None  # hidden in the maturity wave
    assert placed[3].maturity is None  # not in it
    chart = readiness_matrix(placed, id_prefix="mx", title="t")
    check_common(chart, "mx")
    assert chart.rows[2][3] == "not placed: not enough responses"
    assert [p.maturity for p in readiness_placements(verdicts, None)] == [None] * 4


def test_heat_map_cells_difference_from_the_baseline_mean():
    teams = campaign().teams
    atlas = teams.row("Atlas")
    cells = heat_map_cells(teams, "difference", baseline=BASELINE)
    diff = teams.mean[atlas, 0] - 3.0
    assert cells[atlas][0].value == pytest.approx(diff)
    assert cells[atlas][0].text == ("+" if diff > 0 else "") + f"{diff:.2f}"
    assert cells[teams.row("Fjord")][0].hidden
    chart = heat_map(teams.labels, TITLES, cells, id_prefix="hm", title="t",
                     value_label="difference from the baseline")
    check_common(chart, "hm")
    assert chart.rows[atlas][1].startswith(f"difference from the baseline {cells[atlas][0].text}")
    with pytest.raises(ValueError, match="needs the baseline"):
        heat_map_cells(teams, "difference")


def test_a_placement_says_when_the_team_is_only_protecting_another():
    maturity = campaign().teams
    hidden = [label for g, label in enumerate(maturity.labels)
              if maturity.suppressed[g].any()]
    assert hidden
    verdicts = ReadinessVerdicts(
        tuple(hidden), ("leadership",), np.array(["ready"] * len(hidden), dtype=object),
        np.array([None] * len(hidden), dtype=object),
        np.zeros((len(hidden), 1), dtype=bool), np.zeros((len(hidden), 1), dtype=bool))
    for label, placed in zip(hidden, readiness_placements(verdicts, maturity), strict=True):
        g = maturity.row(label)
        only_protecting = bool(np.all(maturity.complementary[g][maturity.suppressed[g]]))
        assert placed.protected is only_protecting
