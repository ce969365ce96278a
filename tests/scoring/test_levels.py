"""Tests of maturity levels: exact band boundaries and the rubric quorum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from assess.scoring import level_from_mean, mean_hundredths, rubric_level, rubric_levels_from_counts


@pytest.mark.parametrize(
    ("mean", "level"),
    [
        (1.0, 1), (1.79, 1), (1.7949, 1), (1.795, 2), (1.8, 2), (2.59, 2),
        (2.6, 3), (2.5999999999999996, 3), (3.39, 3), (3.4, 4), (3.3999999999999995, 4),
        (4.19, 4), (4.2, 5), (4.199999999999999, 5), (5.0, 5),
    ],
)
def test_band_boundaries(mean, level):
    assert level_from_mean(mean) == level


def test_float_means_on_cut_points_land_in_the_shown_band():
    # five respondents' 3-item scores whose exact mean is 13/5 = 2.6
    scores = np.array([1, 1, 11 / 3, 11 / 3, 11 / 3])
    mean = scores.mean()  # 2.5999999999999996
    assert mean < 2.6  # the bug np.digitize would hit
    assert np.digitize(mean, [1.8, 2.6, 3.4, 4.2]) + 1 == 2
    assert level_from_mean(mean) == 3


def test_nan_has_no_level_and_shape_is_kept():
    out = level_from_mean(np.array([[math.nan, 3.0], [4.5, 1.0]]))
    assert out.shape == (2, 2)
    assert math.isnan(out[0, 0])
    assert_array_equal(out[1], [5, 1])


def test_custom_cuts_and_bad_cuts():
    assert level_from_mean(6.0, cuts=(2.0, 4.0, 6.0)) == 4
    with pytest.raises(ValueError, match="strictly increasing"):
        level_from_mean(3.0, cuts=(3.0, 2.0))
    with pytest.raises(ValueError, match="at most 2 decimals"):
        level_from_mean(3.0, cuts=(2.605,))


@given(st.integers(100, 500))
def test_every_two_decimal_mean_matches_decimal_arithmetic(h):
    mean = h / 100
    expected = 1 + sum(h >= c for c in (180, 260, 340, 420))
    assert level_from_mean(mean) == expected
    # the same mean reached through a sum of scores divided by n
    assert level_from_mean(sum([mean] * 7) / 7) == expected
    assert mean_hundredths(mean) == h


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ([3] * 7 + [2, 2, 1], 3),  # exactly 70% reach 3 (0.7 * 10 is 7.000000000000001)
        ([3] * 6 + [2, 2, 2, 1], 2),
        ([5] * 14 + [1] * 6, 5),  # 14 of 20 = 70%
        ([1, 1, 1], 1),
        ([4, 4, 4, 1], 4),
        ([2, math.nan, 2], 2),
    ],
)
def test_rubric_quorum(answers, level):
    assert rubric_level(answers) == level


def test_rubric_without_answers_is_nan_and_bad_answers_raise():
    assert math.isnan(rubric_level([math.nan]))
    with pytest.raises(ValueError, match=r"whole level numbers 1\.\.5"):
        rubric_level([6])
    with pytest.raises(ValueError, match="quorum"):
        rubric_levels_from_counts(np.array([1, 2]), quorum=0)


def test_rubric_counts_vectorised():
    counts = np.array([[[0, 3, 7, 0, 0], [0, 0, 0, 0, 0]]])
    out = rubric_levels_from_counts(counts, 0.7)
    assert out.shape == (1, 2)
    assert out[0, 0] == 3
    assert math.isnan(out[0, 1])
