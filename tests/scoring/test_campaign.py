"""Tests of the team-level entry point :func:`assess.scoring.score_campaign`."""

from __future__ import annotations

import importlib.util
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from assess.scoring import (
    Baseline,
    BaselineDimension,
    CampaignResult,
    DegenerateDataWarning,
    DimensionSpec,
    InstrumentSpec,
    ScoringWarning,
    SmallSampleWarning,
    WaveSummary,
    benjamini_hochberg,
    respondent_scores,
    score_campaign,
)

_REF_PATH = Path(__file__).with_name("_reference.py")
_spec = importlib.util.spec_from_file_location("scoring_reference", _REF_PATH)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

NAN = np.nan


# ---------------------------------------------------------------------------------------------
# a 3-team toy campaign, every number below computed by hand
# ---------------------------------------------------------------------------------------------
# columns: 0 pmo item, 1 apo item, 2 neutral reverse-keyed item, 3 rubric item
TOY_SPEC = InstrumentSpec(
    (
        DimensionSpec(
            "delivery",
            (0, 1, 2),
            reverse=(False, False, True),
            orientation=("pmo", "apo", "neutral"),
            rubric_column=3,
        ),
    ),
    min_n=3,
    min_n_spread=3,
)
TOY_VALUES = np.array(
    [
        # team A: keyed items [4,4,4] [5,4,5] [3,4,3] -> scores 4, 14/3, 10/3
        [4, 4, 2, 3],
        [5, 4, 1, 3],
        [3, 4, 3, 2],
        # team B: [2,2,2] [2,3,2] [1,2,1] [3,dk,3] -> scores 2, 7/3, 4/3, 3
        [2, 2, 4, 4],
        [2, 3, 4, 4],
        [1, 2, 5, 4],
        [3, NAN, 3, 1],
        # team C: raw [3,3,3] twice (straight-liners) and [4,4,2] -> scores 3, 3, 4
        [3, 3, 3, 2],
        [3, 3, 3, 2],
        [4, 4, 2, 2],
    ]
)
TOY_DK = np.zeros(TOY_VALUES.shape, dtype=bool)
TOY_DK[6, 1] = True
TOY_TEAMS = np.array(["A"] * 3 + ["B"] * 4 + ["C"] * 3)
TOY_BASELINE = Baseline(
    "reference",
    "pool",
    (BaselineDimension("delivery", 100, 3.0, 1.0, np.array([2.0, 2.5, 3.0, 3.5, 4.0, 4.0])),),
)


@pytest.fixture(scope="module")
def toy() -> CampaignResult:
    return score_campaign(TOY_VALUES, TOY_DK, TOY_TEAMS, TOY_SPEC, baseline=TOY_BASELINE)


def test_toy_team_means_sd_and_t_interval(toy):
    t = toy.teams
    assert t.labels == ("A", "B", "C")
    assert_array_equal(t.n[:, 0], [3, 4, 3])
    assert_allclose(t.mean[:, 0], [4.0, 13 / 6, 10 / 3])
    assert_allclose(t.sd[:, 0], [2 / 3, math.sqrt(13 / 27), math.sqrt(1 / 3)])
    half_a = 4.302652729911275 * (2 / 3) / math.sqrt(3)  # t(.975, 2)
    half_b = 3.182446305284263 * math.sqrt(13 / 27) / 2  # t(.975, 3)
    assert_allclose(t.ci_low[:2, 0], [4 - half_a, 13 / 6 - half_b])
    assert_allclose(t.ci_high[:2, 0], [4 + half_a, 13 / 6 + half_b])
    assert_allclose(t.pomp[:, 0], [75.0, (13 / 6 - 1) / 4 * 100, (10 / 3 - 1) / 4 * 100])


def test_toy_dont_know_rate_and_flags(toy):
    t = toy.teams
    # B: one don't know among 12 item answers (11 answered + 1 don't know)
    assert_allclose(t.dont_know_rate[:, 0], [0.0, 1 / 12, 0.0])
    # C: two raw [3,3,3]; B: [3, dk, 3] also gives one answer to a normal and a reversed item
    assert_array_equal(t.n_straightliners, [0, 1, 2])
    assert_array_equal(t.n_respondents, [3, 4, 3])
    assert toy.n_excluded == 0
    assert not t.suppressed.any()


def test_toy_agreement(toy):
    t = toy.teams
    # A: item variances 1, 0, 1 -> mean 2/3; sigma^2 = (25 - 1) / 12 = 2; ratio 1/3
    # B (complete rows r1..r3): item variances 1/3 each; ratio 1/6
    # C: item variances 1/3 each
    assert_array_equal(t.n_complete[:, 0], [3, 3, 3])
    assert_allclose(t.rwg_j[:, 0], [6 / 7, 15 / 16, 15 / 16])
    assert_allclose(t.rwg_j_lindell[:, 0], [2 / 3, 5 / 6, 5 / 6])
    assert_allclose(t.ad_m[:, 0], [4 / 9, 4 / 9, 4 / 9])
    assert list(t.divided_views[:, 0]) == [False, False, False]


def test_toy_agreement_matches_the_item_level_functions(toy):
    from assess.scoring import ad_index, rwg_j, rwg_j_lindell

    items = TOY_VALUES[:3, :3].copy()
    items[:, 2] = 6 - items[:, 2]
    assert_allclose(toy.teams.rwg_j[0, 0], rwg_j(items, 5))
    assert_allclose(toy.teams.rwg_j_lindell[0, 0], rwg_j_lindell(items, 5))
    assert_allclose(toy.teams.ad_m[0, 0], ad_index(items))


def test_toy_orientation_and_quadrant(toy):
    t = toy.teams
    assert_allclose(t.pmo_index[:, 0], [75.0, 25.0, (10 / 3 - 1) / 4 * 100])
    assert_allclose(t.apo_index[:, 0], [75.0, (7 / 3 - 1) / 4 * 100, (10 / 3 - 1) / 4 * 100])
    assert list(t.quadrant[:, 0]) == ["hybrid", "under-governed", "hybrid"]


def test_toy_levels(toy):
    t = toy.teams
    assert_array_equal(t.level_band[:, 0], [4, 2, 3])
    # rubric: A [3,3,2] -> 2/3 < 70% reach 3 -> 2; B [4,4,4,1] -> 75% reach 4; C all 2
    assert_array_equal(t.level_rubric[:, 0], [2, 4, 2])
    assert_array_equal(t.n_rubric[:, 0], [3, 4, 3])


def test_toy_baseline_comparison(toy):
    t = toy.teams
    # A = 4.0 among [2, 2.5, 3, 3.5, 4, 4]: 4 below, 2 equal -> (4 + 1) / 6, although the
    # mean is computed as (4 + 14/3 + 10/3) / 3, one ulp away from 4; B: 1 below; C: 3 below
    assert_allclose(t.percentile[:, 0], [500 / 6, 100 / 6, 50.0])
    assert_allclose(t.d[:, 0], [1.0, 13 / 6 - 3, 1 / 3])
    for i, (m, s, n) in enumerate([(4, 2 / 3, 3), (13 / 6, math.sqrt(13 / 27), 4),
                                   (10 / 3, math.sqrt(1 / 3), 3)]):
        ref = stats.ttest_ind_from_stats(m, s, n, 3.0, 1.0, 100, equal_var=False)
        assert_allclose(t.p[i, 0], ref.pvalue, rtol=1e-10)
    # one dimension per report: adjusted equals raw
    assert_allclose(t.p_adjusted, t.p)
    # d = 1 but p > .05 at n = 3: never a verdict from the effect size alone
    assert t.p[0, 0] > 0.05
    assert list(t.verdict[:, 0]) == ["in line", "in line", "in line"]
    assert toy.baseline_notes == (None,)


def test_toy_organisation_row(toy):
    o = toy.organisation
    scores = np.array([4, 14 / 3, 10 / 3, 2, 7 / 3, 4 / 3, 3, 3, 3, 4])
    assert o.labels == ("organisation",)
    assert o.n[0, 0] == 10
    assert_allclose(o.mean[0, 0], scores.mean())
    assert_allclose(o.sd[0, 0], scores.std(ddof=1))
    ci = stats.t.interval(0.95, 9, loc=scores.mean(), scale=stats.sem(scores))
    assert_allclose([o.ci_low[0, 0], o.ci_high[0, 0]], ci)


def test_respondent_scores_proration_and_exclusion():
    values = np.array(
        [
            [4, NAN, NAN, NAN],  # 1 of 3 likert answered: excluded
            [4, 2, NAN, NAN],  # 2 of 3 answered: score (4 + 2) / 2
            [NAN, NAN, NAN, NAN],  # all don't know: included, no score
        ]
    )
    dk = np.zeros(values.shape, dtype=bool)
    dk[2, :3] = True
    rs = respondent_scores(values, dk, TOY_SPEC)
    assert_array_equal(rs.included, [False, True, True])
    assert_allclose(rs.scores[:, 0], [NAN, 3.0, NAN])


def test_weights_give_a_weighted_mean():
    spec = InstrumentSpec((DimensionSpec("d", (0, 1), weights=(3.0, 1.0)),))
    rs = respondent_scores(np.array([[5.0, 1.0], [2.0, NAN]]), None, spec)
    # second respondent: 1 of 2 answered, below min_items = 2
    assert_allclose(rs.scores[:, 0], [(15 + 1) / 4, NAN])


# ---------------------------------------------------------------------------------------------
# suppression, degenerate data, JSON
# ---------------------------------------------------------------------------------------------
def _campaign(sizes, seed=0, n_items=4):
    rng = np.random.default_rng(seed)
    teams = np.repeat([f"t{i}" for i in range(len(sizes))], sizes)
    values = rng.integers(1, 6, size=(len(teams), n_items)).astype(float)
    spec = InstrumentSpec((DimensionSpec("d", tuple(range(n_items))),))
    return values, teams, spec


def test_small_team_hidden_and_complementary_suppression():
    values, teams, spec = _campaign([3, 6, 8, 12])
    r = score_campaign(values, None, teams, spec)
    t = r.teams
    assert_array_equal(t.suppressed[:, 0], [True, True, False, False])
    assert_array_equal(t.complementary[:, 0], [False, True, False, False])
    assert np.isnan(t.mean[:2, 0]).all()
    assert np.isnan(t.level_band[:2, 0]).all()
    assert t.n[0, 0] == 3  # the count is shown, the statistics are not
    for rec in r.to_records():
        if rec["team"] in ("t0", "t1"):
            assert rec["mean"] is None
            assert rec["pomp"] is None
            assert rec["suppressed"]
    # the organisation minus the visible teams no longer isolates one team
    org_sum = r.organisation.mean[0, 0] * r.organisation.n[0, 0]
    rest = org_sum - np.nansum(t.mean[:, 0] * t.n[:, 0])
    assert rest / 3 != pytest.approx(np.nanmean(respondent_scores(values[:3], None, spec)
                                                .scores[:, 0]))


def test_spread_threshold_hides_sd_and_agreement_only():
    values, teams, spec0 = _campaign([5, 9])
    spec = InstrumentSpec(spec0.dimensions, min_n=5, min_n_spread=8)
    t = score_campaign(values, None, teams, spec).teams
    assert np.isfinite(t.mean[0, 0])
    assert np.isnan(t.sd[0, 0])
    assert np.isnan(t.rwg_j[0, 0])
    assert np.isnan(t.ci_low[0, 0])
    assert t.divided_views[0, 0] is None
    assert np.isfinite(t.sd[1, 0])
    assert np.isfinite(t.rwg_j[1, 0])


def test_constant_answers_give_no_spread_not_a_p_value():
    values = np.full((6, 3), 4.0)
    teams = np.array(["A"] * 6)
    spec = InstrumentSpec((DimensionSpec("d", (0, 1, 2)),))
    with pytest.warns(DegenerateDataWarning, match="no spread"):
        r = score_campaign(values, None, teams, spec, baseline=_big_baseline(["d"]))
    t = r.teams
    assert t.sd[0, 0] == 0.0
    assert t.no_spread[0, 0]
    assert np.isnan(t.ci_low[0, 0])
    assert np.isnan(t.ci_high[0, 0])
    assert np.isnan(t.p[0, 0])
    assert t.verdict[0, 0] is None
    assert t.rwg_j[0, 0] == 1.0
    assert t.ad_m[0, 0] == 0.0
    assert np.isfinite(t.d[0, 0])


def test_one_respondent_and_empty_team_give_nan_with_warning():
    values = np.array([[3.0, 4.0], [2.0, 2.0]])
    spec = InstrumentSpec((DimensionSpec("d", (0, 1)),))
    with pytest.warns(SmallSampleWarning):
        r = score_campaign(values, None, np.array(["A", "B"]), spec, team_labels=["A", "B", "C"])
    assert r.teams.labels == ("A", "B", "C")
    assert_array_equal(r.teams.n[:, 0], [1, 1, 0])
    assert np.isnan(r.teams.mean).all()
    assert np.isnan(r.teams.sd).all()
    json.dumps(r.to_dict(), allow_nan=False)


def test_all_dont_know_gives_nan_and_full_rate():
    values = np.full((6, 2), NAN)
    dk = np.ones((6, 2), dtype=bool)
    spec = InstrumentSpec((DimensionSpec("d", (0, 1)),))
    with pytest.warns(SmallSampleWarning):
        r = score_campaign(values, dk, np.array(["A"] * 6), spec)
    assert r.teams.n[0, 0] == 0
    assert np.isnan(r.teams.mean[0, 0])
    assert r.n_excluded == 0


def test_to_dict_is_json_without_nan(toy):
    text = json.dumps(toy.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["teams"][0]["team"] == "A"
    assert data["teams"][0]["level_band"] == 4
    assert data["organisation"][0]["team"] == "organisation"
    assert data["baseline"]["name"] == "reference"


def test_result_arrays_are_read_only(toy):
    with pytest.raises(ValueError, match="read-only"):
        toy.teams.mean[0, 0] = 1.0


# ---------------------------------------------------------------------------------------------
# baseline usability, change between waves, roles
# ---------------------------------------------------------------------------------------------
def _big_baseline(dims, n=200, teams=20, mean=3.0, sd=0.8):
    return Baseline(
        "org", "organisation",
        tuple(BaselineDimension(d, n, mean, sd, np.linspace(2.5, 3.5, teams)) for d in dims),
    )


def test_small_baseline_refused_with_a_reason():
    values, teams, spec = _campaign([6, 7])
    small = Baseline("tiny", "import", (BaselineDimension("d", 12, 3.0, 1.0, np.array([3.0])),))
    r = score_campaign(values, None, teams, spec, baseline=small)
    assert "12 respondents" in r.baseline_notes[0]
    assert np.isnan(r.teams.percentile).all()
    assert np.isnan(r.teams.d).all()
    assert all(v is None for v in r.teams.verdict.ravel())


def test_clear_verdicts_need_adjusted_p_and_effect():
    rng = np.random.default_rng(5)
    high = np.clip(np.rint(rng.normal(4.6, 0.5, size=(40, 3))), 1, 5)
    low = np.clip(np.rint(rng.normal(1.6, 0.5, size=(40, 3))), 1, 5)
    values = np.vstack([high, low])
    teams = np.repeat(["high", "low"], 40)
    spec = InstrumentSpec((DimensionSpec("d", (0, 1, 2)),))
    r = score_campaign(values, None, teams, spec, baseline=_big_baseline(["d"]))
    assert list(r.teams.verdict[:, 0]) == ["clearly above", "clearly below"]


def test_change_against_previous_wave():
    values, teams, spec = _campaign([10, 12], seed=1)
    first = score_campaign(values, None, teams, spec)
    later = np.clip(values + 1, 1, 5)
    second = score_campaign(later, None, teams, spec, previous=first)
    t, t0 = second.teams, first.teams
    assert second.previous_dimensions == ("d",)
    assert_allclose(t.change[:, 0], t.mean[:, 0] - t0.mean[:, 0])
    for i in range(2):
        ref = stats.ttest_ind_from_stats(t.mean[i, 0], t.sd[i, 0], t.n[i, 0],
                                         t0.mean[i, 0], t0.sd[i, 0], t0.n[i, 0],
                                         equal_var=False)
        se = t.change[i, 0] / ref.statistic
        df = ((t.sd[i, 0] ** 2 / t.n[i, 0] + t0.sd[i, 0] ** 2 / t0.n[i, 0]) ** 2
              / ((t.sd[i, 0] ** 2 / t.n[i, 0]) ** 2 / (t.n[i, 0] - 1)
                 + (t0.sd[i, 0] ** 2 / t0.n[i, 0]) ** 2 / (t0.n[i, 0] - 1)))
        half = stats.t.ppf(0.975, df) * se
        assert_allclose([t.change_ci_low[i, 0], t.change_ci_high[i, 0]],
                        [t.change[i, 0] - half, t.change[i, 0] + half])
        sp = math.sqrt(((t.n[i, 0] - 1) * t.sd[i, 0] ** 2 + (t0.n[i, 0] - 1) * t0.sd[i, 0] ** 2)
                       / (t.n[i, 0] + t0.n[i, 0] - 2))
        # Hedges' exact small-sample correction J(m), m = n1 + n0 - 2
        m = t.n[i, 0] + t0.n[i, 0] - 2
        j = math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2)) / math.sqrt(m / 2)
        assert_allclose(t.change_g[i, 0], j * t.change[i, 0] / sp)
    assert list(t.clear_change[:, 0]) == [True, True]
    # also from the stored summary
    stored = WaveSummary.from_dict(json.loads(json.dumps(first.summary().to_dict())))
    again = score_campaign(later, None, teams, spec, previous=stored)
    assert_allclose(again.teams.change, t.change)


def test_change_needs_the_minimal_important_difference():
    values, teams, spec = _campaign([30, 30], seed=2)
    first = score_campaign(values, None, teams, spec)
    shifted = values.copy()
    shifted[::10] = np.clip(shifted[::10] + 1, 1, 5)  # a small shift (< 0.25 points)
    r = score_campaign(shifted, None, teams, spec, previous=first)
    assert (np.abs(r.teams.change) < 0.25).all()
    assert list(r.teams.clear_change[:, 0]) == [False, False]


def test_previous_wave_matches_by_label_and_dimension():
    values, teams, spec = _campaign([8, 8], seed=3)
    first = score_campaign(values, None, teams, spec)
    renamed = np.where(teams == "t0", "t9", teams)
    spec2 = InstrumentSpec((*spec.dimensions, DimensionSpec("new", (0, 1))))
    r = score_campaign(values, None, renamed, spec2, previous=first)
    assert r.teams.labels == ("t1", "t9")
    assert_allclose(r.teams.change[0, 0], 0.0, atol=1e-12)
    assert np.isnan(r.teams.change[1, 0])
    assert np.isnan(r.teams.change[:, 1]).all()
    assert r.previous_dimensions == ("d",)


def test_roles_breakdown_is_suppressed_too():
    values, teams, spec = _campaign([10, 10])
    roles = np.array(["member"] * 17 + ["lead"] * 3)
    r = score_campaign(values, None, teams, spec, roles=roles)
    assert r.roles is not None
    assert r.roles.labels == ("lead", "member")
    # lead (3) hidden, member hidden complementarily (organisation minus member = lead)
    assert r.roles.suppressed[:, 0].all()
    assert r.to_dict()["roles"][0]["role"] == "lead"


# ---------------------------------------------------------------------------------------------
# invariances and equivalence with the per-respondent loop
# ---------------------------------------------------------------------------------------------
def _random_campaign(seed, n_teams=12, n_dims=3, items_per_dim=5, sizes=None):
    rng = np.random.default_rng(seed)
    if sizes is None:
        sizes = rng.integers(2, 14, size=n_teams)
    n_teams = len(sizes)
    teams = np.repeat(np.arange(n_teams) * 7 + 100, sizes)
    n = len(teams)
    k = n_dims * items_per_dim
    dims = []
    for j in range(n_dims):
        cols = tuple(range(j * items_per_dim, (j + 1) * items_per_dim))
        dims.append(
            DimensionSpec(
                f"dim{j}",
                cols,
                reverse=tuple(bool(v) for v in rng.random(items_per_dim) < 0.3),
                weights=tuple(float(w) for w in rng.choice([1.0, 1.5, 2.0], items_per_dim)),
                orientation=tuple(rng.choice(["pmo", "apo", "neutral"], items_per_dim)),
                rubric_column=k + j,
            )
        )
    spec = InstrumentSpec(tuple(dims), min_n=4, min_n_spread=5)
    person = rng.normal(0, 0.8, size=(n, 1)) + rng.normal(0, 0.5, size=(1, k))
    values = np.clip(np.rint(3.3 + person + rng.normal(0, 0.8, size=(n, k))), 1, 5)
    values = np.hstack([values, rng.integers(1, 6, size=(n, n_dims)).astype(float)])
    dk = rng.random(values.shape) < 0.06
    missing = rng.random(values.shape) < 0.08
    values[dk | missing] = NAN
    values[rng.random(n) < 0.05, :k] = NAN  # a few near-empty responses
    baseline = _big_baseline([d.id for d in dims])
    return values, dk, teams, spec, baseline


@pytest.mark.parametrize(
    ("seed", "sizes"),
    [(0, None), (1, None), (2, None), (3, None), (7, [3, 9, 11, 14, 20]), (8, [2, 6, 12])],
)
def test_equivalent_to_the_per_respondent_loop(seed, sizes):
    values, dk, teams, spec, baseline = _random_campaign(seed, sizes=sizes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        r = score_campaign(values, dk, teams, spec, baseline=baseline)
    ref = reference.score_loop(values, dk, teams, spec, baseline)
    t = r.teams
    for i, label in enumerate(t.labels):
        for j, dim in enumerate(t.dimensions):
            expected = ref[(label, dim)]
            for field, want in expected.items():
                got = getattr(t, field)[i, j]
                assert_allclose(got, want, rtol=1e-9, atol=1e-12,
                                err_msg=f"{field} of team {label}, {dim}")


@pytest.mark.parametrize("seed", [4, 5])
def test_item_and_respondent_order_do_not_matter(seed):
    values, dk, teams, spec, baseline = _random_campaign(seed)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(values.shape[1])  # new column c holds old column perm[c]
    where = np.argsort(perm)  # old column -> new column
    dims = tuple(
        DimensionSpec(
            d.id,
            tuple(int(where[c]) for c in d.columns[::-1]),
            reverse=d.reverse[::-1],
            weights=d.weights[::-1],
            orientation=d.orientation[::-1],
            rubric_column=int(where[d.rubric_column]),
        )
        for d in spec.dimensions
    )
    spec2 = InstrumentSpec(dims, min_n=spec.min_n, min_n_spread=spec.min_n_spread)
    rows = rng.permutation(values.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        a = score_campaign(values, dk, teams, spec, baseline=baseline)
        b = score_campaign(values[rows][:, perm], dk[rows][:, perm], teams[rows], spec2,
                           baseline=baseline)
    _records_close(a.teams.to_records(), b.teams.to_records())


def _records_close(a, b):
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        assert ra.keys() == rb.keys()
        for key in ra:
            if isinstance(ra[key], float):
                assert rb[key] == pytest.approx(ra[key], rel=1e-10, abs=1e-12), key
            else:
                assert ra[key] == rb[key], key
    return True


def test_benjamini_hochberg_matches_scipy_and_ignores_nan():
    rng = np.random.default_rng(0)
    p = rng.random((6, 9)) ** 3
    p[rng.random(p.shape) < 0.3] = NAN
    adj = benjamini_hochberg(p, axis=1)
    for row, got in zip(p, adj, strict=True):
        ok = ~np.isnan(row)
        assert_array_equal(np.isnan(got), ~ok)
        if ok.any():
            assert_allclose(got[ok], stats.false_discovery_control(row[ok]))


def test_grid_adjustment_covers_all_teams(toy):
    p = toy.teams.p.ravel()
    assert_allclose(toy.teams.p_adjusted_grid.ravel(), stats.false_discovery_control(p))


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": np.ones(4)}, "values must be a 2-D array"),
        ({"values": np.full((10, 4), 6.0)}, r"within the scale \[1, 5\]"),
        ({"values": np.ones((10, 3))}, "values has 3 columns"),
        ({"teams": TOY_TEAMS[:-1]}, "teams must be a 1-D array with one label per row"),
        ({"teams": np.arange(10.0)}, "teams must hold strings or integers"),
        ({"dont_know": np.zeros((10, 3), dtype=bool)}, "dont_know must be a boolean matrix"),
        ({"baseline": {"name": "x"}}, "baseline must be a Baseline"),
        ({"previous": {"teams": []}}, "previous must be a CampaignResult"),
    ],
)
def test_bad_input_names_the_argument(kwargs, match):
    args = {"values": TOY_VALUES, "dont_know": None, "teams": TOY_TEAMS, "spec": TOY_SPEC}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        score_campaign(**args)


def test_dont_know_with_a_value_is_refused():
    dk = np.zeros(TOY_VALUES.shape, dtype=bool)
    dk[0, 0] = True
    with pytest.raises(ValueError, match="values must be NaN where dont_know is True"):
        score_campaign(TOY_VALUES, dk, TOY_TEAMS, TOY_SPEC)


def test_rubric_answers_must_be_levels():
    values = TOY_VALUES.copy()
    values[0, 3] = 2.5
    with pytest.raises(ValueError, match="rubric columns must be whole level numbers"):
        score_campaign(values, None, TOY_TEAMS, TOY_SPEC)
