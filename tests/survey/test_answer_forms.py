"""Between page forms and answers (assess.survey.answer_forms), tested directly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from assess import answer_codec
from assess.definitions import Questionnaire, parse_questionnaire
from assess.survey.answer_forms import (
    PageAnswers,
    answers_from_form,
    choice_values,
    field_name,
    form_data,
    form_value,
)
from assess.survey.forms import INVALID_CHOICE, PageForm, make_page_form

SOURCE = """
id: answer-forms-check
version: 1
title: Answer forms check
kind: pulse
scales:
  agree5:
    min: 1
    max: 5
    labels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    dont_know: true
  often5:
    min: 1
    max: 5
    labels: [Never, Rarely, Sometimes, Often, Always]
levels: [Ad hoc, Emerging, Defined, Measured, Adaptive]
dimensions:
  - id: one
    title: One
    items:
      - id: one.agree
        text: We agree on things.
        scale: agree5
      - id: one.often
        text: How often do we meet?
        scale: often5
      - id: one.rubric
        type: rubric
        text: Pick the highest level that is true.
        anchors: [Level one, Level two, Level three, Level four, Level five]
      - id: one.note
        type: text
        text: Anything else?
        max_length: 20
"""
DK = answer_codec.DONT_KNOW_VALUE


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return parse_questionnaire(SOURCE)


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/s/page/1", method="POST"):
        yield


def posted(questionnaire: Questionnaire, data: dict[str, str]) -> tuple[PageForm, bool]:
    form = make_page_form(questionnaire, questionnaire.dimensions[0], formdata=MultiDict(data))
    return form, form.validate()


def read(questionnaire: Questionnaire, form: PageForm) -> PageAnswers:
    return answers_from_form(form, questionnaire, questionnaire.dimensions[0])


# --- one spelling of every answer ------------------------------------------------------

def test_each_answer_has_one_spelling() -> None:
    assert form_value(3) == "3"
    assert form_value(-2) == "-2"
    assert form_value(DK) == DK == "dk"


def test_choice_values_are_what_the_page_offers(questionnaire: Questionnaire) -> None:
    items = {item.id: item for item in questionnaire.items}
    assert choice_values(questionnaire, items["one.agree"]) == (1, 2, 3, 4, 5, DK)
    assert choice_values(questionnaire, items["one.often"]) == (1, 2, 3, 4, 5)
    assert choice_values(questionnaire, items["one.rubric"]) == (1, 2, 3, 4, 5)


@pytest.mark.usefixtures("request_context")
def test_the_forms_radio_values_are_the_spelled_choice_values(
        questionnaire: Questionnaire) -> None:
    form = make_page_form(questionnaire, questionnaire.dimensions[0])
    for item in questionnaire.answer_items:
        offered = [value for value, *_ in form[field_name(item)].iter_choices()]
        assert offered == [form_value(v) for v in choice_values(questionnaire, item)]


# --- round trips -----------------------------------------------------------------------

@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize(("answers", "texts"), [
    ({"one.agree": 4, "one.often": 1, "one.rubric": 5}, {"one.note": "fine"}),
    ({"one.agree": DK, "one.often": 3, "one.rubric": 1}, {"one.note": ""}),
    ({"one.often": 2}, {}),  # partly answered, no text saved
    ({}, {}),  # nothing saved yet
    ({"one.agree": 1}, {"one.note": "line\nbreak \u00e9\u00e8"}),
])
def test_saved_answers_come_back_from_their_form(questionnaire: Questionnaire,
                                                 answers: dict[str, Any],
                                                 texts: dict[str, str]) -> None:
    data = form_data(questionnaire.dimensions[0], answers, texts)
    form, valid = posted(questionnaire, data)
    assert valid, form.errors
    back = read(questionnaire, form)
    assert back.answers == {item.id: answers.get(item.id)
                            for item in questionnaire.answer_items}
    assert back.texts == {"one.note": texts.get("one.note", "")}


def test_form_data_spells_saved_answers_and_leaves_unanswered_out(
        questionnaire: Questionnaire) -> None:
    data = form_data(questionnaire.dimensions[0], {"one.agree": DK, "one.rubric": 2},
                     {"one.note": "kept"})
    assert data == {"q_one.agree": "dk", "q_one.rubric": "2", "q_one.note": "kept"}
    assert form_data(questionnaire.dimensions[0], {}, {}) == {"q_one.note": ""}


@pytest.mark.usefixtures("request_context")
def test_a_radio_group_not_sent_is_unanswered(questionnaire: Questionnaire) -> None:
    form, valid = posted(questionnaire, {"q_one.agree": "2"})
    assert valid, form.errors
    assert read(questionnaire, form) == PageAnswers(
        {"one.agree": 2, "one.often": None, "one.rubric": None}, {"one.note": ""})


# --- hostile values are field errors, and left out -------------------------------------

@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("value", [
    "None", "", " ", "  3", "3 ", "\uff13", "\u0663", "1e0", "3.0", "+3", "03", "-0", "0x3",
    "1_0", "NaN", "inf", "DK", " dk", "3" * 10_000, "x" * 100_000, "\x00", "3\x00"])
def test_hostile_values_are_refused_and_never_read(questionnaire: Questionnaire,
                                                   value: str) -> None:
    form, valid = posted(questionnaire, {"q_one.agree": value, "q_one.often": "1",
                                         "q_one.rubric": "4", "q_one.note": "ok"})
    assert not valid
    assert form["q_one.agree"].errors == [INVALID_CHOICE]
    back = read(questionnaire, form)
    assert "one.agree" not in back.answers
    assert back.answers == {"one.often": 1, "one.rubric": 4}
    assert back.texts == {"one.note": "ok"}


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize(("name", "value"), [
    ("q_one.often", "dk"),  # a scale without "don't know"
    ("q_one.rubric", "dk"), ("q_one.rubric", "0"), ("q_one.rubric", "6"),
    ("q_one.often", "-1"), ("q_one.often", "\u22121"),  # a minus sign, not a hyphen
])
def test_values_another_item_would_take_are_refused(questionnaire: Questionnaire,
                                                    name: str, value: str) -> None:
    form, valid = posted(questionnaire, {name: value})
    assert not valid
    assert form[name].errors == [INVALID_CHOICE]
    assert name.removeprefix("q_") not in read(questionnaire, form).answers


@pytest.mark.usefixtures("request_context")
def test_an_oversized_text_is_refused_and_not_read(questionnaire: Questionnaire) -> None:
    form, valid = posted(questionnaire, {"q_one.note": "x" * 21, "q_one.agree": "5"})
    assert not valid
    assert form["q_one.note"].errors
    back = read(questionnaire, form)
    assert back.texts == {}
    assert back.answers["one.agree"] == 5


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("value", ["None", "", " 3", "6"])
def test_a_value_that_is_no_choice_never_reaches_the_store(questionnaire: Questionnaire,
                                                           value: str) -> None:
    """Should a field without errors ever hold something else, reading it fails loudly."""
    form, valid = posted(questionnaire, {"q_one.agree": "3"})
    assert valid
    form["q_one.agree"].data = value
    with pytest.raises(ValueError, match=r"q_one\.agree: .* is not one of the item's choices"):
        read(questionnaire, form)
