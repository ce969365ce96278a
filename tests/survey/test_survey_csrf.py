"""CSRF on the survey forms: an expired token costs the respondent nothing but a second click.

The survey blueprint validates its own tokens (it is exempt from the global check), so a
page posted with an expired or missing token comes back with the answers still filled in and
a fresh token, and stores nothing from that post.
"""

from __future__ import annotations

import time

import flask_wtf.csrf
import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from tests.survey.survey_support import (
    Respondent,
    checked_value,
    database_snapshot,
    field,
    parse_html,
    team_link_path,
)

EXPIRED_NOTICE = "its security token expired"


class TwoHoursAgoSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 2 * 3600


class TwoHoursAgoSerializer(URLSafeTimedSerializer):
    """Signs CSRF tokens as if the page had been loaded two hours ago."""

    default_signer = TwoHoursAgoSigner


def csrf_token_of(response):
    element = parse_html(response).find("input", name="csrf_token")
    assert element is not None
    return element.attrs["value"]


@pytest.fixture
def csrf_respondent(csrf_demo_app, link):
    """A respondent on an app with CSRF protection on, started through the real forms."""
    person = Respondent(csrf_demo_app, csrf_demo_app.test_client(), link)
    assert person.open().status_code == 302
    welcome = person.client.get("/s/")
    token = csrf_token_of(welcome)
    assert person.client.post("/s/start", data={}).status_code == 400  # no token: refused
    assert person.client.post("/s/start", data={"csrf_token": token}).status_code == 302
    return person


def post_with_token(person, number, data, token, **kwargs):
    body = dict(data)
    if token is not None:
        body["csrf_token"] = token
    return person.post_page(number, body, **kwargs)


@pytest.fixture
def link(csrf_demo_app):
    """The team link, read from the CSRF-protected app's own database copy."""
    return team_link_path(csrf_demo_app)


def answers_with_choices(person):
    return person.page_data(1, {
        field("standards.documented-method"): "2",
        field("standards.rubric"): "5",
        field("standards.comment"): "Kept <despite> the \"expired\" token",
    })


@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 500],
                         ids=["missing", "empty", "garbage", "oversized"])
def test_a_page_without_a_valid_token_comes_back_filled_in(csrf_respondent, csrf_demo_app,
                                                           token):
    person = csrf_respondent
    before = database_snapshot(csrf_demo_app)
    data = answers_with_choices(person)
    result = post_with_token(person, 1, data, token)

    assert result.status_code == 400
    html = result.get_data(as_text=True)
    assert EXPIRED_NOTICE in html
    document = parse_html(html)
    assert checked_value(document, field("standards.documented-method")) == "2"
    assert checked_value(document, field("standards.rubric")) == "5"
    assert '<input checked id="q_standards.rubric-4"' in html  # the raw HTML, not only a parse
    textarea = document.find("textarea", name=field("standards.comment"))
    assert textarea.text.strip() == data[field("standards.comment")]
    fresh = csrf_token_of(result)
    assert fresh

    assert database_snapshot(csrf_demo_app) == before
    assert person.answers() == {}

    # Sending the page again with the fresh token saves it.
    again = post_with_token(person, 1, data, fresh)
    assert again.status_code == 302
    assert person.answers() == person.expected(1, **{"standards.documented-method": 2,
                                                     "standards.rubric": 5})
    assert person.texts() == {"standards.comment": data[field("standards.comment")]}


def test_an_expired_token_is_treated_like_a_missing_one(csrf_respondent, csrf_demo_app,
                                                        monkeypatch):
    person = csrf_respondent
    with monkeypatch.context() as patch:  # the page was loaded two hours ago
        patch.setattr(flask_wtf.csrf, "URLSafeTimedSerializer", TwoHoursAgoSerializer)
        old = csrf_token_of(person.client.get("/s/page/1"))
    before = database_snapshot(csrf_demo_app)

    result = post_with_token(person, 1, answers_with_choices(person), old)
    assert result.status_code == 400
    assert EXPIRED_NOTICE in result.get_data(as_text=True)
    assert checked_value(parse_html(result), field("standards.rubric")) == "5"
    assert database_snapshot(csrf_demo_app) == before

    # It was refused for its age alone: without a time limit the same token is accepted.
    csrf_demo_app.config["WTF_CSRF_TIME_LIMIT"] = None
    assert post_with_token(person, 1, answers_with_choices(person), old).status_code == 302


def test_an_autosave_without_a_valid_token_stores_nothing(csrf_respondent, csrf_demo_app):
    person = csrf_respondent
    before = database_snapshot(csrf_demo_app)
    result = post_with_token(person, 1, answers_with_choices(person), "stale", autosave=True)
    assert result.status_code == 400
    assert result.get_json() == {"saved": False, "reason": "expired"}
    assert database_snapshot(csrf_demo_app) == before


def test_bad_answers_and_an_expired_token_store_nothing(csrf_respondent, csrf_demo_app):
    person = csrf_respondent
    before = database_snapshot(csrf_demo_app)
    data = answers_with_choices(person)
    data[field("standards.community")] = "NaN"
    data["q_nope.item"] = "1"
    result = post_with_token(person, 1, data, None)
    assert result.status_code == 400
    assert database_snapshot(csrf_demo_app) == before


def test_the_whole_journey_works_with_tokens(csrf_respondent):
    person = csrf_respondent
    for number in range(1, person.pages + 1):
        token = csrf_token_of(person.client.get(f"/s/page/{number}"))
        assert post_with_token(person, number, person.page_data(number), token) \
            .status_code == 302
    review = person.review()
    key = parse_html(review).find("input", name="submit_key").attrs["value"]
    assert key == person.submit_key()

    refused = person.client.post("/s/submit", data={"submit_key": key})
    assert refused.status_code == 400
    assert "The form expired; please press Submit once more." in refused.get_data(as_text=True)
    assert person.row()["status"] == "draft"

    done = person.client.post("/s/submit", data={"submit_key": key,
                                                 "csrf_token": csrf_token_of(refused)})
    assert done.status_code == 302
    assert person.row()["status"] == "complete"


def test_resume_needs_a_token_and_does_not_count_it_as_a_guess(csrf_respondent,
                                                                csrf_demo_app, link):
    code = csrf_respondent.resume_code
    other = Respondent(csrf_demo_app, csrf_demo_app.test_client(), link)
    other.open()
    for _ in range(12):
        assert other.client.post("/s/resume", data={"code": "WRONGWRONG00"}).status_code \
            == 400
    token = csrf_token_of(other.client.get("/s/"))
    resumed = other.client.post("/s/resume", data={"code": code, "csrf_token": token})
    assert resumed.status_code == 302
    assert other.uid == csrf_respondent.uid
