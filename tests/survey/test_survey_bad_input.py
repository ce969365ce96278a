"""Bad input on questionnaire pages: refused with a message, nothing invalid stored, nothing
else lost.

Every case first saves page 1 validly, then posts the page again with new answers to the
other questions and one bad field. The other answers must be saved, the bad field must keep
its earlier answer, and the page must say what went wrong.
"""

from __future__ import annotations

import math

import pytest
from markupsafe import escape

from tests.survey.survey_support import checked_value, field, parse_html

LIKERT = "standards.documented-method"
RUBRIC = "standards.rubric"
COMMENT = "standards.comment"
OTHER_PAGE_ITEM = "delivery.baseline"

INVALID_CHOICE = "Please choose one of the answers shown."
TWICE = "more than one answer"

BAD_VALUES = [
    pytest.param("6", id="above-scale"),
    pytest.param("0", id="below-scale"),
    pytest.param("-1", id="negative"),
    pytest.param("abc", id="non-numeric"),
    pytest.param("", id="empty"),
    pytest.param(" ", id="blank"),
    pytest.param("NaN", id="nan"),
    pytest.param("inf", id="inf"),
    pytest.param("-inf", id="minus-inf"),
    pytest.param("1e309", id="overflowing-float"),
    pytest.param("1_0", id="underscore-literal"),
    pytest.param("4.0", id="decimal"),
    pytest.param("+4", id="plus-sign"),
    pytest.param(" 4", id="leading-space"),
    pytest.param("04", id="leading-zero"),
    pytest.param("\uff15", id="full-width-five"),
    pytest.param("\u0663", id="arabic-indic-three"),
    pytest.param("Agree", id="label-instead-of-value"),
    pytest.param("4\x00", id="nul-suffix"),
]


@pytest.fixture
def page_one_saved(respondent):
    """Page 1 saved with valid answers and a comment; the respondent is on page 2."""
    data = respondent.page_data(1, {field(COMMENT): "First comment"})
    assert respondent.post_page(1, data).status_code == 302
    assert respondent.answers() == respondent.expected(1)
    assert respondent.row()["page"] == 1
    return respondent


def changed_page_one(respondent, **bad):
    """Page 1 with every other question answered differently, and the given bad fields."""
    data = {}
    for item in respondent.dimension(1).items:
        if item.type == "text":
            data[field(item)] = "Second comment"
        else:
            data[field(item)] = "2"
    data.update({field(name.replace("__", ".")): value for name, value in bad.items()})
    return data


def expected_after_change(respondent, *, kept):
    """Stored answers after ``changed_page_one``: "2" everywhere except the kept items."""
    before = respondent.expected(1)
    return {item_id: (before[item_id] if item_id in kept else 2) for item_id in before}


def assert_all_valid(respondent):
    """What is stored is only ever a value of its item's scale or "don't know"."""
    definition = respondent.definition
    for item_id, value in respondent.answers().items():
        item = definition.item(item_id)
        if item.type == "rubric":
            assert value in range(1, len(item.anchors) + 1)
        else:
            scale = definition.scales[item.scale]
            assert value in scale.values or (scale.dont_know and value == "dk")
        assert not isinstance(value, float) or math.isfinite(value)


def error_of(document, name):
    """The error message shown for one field."""
    element = document.find("p", id=f"{name}-error")
    return None if element is None else element.text


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_value_outside_a_likert_scale_is_refused_and_the_rest_of_the_page_saved(
        page_one_saved, value):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{LIKERT: value}))

    assert result.status_code == 400
    document = parse_html(result)
    assert error_of(document, field(LIKERT)) == INVALID_CHOICE
    assert "could not be saved" in result.get_data(as_text=True)
    assert respondent.answers() == expected_after_change(respondent, kept={LIKERT})
    assert respondent.texts()[COMMENT] == "Second comment"
    assert respondent.row()["page"] == 1  # an invalid page does not move the respondent on
    assert_all_valid(respondent)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_value_outside_the_rubric_levels_is_refused(page_one_saved, value):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{RUBRIC: value}))

    assert result.status_code == 400
    assert error_of(parse_html(result), field(RUBRIC)) == INVALID_CHOICE
    assert respondent.answers() == expected_after_change(respondent, kept={RUBRIC})
    assert_all_valid(respondent)


def test_dont_know_is_not_an_answer_to_the_rubric(page_one_saved):
    # "dk" is an option of the likert items, but the rubric offers no "don't know".
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{RUBRIC: "dk"}))

    assert result.status_code == 400
    assert error_of(parse_html(result), field(RUBRIC)) == INVALID_CHOICE
    assert respondent.answers()[RUBRIC] == 3
    assert_all_valid(respondent)


def test_dont_know_is_stored_where_the_scale_offers_it(page_one_saved):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{LIKERT: "dk"}))

    assert result.status_code == 302
    assert respondent.answers()[LIKERT] == "dk"


def test_bad_values_are_reported_field_by_field_in_one_post(page_one_saved):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(
        respondent, **{LIKERT: "NaN", RUBRIC: "\uff13", "standards__community": "1e309"}))

    assert result.status_code == 400
    document = parse_html(result)
    for name in (LIKERT, RUBRIC, "standards.community"):
        assert error_of(document, field(name)) == INVALID_CHOICE
    assert respondent.answers() == expected_after_change(
        respondent, kept={LIKERT, RUBRIC, "standards.community"})


def test_an_unknown_item_id_is_refused_with_a_page_message(page_one_saved):
    respondent = page_one_saved
    data = changed_page_one(respondent)
    data["q_nope.item"] = "3"
    result = respondent.post_page(1, data)

    assert result.status_code == 400
    assert "questions that are not on it" in result.get_data(as_text=True)
    assert respondent.answers() == expected_after_change(respondent, kept=set())
    assert set(respondent.texts()) == {COMMENT}
    assert_all_valid(respondent)


def test_an_item_of_another_page_cannot_be_answered_from_this_page(page_one_saved):
    respondent = page_one_saved
    data = changed_page_one(respondent)
    data[field(OTHER_PAGE_ITEM)] = "5"
    result = respondent.post_page(1, data)

    assert result.status_code == 400
    assert "questions that are not on it" in result.get_data(as_text=True)
    assert OTHER_PAGE_ITEM not in respondent.answers()
    assert respondent.answers() == expected_after_change(respondent, kept=set())


def test_unknown_item_ids_in_an_autosave_are_reported(page_one_saved):
    respondent = page_one_saved
    data = changed_page_one(respondent)
    data["q_nope.item"] = "3"
    result = respondent.post_page(1, data, autosave=True)

    assert result.status_code == 400
    body = result.get_json()
    assert body["saved"] is True
    assert "_page" in body["errors"]
    assert respondent.answers() == expected_after_change(respondent, kept=set())


@pytest.mark.parametrize("values", [["1", "2"], ["4", "4"], ["2", "6"], ["", ""]],
                         ids=["different", "same", "one-invalid", "empty"])
def test_one_radio_group_sent_twice_is_refused(page_one_saved, values):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{LIKERT: values}))

    assert result.status_code == 400
    assert TWICE in error_of(parse_html(result), field(LIKERT))
    assert respondent.answers() == expected_after_change(respondent, kept={LIKERT})


def test_a_comment_sent_twice_is_refused(page_one_saved):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{COMMENT: ["one", "two"]}))

    assert result.status_code == 400
    assert TWICE in error_of(parse_html(result), field(COMMENT))
    assert respondent.texts() == {COMMENT: "First comment"}
    assert respondent.answers() == expected_after_change(respondent, kept=set())


def test_a_bad_value_in_an_autosave_answers_json_and_keeps_the_rest(page_one_saved):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{LIKERT: "inf"}),
                                  autosave=True)

    assert result.status_code == 400
    assert result.get_json() == {"saved": True, "errors": {field(LIKERT): [INVALID_CHOICE]}}
    assert respondent.answers() == expected_after_change(respondent, kept={LIKERT})


def test_no_bad_value_reaches_the_database_through_autosave(respondent):
    for value in ("NaN", "inf", "1e309", "-1", "\uff15"):
        data = {field(LIKERT): value, field(RUBRIC): value}
        assert respondent.post_page(1, data, autosave=True).status_code == 400
    assert respondent.answers() == {}
    assert respondent.row()["answered"] == 0


# --- free text -------------------------------------------------------------------------

def test_a_comment_at_the_length_limit_is_stored(page_one_saved):
    respondent = page_one_saved
    text = "x" * 1000
    result = respondent.post_page(1, changed_page_one(respondent, **{COMMENT: text}))

    assert result.status_code == 302
    assert respondent.texts()[COMMENT] == text


@pytest.mark.parametrize("text", ["x" * 1001, "\u00e9" * 1001, "y" * 100_000],
                         ids=["one-over", "accented-one-over", "far-over"])
def test_a_comment_over_the_length_limit_is_refused(page_one_saved, text):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{COMMENT: text}))

    assert result.status_code == 400
    assert error_of(parse_html(result), field(COMMENT)) == (
        "Please shorten this answer to at most 1000 characters.")
    assert respondent.texts() == {COMMENT: "First comment"}
    assert respondent.answers() == expected_after_change(respondent, kept=set())


@pytest.mark.parametrize("text", ["before\x00after", "bell\x07", "escape\x1b[31m", "del\x7f",
                                  "\x0bvertical tab", "\x85next line", "\x1f", "\x0b\x0c",
                                  "\x00"],
                         ids=["nul", "bell", "escape", "delete", "vertical-tab", "c1-nel",
                              "only-unit-separator", "only-vertical-whitespace", "only-nul"])
def test_a_comment_with_control_characters_is_refused(page_one_saved, text):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{COMMENT: text}))

    assert result.status_code == 400
    assert "control character" in error_of(parse_html(result), field(COMMENT))
    assert respondent.texts() == {COMMENT: "First comment"}
    assert respondent.answers() == expected_after_change(respondent, kept=set())


ROUND_TRIP = [
    pytest.param("Grüße aus Köln, naïve café, Ærøskøbing, Straße", id="accents"),
    pytest.param("\u65e5\u672c\u8a9e\u3068\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
                 id="cjk-and-arabic"),
    pytest.param("She said \"no\" and 'maybe' \u2018curly\u2019 \u201cquotes\u201d",
                 id="quotes"),
    pytest.param("<script>alert('x')</script><b>bold</b> &amp; &lt; a < b > c",
                 id="markup"),
    pytest.param("\U0001f389 \U0001f468\u200d\U0001f469\u200d\U0001f467 \u2764\ufe0f",
                 id="emoji"),
    pytest.param("line one\r\nline two\r\n\r\n\tindented", id="crlf-and-tab"),
    pytest.param("e\u0301 versus \u00e9", id="combining-accent"),
    pytest.param("  leading and trailing spaces  ", id="spaces"),
    pytest.param("=SUM(A1:A9) +1 -1 @cmd", id="formula-like"),
    pytest.param("{{ 7*7 }} {% raw %} ${7*7}", id="template-like"),
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_a_comment_round_trips_exactly_and_is_shown_escaped(page_one_saved, text):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{COMMENT: text}))

    assert result.status_code == 302
    assert respondent.texts()[COMMENT] == text

    page = respondent.client.get("/s/page/1")
    html = page.get_data(as_text=True)
    assert str(escape(text)) in html
    textarea = parse_html(html).find("textarea", name=field(COMMENT))
    assert textarea.text == "\r\n" + text  # a text area drops the line break after its tag
    if "<" in text:
        assert "<script>alert" not in html
    if "{{ 7*7 }}" in text:
        assert "49" not in textarea.text


def test_an_emptied_comment_is_removed(page_one_saved):
    respondent = page_one_saved
    assert respondent.post_page(1, changed_page_one(respondent, **{COMMENT: ""})).status_code \
        == 302
    assert respondent.texts() == {}


# --- request size ----------------------------------------------------------------------

def test_an_oversized_body_gets_413_and_changes_nothing(page_one_saved, demo_app):
    respondent = page_one_saved
    limit = demo_app.config["MAX_CONTENT_LENGTH"]
    before = (respondent.answers(), respondent.texts(), respondent.row())
    result = respondent.post_page(1, changed_page_one(respondent, **{COMMENT: "z" * (limit + 1)}))

    assert result.status_code == 413
    assert "larger than Assess accepts" in result.get_data(as_text=True)
    assert (respondent.answers(), respondent.texts(), respondent.row()) == before


def test_an_oversized_autosave_gets_413_and_changes_nothing(page_one_saved, demo_app):
    respondent = page_one_saved
    limit = demo_app.config["MAX_CONTENT_LENGTH"]
    before = (respondent.answers(), respondent.texts())
    result = respondent.post_page(1, {field(COMMENT): "z" * (2 * limit)}, autosave=True)

    assert result.status_code == 413
    assert (respondent.answers(), respondent.texts()) == before


def test_many_unknown_fields_within_the_size_limit_are_refused(page_one_saved):
    respondent = page_one_saved
    data = changed_page_one(respondent)
    data.update({f"q_junk.{i}": "3" for i in range(1500)})  # under MAX_FORM_PARTS
    result = respondent.post_page(1, data)

    assert result.status_code == 400
    assert respondent.answers() == expected_after_change(respondent, kept=set())


def test_more_fields_than_a_form_may_hold_get_413_and_change_nothing(page_one_saved):
    respondent = page_one_saved
    data = changed_page_one(respondent)
    data.update({f"q_junk.{i}": "3" for i in range(5000)})  # over MAX_FORM_PARTS
    result = respondent.post_page(1, data)

    assert result.status_code == 413
    assert "Nothing was changed" in result.get_data(as_text=True)
    # Refused before the form is read: what was saved before stays, untouched.
    assert respondent.answers() == respondent.expected(1)


# --- the page shows what was refused ---------------------------------------------------

def test_a_refused_page_shows_the_valid_answers_just_sent(page_one_saved):
    respondent = page_one_saved
    result = respondent.post_page(1, changed_page_one(respondent, **{LIKERT: "7"}))

    document = parse_html(result)
    assert checked_value(document, field(RUBRIC)) == "2"
    assert checked_value(document, field("standards.community")) == "2"
    assert checked_value(document, field(LIKERT)) is None
    assert document.find("textarea", name=field(COMMENT)).text.strip() == "Second comment"
