"""Opening another team link while a draft is in progress asks before switching away: any
site can make a browser open a team link, and a respondent should never be moved off their
unfinished survey without knowing it."""

from __future__ import annotations

from flask import Flask

from assess.services.links import link_rows
from assess.services.lookup import campaign_by_ref
from tests.survey.survey_support import Respondent, parse_html, team_link_path


def other_link(app: Flask, mine: str) -> str:
    with app.app_context():
        for name in ("Transformation readiness", "Maturity wave 2"):
            for row in link_rows(campaign_by_ref(name)):
                path = str(row["url"])[str(row["url"]).index("/s/"):]
                if path != mine:
                    return path
    raise AssertionError("no other link")


def test_another_link_asks_first_and_keeps_the_draft(demo_app: Flask,
                                                      respondent: Respondent) -> None:
    assert respondent.post_page(1).status_code == 302
    where = respondent.client.get("/s/").headers["Location"]
    foreign = other_link(demo_app, respondent.link)
    asked = respondent.client.get(foreign)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "You have a survey in progress" in page
    assert "Maturity wave 2" in page
    document = parse_html(asked)
    assert document.find("form", action=foreign + "/switch", method="post") is not None
    assert document.find("a", href="/s/") is not None
    # Not switched: the survey in progress is still where it was.
    assert respondent.client.get("/s/").headers["Location"] == where
    assert respondent.answers() == respondent.expected(1)


def test_confirming_switches_and_the_first_draft_still_resumes(demo_app: Flask,
                                                               respondent: Respondent) -> None:
    respondent.post_page(1)
    where = respondent.client.get("/s/").headers["Location"]
    foreign = other_link(demo_app, respondent.link)
    switched = respondent.client.post(foreign + "/switch")
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/s/"
    welcome = respondent.client.get("/s/").get_data(as_text=True)
    assert "You have a survey in progress" not in welcome
    # Back through the first link (it has a draft, the other has none): no question, and the
    # draft continues where it was.
    assert respondent.open().headers["Location"] == "/s/"
    assert respondent.client.get("/s/").headers["Location"] == where


def test_no_draft_no_question(demo_app: Flask, new_respondent) -> None:
    person: Respondent = new_respondent(started=False)
    person.open()
    foreign = other_link(demo_app, person.link)
    assert person.client.get(foreign).status_code == 302


def test_the_same_link_again_never_asks(respondent: Respondent) -> None:
    respondent.post_page(1)
    assert respondent.open().status_code == 302


def test_a_switch_without_the_form_token_changes_nothing(csrf_demo_app: Flask) -> None:
    link = team_link_path(csrf_demo_app)
    assert link is not None
    person = Respondent(csrf_demo_app, csrf_demo_app.test_client(), link)
    person.open()
    token = parse_html(person.client.get("/s/")).find("input", name="csrf_token")
    assert token is not None
    assert person.client.post("/s/start", data={"csrf_token": token.attrs["value"]}
                              ).status_code == 302
    where = person.client.get("/s/").headers["Location"]
    foreign = other_link(csrf_demo_app, link)
    asked = person.client.get(foreign)
    assert asked.status_code == 200
    assert person.client.post(foreign + "/switch").status_code == 400
    assert person.client.get("/s/").headers["Location"] == where
    confirm = parse_html(asked).find("input", name="csrf_token")
    assert confirm is not None
    assert person.client.post(foreign + "/switch", data={"csrf_token": confirm.attrs["value"]}
                              ).status_code == 302


def test_other_survey_addresses_are_not_taken_for_a_switch(respondent: Respondent) -> None:
    # /s/review and /s/thanks are pages of their own, never a link to switch to.
    assert respondent.client.post("/s/review").status_code == 405
    assert respondent.client.post("/s/thanks/switch").status_code == 404
