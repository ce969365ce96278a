"""Percentile ranks (midpoint convention), T scores and stanines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import special, stats

from assess.scoring import SmallSampleWarning, percentile_rank, stanine, t_score

NAN = np.nan


def test_percentile_rank_midpoint_by_hand():
    norm = [1.0, 2.0, 3.0, 3.0, 4.0]
    # x = 3: 2 below, 2 equal -> 100 * (2 + 1) / 5 = 60 (scipy percentileofscore docs: kind
    # "mean" of [1, 2, 3, 3, 4] at 3 is 60).
    assert percentile_rank(norm, 3.0) == 60.0
    assert_allclose(percentile_rank(norm, [0.0, 2.5, 5.0, NAN]), [0.0, 40.0, 100.0, NAN])


def test_percentile_rank_scalar_in_scalar_out_array_shape_kept():
    assert isinstance(percentile_rank([1.0, 2.0], 1.5), float)
    assert percentile_rank([1.0, 2.0], np.ones((2, 3))).shape == (2, 3)


def test_percentile_rank_ignores_missing_norm_values():
    assert percentile_rank([1.0, NAN, 2.0, 3.0, 3.0, 4.0, NAN], 3.0) == 60.0


def test_presorted_norm_is_checked():
    assert percentile_rank([1.0, 2.0, 3.0], 2.0, presorted=True) == 50.0
    with pytest.raises(ValueError, match="not sorted"):
        percentile_rank([3.0, 1.0, 2.0], 2.0, presorted=True)


def test_tie_tolerance_counts_near_equal_values_as_ties():
    norm = [2.0, 3.0, 4.0, 4.0]
    almost_four = (4 + 14 / 3 + 10 / 3) / 3  # one ulp away from 4.0
    assert almost_four != 4.0
    assert percentile_rank(norm, almost_four) in (50.0, 100.0)
    assert percentile_rank(norm, almost_four, tie_tolerance=1e-9) == 75.0
    assert percentile_rank(norm, 4.0, tie_tolerance=1e-9) == percentile_rank(norm, 4.0)
    with pytest.raises(ValueError, match="tie_tolerance must be a finite number >= 0"):
        percentile_rank(norm, 4.0, tie_tolerance=-1.0)


def test_large_norm_and_many_values_agree_with_scipy():
    rng = np.random.default_rng(0)
    norm = np.sort(np.round(rng.normal(3, 0.7, size=100_000), 2))
    xs = np.round(rng.normal(3, 0.7, size=20_000), 2)
    ranks = percentile_rank(norm, xs, presorted=True)
    sample = xs[:50]
    assert_allclose(ranks[:50], stats.percentileofscore(norm, sample, kind="mean"), rtol=1e-12)


def test_empty_norm_warns_and_gives_nan():
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(percentile_rank([], 3.0))
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(percentile_rank([NAN], [1.0, 2.0])).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: percentile_rank([[1.0, 2.0]], 1.0), "one-dimensional"),
        (lambda: percentile_rank([1.0, np.inf], 1.0), "norm must not contain infinite"),
        (lambda: percentile_rank([1.0, 2.0], np.inf), "x must not contain infinite"),
        (lambda: percentile_rank(["a", "b"], 1.0), "numeric"),
        (lambda: stanine(np.inf), "infinite"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 20).map(lambda v: v / 4), min_size=1, max_size=60),
    st.integers(0, 22).map(lambda v: v / 4),
)
def test_percentile_rank_equals_scipy_percentileofscore_kind_mean(norm, x):
    expected = stats.percentileofscore(norm, x, kind="mean")
    assert percentile_rank(norm, x) == pytest.approx(expected, abs=1e-12)


def test_t_score():
    assert t_score(0.0) == 50.0
    assert_allclose(t_score([-1.0, 2.5, NAN]), [40.0, 75.0, NAN])


def test_stanine_band_boundaries():
    z = [-3.0, -1.75, -1.7499, -1.25, -0.75, -0.25, 0.0, 0.2499, 0.25, 0.75, 1.25, 1.75, 3.0]
    assert_array_equal(stanine(z), [1, 2, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 9])
    assert isinstance(stanine(0.0), float)
    assert np.isnan(stanine(NAN))


def test_stanine_bands_hold_the_published_normal_percentages():
    # Stanine bands hold 4, 7, 12, 17, 20, 17, 12, 7, 4 % of a normal distribution.
    cuts = np.array([-1.75, -1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 1.75])
    # Each cut is the lower edge of the next stanine ...
    assert_array_equal(stanine(cuts), np.arange(2, 10))
    assert_array_equal(stanine(cuts - 1e-9), np.arange(1, 9))
    # ... and the band shares are the published ones.
    shares = np.diff(np.concatenate([[0.0], special.ndtr(cuts), [1.0]]))
    assert_array_equal(np.round(100 * shares), [4, 7, 12, 17, 20, 17, 12, 7, 4])
