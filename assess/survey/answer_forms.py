"""Between a questionnaire page's form and the answers the survey service stores.

One field per item, named :func:`field_name`. A likert or rubric item's radio values are its
answers spelled as text (:func:`form_value`): the integer as digits, "don't know" as
:data:`answer_codec.DONT_KNOW_VALUE`, the same spelling the answer mappings use. Reading a
validated form back (:func:`answers_from_form`) looks each value up among the item's own
choices: nothing is parsed, so only an answer the page offered can come out of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from wtforms import Form

from ..answer_codec import DONT_KNOW_VALUE, Answer
from ..definitions import Dimension, Item, Questionnaire

FIELD_PREFIX = "q_"


class PageAnswers(NamedTuple):
    """One page's answers: ``{item_id: value, "dk" or None}`` (None clears) and its texts."""

    answers: dict[str, Answer | None]
    texts: dict[str, str]


def field_name(item: Item) -> str:
    """The form field of an item."""
    return FIELD_PREFIX + item.id


def form_value(answer: Answer) -> str:
    """How an answer is spelled as a radio value."""
    return answer if answer == DONT_KNOW_VALUE else str(answer)


def choice_values(questionnaire: Questionnaire, item: Item) -> tuple[Answer, ...]:
    """The answers a likert or rubric item offers, in the order shown.

    A rubric offers its levels (1 to the number of anchors); a likert item its scale's values,
    then "don't know" where the scale allows it.
    """
    if item.type == "rubric":
        return tuple(range(1, len(item.anchors) + 1))
    scale = questionnaire.scales[item.scale or ""]
    return (*scale.values, DONT_KNOW_VALUE) if scale.dont_know else scale.values


def answers_from_form(form: Form, questionnaire: Questionnaire,
                      dimension: Dimension) -> PageAnswers:
    """The answers of a validated page form; fields with errors are left out.

    A radio group that was not sent is unanswered (None). Any other value of an error-free
    field is one of the item's choices (the form refuses everything else); one that is not
    raises ``ValueError`` rather than reach the store.
    """
    answers: dict[str, Answer | None] = {}
    texts: dict[str, str] = {}
    for item in dimension.items:
        field = form[field_name(item)]
        if field.errors:
            continue
        if item.type == "text":
            texts[item.id] = field.data or ""
        elif field.data is None:
            answers[item.id] = None
        else:
            offered = {form_value(value): value for value in choice_values(questionnaire, item)}
            if field.data not in offered:
                raise ValueError(f"{field_name(item)}: {field.data!r} is not one of the "
                                 "item's choices")
            answers[item.id] = offered[field.data]
    return PageAnswers(answers, texts)


def form_data(dimension: Dimension, answers: Mapping[str, Answer],
              texts: Mapping[str, str]) -> dict[str, str]:
    """The ``data`` of a page form showing saved answers and texts (unanswered left out)."""
    data: dict[str, str] = {}
    for item in dimension.items:
        if item.type == "text":
            data[field_name(item)] = texts.get(item.id, "")
        elif item.id in answers:
            data[field_name(item)] = form_value(answers[item.id])
    return data
