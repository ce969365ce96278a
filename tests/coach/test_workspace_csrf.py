"""CSRF on the set-up forms: every POST without this browser's token is refused with 400 and
changes nothing; the token of the rendered page is accepted."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from assess.extensions import db
from assess.models import Campaign, CampaignStatus, Organisation, Team
from tests.coach.conftest import Workspace, make_workspace
from tests.coach.test_coach_csrf import CSRF_REFUSAL, sign_in, token_in
from tests.survey.survey_support import database_snapshot, parse_html


@pytest.fixture
def draft(csrf_app: Flask) -> Workspace:
    return make_workspace(csrf_app, "acme.coach@example.org", "Acme", "Acme wave 1",
                          ["Apollo", "Artemis"], status=CampaignStatus.DRAFT)


def _posts(app: Flask, w: Workspace) -> list[tuple[str, dict[str, object]]]:
    with app.app_context():
        org = db.session.scalar(select(Organisation.id).where(Organisation.name == "Acme"))
        extra = Team(organisation_id=org, name="Gemini")
        db.session.add(extra)
        db.session.commit()
        extra_id = extra.id
    c, t = w.campaign_id, w.team_ids["Apollo"]
    return [
        (f"/coach/organisations/{org}/teams/new", {"name": "New team"}),
        (f"/coach/teams/{t}/edit", {"name": "Renamed"}),
        (f"/coach/organisations/{org}/campaigns/new", {"name": "Wave 2", "questionnaire": "1",
                                                       "previous": "none"}),
        (f"/coach/campaigns/{c}/edit", {"name": "Renamed", "questionnaire": "1",
                                        "previous": "none"}),
        (f"/coach/campaigns/{c}/teams", {"teams": str(extra_id)}),
        (f"/coach/campaigns/{c}/open", {}),
        (f"/coach/campaigns/{c}/teams/{t}/link", {"action": "revoke", "back": "campaign"}),
        (f"/coach/campaigns/{c}/close", {}),
    ]


@pytest.mark.parametrize("token", [None, "", "not-a-csrf-token"], ids=["none", "empty", "bad"])
def test_every_set_up_post_needs_the_token(csrf_app: Flask, draft: Workspace,
                                           token: str | None) -> None:
    client = sign_in(csrf_app, draft)
    posts = _posts(csrf_app, draft)
    before = database_snapshot(csrf_app)
    for url, data in posts:
        sent = dict(data) if token is None else {**data, "csrf_token": token}
        response = client.post(url, data=sent)
        assert response.status_code == 400, url
        if token is None:
            assert CSRF_REFUSAL in response.get_data(as_text=True)
    assert database_snapshot(csrf_app) == before


def test_the_rendered_pages_tokens_are_accepted(csrf_app: Flask, draft: Workspace) -> None:
    client = sign_in(csrf_app, draft)
    posts = _posts(csrf_app, draft)
    page = parse_html(client.get(f"/coach/campaigns/{draft.campaign_id}"))
    form = page.find("form", action=f"/coach/campaigns/{draft.campaign_id}/open")
    assert form is not None
    token = token_in(form)
    for url, data in posts:
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 302, (url, response.get_data(as_text=True)[:500])
    with csrf_app.app_context():
        names = set(db.session.scalars(select(Campaign.name)))
        assert names == {"Renamed", "Wave 2"}
        renamed = db.session.scalar(select(Campaign).where(Campaign.name == "Renamed"))
        assert renamed is not None
        assert renamed.status == CampaignStatus.CLOSED
