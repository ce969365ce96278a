"""Packed answers: what goes in comes out, and nothing but scale values gets in."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from assess import answer_codec
from assess.answer_codec import DONT_KNOW_VALUE, decode, encode, to_matrix

ITEMS = ["standards.shared", "standards.rubric", "delivery.flow", "delivery.reverse"]


def test_round_trip_keeps_every_answer() -> None:
    answers = {"standards.shared": 4, "standards.rubric": 1, "delivery.flow": 5,
               "delivery.reverse": 2}
    assert decode(ITEMS, encode(ITEMS, answers)) == answers


def test_one_byte_per_item_in_item_order() -> None:
    blob = encode(ITEMS, {"delivery.flow": 3, "standards.shared": 1})
    assert len(blob) == len(ITEMS)
    assert blob[0] == 1
    assert blob[2] == 3


def test_dont_know_round_trips_and_differs_from_unanswered() -> None:
    answers = {"standards.shared": DONT_KNOW_VALUE, "delivery.flow": 2}
    decoded = decode(ITEMS, encode(ITEMS, answers))
    assert decoded == {"standards.shared": "dk", "delivery.flow": 2}
    assert "standards.rubric" not in decoded  # unanswered stays absent


def test_nothing_answered() -> None:
    assert decode(ITEMS, encode(ITEMS, {})) == {}
    # A draft saved before any answer has an empty value.
    assert decode(ITEMS, b"") == {}


@pytest.mark.parametrize("value", [-100, 0, 1, 11, 100])
def test_every_value_in_the_storable_range_round_trips(value: int) -> None:
    assert decode(ITEMS, encode(ITEMS, {"delivery.flow": value})) == {"delivery.flow": value}


def test_to_matrix_marks_missing_and_dont_know() -> None:
    blobs = [
        encode(ITEMS, {"standards.shared": 4, "standards.rubric": 3, "delivery.flow": 5,
                       "delivery.reverse": 1}),
        encode(ITEMS, {"standards.shared": DONT_KNOW_VALUE, "delivery.flow": 2}),
        b"",  # a draft without answers
    ]
    values, dont_know = to_matrix(blobs, len(ITEMS))
    assert values.shape == dont_know.shape == (3, 4)
    assert values.dtype == np.float64
    assert dont_know.dtype == np.bool_
    assert_array_equal(values[0], [4.0, 3.0, 5.0, 1.0])
    assert math.isnan(values[1, 0])
    assert math.isnan(values[1, 1])
    assert math.isnan(values[1, 3])
    assert values[1, 2] == 2.0
    assert np.isnan(values[2]).all()
    assert_array_equal(dont_know, [[False] * 4, [True, False, False, False], [False] * 4])


def test_to_matrix_of_no_responses() -> None:
    values, dont_know = to_matrix([], len(ITEMS))
    assert values.shape == (0, 4)
    assert dont_know.shape == (0, 4)


def test_to_matrix_agrees_with_decode() -> None:
    rng = np.random.default_rng(7)
    blobs, expected = [], []
    for _ in range(50):
        answers: dict[str, answer_codec.Answer] = {}
        for item in ITEMS:
            draw = int(rng.integers(-1, 6))
            if draw == -1:
                answers[item] = DONT_KNOW_VALUE
            elif draw > 0:
                answers[item] = draw
        blobs.append(encode(ITEMS, answers))
        expected.append(answers)
    values, dont_know = to_matrix(blobs, len(ITEMS))
    for row, answers in enumerate(expected):
        for column, item in enumerate(ITEMS):
            answer = answers.get(item)
            assert dont_know[row, column] == (answer == DONT_KNOW_VALUE)
            if isinstance(answer, int):
                assert values[row, column] == answer
            else:
                assert math.isnan(values[row, column])


@pytest.mark.parametrize("value", [101, -101, 1000, 2.5, float("nan"), float("inf"), True,
                                   "3", "DK", None, b"\x01"])
def test_values_outside_the_storable_range_are_refused(value: object) -> None:
    answers: dict[str, Any] = {"delivery.flow": value}  # not an Answer: that is the point
    with pytest.raises(ValueError, match=r"delivery\.flow"):
        encode(ITEMS, answers)


def test_unknown_item_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown item id 'portfolio\.kanban'"):
        encode(ITEMS, {"portfolio.kanban": 3})


def test_blob_of_another_length_is_refused() -> None:
    with pytest.raises(ValueError, match="expected 4 bytes, got 3"):
        decode(ITEMS, b"\x01\x02\x03")
    with pytest.raises(ValueError, match="expected 4 bytes, got 5"):
        to_matrix([b"\x01\x02\x03\x04\x05"], len(ITEMS))


@pytest.mark.parametrize("n_items", [0, -1])
def test_to_matrix_needs_a_positive_item_count(n_items: int) -> None:
    with pytest.raises(ValueError, match="n_items"):
        to_matrix([], n_items)
