"""Cronbach's alpha, Feldt interval, alpha-if-deleted, item-rest r and omega total."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from assess.scoring import (
    ITEM_REST_FLAG_THRESHOLD,
    AlphaResult,
    DegenerateDataWarning,
    SmallSampleWarning,
    alpha_if_deleted,
    cronbach_alpha,
    feldt_interval,
    item_rest_correlations,
    omega_total,
)

NAN = np.nan


def data_with_covariance(cov, n, seed=0, shift=3.0):
    """n rows whose sample covariance (ddof=1) is exactly `cov`.

    Whitening random data to an identity sample covariance and colouring it with the Cholesky
    factor of `cov` lets a test feed a published covariance or correlation matrix to functions
    that take raw answers.
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, cov.shape[0]))
    z -= z.mean(axis=0)
    white = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return white @ np.linalg.cholesky(cov).T + shift


# Published example: StatsBase.jl `cronbachalpha` docstring (jldoctest) for this covariance
# matrix prints alpha 0.8136 and alpha with item 1..4 dropped 0.7500, 0.7606, 0.7714, 0.7826.
STATSBASE_COV = np.array([[10.0, 6, 6, 6], [6, 11.0, 6, 6], [6, 6, 12.0, 6], [6, 6, 6, 13.0]])


def test_alpha_reproduces_statsbase_published_example():
    x = data_with_covariance(STATSBASE_COV, n=30)
    result = cronbach_alpha(x)
    assert round(result.alpha, 4) == 0.8136
    assert (result.n, result.k) == (30, 4)
    # Exactly: 4/3 * (1 - 46/118)
    assert_allclose(result.alpha, 4 / 3 * (1 - 46 / 118), rtol=1e-12)


def test_alpha_if_deleted_reproduces_statsbase_published_example():
    x = data_with_covariance(STATSBASE_COV, n=30)
    assert_allclose(np.round(alpha_if_deleted(x), 4), [0.7500, 0.7606, 0.7714, 0.7826])


def test_alpha_if_deleted_equals_alpha_of_reduced_scale():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, size=(40, 5)).astype(float) + rng.normal(size=(40, 1))
    dropped = alpha_if_deleted(x, missing="listwise")
    for j in range(5):
        reduced = np.delete(x, j, axis=1)
        assert_allclose(dropped[j], cronbach_alpha(reduced).alpha, rtol=1e-12)


def test_feldt_interval_by_hand():
    # Feldt (1965): [1 - (1 - a) F(.975; n-1, (n-1)(k-1)), 1 - (1 - a) F(.025; ...)]
    alpha, n, k = 0.8, 50, 6
    f = stats.f(n - 1, (n - 1) * (k - 1))
    expected = (1 - 0.2 * f.ppf(0.975), 1 - 0.2 * f.ppf(0.025))
    assert_allclose(feldt_interval(alpha, n, k), expected, rtol=1e-12)
    low, high = feldt_interval(alpha, n, k)
    low90, high90 = feldt_interval(alpha, n, k, confidence=0.90)
    assert low < low90 < alpha < high90 < high


def test_feldt_interval_agrees_with_published_statpsych_example():
    # statpsych::ci.cronbach(.05, .85, 7, 89) documents LL 0.7971254, UL 0.8931436 for its
    # F-based interval after Feldt (1965); its degrees of freedom differ slightly from the
    # Feldt, Woodruff & Salih (1987) formulas 6-7 used here, so the two agree to 3 decimals.
    low, high = feldt_interval(0.85, 89, 7)
    assert (round(low, 3), round(high, 3)) == (0.797, 0.893)


def test_alpha_result_carries_feldt_interval():
    x = data_with_covariance(STATSBASE_COV, n=30)
    result = cronbach_alpha(x, confidence=0.9)
    assert (result.ci_low, result.ci_high) == feldt_interval(result.alpha, 30, 4, confidence=0.9)
    assert result.ci_low < result.alpha < result.ci_high


def test_alpha_result_is_frozen():
    result = cronbach_alpha(data_with_covariance(STATSBASE_COV, n=10))
    assert isinstance(result, AlphaResult)
    with pytest.raises(AttributeError):
        result.alpha = 1.0


def pairwise_cov_reference(x):
    """R's cov(use = "pairwise.complete.obs"), entry by entry."""
    k = x.shape[1]
    out = np.empty((k, k))
    for i, j in itertools.product(range(k), range(k)):
        both = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
        out[i, j] = np.cov(x[both, i], x[both, j])[0, 1]
    return out


def test_pairwise_alpha_uses_pairwise_complete_covariances():
    rng = np.random.default_rng(11)
    x = rng.integers(1, 6, size=(60, 5)).astype(float) + rng.normal(size=(60, 1))
    x[rng.random(x.shape) < 0.15] = NAN
    c = pairwise_cov_reference(x)
    expected = 5 / 4 * (1 - np.trace(c) / c.sum())
    assert_allclose(cronbach_alpha(x, missing="pairwise").alpha, expected, rtol=1e-10)


def test_listwise_alpha_uses_complete_rows_only():
    rng = np.random.default_rng(12)
    x = rng.integers(1, 6, size=(60, 4)).astype(float) + rng.normal(size=(60, 1))
    x[rng.random(x.shape) < 0.15] = NAN
    complete = x[~np.isnan(x).any(axis=1)]
    listwise = cronbach_alpha(x, missing="listwise")
    assert listwise.n == complete.shape[0]
    assert_allclose(listwise.alpha, cronbach_alpha(complete).alpha, rtol=1e-12)
    assert listwise.alpha != cronbach_alpha(x, missing="pairwise").alpha


def test_item_rest_correlation_equals_pearson_with_rest_sum():
    rng = np.random.default_rng(5)
    x = rng.integers(1, 6, size=(80, 5)).astype(float) + rng.normal(size=(80, 1))
    r = item_rest_correlations(x)
    for j in range(5):
        rest = np.delete(x, j, axis=1).sum(axis=1)
        assert_allclose(r[j], np.corrcoef(x[:, j], rest)[0, 1], rtol=1e-12)


def test_item_rest_flags_an_unrelated_item():
    rng = np.random.default_rng(8)
    common = rng.normal(size=(300, 1))
    x = common + 0.5 * rng.normal(size=(300, 5))
    x[:, 4] = rng.normal(size=300)  # noise item
    r = item_rest_correlations(x)
    assert ITEM_REST_FLAG_THRESHOLD == 0.30
    assert_allclose(r < ITEM_REST_FLAG_THRESHOLD, [False, False, False, False, True])


def test_omega_recovers_exact_one_factor_structure():
    loadings = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    x = data_with_covariance(corr, n=50, seed=4)
    s = loadings.sum()
    expected = s**2 / (s**2 + np.sum(1 - loadings**2))  # 9/11.44 = 0.78671...
    assert_allclose(omega_total(x), expected, rtol=1e-7)


def test_omega_with_equal_loadings_equals_standardised_alpha():
    # Parallel standardised items: omega = k r / (1 + (k - 1) r), the standardised alpha.
    k, r = 6, 0.36
    corr = np.full((k, k), r)
    np.fill_diagonal(corr, 1.0)
    x = data_with_covariance(corr, n=40, seed=9)
    assert_allclose(omega_total(x), k * r / (1 + (k - 1) * r), rtol=1e-7)


def test_omega_uses_complete_rows_only():
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    x = data_with_covariance(corr, n=30, seed=2)
    with_gap = np.vstack([x, [[1.0, NAN, 9.0, -9.0]]])
    assert_allclose(omega_total(with_gap), omega_total(x), rtol=1e-12)


def test_constant_answers_give_nan_and_warning():
    x = np.full((6, 4), 4.0)
    with pytest.warns(DegenerateDataWarning, match="no spread"):
        result = cronbach_alpha(x)
    assert np.isnan(result.alpha)
    assert np.isnan(result.ci_low)
    assert np.isnan(result.ci_high)
    with pytest.warns(DegenerateDataWarning, match="no spread"):
        assert np.isnan(item_rest_correlations(x)).all()
    with pytest.warns(DegenerateDataWarning, match="no spread"):
        assert np.isnan(omega_total(x))
    with pytest.warns(DegenerateDataWarning):
        assert np.isnan(alpha_if_deleted(x)).all()


def test_one_respondent_gives_nan_and_warning():
    x = np.array([[1.0, 2.0, 3.0]])
    with pytest.warns(SmallSampleWarning):
        result = cronbach_alpha(x)
    assert np.isnan(result.alpha)
    assert result.n == 1
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(alpha_if_deleted(x)).all()
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(item_rest_correlations(x)).all()
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(omega_total(x))


def test_empty_input_gives_nan_and_warning():
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(cronbach_alpha(np.empty((0, 3))).alpha)


def test_items_never_answered_together_give_nan_and_warning():
    x = np.array([[1.0, NAN], [2.0, NAN], [NAN, 3.0], [NAN, 5.0]])
    with pytest.warns(DegenerateDataWarning, match="answered together"):
        assert np.isnan(cronbach_alpha(x).alpha)


def test_two_item_scale_has_no_alpha_if_deleted_or_omega():
    x = data_with_covariance(np.array([[1.0, 0.5], [0.5, 1.0]]), n=10)
    assert np.isfinite(cronbach_alpha(x).alpha)
    with pytest.warns(DegenerateDataWarning, match="2-item"):
        assert np.isnan(alpha_if_deleted(x)).all()
    with pytest.warns(DegenerateDataWarning, match="not identified"):
        assert np.isnan(omega_total(x))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cronbach_alpha(np.ones((5, 1))), "at least 2 columns"),
        (lambda: cronbach_alpha(np.ones(5)), "2-D"),
        (lambda: cronbach_alpha(np.ones((5, 3)), missing="everything"), "missing must be one of"),
        (lambda: cronbach_alpha(np.ones((5, 3)), confidence=95), "confidence"),
        (lambda: cronbach_alpha([[1.0, np.inf], [2.0, 3.0]]), "infinite"),
        (lambda: alpha_if_deleted(np.ones((5, 3)), missing="all"), "missing must be one of"),
        (lambda: item_rest_correlations(np.ones((5, 1))), "at least 2 columns"),
        (lambda: omega_total(np.ones((5, 1))), "at least 2 columns"),
        (lambda: omega_total(np.ones((2, 5, 1))), "2-D"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.permutations(range(5)))
def test_alpha_and_omega_do_not_depend_on_item_order(seed, order):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(25, 5)).astype(float) + rng.normal(size=(25, 1))
    x[rng.random(x.shape) < 0.1] = NAN
    order = list(order)
    assert_allclose(cronbach_alpha(x[:, order]).alpha, cronbach_alpha(x).alpha, rtol=1e-10)
    assert_allclose(alpha_if_deleted(x[:, order]), alpha_if_deleted(x)[order], rtol=1e-10)
    assert_allclose(
        item_rest_correlations(x[:, order]), item_rest_correlations(x)[order], rtol=1e-10
    )
    assert_allclose(omega_total(x[:, order]), omega_total(x), rtol=1e-6)
