"""Roll-ups of teams into parent teams, and verdicts adjusted over a whole heat map."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from assess.scoring import (
    Baseline,
    BaselineDimension,
    CampaignResult,
    DimensionSpec,
    InstrumentSpec,
    ScoringWarning,
    adjust_pvalues,
    score_campaign,
)
from assess.scoring.rollup import NOT_ROLLED_UP, grid_verdicts, score_rollups, verdict_of


def _spec(min_n: int = 5, n_dims: int = 2, items: int = 3) -> InstrumentSpec:
    dims = tuple(
        DimensionSpec(f"d{j}", tuple(range(j * items, (j + 1) * items)),
                      reverse=(False,) * (items - 1) + (True,),
                      orientation=("pmo", "apo") + ("neutral",) * (items - 2),
                      rubric_column=n_dims * items + j)
        for j in range(n_dims))
    return InstrumentSpec(dims, min_n=min_n, min_n_spread=min_n)


def _baseline(spec: InstrumentSpec) -> Baseline:
    return Baseline("pool", "pool", tuple(
        BaselineDimension(d, 200, 3.0, 0.8, np.linspace(2.5, 3.5, 20))
        for d in spec.dimension_ids))


def _answers(sizes: dict[str, int], spec: InstrumentSpec, seed: int = 3, shift: float = 0.0
             ) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = sum(sizes.values())
    n_cols = len(spec.dimensions) * 4
    values = np.clip(np.rint(3 + shift + rng.normal(0, 1, (n, n_cols))), 1, 5)
    teams = np.array([t for t, k in sizes.items() for _ in range(k)], dtype=object)
    return values, teams


def _score(values, teams, spec) -> CampaignResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        return score_campaign(values, None, teams, spec, baseline=_baseline(spec))


def _rollups(values, teams, spec, result, labels, team_parent, rollup_parent=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        return score_rollups(values, None, teams, spec, result.teams, result.organisation,
                             labels, team_parent, rollup_parent, baseline=_baseline(spec))


def test_a_rollup_scores_its_childrens_respondents_like_one_team():
    spec = _spec()
    sizes = {"A": 6, "B": 7, "C": 8, "D": 9}
    values, teams = _answers(sizes, spec)
    result = _score(values, teams, spec)
    roll = _rollups(values, teams, spec, result, ["Tribe"], {"A": "Tribe", "B": "Tribe"})
    # the same respondents scored as one team by the engine
    merged = np.where(np.isin(teams, ["A", "B"]), "Tribe", teams).astype(object)
    direct = _score(values, merged, spec).teams
    row = direct.row("Tribe")
    s = roll.scores
    assert s.labels == ("Tribe",)
    assert roll.teams == (("A", "B"),)
    assert roll.depth == (0,)
    for name in ("n", "mean", "sd", "ci_low", "ci_high", "pomp", "level_band", "rwg_j_lindell",
                 "ad_m", "percentile", "d", "p"):
        assert_allclose(np.asarray(getattr(s, name)[0], dtype=float),
                        np.asarray(getattr(direct, name)[row], dtype=float), err_msg=name)
    assert list(s.divided_views[0]) == list(direct.divided_views[row])
    assert not s.suppressed.any()
    for name in NOT_ROLLED_UP:
        assert all(v is None or np.isnan(v) for v in getattr(s, name)[0]), name


def test_nested_rollups_count_every_team_below_them():
    spec = _spec()
    sizes = {"A": 6, "B": 6, "C": 6, "Tribe": 5, "E": 7}
    values, teams = _answers(sizes, spec)
    result = _score(values, teams, spec)
    roll = _rollups(values, teams, spec, result, ["Division", "Tribe"],
                    {"A": "Tribe", "B": "Tribe", "Tribe": "Tribe", "C": "Division"},
                    {"Tribe": "Division"})
    assert roll.depth == (0, 1)
    assert set(roll.teams[0]) == {"A", "B", "C", "Tribe"}
    assert set(roll.teams[1]) == {"A", "B", "Tribe"}
    assert_array_equal(roll.scores.n[0], result.teams.n[[result.teams.row(t) for t in
                                                         ("A", "B", "C", "Tribe")]].sum(0))
    assert_array_equal(roll.scores.n[1], result.teams.n[[result.teams.row(t) for t in
                                                         ("A", "B", "Tribe")]].sum(0))


def test_a_rollup_under_the_threshold_is_hidden():
    spec = _spec()
    sizes = {"A": 2, "B": 2, "C": 8, "D": 9, "E": 10}
    values, teams = _answers(sizes, spec)
    result = _score(values, teams, spec)
    roll = _rollups(values, teams, spec, result, ["Tiny"], {"A": "Tiny", "B": "Tiny"})
    s = roll.scores
    assert s.suppressed.all()
    assert not s.complementary.any()
    assert np.isnan(s.mean).all()
    assert all(v is None for v in s.verdict[0])


def test_a_rollup_just_at_the_threshold_is_shown():
    spec = _spec()
    sizes = {"A": 2, "B": 3, "C": 8, "D": 9, "E": 10}
    values, teams = _answers(sizes, spec)
    result = _score(values, teams, spec)
    roll = _rollups(values, teams, spec, result, ["Five"], {"A": "Five", "B": "Five"})
    s = roll.scores
    # 5 valid scores where everyone answered enough; A and B are hidden, two of them
    shown = s.n[0] >= 5
    assert shown.any()
    assert_array_equal(s.suppressed[0], ~shown)
    assert np.isfinite(s.mean[0][shown]).all()


def test_a_rollup_over_one_hidden_child_hides_itself():
    spec = _spec()
    sizes = {"Small": 3, "Big": 9, "C": 8, "D": 9}
    values, teams = _answers(sizes, spec)
    result = _score(values, teams, spec)
    assert result.teams.suppressed[result.teams.row("Small")].all()
    roll = _rollups(values, teams, spec, result, ["Tribe"], {"Small": "Tribe", "Big": "Tribe"})
    s = roll.scores
    # Tribe minus Big would be Small: the roll-up is hidden to protect it
    assert s.suppressed[0].all()
    assert s.complementary[0].all()
    assert np.isnan(s.mean[0]).all()
    # the teams' own cells are the campaign's (a roll-up never hides another team)
    assert not result.teams.suppressed[result.teams.row("Big")].any()


def test_the_organisation_region_with_one_hidden_team_hides_the_rollups():
    spec = _spec()
    # Small (top level) and S2 (in the tribe) are hidden; the tribe's region has one
    # hidden team (S2) so the tribe hides itself, and then the organisation region holds two.
    sizes = {"Small": 3, "S2": 3, "Big": 9, "C": 8, "D": 9}
    values, teams = _answers(sizes, spec)
    result = _score(values, teams, spec)
    roll = _rollups(values, teams, spec, result, ["Tribe"], {"S2": "Tribe", "Big": "Tribe"})
    assert roll.scores.suppressed.all()
    # With both small teams in the tribe, the tribe is shown and the organisation minus the
    # tribe minus the visible top-level teams isolates no hidden team.
    roll = _rollups(values, teams, spec, result, ["Tribe"],
                    {"S2": "Tribe", "Small": "Tribe", "Big": "Tribe"})
    assert not roll.scores.suppressed.any()


def test_a_top_level_rollup_that_leaves_one_hidden_team_outside_is_hidden():
    spec = _spec()
    # Two hidden teams: one inside the tribe (with a hidden sibling, so its region is safe)
    sizes = {"H1": 3, "H2": 3, "H3": 3, "Big": 9, "C": 8}
    values, teams = _answers(sizes, spec)
    result = _score(values, teams, spec)
    # Tribe holds H1, H2 and Big: its region has two hidden teams; outside, H3 is alone:
    # organisation minus Tribe minus C would give H3.
    roll = _rollups(values, teams, spec, result, ["Tribe"],
                    {"H1": "Tribe", "H2": "Tribe", "Big": "Tribe"})
    assert roll.scores.suppressed.all()
    assert roll.scores.complementary.all()


def _isolated(result: CampaignResult, roll, sizes, team_parent, rollup_parent, j) -> bool:
    """Whether the visible groups of dimension j isolate one hidden team by subtraction:
    some visible set minus visible sets inside it leaves exactly one hidden team with data
    (solved as linear algebra over the teams)."""
    t = result.teams
    labels = list(t.labels)
    hidden = [i for i in range(len(labels)) if t.suppressed[i, j] and t.n[i, j] > 0]
    rows = []
    for i in range(len(labels)):
        if not t.suppressed[i, j] and t.n[i, j] > 0:
            v = np.zeros(len(labels))
            v[i] = 1
            rows.append(v)
    if not result.organisation.suppressed[0, j]:
        rows.append(np.asarray(t.n[:, j] > 0, dtype=float))
    for r, members in enumerate(roll.teams):
        if not roll.scores.suppressed[r, j]:
            v = np.zeros(len(labels))
            for lab in members:
                v[labels.index(lab)] = float(t.n[labels.index(lab), j] > 0)
            rows.append(v)
    if not rows:
        return False
    a = np.array(rows).T  # teams x visible sums
    for h in hidden:
        e = np.zeros(len(labels))
        e[h] = 1
        # e_h in the span of the visible sums?
        coef, *_ = np.linalg.lstsq(a, e, rcond=None)
        if np.allclose(a @ coef, e, atol=1e-8):
            return True
    return False


@st.composite
def hierarchies(draw):
    n_teams = draw(st.integers(2, 8))
    sizes = {f"T{i}": draw(st.integers(0, 9)) for i in range(n_teams)}
    n_roll = draw(st.integers(1, 3))
    rollups = [f"R{k}" for k in range(n_roll)]
    rollup_parent = {}
    for k in range(1, n_roll):
        parent = draw(st.sampled_from([None, *rollups[:k]]))
        if parent is not None:
            rollup_parent[rollups[k]] = parent
    team_parent = {}
    for t in sizes:
        parent = draw(st.sampled_from([None, *rollups]))
        if parent is not None:
            team_parent[t] = parent
    seed = draw(st.integers(0, 1000))
    return sizes, rollups, team_parent, rollup_parent, seed


@settings(max_examples=150, deadline=None)
@given(hierarchies())
def test_property_no_hidden_team_follows_from_the_visible_groups(h):
    sizes, rollups, team_parent, rollup_parent, seed = h
    spec = _spec(min_n=3, n_dims=1)
    values, teams = _answers(sizes, spec, seed)
    if not values.shape[0]:
        return
    result = _score(values, teams, spec)
    roll = _rollups(values, teams, spec, result, rollups, team_parent, rollup_parent)
    assert not _isolated(result, roll, sizes, team_parent, rollup_parent, 0)
    # a hidden roll-up shows no statistic
    s = roll.scores
    assert np.isnan(np.where(s.suppressed, s.mean, np.nan)).all()
    assert all(v is None for v in s.verdict[s.suppressed])


def test_cycles_and_unknown_rollups_are_refused():
    spec = _spec()
    values, teams = _answers({"A": 6, "B": 6}, spec)
    result = _score(values, teams, spec)
    with pytest.raises(ValueError, match="cycle"):
        _rollups(values, teams, spec, result, ["X", "Y"], {"A": "X"}, {"X": "Y", "Y": "X"})
    with pytest.raises(ValueError, match="unknown roll-up"):
        _rollups(values, teams, spec, result, ["X"], {"A": "Z"})
    with pytest.raises(ValueError, match="distinct"):
        _rollups(values, teams, spec, result, ["X", "X"], {"A": "X"})


def test_verdict_of_is_the_engines_rule():
    spec = _spec()
    values, teams = _answers({"A": 12, "B": 12, "C": 12, "D": 3}, spec, shift=0.6)
    result = _score(values, teams, spec)
    t = result.teams
    got = verdict_of(t.p_adjusted, t.d, spec.alpha, spec.min_effect)
    assert list(got.ravel()) == list(t.verdict.ravel())
    assert verdict_of([0.01, 0.01, 0.2, np.nan], [0.2, -0.5, 1.0, 1.0], 0.05, 0.2).tolist() == [
        "clearly above", "clearly below", "in line", None]
    # |d| computed one ulp under 0.2 still counts as 0.2
    assert verdict_of([0.01], [0.19999999999999998], 0.05, 0.2).tolist() == ["clearly above"]


def test_grid_verdicts_adjust_over_every_cell_of_teams_and_rollups():
    spec = _spec()
    sizes = {"A": 12, "B": 12, "C": 12, "D": 3}
    values, teams = _answers(sizes, spec, shift=0.5)
    result = _score(values, teams, spec)
    roll = _rollups(values, teams, spec, result, ["AB"], {"A": "AB", "B": "AB"})
    (p_teams, p_roll), (v_teams, v_roll) = grid_verdicts([result.teams, roll.scores], spec)
    p_all = np.concatenate([result.teams.p, roll.scores.p])
    expected = adjust_pvalues(p_all, method="bh")
    assert_allclose(np.concatenate([p_teams, p_roll]), expected)
    # the teams alone: the engine's own grid adjustment
    (only,), _ = grid_verdicts([result.teams], spec)
    assert_allclose(only, result.teams.p_adjusted_grid)
    assert list(v_teams.ravel()) == list(verdict_of(p_teams, result.teams.d, 0.05, 0.2).ravel())
    assert all(v is None for v in v_teams[result.teams.row("D")])
    assert v_roll.shape == (1, 2)
    assert grid_verdicts([], spec) == ([], [])
