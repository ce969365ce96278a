"""Respondent scores: reverse keying, proration over answered items, validity rule, POMP."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from assess.scoring import pomp, reverse_key, score_respondents

NAN = np.nan


def test_reverse_keying_formula_by_hand():
    items = np.array([[1.0, 2.0, 5.0], [4.0, NAN, 3.0]])
    out = reverse_key(items, scale_min=1, scale_max=5, reverse=[False, True, True])
    # x' = (1 + 5) - x on the reversed columns only; NaN stays missing.
    assert_array_equal(out, [[1.0, 4.0, 1.0], [4.0, NAN, 3.0]])
    # Integer indices select the same columns as the boolean mask.
    assert_array_equal(reverse_key(items, scale_min=1, scale_max=5, reverse=[1, 2]), out)


def test_reverse_keying_does_not_modify_input():
    items = np.array([[1.0, 2.0]])
    reverse_key(items, scale_min=1, scale_max=5, reverse=[0])
    assert_array_equal(items, [[1.0, 2.0]])


def test_proration_over_answered_items_by_hand():
    # 4 items on 1..5, item 3 reverse-keyed; requirement max(2, ceil(0.5 * 4)) = 2 answers.
    items = np.array(
        [
            [4.0, 5.0, 2.0, 3.0],  # item 3 -> 4: mean(4, 5, 4, 3) = 4.0
            [2.0, NAN, 5.0, NAN],  # item 3 -> 1: mean(2, 1) = 1.5
            [NAN, NAN, NAN, 3.0],  # 1 answer < 2: not valid
            [NAN, NAN, NAN, NAN],  # nothing answered
        ]
    )
    scores = score_respondents(items, scale_min=1, scale_max=5, reverse=[2])
    assert_array_equal(scores, [4.0, 1.5, NAN, NAN])


def test_weighted_mean_uses_only_answered_weights():
    items = np.array([[5.0, 1.0, 3.0], [5.0, NAN, 3.0]])
    scores = score_respondents(items, scale_min=1, scale_max=5, weights=[2.0, 1.0, 1.0])
    # (2*5 + 1 + 3) / 4 = 3.5 ; (2*5 + 3) / 3 = 13/3
    assert_allclose(scores, [3.5, 13.0 / 3.0])


def test_answered_item_with_zero_weight_only_gives_nan():
    items = np.array([[5.0, NAN, NAN], [5.0, 4.0, NAN]])
    scores = score_respondents(
        items, scale_min=1, scale_max=5, weights=[0.0, 0.0, 1.0], min_items=1, min_answered=0
    )
    assert np.isnan(scores).all()


@pytest.mark.parametrize(
    ("k", "answered", "valid"),
    [
        (4, 2, True),  # ceil(0.5 * 4) = 2
        (4, 1, False),
        (5, 2, False),  # ceil(0.5 * 5) = 3
        (5, 3, True),
        (3, 2, True),  # max(2, ceil(1.5) = 2)
        (2, 1, False),  # min_items = 2
        (1, 1, True),  # a 1-item dimension: the requirement is capped at k = 1
    ],
)
def test_validity_rule(k, answered, valid):
    row = np.full((1, k), NAN)
    row[0, :answered] = 3.0
    score = score_respondents(row, scale_min=1, scale_max=5)[0]
    assert np.isnan(score) != valid


def test_min_answered_fraction_is_not_fooled_by_rounding():
    # 0.3 * 10 is 3.0000000000000004 in floating point; 3 answers must be enough.
    row = np.full((1, 10), NAN)
    row[0, :3] = 2.0
    score = score_respondents(row, scale_min=1, scale_max=5, min_answered=0.3, min_items=0)
    assert score[0] == 2.0


def test_matches_nanmean_when_everyone_answers_enough():
    rng = np.random.default_rng(7)
    items = rng.integers(1, 6, size=(200, 8)).astype(float)
    items[rng.random(items.shape) < 0.2] = NAN
    scores = score_respondents(items, scale_min=1, scale_max=5, min_answered=0, min_items=1)
    answered = ~np.isnan(items)
    ok = answered.any(axis=1)
    assert_allclose(scores[ok], np.nanmean(items[ok], axis=1))


def test_empty_respondent_set_gives_empty_scores():
    assert score_respondents(np.empty((0, 4)), scale_min=1, scale_max=5).shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"items": np.array([1.0, 2.0])}, "2-D"),
        ({"scale_min": 5, "scale_max": 1}, "scale_min must be less than scale_max"),
        ({"scale_min": 3, "scale_max": 3}, "scale_min must be less than scale_max"),
        ({"items": np.array([[1.0, 6.0]])}, "within the scale"),
        ({"items": np.array([[1.0, np.inf]])}, "infinite"),
        ({"weights": [1.0]}, "one entry per item"),
        ({"weights": [1.0, -1.0]}, "non-negative"),
        ({"weights": [0.0, 0.0]}, "all be zero"),
        ({"weights": [1.0, NAN]}, "NaN"),
        ({"reverse": [True]}, "one entry per item"),
        ({"reverse": [5]}, "outside"),
        ({"reverse": [0.5]}, "booleans or integer"),
        ({"min_answered": 1.5}, "min_answered"),
        ({"min_items": -1}, "min_items"),
        ({"scale_min": float("nan")}, "finite"),
    ],
)
def test_bad_input_raises_value_error(kwargs, message):
    args = {"items": np.array([[1.0, 2.0]]), "scale_min": 1, "scale_max": 5}
    args.update(kwargs)
    items = args.pop("items")
    with pytest.raises(ValueError, match=message):
        score_respondents(items, **args)


def test_pomp_by_hand():
    assert pomp(3.0, scale_min=1, scale_max=5) == 50.0
    assert_allclose(pomp([1.0, 5.0, 2.0, NAN], scale_min=1, scale_max=5), [0, 100, 25, NAN])
    with pytest.raises(ValueError, match="within the scale"):
        pomp(6.0, scale_min=1, scale_max=5)


answers = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8),
    elements=st.one_of(st.integers(1, 5).map(float), st.just(NAN)),
)


@settings(max_examples=60, deadline=None)
@given(answers, st.data())
def test_reverse_keying_twice_is_identity(items, data):
    k = items.shape[1]
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=k, max_size=k)))
    once = reverse_key(items, scale_min=1, scale_max=5, reverse=mask)
    twice = reverse_key(once, scale_min=1, scale_max=5, reverse=mask)
    assert_array_equal(twice, items)


@settings(max_examples=60, deadline=None)
@given(answers, st.data())
def test_scores_do_not_depend_on_item_order(items, data):
    k = items.shape[1]
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=k, max_size=k)))
    weights = np.array(data.draw(st.lists(st.integers(1, 4), min_size=k, max_size=k)), float)
    order = np.array(data.draw(st.permutations(range(k))))
    kwargs = {"scale_min": 1, "scale_max": 5}
    a = score_respondents(items, reverse=mask, weights=weights, **kwargs)
    b = score_respondents(items[:, order], reverse=mask[order], weights=weights[order], **kwargs)
    assert_allclose(a, b, rtol=1e-12)
