"""Welch t, Hedges g, Mann-Whitney U, Cliff's delta and p-value adjustment."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from assess.scoring import (
    DegenerateDataWarning,
    MannWhitneyResult,
    SmallSampleWarning,
    WelchResult,
    adjust_pvalues,
    benjamini_hochberg,
    mann_whitney,
    welch_from_moments,
    welch_test,
)

NAN = np.nan

# R's `sleep` data (Student 1908), extra hours of sleep under two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_welch_reproduces_r_t_test_on_sleep():
    # R: t.test(extra ~ group, data = sleep) prints t = -1.8608, df = 17.776,
    # p-value = 0.07939, 95 percent confidence interval -3.3654832 0.2054832.
    r = welch_test(SLEEP_1, SLEEP_2)
    assert round(r.t, 4) == -1.8608
    assert round(r.df, 3) == 17.776
    assert round(r.p, 5) == 0.07939
    assert round(r.ci_low, 7) == -3.3654832
    assert round(r.ci_high, 7) == 0.2054832
    assert r.mean_difference == pytest.approx(0.75 - 2.33)


def test_hedges_g_on_sleep_by_hand():
    # Pooled SD sqrt((3.2006667 + 4.0090000) / 2) = 1.8986399, d = -1.58 / 1.8986399 = -0.83218;
    # exact J(18) = Gamma(9) / (sqrt(9) Gamma(8.5)) = 0.9576464 -> g = -0.79694. The common
    # approximation 1 - 3/(4 * 18 - 1) (R effsize) gives -0.79701: same to 3 decimals.
    g = welch_test(SLEEP_1, SLEEP_2).hedges_g
    sd = np.sqrt((np.var(SLEEP_1, ddof=1) + np.var(SLEEP_2, ddof=1)) / 2)
    d = (np.mean(SLEEP_1) - np.mean(SLEEP_2)) / sd
    assert round(d, 4) == -0.8322
    assert round(g, 3) == round(d * (1 - 3 / 71), 3) == -0.797
    assert g == pytest.approx(d * 0.9576464, rel=1e-7)
    assert round(g, 5) == -0.79694


def test_welch_result_is_frozen():
    r = welch_test(SLEEP_1, SLEEP_2)
    assert isinstance(r, WelchResult)
    with pytest.raises(AttributeError):
        r.p = 0.5


samples = st.lists(
    st.floats(min_value=-50, max_value=50, allow_nan=False).map(lambda v: round(v, 2)),
    min_size=2,
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(samples, samples, st.sampled_from([0.9, 0.95, 0.99]))
def test_welch_equals_scipy_ttest_ind(a, b, confidence):
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return  # both constant: covered by the degenerate-data test
    with warnings.catch_warnings():
        # SciPy warns about precision loss when one sample is constant; the reference values
        # are still exact there.
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = stats.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(confidence_level=confidence)
    r = welch_test(a, b, confidence=confidence)
    assert_allclose(
        [r.t, r.df, r.p, r.ci_low, r.ci_high],
        [ref.statistic, ref.df, ref.pvalue, ci.low, ci.high],
        rtol=1e-9,
        atol=1e-12,
    )


def test_welch_from_moments_broadcasts_and_matches_raw_tests():
    rng = np.random.default_rng(1)
    teams = [rng.normal(3 + 0.2 * i, 0.8, size=8 + i) for i in range(6)]
    baseline = rng.normal(3.2, 0.9, size=5000)
    r = welch_from_moments(
        np.array([t.mean() for t in teams]),
        np.array([t.std(ddof=1) for t in teams]),
        np.array([t.size for t in teams]),
        baseline.mean(),
        baseline.std(ddof=1),
        baseline.size,
    )
    assert isinstance(r, WelchResult)
    assert r.p.shape == (6,)
    for i, team in enumerate(teams):
        raw = welch_test(team, baseline)
        assert_allclose(
            [r.t[i], r.df[i], r.p[i], r.ci_low[i], r.ci_high[i], r.hedges_g[i]],
            [raw.t, raw.df, raw.p, raw.ci_low, raw.ci_high, raw.hedges_g],
            rtol=1e-10,
        )


def test_welch_from_moments_grid_shape():
    r = welch_from_moments(np.zeros((3, 1)), 1.0, 10, np.zeros((1, 4)), 2.0, 20)
    assert r.t.shape == r.p.shape == r.ci_low.shape == (3, 4)


def test_welch_from_moments_scalars_give_floats_and_nan_stays_missing():
    r = welch_from_moments(3.0, 1.0, 10, 3.5, 1.0, 12)
    assert isinstance(r.p, float)
    missing = welch_from_moments([3.0, NAN], 1.0, 10, 3.5, 1.0, 12)
    assert np.isfinite(missing.p[0])
    assert np.isnan(missing.p[1])


def test_constant_samples_have_no_p_value():
    with pytest.warns(DegenerateDataWarning, match="no spread"):
        r = welch_test([4.0, 4.0, 4.0], [3.0, 3.0])
    assert np.isnan([r.t, r.p, r.ci_low, r.ci_high, r.hedges_g]).all()
    assert r.mean_difference == 1.0


def test_welch_small_samples_warn():
    with pytest.warns(SmallSampleWarning):
        r = welch_test([4.0], [3.0, 2.0, 5.0])
    assert np.isnan(r.p)
    with pytest.warns(SmallSampleWarning):
        r = welch_test([], [3.0, 2.0])
    assert np.isnan(r.t)
    with pytest.warns(SmallSampleWarning):
        r = welch_from_moments([3.0, 3.0], 1.0, [1, 10], 3.5, 1.0, 12)
    assert np.isnan(r.p[0])
    assert np.isfinite(r.p[1])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: welch_test([[1.0, 2.0]], [1.0, 2.0]), "a must be one-dimensional"),
        (lambda: welch_test([1.0, 2.0], [1.0, np.inf]), "b must not contain infinite"),
        (lambda: welch_test([1.0, 2.0], [1.0, 3.0], confidence=1.0), "confidence"),
        (lambda: welch_from_moments(1.0, -1.0, 5, 2.0, 1.0, 5), "sd_a must be non-negative"),
        (lambda: welch_from_moments(1.0, 1.0, 5.5, 2.0, 1.0, 5), "n_a must hold"),
        (lambda: welch_from_moments(1.0, 1.0, 5, 2.0, 1.0, -5), "n_b must hold"),
        (lambda: welch_from_moments([1.0, 2.0], 1.0, 5, [2.0, 3.0, 4.0], 1.0, 5), "broadcast"),
        (lambda: mann_whitney([1.0, 2.0], [[1.0]]), "b must be one-dimensional"),
        (lambda: adjust_pvalues([0.1, 1.2]), r"\[0, 1\]"),
        (lambda: adjust_pvalues([0.1, -0.1]), r"\[0, 1\]"),
        (lambda: adjust_pvalues([0.1], method="bonferroni"), "method must be one of"),
        (lambda: adjust_pvalues([0.1, np.inf]), "infinite"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# SciPy documentation, scipy.stats.mannwhitneyu: ages of male and female authors; U1 = 17,
# exact p = 0.1111, and with method="asymptotic" p = 0.11134688653314041.
MALES = [19, 22, 16, 29, 24]
FEMALES = [20, 11, 17, 12]


def test_mann_whitney_reproduces_scipy_documentation_example():
    r = mann_whitney(MALES, FEMALES)
    assert isinstance(r, MannWhitneyResult)
    assert r.u == 17.0
    assert r.p == pytest.approx(0.11134688653314041, rel=1e-12)
    assert r.cliffs_delta == pytest.approx(2 * 17 / 20 - 1)


def test_mann_whitney_with_ties_by_hand():
    # a = 1 2 2, b = 2 3: pooled ranks 1, 3, 3, 3, 5 -> R_a = 7, U = 7 - 6 = 1.
    # Ties: one group of 3 -> sigma^2 = 6/12 * (6 - 24 / 20) = 2.4; z = (|1 - 3| - .5)/sqrt(2.4)
    r = mann_whitney([1.0, 2.0, 2.0], [2.0, 3.0])
    assert r.u == 1.0
    z = 1.5 / np.sqrt(2.4)
    assert r.p == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    # Cliff's delta by counting: pairs a>b: 0, a<b: (1<2,1<3,2<3,2<3) 4, ties 2 -> (0 - 4)/6
    assert r.cliffs_delta == pytest.approx(-4 / 6)


def test_mann_whitney_p_is_capped_at_one():
    r = mann_whitney([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert r.p == 1.0
    assert r.cliffs_delta == 0.0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=30),
    st.lists(st.integers(1, 5), min_size=1, max_size=30),
)
def test_mann_whitney_equals_scipy_asymptotic_and_cliffs_delta_by_counting(a, b):
    if len(set(a) | set(b)) == 1:
        return  # no spread: covered by the degenerate-data test
    ref = stats.mannwhitneyu(a, b, method="asymptotic", use_continuity=True)
    r = mann_whitney(np.array(a, float), np.array(b, float))
    assert r.u == ref.statistic
    assert r.p == pytest.approx(ref.pvalue, rel=1e-10, abs=1e-15)
    diff = np.subtract.outer(a, b)
    assert r.cliffs_delta == pytest.approx(((diff > 0).sum() - (diff < 0).sum()) / diff.size)


def test_mann_whitney_degenerate_data():
    with pytest.warns(DegenerateDataWarning, match="no spread"):
        r = mann_whitney([4.0, 4.0], [4.0, 4.0, 4.0])
    assert np.isnan(r.p)
    assert r.u == 3.0
    assert r.cliffs_delta == 0.0
    with pytest.warns(SmallSampleWarning):
        r = mann_whitney([NAN], [1.0, 2.0])
    assert np.isnan([r.u, r.p, r.cliffs_delta]).all()


# Benjamini & Hochberg (1995), section 3.2: 15 p-values from a study of myocardial infarction
# treatment; at q = 0.05 the procedure rejects the four smallest (Bonferroni only three).
BH_1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000,
]  # fmt: skip


def test_bh_reproduces_benjamini_hochberg_1995_example():
    adjusted = adjust_pvalues(BH_1995, method="bh")
    assert (adjusted <= 0.05).sum() == 4
    assert (adjusted[:4] <= 0.05).all()
    assert_allclose(adjusted, stats.false_discovery_control(BH_1995, method="bh"), rtol=1e-12)


def test_bh_matches_scipy_false_discovery_control_documentation_idea():
    rng = np.random.default_rng(4)
    p = rng.uniform(size=200) ** 3
    assert_allclose(adjust_pvalues(p), stats.false_discovery_control(p), rtol=1e-12)


def test_holm_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04 -> 4 * .005 = .02, 3 * .01 = .03, 2 * .03 = .06,
    # 1 * .04 = .04 -> running max .02 .03 .06 .06
    assert_allclose(
        adjust_pvalues([0.01, 0.04, 0.03, 0.005], method="holm"), [0.03, 0.06, 0.06, 0.02]
    )


def test_adjust_pvalues_ignores_nan_and_keeps_shape():
    grid = np.array([[0.01, NAN], [0.02, 0.04]])
    adjusted = adjust_pvalues(grid)
    assert adjusted.shape == (2, 2)
    assert np.isnan(adjusted[0, 1])
    # m = 3, not 4: BH of (0.01, 0.02, 0.04) is (0.03, 0.03, 0.04)
    assert_allclose(adjusted[~np.isnan(adjusted)], [0.03, 0.03, 0.04])
    assert_allclose(adjust_pvalues([0.01, NAN, 0.02], method="holm"), [0.02, NAN, 0.02])
    assert adjust_pvalues([]).shape == (0,)
    assert adjust_pvalues(0.3) == 0.3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.sampled_from(["bh", "holm"]))
def test_adjusted_pvalues_are_monotone_and_not_smaller(p, method):
    p = np.array(p)
    adjusted = adjust_pvalues(p, method=method)
    assert (adjusted >= p - 1e-15).all()
    assert (adjusted <= 1).all()
    order = np.argsort(p)
    assert (np.diff(adjusted[order]) >= -1e-15).all()


@pytest.mark.parametrize("method", ["bh", "holm"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_adjust_along_an_axis_adjusts_each_slice_as_its_own_family(method, axis):
    rng = np.random.default_rng(11)
    grid = rng.random((5, 7)) ** 3
    grid[rng.random(grid.shape) < 0.3] = NAN
    adjusted = adjust_pvalues(grid, method=method, axis=axis)
    assert adjusted.shape == grid.shape
    across = 1 - axis % 2  # each index along the other axis picks one family
    for i in range(grid.shape[across]):
        family = np.take(grid, i, axis=across)
        got = np.take(adjusted, i, axis=across)
        assert_array_equal(np.isnan(got), np.isnan(family))
        assert_allclose(got, adjust_pvalues(family, method=method), rtol=0, atol=0)
    if method == "bh":
        row = grid[2]
        ok = ~np.isnan(row)
        want = stats.false_discovery_control(row[ok])
        assert_allclose(adjust_pvalues(grid, axis=1)[2][ok], want, rtol=1e-12)


def test_adjust_over_the_whole_grid_is_one_family():
    rng = np.random.default_rng(12)
    grid = rng.random((4, 6)) ** 2
    grid[0, 0] = NAN
    whole = adjust_pvalues(grid)
    assert_allclose(whole.ravel(), adjust_pvalues(grid.ravel()), rtol=0, atol=0)
    ok = ~np.isnan(grid)
    assert_allclose(whole[ok], stats.false_discovery_control(grid[ok]), rtol=1e-12)


def test_benjamini_hochberg_is_adjust_pvalues_along_an_axis():
    rng = np.random.default_rng(13)
    grid = rng.random((3, 5))
    grid[1, 2] = NAN
    assert_array_equal(benjamini_hochberg(grid, axis=1), adjust_pvalues(grid, axis=1))
    assert_array_equal(benjamini_hochberg(grid, axis=0), adjust_pvalues(grid, axis=0))


@pytest.mark.parametrize(("axis", "match"), [(2, "axis 2 is out of bounds"),
                                             (1.0, "axis must be an integer or None"),
                                             (True, "axis must be an integer or None")])
def test_adjust_rejects_a_bad_axis(axis, match):
    with pytest.raises(ValueError, match=match):
        adjust_pvalues(np.full((2, 2), 0.5), axis=axis)
