"""The page forms built from a questionnaire (assess.survey.forms), tested directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from assess.definitions import load_questionnaire, parse_questionnaire
from assess.survey.forms import (
    FIELD_PREFIX,
    INVALID_CHOICE,
    StartForm,
    field_name,
    make_page_form,
    page_form_class,
)

SHIPPED = Path(__file__).resolve().parents[2] / "questionnaires" / "pmo-apo-maturity" \
    / "questionnaire.yaml"

SMALL = """
id: page-form-check
version: 1
title: Page form check
kind: pulse
scales:
  agree5:
    min: 1
    max: 5
    labels: [Strongly disagree, Disagree, Neutral, Agree, Strongly agree]
    dont_know: true
    dont_know_label: Cannot say
  often5:
    min: 1
    max: 5
    labels: [Never, Rarely, Sometimes, Often, Always]
levels: [Ad hoc, Emerging, Defined, Measured, Adaptive]
roles: [member, lead]
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
        anchors:
          - Level <one> & "first"
          - Level two
          - Level three
          - Level four
          - Level five
      - id: one.note
        type: text
        text: Anything else?
      - id: one.short
        type: text
        text: In a few words?
        max_length: 10
"""


@pytest.fixture(scope="module")
def small():
    return parse_questionnaire(SMALL)


@pytest.fixture(scope="module")
def shipped():
    return load_questionnaire(SHIPPED)


@pytest.fixture
def request_context(app):
    with app.test_request_context("/s/page/1", method="POST"):
        yield


def choices(form, name):
    return [(value, label) for value, label, *_ in form[name].iter_choices()]


def post(questionnaire, data, dimension=0):
    formdata = MultiDict(data)
    form = make_page_form(questionnaire, questionnaire.dimensions[dimension],
                          formdata=formdata)
    return form, form.validate()


# --- the form's shape ------------------------------------------------------------------

@pytest.mark.usefixtures("request_context")
def test_one_field_per_item_named_after_its_id(small):
    cls = page_form_class(small, small.dimensions[0])
    assert cls.item_fields == ("q_one.agree", "q_one.often", "q_one.rubric", "q_one.note",
                               "q_one.short")
    form = cls()
    for item in small.dimensions[0].items:
        assert field_name(item) == FIELD_PREFIX + item.id
        assert form[field_name(item)].label.text == item.text.get("en")


@pytest.mark.usefixtures("request_context")
def test_a_likert_item_offers_its_scale_and_dont_know(small):
    form = page_form_class(small, small.dimensions[0])()
    assert choices(form, "q_one.agree") == [
        ("1", "Strongly disagree"), ("2", "Disagree"), ("3", "Neutral"), ("4", "Agree"),
        ("5", "Strongly agree"), ("dk", "Cannot say")]
    assert form["q_one.agree"].type == "SingleChoiceField"


@pytest.mark.usefixtures("request_context")
def test_dont_know_is_offered_only_where_the_scale_allows_it(small):
    form = page_form_class(small, small.dimensions[0])()
    assert choices(form, "q_one.often") == [
        ("1", "Never"), ("2", "Rarely"), ("3", "Sometimes"), ("4", "Often"), ("5", "Always")]
    assert "dk" not in [value for value, _ in choices(form, "q_one.rubric")]


@pytest.mark.usefixtures("request_context")
def test_rubric_anchors_are_the_labels(small):
    form = page_form_class(small, small.dimensions[0])()
    assert choices(form, "q_one.rubric") == [
        ("1", '1. Level <one> & "first"'), ("2", "2. Level two"), ("3", "3. Level three"),
        ("4", "4. Level four"), ("5", "5. Level five")]


@pytest.mark.usefixtures("request_context")
def test_rubric_anchor_labels_are_escaped_when_rendered(small):
    form = page_form_class(small, small.dimensions[0])()
    html = "".join(str(option.label()) for option in form["q_one.rubric"])
    assert "Level &lt;one&gt; &amp; &#34;first&#34;" in html
    assert "<one>" not in html


@pytest.mark.usefixtures("request_context")
def test_text_items_are_text_areas_with_their_length_limit(small):
    form = page_form_class(small, small.dimensions[0])()
    assert form["q_one.short"].type == "SingleTextAreaField"
    assert form["q_one.short"].render_kw["maxlength"] == "10"
    assert form["q_one.note"].render_kw["maxlength"] == "2000"  # the default limit


@pytest.mark.usefixtures("request_context")
def test_the_shipped_questionnaire_builds_every_page(shipped):
    assert len(shipped.dimensions) == 9
    for dimension in shipped.dimensions:
        form = page_form_class(shipped, dimension)()
        for item in dimension.items:
            values = [value for value, _ in choices(form, field_name(item))] \
                if item.type != "text" else None
            if item.type == "likert":
                assert values == ["1", "2", "3", "4", "5", "dk"]
            elif item.type == "rubric":
                assert values == ["1", "2", "3", "4", "5"]
                labels = [label for _, label in choices(form, field_name(item))]
                assert labels == [f"{n}. {anchor.get('en')}"
                                  for n, anchor in enumerate(item.anchors, start=1)]
            else:
                assert item.type == "text"
                assert form[field_name(item)].render_kw["maxlength"] == "1000"


@pytest.mark.usefixtures("request_context")
def test_each_page_gets_a_class_of_its_own(small, shipped):
    first = page_form_class(shipped, shipped.dimensions[0])
    second = page_form_class(shipped, shipped.dimensions[1])
    assert first is not second
    assert not set(first.item_fields) & set(second.item_fields)
    assert page_form_class(small, small.dimensions[0]).__name__ == "Page_one"


# --- validation ------------------------------------------------------------------------

@pytest.mark.usefixtures("request_context")
def test_a_complete_valid_page_validates(small):
    form, valid = post(small, {"q_one.agree": "dk", "q_one.often": "5", "q_one.rubric": "1",
                               "q_one.note": "ok", "q_one.short": "0123456789"})
    assert valid, form.errors
    assert form["q_one.agree"].data == "dk"
    assert form["q_one.often"].data == "5"


@pytest.mark.usefixtures("request_context")
def test_an_empty_page_validates_as_unanswered(small):
    form, valid = post(small, {})
    assert valid, form.errors
    assert form["q_one.agree"].data is None


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("value", ["dk", "6", "0", "", " ", "NaN", "inf", "1e309", "1_0",
                                   "\uff15", "\u0663", "Never", "5.0"])
def test_values_outside_an_items_choices_are_invalid(small, value):
    form, valid = post(small, {"q_one.often": value, "q_one.agree": "3"})
    assert not valid
    assert form["q_one.often"].errors == [INVALID_CHOICE]
    assert form["q_one.agree"].errors == []


@pytest.mark.usefixtures("request_context")
def test_a_value_sent_twice_is_invalid(small):
    form, valid = post(small, [("q_one.agree", "1"), ("q_one.agree", "1")])
    assert not valid
    assert "more than one answer" in form["q_one.agree"].errors[0]
    assert form["q_one.agree"].data is None


@pytest.mark.usefixtures("request_context")
def test_a_text_sent_twice_is_invalid(small):
    form, valid = post(small, [("q_one.note", "a"), ("q_one.note", "b")])
    assert not valid
    assert "more than one answer" in form["q_one.note"].errors[0]


@pytest.mark.usefixtures("request_context")
def test_a_text_over_its_limit_is_invalid(small):
    form, valid = post(small, {"q_one.short": "x" * 11})
    assert not valid
    assert form["q_one.short"].errors == [
        "Please shorten this answer to at most 10 characters."]


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("text", ["a\x00b", "\x07", "\x1f", "\x0b\x0c", "\x1c\x1d\x1e",
                                  "\x85", "\x7f", "\x9f"])
def test_control_characters_are_invalid_in_text(small, text):
    form, valid = post(small, {"q_one.note": text})
    assert not valid
    assert "control character" in form["q_one.note"].errors[0]


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("text", ["tab\there", "line\r\nbreak", "\n", "e\u0301\u200d\U0001f600"])
def test_tabs_line_breaks_and_unicode_are_fine_in_text(small, text):
    form, valid = post(small, {"q_one.note": text})
    assert valid, form.errors
    assert form["q_one.note"].data == text


@pytest.mark.usefixtures("request_context")
def test_unknown_question_fields_are_a_page_error(small):
    form, valid = post(small, {"q_one.agree": "2", "q_two.other": "1", "nav": "next",
                               "unrelated": "ignored"})
    assert not valid
    assert len(form.form_errors) == 1
    assert "not on it" in form.form_errors[0]
    assert form["q_one.agree"].errors == []


@pytest.mark.usefixtures("request_context")
def test_fields_of_another_page_are_unknown_here(shipped):
    form, valid = post(shipped, {"q_delivery.baseline": "3"}, dimension=0)
    assert not valid
    assert form.form_errors


@pytest.mark.usefixtures("request_context")
def test_a_form_built_from_saved_data_shows_it(small):
    form = make_page_form(small, small.dimensions[0],
                          data={"q_one.agree": "4", "q_one.note": "saved"})
    assert form["q_one.agree"].data == "4"
    assert form.meta.formdata_keys is None
    checked = [str(option) for option in form["q_one.agree"] if option.checked]
    assert len(checked) == 1
    assert 'value="4"' in checked[0]


# --- the welcome form ------------------------------------------------------------------

@pytest.mark.parametrize(("role", "valid"), [(None, True), ("0", True), ("1", True),
                                             ("2", False), ("", False), (" ", False),
                                             ("member", False)])
def test_the_role_is_optional_but_must_be_one_of_the_roles(app, role, valid):
    data = {} if role is None else {"role": role}
    with app.test_request_context("/s/start", method="POST", data=data):
        form = StartForm()
        form.role.choices = [("0", "member"), ("1", "lead")]
        assert form.validate() is valid
