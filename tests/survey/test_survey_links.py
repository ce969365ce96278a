"""Team links, the campaign window, anonymity at rest and read-only GETs."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text

from assess.extensions import db
from assess.models import Response, TeamLink, TextAnswer, utcnow
from assess.services import links
from assess.services.lookup import campaign_by_ref, team_in_campaign
from tests.survey.survey_support import (
    CAMPAIGN,
    TEAM,
    database_snapshot,
    field,
    row_counts,
    set_campaign_window,
    team_link_path,
)

# --- invalid links ---------------------------------------------------------------------

MALFORMED = [
    "unknown",
    "A" * 32,                                  # the right length, never issued
    "a" * 31,
    "a" * 33,
    "x" * 4000,                                # far too long
    "%00" * 11,
    "..%5C..%5Cetc%5Cpasswd",
    "<script>alert(1)<%5Cscript>",
    "%F0%9F%8E%89" * 8,                         # emoji
    "' OR 1=1 --",
]


def invalid_answer(app, path):
    result = app.test_client().get(path)
    return result.status_code, result.get_data()


def test_every_unknown_or_malformed_token_gets_the_same_answer(demo_app, link):
    reference = invalid_answer(demo_app, "/s/" + "B" * 32)
    assert reference[0] == 404
    assert b"This link is not valid" in reference[1]
    for token in MALFORMED:
        assert invalid_answer(demo_app, "/s/" + token) == reference, token
    # A valid token with one character changed.
    token = link.rsplit("/", 1)[1]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert invalid_answer(demo_app, "/s/" + changed) == reference


def test_a_revoked_link_gets_the_same_answer_as_an_unknown_one(demo_app, link):
    reference = invalid_answer(demo_app, "/s/" + "B" * 32)
    with demo_app.app_context():
        campaign = campaign_by_ref(CAMPAIGN)
        links.revoke_team(campaign, team_in_campaign(campaign, TEAM))
    assert team_link_path(demo_app) is None
    assert invalid_answer(demo_app, link) == reference


def test_a_regenerated_links_old_token_gets_the_same_answer(demo_app, link):
    reference = invalid_answer(demo_app, "/s/" + "B" * 32)
    with demo_app.app_context():
        campaign = campaign_by_ref(CAMPAIGN)
        links.regenerate(campaign, team_in_campaign(campaign, TEAM))
    new = team_link_path(demo_app)
    assert new != link
    assert invalid_answer(demo_app, link) == reference
    assert demo_app.test_client().get(new).status_code == 302


def test_revoking_the_link_stops_a_respondent_who_already_opened_it(respondent, demo_app):
    respondent.answer_pages(1)
    reference = invalid_answer(demo_app, "/s/" + "B" * 32)
    with demo_app.app_context():
        campaign = campaign_by_ref(CAMPAIGN)
        links.revoke_team(campaign, team_in_campaign(campaign, TEAM))

    code = respondent.resume_code
    for result in (respondent.client.get("/s/page/2"), respondent.post_page(2),
                   respondent.client.get("/s/")):
        # The same answer as for an unknown link, plus, for this browser only, its own
        # resume code and what it is for: the draft carries over to a new team link.
        assert result.status_code == reference[0]
        page = result.get_data(as_text=True)
        assert page.replace(_resume_note(code), "") == reference[1].decode()
        assert _resume_note(code) in page
    assert respondent.answers() == respondent.expected(1)


def _resume_note(code: str) -> str:
    from assess.services.survey import format_code

    return ('<p class="resume-note">Your answers so far are kept. When your team has a new '
            "link, open it and enter your resume code "
            f'<strong class="code">{format_code(code)}</strong> on its first page to continue '
            "where you were.</p>\n")


def test_a_regenerated_link_tells_a_started_respondent_how_to_continue(respondent, demo_app):
    respondent.answer_pages(2)
    code = respondent.resume_code
    with demo_app.app_context():
        campaign = campaign_by_ref(CAMPAIGN)
        links.regenerate(campaign, team_in_campaign(campaign, TEAM))
    stopped = respondent.client.get("/s/page/3")
    assert stopped.status_code == 404
    assert _resume_note(code) in stopped.get_data(as_text=True)
    # A browser that never started sees nothing of the kind.
    fresh = demo_app.test_client().get("/s/page/3").get_data(as_text=True)
    assert "resume code" not in fresh


def test_an_invalid_token_does_not_unbind_the_browser(respondent):
    respondent.answer_pages(1)
    assert respondent.client.get("/s/" + "C" * 32).status_code == 404
    assert respondent.client.get("/s/").headers["Location"] == "/s/page/2"


# --- the campaign window ---------------------------------------------------------------

def close_window(app):
    set_campaign_window(app, closes_at=utcnow() - dt.timedelta(minutes=1))


def test_nothing_is_written_once_the_window_has_closed(respondent, demo_app):
    respondent.answer_pages(8)
    snapshot = database_snapshot(demo_app)
    close_window(demo_app)
    after_close = database_snapshot(demo_app)

    page = respondent.post_page(9)
    assert page.status_code == 403
    assert "This assessment is closed" in page.get_data(as_text=True)
    autosave = respondent.post_page(9, autosave=True)
    assert autosave.status_code == 403
    assert autosave.get_json()["saved"] is False
    back = respondent.post_page(1, respondent.page_data(1, {
        field("standards.rubric"): "1"}))
    assert back.status_code == 403
    assert respondent.client.get("/s/page/9").status_code == 403
    assert respondent.client.get("/s/").status_code == 403
    assert respondent.review().status_code == 403
    assert respondent.submit().status_code == 403

    assert database_snapshot(demo_app) == after_close
    assert after_close["response"] == snapshot["response"]


def test_a_completed_page_set_cannot_be_submitted_after_the_window_closed(respondent,
                                                                        demo_app):
    respondent.answer_pages()
    close_window(demo_app)
    before = database_snapshot(demo_app)
    result = respondent.submit()
    assert result.status_code == 403
    assert "This assessment is closed" in result.get_data(as_text=True)
    assert respondent.review().status_code == 403
    assert database_snapshot(demo_app) == before


def test_no_draft_can_be_started_outside_the_window(new_respondent, demo_app):
    close_window(demo_app)
    before = database_snapshot(demo_app)
    person = new_respondent(started=False)
    assert person.open().status_code == 302
    welcome = person.client.get("/s/")
    assert welcome.status_code == 403
    assert "This assessment is closed" in welcome.get_data(as_text=True)
    assert person.start().status_code == 403
    assert database_snapshot(demo_app) == before


def test_no_draft_can_be_started_before_the_window_opens(new_respondent, demo_app):
    set_campaign_window(demo_app, opens_at=utcnow() + dt.timedelta(days=1))
    before = database_snapshot(demo_app)
    person = new_respondent(started=False)
    person.open()
    welcome = person.client.get("/s/")
    assert welcome.status_code == 403
    assert "has not opened yet" in welcome.get_data(as_text=True)
    assert person.start().status_code == 403
    assert database_snapshot(demo_app) == before


# --- GET never changes anything --------------------------------------------------------

def survey_urls(link):
    return [link, "/s/", *(f"/s/page/{n}" for n in range(0, 11)), "/s/review",
            "/s/thanks", "/s/" + "D" * 32, "/s/start", "/s/submit", "/s/resume"]


def assert_gets_change_nothing(app, client, link):
    before_counts = row_counts(app)
    before = database_snapshot(app)
    for url in survey_urls(link):
        status = client.get(url).status_code
        assert status in (200, 302, 403, 404, 405), (url, status)
    assert row_counts(app) == before_counts
    assert database_snapshot(app) == before


def test_get_changes_nothing_before_start(demo_app, link):
    assert_gets_change_nothing(demo_app, demo_app.test_client(), link)


def test_get_changes_nothing_during_a_draft(respondent, demo_app, link):
    respondent.answer_pages(3)
    assert_gets_change_nothing(demo_app, respondent.client, link)


def test_get_changes_nothing_at_review_and_after_submit(respondent, demo_app, link):
    respondent.answer_pages()
    assert_gets_change_nothing(demo_app, respondent.client, link)
    respondent.submit()
    assert_gets_change_nothing(demo_app, respondent.client, link)


def test_get_changes_nothing_after_the_window_closed(respondent, demo_app, link):
    respondent.answer_pages(2)
    close_window(demo_app)
    assert_gets_change_nothing(demo_app, respondent.client, link)


# --- anonymity at rest -----------------------------------------------------------------

USER_AGENT = "Mozilla/5.0 (UniqueTestAgent 8f3a1c)"
FORWARDED = "203.0.113.77"


@pytest.fixture
def identified_respondent(new_respondent):
    """A respondent whose browser sends a distinctive user agent and forwarded address."""
    person = new_respondent(started=False)
    person.client.environ_base.update({
        "HTTP_USER_AGENT": USER_AGENT, "REMOTE_ADDR": "198.51.100.23",
        "HTTP_X_FORWARDED_FOR": FORWARDED, "HTTP_X_REAL_IP": FORWARDED,
    })
    assert person.open().status_code == 302
    assert person.start().status_code == 302
    for number in range(1, person.pages + 1):
        person.post_page(number, person.page_data(number, {
            field(person.dimension(number).text_items[0]): f"Comment on page {number}"}))
    assert person.submit().status_code == 302
    return person


@pytest.mark.usefixtures("identified_respondent")
def test_no_ip_user_agent_or_token_is_stored_anywhere(demo_app, link):
    token = link.rsplit("/", 1)[1]
    needles = ["198.51.100.23", FORWARDED, "UniqueTestAgent", token]
    dump = repr(database_snapshot(demo_app))
    for needle in needles:
        assert needle not in dump, needle
    # Also the raw bytes of the database file(s), in case a column is not mapped.
    path = demo_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with demo_app.app_context():
        db.session.execute(text("PRAGMA wal_checkpoint(FULL)"))
    raw = Path(path).read_bytes()
    for needle in needles:
        assert needle.encode() not in raw, needle


def test_the_response_keeps_dates_not_times(identified_respondent, demo_app):
    row = identified_respondent.row()
    for name in ("started_on", "updated_on", "completed_on"):
        assert type(row[name]) is dt.date, name
    with demo_app.app_context():
        raw = db.session.execute(text(
            "SELECT started_on, updated_on, completed_on FROM response WHERE uid = :uid"),
            {"uid": identified_respondent.uid}).one()
    for value in raw:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value


def test_the_response_row_holds_only_what_the_model_promises(identified_respondent,
                                                             demo_app):
    row = identified_respondent.row()
    assert set(row) == {
        "id", "uid", "campaign_id", "team_id", "questionnaire_version_id", "role", "status",
        "browser_key_hash", "resume_code_hash", "submit_key", "page", "values", "answered",
        "started_on", "updated_on", "completed_on", "in_results"}
    # The secrets kept by the browser are stored only as keyed hashes.
    state = identified_respondent.session_state()
    assert state["proof"] not in repr(row)
    assert state["code"] not in repr(row)
    assert re.fullmatch(r"[0-9a-f]{64}", row["browser_key_hash"])
    assert re.fullmatch(r"[0-9a-f]{64}", row["resume_code_hash"])
    with demo_app.app_context():
        texts = db.session.scalars(select(TextAnswer).where(
            TextAnswer.response_id == row["id"])).all()
        assert {column.key for column in TextAnswer.__table__.columns} == {
            "id", "response_id", "item_id", "text"}
        assert len(texts) == 9


def test_the_team_link_token_is_in_no_column(demo_app, link):
    token = link.rsplit("/", 1)[1]
    with demo_app.app_context():
        for row in db.session.scalars(select(TeamLink)):
            for column in TeamLink.__table__.columns:
                assert token not in str(getattr(row, column.key))


def test_response_uids_are_random_hex_not_sequential(new_respondent):
    uids = [new_respondent().uid for _ in range(8)]
    assert len(set(uids)) == 8
    for uid in uids:
        assert re.fullmatch(r"[0-9a-f]{32}", uid)
    numbers = [int(uid, 16) for uid in uids]
    assert numbers != sorted(numbers)
    assert numbers != sorted(numbers, reverse=True)
    assert all(abs(b - a) > 2 ** 64 for a, b in itertools.pairwise(numbers))


def test_the_session_holds_no_token_and_no_answers(respondent, link):
    respondent.answer_pages(2)
    state = respondent.session_state()
    # the token's hash binds the browser to the token it opened (a regenerated link ends it);
    # the start nonce makes a double Start one draft
    assert set(state) == {"hash", "start", "uid", "proof", "code"}
    with respondent.client.session_transaction() as session:
        assert link.rsplit("/", 1)[1] not in repr(dict(session))


def test_drafts_of_the_same_team_are_not_told_apart_by_the_server(new_respondent, demo_app):
    first, second = new_respondent(), new_respondent()
    with demo_app.app_context():
        rows = db.session.scalars(select(Response).where(
            Response.uid.in_([first.uid, second.uid]))).all()
        assert {row.team_id for row in rows} == {rows[0].team_id}
        assert {row.started_on for row in rows} == {rows[0].started_on}


def test_a_bad_address_does_not_talk_of_new_links_while_the_own_one_works(respondent):
    respondent.answer_pages(1)
    page = respondent.client.get("/s/" + "B" * 32).get_data(as_text=True)
    assert "This link is not valid" in page
    assert "resume code" not in page.split("<footer")[0]
