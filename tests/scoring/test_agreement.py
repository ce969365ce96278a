"""Within-group agreement (rwg, rwg(J), Lindell r*wg(J), AD) and ICC(1)/ICC(2).

The multilevel package's lq2002 examples are not available offline, so the agreement values
below are small data sets worked by hand from the published formulas (James, Demaree & Wolf
1984; Lindell, Brandt & Whitney 1999; Burke, Finkelstein & Dusig 1999) as the R package
multilevel implements them; each hand computation is written out next to it. ICC values come
from the published Shrout & Fleiss (1979) example.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from assess.scoring import (
    DegenerateDataWarning,
    SmallSampleWarning,
    ad_index,
    ad_practical_limit,
    icc1,
    icc2,
    rwg,
    rwg_j,
    rwg_j_lindell,
    uniform_null_variance,
)

NAN = np.nan

# Two items answered by five team members on a 5-point scale.
#   item 1: 3 4 4 5 4 -> mean 4, squared deviations 1 0 0 1 0 -> s^2 = 2/4 = 0.5
#   item 2: 4 4 4 4 5 -> mean 4.2, squared deviations 4 * 0.04 + 0.64 = 0.8 -> s^2 = 0.2
TEAM = np.array([[3.0, 4.0], [4.0, 4.0], [4.0, 4.0], [5.0, 4.0], [4.0, 5.0]])


def test_uniform_null_variance():
    # (A^2 - 1) / 12: 2.0 for 5 points (James et al. 1984), 4.0 for 7 points.
    assert uniform_null_variance(5) == 2.0
    assert uniform_null_variance(7) == 4.0


def test_rwg_by_hand():
    # 1 - 0.5 / 2 = 0.75
    assert rwg(TEAM[:, 0], 5) == pytest.approx(0.75, abs=1e-15)


def test_rwg_truncates_at_the_null_variance():
    # 1 5 1 5: s^2 = 16/3 > 2, truncated to 2 -> rwg = 0 (multilevel::rwg sets V <- ranvar).
    assert rwg([1.0, 5.0, 1.0, 5.0], 5) == 0.0


def test_rwg_with_a_custom_null_variance():
    # LeBreton & Senter (2008) slight-skew null for 5 points: 1.34 -> 1 - 0.5/1.34
    assert rwg(TEAM[:, 0], 5, null_variance=1.34) == pytest.approx(1 - 0.5 / 1.34)


def test_rwg_ignores_missing_answers():
    assert rwg([3.0, NAN, 4.0, 4.0, 5.0, 4.0], 5) == pytest.approx(0.75)


def test_rwg_full_agreement_is_one():
    assert rwg([4.0, 4.0, 4.0], 5) == 1.0


def test_rwg_j_by_hand():
    # mean item variance (0.5 + 0.2) / 2 = 0.35, ratio 0.35 / 2 = 0.175, J = 2:
    # 2 * 0.825 / (2 * 0.825 + 0.175) = 1.65 / 1.825
    assert rwg_j(TEAM, 5) == pytest.approx(1.65 / 1.825, abs=1e-15)


def test_rwg_j_uses_complete_rows_only():
    with_gap = np.vstack([TEAM, [1.0, NAN]])
    assert rwg_j(with_gap, 5) == pytest.approx(1.65 / 1.825)


def test_rwg_j_is_truncated_to_zero():
    wide = np.array([[1.0, 1.0], [5.0, 5.0], [1.0, 1.0], [5.0, 5.0]])
    assert rwg_j(wide, 5) == 0.0


def test_rwg_j_lindell_by_hand_and_not_truncated():
    # 1 - 0.35 / 2 = 0.825
    assert rwg_j_lindell(TEAM, 5) == pytest.approx(0.825, abs=1e-15)
    # 1 5 1 5 on both items: 1 - (16/3) / 2 = -5/3 (multilevel::rwg.j.lindell does not truncate)
    wide = np.array([[1.0, 1.0], [5.0, 5.0], [1.0, 1.0], [5.0, 5.0]])
    assert rwg_j_lindell(wide, 5) == pytest.approx(-5.0 / 3.0)


def test_rwg_j_grows_with_items_but_lindell_does_not():
    ten_items = np.tile(TEAM[:, :1], (1, 10))
    assert rwg_j(ten_items, 5) > rwg_j(TEAM[:, :1], 5)
    assert rwg_j_lindell(ten_items, 5) == pytest.approx(rwg_j_lindell(TEAM[:, :1], 5))


def test_ad_index_by_hand():
    # 1 2 2 5: mean 2.5 -> |dev| 1.5 .5 .5 2.5 -> 5/4; median 2 -> 1 0 0 3 -> 4/4
    values = np.array([1.0, 2.0, 2.0, 5.0])
    assert ad_index(values) == pytest.approx(1.25)
    assert ad_index(values, center="median") == pytest.approx(1.0)
    # Two items: mean of the per-item AD. Item 1 of TEAM: |dev| 1 0 0 1 0 -> 0.4;
    # item 2: mean 4.2 -> .2 .2 .2 .2 .8 -> 0.32; AD_M(J) = 0.36
    assert ad_index(TEAM) == pytest.approx(0.36)


def test_ad_practical_limit():
    # Burke & Dunlap (2002): c / 6, i.e. 0.83 on a 5-point scale.
    assert round(ad_practical_limit(5), 2) == 0.83


# Shrout & Fleiss (1979), Table 2: six targets rated by four judges. Their one-way model gives
# ICC(1,1) = .17 and ICC(1,k) = .44 (Table 4), from BMS = 11.24 and WMS = 6.26 (Table 3).
# With the targets as groups and k = N / G = 4, multilevel's ICC1 is ICC(1,1) and ICC2 is
# ICC(1,k).
SHROUT_FLEISS = np.array(
    [
        [9.0, 2.0, 5.0, 8.0],
        [6.0, 1.0, 3.0, 2.0],
        [8.0, 4.0, 6.0, 8.0],
        [7.0, 1.0, 2.0, 6.0],
        [10.0, 5.0, 6.0, 9.0],
        [6.0, 2.0, 4.0, 7.0],
    ]
)


def test_icc_reproduces_shrout_fleiss():
    scores = SHROUT_FLEISS.ravel()
    groups = np.repeat(["a", "b", "c", "d", "e", "f"], 4)
    assert round(icc1(scores, groups), 2) == 0.17
    assert round(icc2(scores, groups), 2) == 0.44
    # From the published mean squares: (11.24 - 6.26) / (11.24 + 3 * 6.26) and / 11.24
    assert icc1(scores, groups) == pytest.approx((11.24 - 6.26) / (11.24 + 3 * 6.26), abs=5e-4)
    assert icc2(scores, groups) == pytest.approx((11.24 - 6.26) / 11.24, abs=5e-4)


def test_icc_matches_one_way_anova_f_with_unequal_groups():
    # ICC2 = 1 - 1/F and ICC1 = (F - 1) / (F + k - 1), F from scipy.stats.f_oneway.
    rng = np.random.default_rng(2)
    sizes = [3, 5, 8, 4, 6]
    groups = np.repeat(np.arange(5), sizes)
    scores = rng.normal(size=groups.size) + rng.normal(size=5)[groups]
    f = stats.f_oneway(*(scores[groups == g] for g in range(5))).statistic
    k = groups.size / 5
    assert_allclose(icc2(scores, groups), 1 - 1 / f, rtol=1e-12)
    assert_allclose(icc1(scores, groups), (f - 1) / (f + k - 1), rtol=1e-12)


def test_icc_drops_missing_scores_with_their_labels():
    scores = np.append(SHROUT_FLEISS.ravel(), NAN)
    groups = np.append(np.repeat(np.arange(6), 4), 99)
    assert round(icc1(scores, groups), 2) == 0.17


def test_icc_degenerate_cases_warn_and_give_nan():
    with pytest.warns(SmallSampleWarning, match="at least 2 groups"):
        assert np.isnan(icc1([1.0, 2.0, 3.0], [1, 1, 1]))
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(icc2([1.0, 2.0], [1, 2]))  # every group has one member
    with pytest.warns(DegenerateDataWarning, match="no spread"):
        assert np.isnan(icc1([0.1] * 6, [1, 1, 2, 2, 3, 3]))
    with pytest.warns(DegenerateDataWarning, match="do not differ"):
        assert np.isnan(icc2([1.0, 3.0, 3.0, 1.0], [1, 1, 2, 2]))


def test_agreement_degenerate_cases_warn_and_give_nan():
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(rwg([4.0], 5))
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(rwg([], 5))
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(rwg_j(np.array([[4.0, NAN], [3.0, 3.0]]), 5))
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(rwg_j_lindell(np.empty((0, 3)), 5))
    with pytest.warns(SmallSampleWarning):
        assert np.isnan(ad_index([3.0]))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rwg([1.0, 2.0], 1), "scale_points"),
        (lambda: rwg([1.0, 2.0], 5.0), "scale_points"),
        (lambda: rwg([1.0, 7.0], 5), "span"),
        (lambda: rwg([[1.0, 2.0]], 5), "one-dimensional"),
        (lambda: rwg([1.0, np.inf], 5), "infinite"),
        (lambda: rwg([1.0, 2.0], 5, null_variance=0.0), "null_variance"),
        (lambda: rwg_j([1.0, 2.0], 5), "2-D"),
        (lambda: rwg_j(np.empty((3, 0)), 5), "at least one column"),
        (lambda: rwg_j_lindell([[1.0], [9.0]], 5), "span"),
        (lambda: ad_index([1.0, 2.0], center="mode"), "center must be one of"),
        (lambda: ad_index(np.ones((2, 2, 2))), "1-D .* or 2-D"),
        (lambda: icc1([1.0, 2.0, 3.0], [1, 2]), "one label per score"),
        (lambda: icc2([1.0, 2.0], [[1, 2]]), "groups must be one-dimensional"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000), st.permutations(range(4)))
def test_agreement_does_not_depend_on_item_or_row_order(seed, order):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(6, 4)).astype(float)
    order = list(order)
    rows = rng.permutation(6)
    for f in (lambda a: rwg_j(a, 5), lambda a: rwg_j_lindell(a, 5), ad_index):
        assert_allclose(f(x[rows][:, order]), f(x), rtol=1e-12, atol=1e-12)  # 0 vs -2e-16 is equal


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=30))
def test_rwg_is_within_zero_and_one(values):
    assert 0.0 <= rwg(np.array(values, float), 5) <= 1.0
