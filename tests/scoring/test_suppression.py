"""Tests of anonymity suppression, including complementary suppression properties."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from assess.scoring import (
    DimensionSpec,
    InstrumentSpec,
    ScoringWarning,
    respondent_scores,
    score_campaign,
    suppress,
)


def test_primary_and_complementary():
    s = suppress(np.array([[3], [6], [8], [12]]), 5)
    assert_array_equal(s.primary[:, 0], [True, False, False, False])
    assert_array_equal(s.complementary[:, 0], [False, True, False, False])
    assert_array_equal(s.hidden[:, 0], [True, True, False, False])
    assert not s.parent_hidden[0]


def test_two_hidden_children_need_no_extra_cell():
    s = suppress(np.array([[3, 9], [4, 9], [9, 9]]), 5)
    assert not s.complementary.any()
    assert_array_equal(s.hidden[:, 0], [True, True, False])


def test_empty_child_does_not_count_as_protection():
    # team with n = 0 has no mean to protect anything
    s = suppress(np.array([[0], [3], [8]]), 5)
    assert_array_equal(s.hidden[:, 0], [True, True, True])
    assert s.complementary[2, 0]


def test_hidden_parent_needs_nothing_more():
    s = suppress(np.array([[2], [1]]), 5)
    assert s.parent_hidden[0]
    assert not s.complementary.any()


def test_parent_with_members_outside_children_is_hidden_if_unprotectable():
    s = suppress(np.array([[3]]), 5, parent_n=np.array([9]))
    assert s.parent_hidden[0]


def test_cells_hidden_for_another_reason_count_as_primary():
    # The don't-know rate of a team hidden for its n (first row) but with 6 respondents
    # behind its rate: hidden with the cell, and protected like a primary cell, so the
    # smallest visible team's rate is hidden with it.
    s = suppress(np.array([[6], [7], [9]]), 5, hidden=np.array([[True], [False], [False]]))
    assert_array_equal(s.primary[:, 0], [True, False, False])
    assert_array_equal(s.hidden[:, 0], [True, True, False])
    assert s.complementary[1, 0]
    # two cells hidden already protect each other
    s = suppress(np.array([[6], [7], [9]]), 5, hidden=np.array([[True], [True], [False]]))
    assert not s.complementary.any()
    with pytest.raises(ValueError, match="hidden must be a boolean array of the shape of n"):
        suppress(np.array([[6], [7]]), 5, hidden=np.array([True, False]))


def test_bad_arguments():
    with pytest.raises(ValueError, match="min_n must be an integer >= 3"):
        suppress(np.array([[3]]), 2)
    with pytest.raises(ValueError, match="n must be a 2-D array"):
        suppress(np.array([3]), 5)
    with pytest.raises(ValueError, match="non-negative integer counts"):
        suppress(np.array([[-1]]), 5)
    with pytest.raises(ValueError, match=r"parent_n must have shape \(1,\)"):
        suppress(np.array([[3]]), 5, parent_n=np.array([3, 4]))


grids = st.integers(1, 8).flatmap(
    lambda g: st.integers(1, 4).flatmap(
        lambda d: st.lists(st.lists(st.integers(0, 15), min_size=d, max_size=d),
                           min_size=g, max_size=g)
    )
)


@given(grids, st.integers(3, 8))
def test_no_column_leaves_exactly_one_hidden_child_under_a_visible_parent(rows, min_n):
    n = np.array(rows, dtype=np.int64)
    s = suppress(n, min_n)
    assert (s.hidden[(n > 0) & (n < min_n)]).all()
    assert (s.complementary.sum(axis=0) <= 1).all()
    lone = ((s.hidden & (n > 0)).sum(axis=0) == 1) & ~s.parent_hidden
    assert not lone.any()


def _one_item_change(values, teams, hidden_teams, spec):
    """Move one answer up in one hidden team and one answer down in another."""
    changed = values.copy()
    scores = respondent_scores(values, None, spec).scores[:, 0]
    up = np.flatnonzero((teams == hidden_teams[0]) & ~np.isnan(scores) & (values[:, 0] < 5))
    down = np.flatnonzero((teams == hidden_teams[1]) & ~np.isnan(scores) & (values[:, 0] > 1))
    if not up.size or not down.size:
        return None
    changed[up[0], 0] += 1
    changed[down[0], 0] -= 1
    return changed


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 12), min_size=1, max_size=6),
    st.integers(0, 2**32 - 1),
    st.integers(3, 6),
)
def test_hidden_team_means_cannot_be_recovered(sizes, seed, min_n):
    rng = np.random.default_rng(seed)
    teams = np.repeat([f"t{i}" for i in range(len(sizes))], sizes)
    values = rng.integers(1, 6, size=(len(teams), 3)).astype(float)
    spec = InstrumentSpec((DimensionSpec("d", (0, 1, 2)),), min_n=min_n, min_n_spread=min_n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        r = score_campaign(values, None, teams, spec)
    t, o = r.teams, r.organisation
    n = t.n[:, 0]
    hidden = t.suppressed[:, 0] & (n > 0)
    # every small team is hidden, and no hidden statistic leaks as a number
    assert t.suppressed[(n > 0) & (n < min_n), 0].all()
    assert np.isnan(t.mean[t.suppressed[:, 0], 0]).all()
    if o.suppressed[0, 0]:
        return
    # the organisation total minus the visible teams isolates no single hidden team
    assert hidden.sum() != 1
    if hidden.sum() >= 2:
        # and a different data set gives identical visible numbers with other hidden means
        labels = np.array(t.labels)[hidden][:2]
        other = _one_item_change(values, teams, labels, spec)
        if other is None:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            r2 = score_campaign(other, None, teams, spec)
        assert_array_equal(r2.teams.n, t.n)
        assert_array_equal(r2.teams.suppressed, t.suppressed)
        np.testing.assert_allclose(r2.teams.mean, t.mean, equal_nan=True)
        np.testing.assert_allclose(r2.organisation.mean, o.mean)
        true1 = respondent_scores(values, None, spec).scores[:, 0]
        true2 = respondent_scores(other, None, spec).scores[:, 0]
        first = teams == labels[0]
        assert np.nanmean(true1[first]) != np.nanmean(true2[first])
