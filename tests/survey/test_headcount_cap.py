"""A team link takes at most as many completed responses as the team has members, when its
headcount is known: nobody holding the link can stuff it past the team's size to read a small
team's answers by subtraction. The respondent refused at the cap keeps every answer."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Campaign, Response, ResponseStatus, Team
from tests.survey.survey_support import CAMPAIGN, TEAM, Respondent, parse_html


def completed(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Response).join(Team, Team.id == Response.team_id)
            .join(Campaign, Campaign.id == Response.campaign_id)
            .where(Team.name == TEAM, Campaign.name == CAMPAIGN,
                   Response.status == ResponseStatus.COMPLETE)) or 0


def set_headcount(app: Flask, headcount: int | None) -> None:
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == TEAM))
        assert team is not None
        team.headcount = headcount
        db.session.commit()


def ready_to_submit(new_respondent) -> Respondent:
    person: Respondent = new_respondent()
    person.answer_pages()
    return person


def test_a_full_team_link_refuses_the_submit_and_keeps_the_answers(demo_app: Flask,
                                                                    new_respondent) -> None:
    set_headcount(demo_app, completed(demo_app))
    person = ready_to_submit(new_respondent)
    before = person.answers()
    refused = person.submit()
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "as many completed responses as the team has members" in page
    assert "Your answers are kept" in page
    assert parse_html(refused).find("form", action="/s/submit") is not None  # still the review
    assert person.row()["status"] == ResponseStatus.DRAFT
    assert person.answers() == before


def test_raising_the_headcount_lets_the_kept_answers_through(demo_app: Flask,
                                                             new_respondent) -> None:
    count = completed(demo_app)
    set_headcount(demo_app, count)
    person = ready_to_submit(new_respondent)
    assert person.submit().status_code == 409
    set_headcount(demo_app, count + 1)
    assert person.submit().status_code == 302
    assert completed(demo_app) == count + 1
    # Now full again: the next one is refused.
    assert ready_to_submit(new_respondent).submit().status_code == 409
    assert completed(demo_app) == count + 1


def test_without_a_headcount_there_is_no_cap(demo_app: Flask, new_respondent) -> None:
    set_headcount(demo_app, None)
    count = completed(demo_app)
    for _ in range(3):
        assert ready_to_submit(new_respondent).submit().status_code == 302
    assert completed(demo_app) == count + 3


def test_the_welcome_page_of_a_full_team_says_so(demo_app: Flask, new_respondent) -> None:
    set_headcount(demo_app, completed(demo_app))
    person: Respondent = new_respondent(started=False)
    opened = person.open()
    page = person.client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "as many completed responses as the team has members" in page
