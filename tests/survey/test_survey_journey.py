"""The respondent journey: link, welcome, pages in order, review, one submit, thanks."""

from __future__ import annotations

import re
import threading

from flask.testing import FlaskClient
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Campaign, Response, ResponseStatus
from assess.services.links import regenerate
from assess.services.lookup import campaign_by_ref, team_in_campaign
from assess.survey.session_store import SESSION_KEY as SURVEY_SESSION_KEY
from tests.survey.survey_support import (
    CAMPAIGN,
    OTHER_TEAM,
    TEAM,
    Respondent,
    field,
    parse_html,
    team_link_path,
)


def team_responses(app, team=TEAM):
    """Responses of the team in the open wave, counted by status."""
    with app.app_context():
        campaign = campaign_by_ref(CAMPAIGN)
        team_id = team_in_campaign(campaign, team).id
        rows = db.session.execute(
            select(Response.status, func.count())
            .where(Response.campaign_id == campaign.id, Response.team_id == team_id)
            .group_by(Response.status)).all()
        return dict(rows)


# --- entry -----------------------------------------------------------------------------

def test_the_link_binds_the_browser_and_leaves_the_url(new_respondent, link):
    respondent = new_respondent(started=False)
    token = link.rsplit("/", 1)[1]

    opened = respondent.open()
    assert opened.status_code == 302
    assert opened.headers["Location"] == "/s/"
    assert token not in opened.headers["Location"]

    welcome = respondent.client.get("/s/")
    assert welcome.status_code == 200
    html = welcome.get_data(as_text=True)
    assert "PMO and Agile Practice Office maturity" in html
    assert "Atlas (portfolio office)" in html
    assert token not in html
    assert token not in repr(respondent.session_state())


def test_start_creates_a_draft_and_goes_to_page_one(new_respondent):
    respondent = new_respondent(started=False)
    respondent.open()
    started = respondent.start()

    assert started.status_code == 302
    assert started.headers["Location"] == "/s/page/1"
    row = respondent.row()
    assert row["status"] == ResponseStatus.DRAFT
    assert row["page"] == 0
    assert row["role"] is None
    assert respondent.answers() == {}


def test_start_records_the_chosen_role(new_respondent):
    respondent = new_respondent(started=False)
    respondent.open()
    assert respondent.start(role="1").status_code == 302
    assert respondent.row()["role"] == "team lead"


def test_an_unknown_role_is_refused_and_no_draft_is_made(new_respondent, demo_app):
    before = team_responses(demo_app)
    for role in ("9", "-1", "team lead", "", " "):
        respondent = new_respondent(started=False)
        respondent.open()
        result = respondent.start(role=role)
        assert result.status_code == 400, role
        assert "Please choose one of the answers shown." in result.get_data(as_text=True)
    assert team_responses(demo_app) == before


def test_a_second_start_continues_the_same_draft(respondent, demo_app):
    uid = respondent.uid
    before = team_responses(demo_app)
    again = respondent.start()
    assert again.status_code == 302
    assert respondent.uid == uid
    assert team_responses(demo_app) == before


def test_welcome_sends_a_started_respondent_to_the_next_page(respondent):
    respondent.answer_pages(2)
    result = respondent.client.get("/s/")
    assert result.status_code == 302
    assert result.headers["Location"] == "/s/page/3"


def test_pages_without_a_session_send_to_the_invalid_link_message(demo_app):
    client = demo_app.test_client()
    for url in ("/s/", "/s/page/1", "/s/review", "/s/thanks"):
        assert client.get(url).status_code == 404
    for url in ("/s/start", "/s/page/1", "/s/submit", "/s/resume"):
        assert client.post(url, data={"code": "X"}).status_code == 404


# --- the whole journey -----------------------------------------------------------------

def test_a_respondent_answers_every_page_reviews_and_submits_once(respondent):
    for number in range(1, respondent.pages + 1):
        page = respondent.client.get(f"/s/page/{number}")
        assert page.status_code == 200
        assert f"Page {number} of 9" in page.get_data(as_text=True)
        saved = respondent.post_page(number)
        assert saved.status_code == 302
        expected = "/s/review" if number == respondent.pages else f"/s/page/{number + 1}"
        assert saved.headers["Location"] == expected

    expected = {}
    for number in range(1, respondent.pages + 1):
        expected.update(respondent.expected(number))
    assert respondent.answers() == expected
    assert respondent.row()["answered"] == len(expected)
    assert respondent.row()["page"] == respondent.pages

    review = respondent.review()
    assert review.status_code == 200
    assert "You answered 54 of 54 questions" in review.get_data(as_text=True)

    done = respondent.submit()
    assert done.status_code == 302
    assert done.headers["Location"] == "/s/thanks"
    assert respondent.row()["status"] == ResponseStatus.COMPLETE
    assert respondent.answers() == expected
    thanks = respondent.client.get("/s/thanks")
    assert thanks.status_code == 200
    assert "Thank you" in thanks.get_data(as_text=True)


def test_back_saves_the_page_and_goes_to_the_previous_one(respondent):
    respondent.answer_pages(1)
    result = respondent.post_page(2, nav="back")
    assert result.status_code == 302
    assert result.headers["Location"] == "/s/page/1"
    assert respondent.answers() == {**respondent.expected(1), **respondent.expected(2)}
    assert respondent.row()["page"] == 2


def test_a_saved_page_shows_its_answers_again(respondent):
    data = respondent.page_data(1, {field("standards.rubric"): "5",
                                    field("standards.comment"): "Noted"})
    respondent.post_page(1, data)
    document = parse_html(respondent.client.get("/s/page/1"))
    checked = {element.attrs["name"]: element.attrs["value"]
               for element in document.find_all("input", type="radio")
               if "checked" in element.attrs}
    assert checked == {name: value for name, value in data.items()
                       if name not in ("q_standards.comment", "nav")}
    assert document.find("textarea").text.strip() == "Noted"


def test_leaving_a_question_out_clears_its_saved_answer(respondent):
    respondent.answer_pages(1)
    data = respondent.page_data(1)
    del data[field("standards.community")]
    assert respondent.post_page(1, data).status_code == 302
    expected = respondent.expected(1)
    del expected["standards.community"]
    assert respondent.answers() == expected


# --- pages in order --------------------------------------------------------------------

def test_a_page_ahead_cannot_be_saved(respondent):
    result = respondent.post_page(3)
    assert result.status_code == 409
    assert "Nothing from it was stored" in result.get_data(as_text=True)
    assert respondent.answers() == {}
    assert respondent.row()["page"] == 0

    respondent.answer_pages(1)
    assert respondent.post_page(3).status_code == 409
    assert respondent.answers() == respondent.expected(1)
    assert respondent.row()["page"] == 1
    assert respondent.post_page(2).status_code == 302


def test_a_page_ahead_cannot_be_autosaved(respondent):
    result = respondent.post_page(2, autosave=True)
    assert result.status_code == 409
    assert result.get_json()["saved"] is False
    assert respondent.answers() == {}


def test_an_autosave_does_not_move_the_respondent_on(respondent):
    result = respondent.post_page(1, autosave=True)
    assert result.status_code == 200
    assert result.get_json() == {"saved": True, "errors": {}}
    assert respondent.answers() == respondent.expected(1)
    assert respondent.row()["page"] == 0
    assert respondent.post_page(2).status_code == 409


def test_opening_a_page_ahead_redirects_to_the_next_page_to_answer(respondent):
    respondent.answer_pages(1)
    result = respondent.client.get("/s/page/5")
    assert result.status_code == 302
    assert result.headers["Location"] == "/s/page/2"


def test_pages_outside_the_questionnaire_are_not_found(respondent):
    respondent.answer_pages()
    assert respondent.client.get("/s/page/0").status_code == 404
    assert respondent.client.get("/s/page/10").status_code == 404
    assert respondent.post_page(10, {}).status_code == 404
    assert respondent.client.get("/s/page/-1").status_code == 404
    for odd in ("\uff11", "\u0661", "01", "1.0", "9" * 40):  # full-width, Arabic-Indic 1, ...
        assert respondent.client.get(f"/s/page/{odd}").status_code == 404, odd


def test_review_and_submit_wait_for_every_page(respondent):
    respondent.answer_pages(8)
    review = respondent.review()
    assert review.status_code == 302
    assert review.headers["Location"] == "/s/page/9"

    submitted = respondent.submit()
    assert submitted.status_code == 302
    assert submitted.headers["Location"] == "/s/page/9"
    assert respondent.row()["status"] == ResponseStatus.DRAFT


# --- review ----------------------------------------------------------------------------

def test_review_lists_the_unanswered_questions_of_each_page(respondent, definition):
    for number in range(1, respondent.pages + 1):
        data = respondent.page_data(number)
        if number == 2:
            del data[field("delivery.baseline")]
            del data[field("delivery.rubric")]
        if number == 9:
            data = {}
        respondent.post_page(number, data)

    document = parse_html(respondent.review())
    entries = document.find("ul", class_="review").find_all("li")
    pages = [entry for entry in entries if entry.find("a") is not None]
    assert len(pages) == 9
    texts = {int(page.find("a").text.split(".")[0]): page.text for page in pages}
    assert "all answered" in texts[1]
    assert "2 unanswered" in texts[2]
    assert definition.item("delivery.baseline").text.get("en") in texts[2]
    assert definition.item("delivery.rubric").text.get("en") in texts[2]
    last = [item for item in definition.dimensions[8].items if item.type != "text"]
    assert f"{len(last)} unanswered" in texts[9]
    for item in last:
        assert item.text.get("en") in texts[9]
    for number in (3, 4, 5, 6, 7, 8):
        assert "all answered" in texts[number]
    total = len(definition.answer_items)
    answered = total - 2 - len(last)
    assert f"You answered {answered} of {total} questions" in document.text
    assert pages[1].find("a").attrs["href"] == "/s/page/2"


# --- start -----------------------------------------------------------------------------

def test_a_double_start_sent_before_either_answers_makes_one_draft(new_respondent, demo_app):
    """Without JavaScript a double click on Start sends two requests with the same cookie;
    both must end on page 1 of the same draft, and "started" must count one respondent."""
    person = new_respondent(started=False)
    assert person.open().status_code == 302
    name = demo_app.config["SESSION_COOKIE_NAME"]
    cookie = person.client.get_cookie(name)
    twin = demo_app.test_client()
    twin.set_cookie(name, cookie.value)
    before = team_responses(demo_app)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def press(label: str, client: FlaskClient) -> None:
        barrier.wait()
        results[label] = client.post("/s/start", data={})

    threads = [threading.Thread(target=press, args=(label, client))
               for label, client in (("first", person.client), ("second", twin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for response in results.values():
        assert response.status_code == 302
        assert response.headers["Location"] == "/s/page/1"
    after = team_responses(demo_app)
    assert after.get(ResponseStatus.DRAFT, 0) == before.get(ResponseStatus.DRAFT, 0) + 1
    # both browsers work on that one draft
    assert person.client.get("/s/page/1").status_code == 200
    assert twin.get("/s/page/1").status_code == 200
    with person.client.session_transaction() as one, twin.session_transaction() as two:
        assert one[SURVEY_SESSION_KEY] == two[SURVEY_SESSION_KEY]


def test_starting_again_after_a_regenerated_link_makes_a_new_draft(demo_app, link):
    """The start nonce belongs to the link the browser opened: a new link, a new draft."""
    person = Respondent(demo_app, demo_app.test_client(), link)
    person.open()
    person.start()
    first_uid = person.uid
    with demo_app.app_context():
        campaign = campaign_by_ref("Maturity wave 2")
        team = team_in_campaign(campaign, TEAM)
        regenerate(campaign, team)
    new_link = team_link_path(demo_app)
    again = Respondent(demo_app, person.client, new_link)
    assert again.open().status_code == 302
    assert again.start().status_code == 302
    assert again.uid != first_uid


# --- submit ----------------------------------------------------------------------------

def test_double_submit_completes_exactly_once(respondent, demo_app):
    respondent.answer_pages()
    key = respondent.submit_key()
    before = team_responses(demo_app)

    first = respondent.submit(key)
    second = respondent.submit(key)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == "/s/thanks"

    after = team_responses(demo_app)
    assert after[ResponseStatus.COMPLETE] == before[ResponseStatus.COMPLETE] + 1
    assert after.get(ResponseStatus.DRAFT, 0) == before.get(ResponseStatus.DRAFT, 0) - 1
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response).where(
            Response.uid == respondent.uid)) == 1


def test_a_submit_with_a_wrong_key_does_not_complete(respondent):
    respondent.answer_pages()
    for key in ("0" * 32, "", "x" * 65, respondent.submit_key().upper() + "0"):
        result = respondent.submit(key)
        assert result.status_code == 400, key
        assert respondent.row()["status"] == ResponseStatus.DRAFT
        assert "press Submit once more" in result.get_data(as_text=True)
    assert respondent.submit().status_code == 302
    assert respondent.row()["status"] == ResponseStatus.COMPLETE


def test_another_responses_key_does_not_complete_this_one(new_respondent):
    first, second = new_respondent(), new_respondent()
    first.answer_pages()
    second.answer_pages()
    assert first.submit(second.submit_key()).status_code == 400
    assert first.row()["status"] == second.row()["status"] == ResponseStatus.DRAFT


def test_nothing_can_be_changed_after_submit(respondent):
    respondent.answer_pages()
    respondent.submit()
    row, texts = respondent.row(), respondent.texts()

    for number in (1, 9):
        page = respondent.post_page(number, respondent.page_data(number, {
            field(respondent.dimension(number).items[0]): "1"}))
        assert "Already answered" in page.get_data(as_text=True)
        assert page.status_code != 302
    autosave = respondent.post_page(1, respondent.page_data(1, {
        field("standards.documented-method"): "1"}), autosave=True)
    assert autosave.status_code == 409
    assert autosave.get_json()["saved"] is False
    again = respondent.submit()
    assert again.status_code == 302
    assert again.headers["Location"] == "/s/thanks"
    assert respondent.start().status_code == 302

    assert respondent.row() == row
    assert respondent.texts() == texts


def test_reopening_the_link_after_submit_says_already_answered(respondent):
    respondent.answer_pages()
    respondent.submit()
    assert respondent.open().headers["Location"] == "/s/"
    welcome = respondent.client.get("/s/")
    assert welcome.status_code == 200
    assert "Already answered" in welcome.get_data(as_text=True)
    for url in ("/s/page/1", "/s/review"):
        assert "Already answered" in respondent.client.get(url).get_data(as_text=True)


def test_a_new_browser_starts_a_new_response(respondent, new_respondent, demo_app):
    respondent.answer_pages()
    respondent.submit()
    before = team_responses(demo_app)

    other = new_respondent()
    assert other.uid != respondent.uid
    assert other.row()["status"] == ResponseStatus.DRAFT
    assert other.answers() == {}
    after = team_responses(demo_app)
    assert after[ResponseStatus.DRAFT] == before.get(ResponseStatus.DRAFT, 0) + 1


def test_a_response_is_tied_to_the_campaigns_questionnaire_version(respondent, demo_app):
    respondent.answer_pages(1)
    row = respondent.row()
    with demo_app.app_context():
        campaign = db.session.get(Campaign, row["campaign_id"])
        assert campaign.name == CAMPAIGN
        assert row["questionnaire_version_id"] == campaign.questionnaire_version_id
        version = campaign.questionnaire_version
        assert (version.key, version.version) == ("pmo-apo-maturity", 1)
    assert len(row["values"]) == len(respondent.definition.answer_items)


# --- resume ----------------------------------------------------------------------------

def resume_code_in(html):
    match = re.search(r'class="code">([0-9A-Z-]+)<', html)
    assert match is not None
    return match.group(1)


def test_the_resume_code_continues_the_same_draft_in_another_browser(
        respondent, new_respondent, demo_app):
    respondent.answer_pages(2)
    code = resume_code_in(respondent.client.get("/s/page/3").get_data(as_text=True))
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    before = team_responses(demo_app)

    other = new_respondent(started=False)
    other.open()
    resumed = other.client.post("/s/resume", data={"code": code})
    assert resumed.status_code == 302
    assert resumed.headers["Location"] == "/s/page/3"
    assert other.uid == respondent.uid

    assert other.post_page(3).status_code == 302
    expected = {**respondent.expected(1), **respondent.expected(2), **respondent.expected(3)}
    assert respondent.answers() == expected
    assert respondent.client.get("/s/").headers["Location"] == "/s/page/4"
    assert team_responses(demo_app) == before


def test_the_resume_code_is_forgiving_about_case_spaces_and_look_alikes(
        respondent, new_respondent):
    code = respondent.resume_code
    typed = " ".join(code[i:i + 4] for i in range(0, 12, 4)).lower().replace("0", "o")
    other = new_respondent(started=False)
    other.open()
    assert other.client.post("/s/resume", data={"code": typed}).status_code == 302
    assert other.uid == respondent.uid


def test_a_wrong_resume_code_is_refused(new_respondent):
    other = new_respondent(started=False)
    other.open()
    result = other.client.post("/s/resume", data={"code": "AAAA-BBBB-CCCC"})
    assert result.status_code == 400
    assert "does not match an unfinished response" in result.get_data(as_text=True)
    assert "uid" not in other.session_state()


def test_a_resume_code_does_not_open_another_teams_draft(respondent, demo_app,
                                                          new_respondent):
    other = new_respondent(started=False, path=team_link_path(demo_app, OTHER_TEAM))
    other.open()
    result = other.client.post("/s/resume", data={"code": respondent.resume_code})
    assert result.status_code == 400
    assert "uid" not in other.session_state()


def test_wrong_resume_codes_are_limited_per_link(respondent, new_respondent, demo_app):
    for attempt in range(10):
        guesser = new_respondent(started=False)  # a new browser each time: the limit is
        guesser.open()                           # per link, not per browser
        result = guesser.client.post("/s/resume", data={"code": f"WRONG{attempt:07d}"})
        assert result.status_code == 400, attempt

    late = new_respondent(started=False)
    late.open()
    blocked = late.client.post("/s/resume", data={"code": respondent.resume_code})
    assert blocked.status_code == 429
    assert "Too many wrong codes" in blocked.get_data(as_text=True)
    assert "uid" not in late.session_state()

    # Another team's link is not affected.
    elsewhere = new_respondent(started=False, path=team_link_path(demo_app, OTHER_TEAM))
    elsewhere.open()
    assert elsewhere.client.post("/s/resume", data={"code": "AAAABBBBCCCC"}).status_code == 400
