"""The coach home: organisations, campaigns and team links, escaped and scoped to the coach."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess.models import CampaignStatus
from assess.services.accounts import create_coach
from tests.coach.conftest import PASSWORD, Workspace, make_workspace

HOSTILE_ORG = '<script>alert("org")</script> Corp'
HOSTILE_CAMPAIGN = "</h3><script>alert('wave')</script>"
HOSTILE_TEAM = '"><img src=x onerror=alert(1)>'
PLAIN_TEAM = "Platform & Tools"


def signed_in(app: Flask, workspace: Workspace) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data=workspace.login).status_code == 302
    return client


def home(client: FlaskClient) -> str:
    response = client.get("/coach/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def acme(app: Flask) -> Workspace:
    return make_workspace(app, "acme.coach@example.org", "Acme", "Acme wave 1",
                          ["Apollo", "Artemis"])


@pytest.fixture
def globex(app: Flask) -> Workspace:
    return make_workspace(app, "globex.coach@example.org", "Globex", "Globex wave 1",
                          ["Gemini"])


@pytest.fixture
def hostile(app: Flask) -> Workspace:
    return make_workspace(app, "hostile@example.org", HOSTILE_ORG, HOSTILE_CAMPAIGN,
                          [HOSTILE_TEAM, PLAIN_TEAM])


# --- what the coach sees ---------------------------------------------------------------------

def test_home_lists_campaign_teams_links_and_counts(app: Flask, acme: Workspace) -> None:
    page = home(signed_in(app, acme))
    assert "<h1>Your organisations</h1>" in page
    assert "Acme" in page
    assert "Acme wave 1" in page
    for team in ("Apollo", "Artemis"):
        row = re.search(rf"<th scope=\"row\">{team}</th>\s*<td>(\d+)</td>\s*<td>(\d+)", page)
        assert row is not None
        assert row.groups() == ("0", "0")
        assert f"http://localhost/s/{acme.tokens[team]}" in page
    assert "(results need 5)" in page
    assert "0 completed responses" in page
    assert "Demo data" not in page


def test_coach_without_organisation_is_told_how_to_get_one(app: Flask) -> None:
    with app.app_context():
        create_coach("lonely@example.org", "Temporary", PASSWORD)
        from sqlalchemy import delete

        from assess.extensions import db
        from assess.models import Membership

        db.session.execute(delete(Membership))
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "lonely@example.org", "password": PASSWORD})
    page = home(client)
    assert "You have no organisation yet." in page
    assert "Temporary" not in page


def test_closed_campaign_shows_no_links_and_no_link_buttons(app: Flask) -> None:
    closed = make_workspace(app, "closed@example.org", "Initech", "Old wave", ["Ops"],
                            status=CampaignStatus.CLOSED)
    page = home(signed_in(app, closed))
    assert closed.tokens["Ops"] not in page
    assert "Revoke" not in page
    assert "New link" not in page


# --- escaping --------------------------------------------------------------------------------

def test_names_with_markup_are_escaped_everywhere_on_the_home(app: Flask,
                                                            hostile: Workspace) -> None:
    page = home(signed_in(app, hostile))
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(&#34;org&#34;)&lt;/script&gt; Corp" in page
    assert "&lt;/h3&gt;&lt;script&gt;alert(&#39;wave&#39;)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Platform &amp; Tools" in page
    # Inside attributes too (the buttons' accessible names carry the team name).
    assert 'aria-label="New link for &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page


def test_flash_message_with_a_hostile_team_name_is_escaped(app: Flask,
                                                           hostile: Workspace) -> None:
    client = signed_in(app, hostile)
    team_id = hostile.team_ids[HOSTILE_TEAM]
    response = client.post(f"/coach/campaigns/{hostile.campaign_id}/teams/{team_id}/link",
                           data={"action": "regenerate"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "has a new link; the old one no longer works." in page
    assert "<img" not in page


# --- managing links --------------------------------------------------------------------------

def link_action(client: FlaskClient, workspace: Workspace, team: str, action: str):
    return client.post(
        f"/coach/campaigns/{workspace.campaign_id}/teams/{workspace.team_ids[team]}/link",
        data={"action": action})


def test_new_link_replaces_the_old_one(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    response = link_action(client, acme, "Apollo", "regenerate")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/coach/#campaign-{acme.campaign_id}"
    page = home(client)
    assert acme.tokens["Apollo"] not in page
    assert acme.tokens["Artemis"] in page  # the other team keeps its link
    assert app.test_client().get(f"/s/{acme.tokens['Apollo']}").status_code == 404
    new_token = re.search(r"<th scope=\"row\">Apollo</th>.*?/s/([\w-]+)", page, re.S)
    assert new_token is not None
    assert app.test_client().get(f"/s/{new_token.group(1)}").status_code == 302


def test_revoked_link_stops_working(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    assert link_action(client, acme, "Artemis", "revoke").status_code == 302
    page = home(client)
    assert "Artemis&#39;s link was revoked." in page
    assert acme.tokens["Artemis"] not in page
    assert re.search(r"<th scope=\"row\">Artemis</th>.*?revoked", page, re.S)
    assert app.test_client().get(f"/s/{acme.tokens['Artemis']}").status_code == 404


@pytest.mark.parametrize("action", ["", "delete", "regenerate&action=revoke"])
def test_unknown_link_action_is_refused(app: Flask, acme: Workspace, action: str) -> None:
    client = signed_in(app, acme)
    assert link_action(client, acme, "Apollo", action).status_code == 400
    assert app.test_client().get(f"/s/{acme.tokens['Apollo']}").status_code == 302


def test_link_actions_need_sign_in(app: Flask, acme: Workspace) -> None:
    response = link_action(app.test_client(), acme, "Apollo", "revoke")
    assert response.status_code == 404  # an address with an id says nothing to a visitor
    assert app.test_client().get(f"/s/{acme.tokens['Apollo']}").status_code == 302


def test_link_actions_are_post_only(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    url = f"/coach/campaigns/{acme.campaign_id}/teams/{acme.team_ids['Apollo']}/link"
    assert client.get(url).status_code == 405


# --- each coach sees only their organisations ------------------------------------------------

def test_a_coach_sees_only_their_own_organisations(app: Flask, acme: Workspace,
                                                   globex: Workspace) -> None:
    acme_page = home(signed_in(app, acme))
    globex_page = home(signed_in(app, globex))

    assert "Globex" in globex_page
    assert "Gemini" in globex_page
    for secret in ("Acme", "Acme wave 1", "Apollo", "Artemis", *acme.tokens.values()):
        assert secret not in globex_page
    for secret in ("Globex", "Globex wave 1", "Gemini", *globex.tokens.values()):
        assert secret not in acme_page


def test_another_coach_cannot_touch_the_links(app: Flask, acme: Workspace,
                                              globex: Workspace) -> None:
    intruder = signed_in(app, globex)
    for action in ("regenerate", "revoke"):
        response = link_action(intruder, acme, "Apollo", action)
        assert response.status_code == 404
    assert app.test_client().get(f"/s/{acme.tokens['Apollo']}").status_code == 302
    assert acme.tokens["Apollo"] in home(signed_in(app, acme))


def test_not_yours_and_does_not_exist_answer_alike(app: Flask, acme: Workspace,
                                                   globex: Workspace) -> None:
    intruder = signed_in(app, globex)
    theirs = intruder.post(
        f"/coach/campaigns/{acme.campaign_id}/teams/{acme.team_ids['Apollo']}/link",
        data={"action": "revoke"})
    missing = intruder.post("/coach/campaigns/99999/teams/99999/link",
                            data={"action": "revoke"})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_data() == missing.get_data()


def test_a_team_of_another_campaign_is_not_found(app: Flask, acme: Workspace,
                                                 globex: Workspace) -> None:
    client = signed_in(app, globex)
    url = (f"/coach/campaigns/{globex.campaign_id}/teams/{acme.team_ids['Apollo']}/link")
    assert client.post(url, data={"action": "revoke"}).status_code == 404
    assert app.test_client().get(f"/s/{acme.tokens['Apollo']}").status_code == 302


@pytest.mark.usefixtures("globex")
def test_a_coach_of_two_organisations_sees_both(app: Flask, acme: Workspace) -> None:
    with app.app_context():
        create_coach(acme.email, "Globex", "ignored password")
    page = home(signed_in(app, acme))
    assert "Acme wave 1" in page
    assert "Globex wave 1" in page
    assert page.index("Acme") < page.index("Globex")  # organisations in name order
