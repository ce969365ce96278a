"""The coach's set-up pages: teams, campaigns, the campaign page, link confirmations and
invitation sheets. Who may see what (a matrix of every route and every kind of visitor),
that GET changes nothing, and what the pages say."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from assess.extensions import db
from assess.models import Campaign, CampaignStatus, Organisation, Team, TeamLink
from assess.services import links, setup
from tests.coach.conftest import Workspace, make_workspace
from tests.survey.survey_support import database_snapshot, parse_html

HOSTILE_TEAM = '"><img src=x onerror=alert(1)>'
RTL_TEAM = "\u05e6\u05d5\u05d5\u05ea \u05e4\u05dc\u05d8\u05e4\u05d5\u05e8\u05de\u05d4"


@dataclass(frozen=True)
class Ids:
    org: int
    campaign: int
    team: int


def signed_in(app: Flask, workspace: Workspace) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data=workspace.login).status_code == 302
    return client


def same_page(a: TestResponse, b: TestResponse) -> bool:
    """The same body, apart from the sign-out form's CSRF token (its signature carries the
    second it was made)."""
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    return token.sub("", a.get_data(as_text=True)) == token.sub("", b.get_data(as_text=True))


def ids_of(app: Flask, workspace: Workspace, team: str) -> Ids:
    with app.app_context():
        org = db.session.scalar(select(Organisation.id).where(
            Organisation.name == workspace.organisation))
        assert org is not None
    return Ids(org, workspace.campaign_id, workspace.team_ids[team])


@pytest.fixture
def acme(app: Flask) -> Workspace:
    return make_workspace(app, "acme.coach@example.org", "Acme", "Acme wave 1",
                          ["Apollo", "Artemis"])


@pytest.fixture
def globex(app: Flask) -> Workspace:
    return make_workspace(app, "globex.coach@example.org", "Globex", "Globex wave 1",
                          ["Gemini"])


def get_routes(i: Ids) -> list[str]:
    c, t = i.campaign, i.team
    return [f"/coach/organisations/{i.org}/teams", f"/coach/organisations/{i.org}/teams/new",
            f"/coach/teams/{t}/edit", f"/coach/organisations/{i.org}/campaigns/new",
            f"/coach/campaigns/{c}", f"/coach/campaigns/{c}/edit", f"/coach/campaigns/{c}/close",
            f"/coach/campaigns/{c}/teams/{t}/link/regenerate",
            f"/coach/campaigns/{c}/teams/{t}/link/revoke?back=campaign",
            f"/coach/campaigns/{c}/teams/{t}/invitation"]


def post_routes(i: Ids) -> list[tuple[str, dict[str, object]]]:
    c, t = i.campaign, i.team
    return [
        (f"/coach/organisations/{i.org}/teams/new", {"name": "Intruder team"}),
        (f"/coach/teams/{t}/edit", {"name": "Renamed", "parent": "", "headcount": "3"}),
        (f"/coach/organisations/{i.org}/campaigns/new", {"name": "Intruder wave",
                                                         "questionnaire": "1"}),
        (f"/coach/campaigns/{c}/edit", {"name": "Renamed wave", "questionnaire": "1"}),
        (f"/coach/campaigns/{c}/teams", {"teams": str(t)}),
        (f"/coach/campaigns/{c}/open", {}),
        (f"/coach/campaigns/{c}/close", {}),
        (f"/coach/campaigns/{c}/teams/{t}/link", {"action": "revoke"}),
    ]


# --- who may see and do what -----------------------------------------------------------------

def test_the_owner_sees_every_page_and_get_changes_nothing(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    before = database_snapshot(app)
    for url in get_routes(ids_of(app, acme, "Apollo")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"].startswith("text/html")
    assert database_snapshot(app) == before


def test_another_organisations_coach_gets_404_everywhere_and_changes_nothing(
        app: Flask, acme: Workspace, globex: Workspace) -> None:
    intruder = signed_in(app, globex)
    mine = ids_of(app, acme, "Apollo")
    missing = Ids(99_999, 99_999, 99_999)
    before = database_snapshot(app)
    for theirs_url, missing_url in zip(get_routes(mine), get_routes(missing), strict=True):
        theirs, nothing = intruder.get(theirs_url), intruder.get(missing_url)
        assert theirs.status_code == nothing.status_code == 404, theirs_url
        assert same_page(theirs, nothing)  # no existence oracle
    for (url, data), (missing_url, _) in zip(post_routes(mine), post_routes(missing),
                                             strict=True):
        theirs, nothing = intruder.post(url, data=data), intruder.post(missing_url, data=data)
        assert theirs.status_code == nothing.status_code == 404, url
        assert same_page(theirs, nothing)
    # A team of their own organisation as parent or campaign team: still not found.
    own = ids_of(app, globex, "Gemini")
    assert intruder.post(f"/coach/campaigns/{mine.campaign}/teams",
                         data={"teams": str(own.team)}).status_code == 404
    assert database_snapshot(app) == before


@pytest.mark.parametrize("visitor", ["anonymous", "respondent"])
def test_anonymous_visitors_and_respondents_get_404(app: Flask, acme: Workspace,
                                                    visitor: str) -> None:
    client = app.test_client()
    if visitor == "respondent":  # holds a survey session, which gives no coach rights
        assert client.get(f"/s/{acme.tokens['Apollo']}").status_code == 302
    before = database_snapshot(app)
    i = ids_of(app, acme, "Apollo")
    for url in get_routes(i):
        assert client.get(url).status_code == 404, url
    for url, data in post_routes(i):
        assert client.post(url, data=data).status_code == 404, url
    assert database_snapshot(app) == before


def test_a_team_of_another_organisation_is_not_found_in_my_campaign(
        app: Flask, acme: Workspace, globex: Workspace) -> None:
    client = signed_in(app, acme)
    c = acme.campaign_id
    other = globex.team_ids["Gemini"]
    for url in (f"/coach/campaigns/{c}/teams/{other}/invitation",
                f"/coach/campaigns/{c}/teams/{other}/link/revoke",
                f"/coach/teams/{other}/edit"):
        assert client.get(url).status_code == 404, url


# --- teams -----------------------------------------------------------------------------------

def test_a_team_is_added_through_the_form(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    i = ids_of(app, acme, "Apollo")
    response = client.post(f"/coach/organisations/{i.org}/teams/new",
                           data={"name": "  Gemini ", "parent": str(i.team), "headcount": "9"})
    assert response.status_code == 302
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "Gemini"))
        assert team is not None
        assert (team.parent_id, team.headcount) == (i.team, 9)
    assert response.headers["Location"] == f"/coach/organisations/{i.org}/teams#team-{team.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Team Gemini was added." in page
    assert re.search(r"<bdi>Gemini</bdi></th>\s*<td><bdi>Apollo</bdi></td>\s*"
                     r"<td class=\"num\">9</td>", page)


@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "Give the team a name."),
    ({"name": "x" * 10_000}, "longer than 200 characters"),
    ({"name": "Ops\u202e"}, "control characters"),
    ({"name": "Apollo"}, "already has a team named"),
    ({"name": "Gemini", "headcount": "0"}, "from 1 to 100,000"),
    ({"name": "Gemini", "headcount": "\uff11\uff12"}, "from 1 to 100,000"),
    ({"name": "Gemini", "headcount": "100001"}, "from 1 to 100,000"),
    ({"name": "Gemini", "parent": "99999"}, "Not a valid choice"),
])
def test_a_wrong_team_is_shown_with_its_error_and_nothing_stored(
        app: Flask, acme: Workspace, data: dict[str, str], message: str) -> None:
    client = signed_in(app, acme)
    i = ids_of(app, acme, "Apollo")
    before = database_snapshot(app)
    response = client.post(f"/coach/organisations/{i.org}/teams/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Please check the form" in page
    assert message in page
    assert 'aria-invalid="true"' in page
    assert database_snapshot(app) == before


def test_a_parent_cycle_is_refused_on_the_edit_form(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    i = ids_of(app, acme, "Apollo")
    artemis = acme.team_ids["Artemis"]
    assert client.post(f"/coach/teams/{artemis}/edit",
                       data={"name": "Artemis", "parent": str(i.team)}).status_code == 302
    before = database_snapshot(app)
    response = client.post(f"/coach/teams/{i.team}/edit",
                           data={"name": "Apollo", "parent": str(artemis)})
    assert response.status_code == 200
    assert "cannot be inside itself" in response.get_data(as_text=True)
    assert database_snapshot(app) == before
    # A team is not offered as its own parent.
    form = parse_html(client.get(f"/coach/teams/{i.team}/edit"))
    values = [o.attrs.get("value") for o in form.find_all("option")]
    assert str(i.team) not in values


# --- campaigns -------------------------------------------------------------------------------

def _version_id(app: Flask, key: str = "pmo-apo-maturity") -> int:
    from assess.services.questionnaires import latest_version

    with app.app_context():
        return latest_version(key).id


def test_a_campaign_is_created_opened_and_given_teams(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    i = ids_of(app, acme, "Apollo")
    page = client.get(f"/coach/organisations/{i.org}/campaigns/new").get_data(as_text=True)
    assert "pmo-apo-maturity, version 1" in page
    assert 'type="date"' in page
    response = client.post(f"/coach/organisations/{i.org}/campaigns/new", data={
        "name": "Wave 2", "questionnaire": str(_version_id(app)), "teams": [str(i.team)],
        "opens": "2026-01-05", "closes": "2099-01-31", "min_n": "6",
        "interim_results": "y", "previous": "none"})
    assert response.status_code == 302
    with app.app_context():
        wave = db.session.scalar(select(Campaign).where(Campaign.name == "Wave 2"))
        assert wave is not None
        assert (wave.status, wave.min_n, wave.interim_results) == ("draft", 6, True)
        assert [link.team_id for link in wave.team_links] == [i.team]
        wave_id = wave.id
    assert response.headers["Location"] == f"/coach/campaigns/{wave_id}"
    page = client.get(f"/coach/campaigns/{wave_id}").get_data(as_text=True)
    assert "Campaign Wave 2 was created as a draft." in page
    assert "from 2026-01-05" in page
    assert "to the end of 2099-01-31" in page
    assert "results for groups of at least 6" in page

    token = parse_html(page)  # the open form carries its CSRF token field
    assert token.find("form", action=f"/coach/campaigns/{wave_id}/open") is not None
    opened = client.post(f"/coach/campaigns/{wave_id}/open")
    assert opened.status_code == 302
    added = client.post(f"/coach/campaigns/{wave_id}/teams",
                        data={"teams": [str(acme.team_ids["Artemis"])]})
    assert added.status_code == 302
    assert added.headers["Location"] == f"/coach/campaigns/{wave_id}#teams"
    with app.app_context():
        wave = db.session.get(Campaign, wave_id)
        assert wave is not None
        assert wave.status == CampaignStatus.OPEN
        assert {lk.team.name for lk in wave.team_links} == {"Apollo", "Artemis"}
        assert all(links.current_token(lk) for lk in wave.team_links)


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Give the campaign a name."),
    ({"name": "Acme wave 1"}, "already has a campaign named"),
    ({"closes": "2099-02-30"}, "not a date in the calendar"),
    ({"opens": "2090-05-02", "closes": "2090-05-01"}, "must be after the opening date"),
    ({"min_n": "2"}, "from 5 to 1,000"),
    ({"min_n": "\u0665"}, "from 5 to 1,000"),
    ({"questionnaire": "99999"}, "Not a valid choice"),
    ({"teams": ["99999"]}, "is not a valid choice for this field"),
    ({"previous": "99999"}, "Not a valid choice"),
])
def test_a_wrong_campaign_is_shown_with_its_error_and_nothing_stored(
        app: Flask, acme: Workspace, changes: dict[str, object], message: str) -> None:
    client = signed_in(app, acme)
    i = ids_of(app, acme, "Apollo")
    data: dict[str, object] = {"name": "Wave 2", "questionnaire": str(_version_id(app)),
                               "previous": "latest"}
    data.update(changes)
    before = database_snapshot(app)
    response = client.post(f"/coach/organisations/{i.org}/campaigns/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Please check the form" in page
    assert database_snapshot(app) == before


def test_closing_asks_first_and_is_final(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    c = acme.campaign_id
    confirm = client.get(f"/coach/campaigns/{c}/close").get_data(as_text=True)
    assert "Closing is final" in confirm
    assert client.post(f"/coach/campaigns/{c}/close").status_code == 302
    with app.app_context():
        assert db.session.get(Campaign, c).status == CampaignStatus.CLOSED
    before = database_snapshot(app)
    assert client.get(f"/coach/campaigns/{c}/close").status_code == 409
    assert client.post(f"/coach/campaigns/{c}/open").status_code == 302  # refused, flashed
    page = client.get(f"/coach/campaigns/{c}").get_data(as_text=True)
    assert "cannot open again" in page
    assert client.get(f"/coach/campaigns/{c}/edit").status_code == 409
    assert database_snapshot(app) == before


# --- links: confirmation, landing back, closed campaigns -------------------------------------

@pytest.mark.parametrize("action", ["regenerate", "revoke"])
def test_link_actions_ask_first_and_land_back_on_the_team_row(app: Flask, acme: Workspace,
                                                              action: str) -> None:
    client = signed_in(app, acme)
    c, t = acme.campaign_id, acme.team_ids["Apollo"]
    before = database_snapshot(app)
    page = client.get(f"/coach/campaigns/{c}").get_data(as_text=True)
    confirm_url = f"/coach/campaigns/{c}/teams/{t}/link/{action}?back=campaign"
    assert confirm_url.replace("&", "&amp;") in page or confirm_url in page
    confirm = client.get(confirm_url).get_data(as_text=True)
    assert "continue with their resume code" in confirm
    assert database_snapshot(app) == before  # asking changes nothing
    form = parse_html(confirm).find("form", action=f"/coach/campaigns/{c}/teams/{t}/link")
    assert form is not None
    done = client.post(f"/coach/campaigns/{c}/teams/{t}/link",
                       data={"action": action, "back": "campaign"})
    assert done.status_code == 302
    assert done.headers["Location"] == f"/coach/campaigns/{c}#team-{t}"
    assert app.test_client().get(f"/s/{acme.tokens['Apollo']}").status_code == 404
    assert app.test_client().get(f"/s/{acme.tokens['Artemis']}").status_code == 302


@pytest.mark.parametrize("action", ["regenerate", "revoke"])
def test_the_home_buttons_ask_first(app: Flask, acme: Workspace, action: str) -> None:
    client = signed_in(app, acme)
    c, t = acme.campaign_id, acme.team_ids["Apollo"]
    home = parse_html(client.get("/coach/"))
    form = home.find("form", action=f"/coach/campaigns/{c}/teams/{t}/link")
    assert form is not None
    step = form.find("input", name="step")
    assert step is not None
    assert step.attrs.get("value") == "ask"
    before = database_snapshot(app)
    asked = client.post(f"/coach/campaigns/{c}/teams/{t}/link",
                        data={"action": action, "step": "ask"})
    assert asked.status_code == 303
    assert asked.headers["Location"] == f"/coach/campaigns/{c}/teams/{t}/link/{action}?back=home"
    assert database_snapshot(app) == before
    assert app.test_client().get(f"/s/{acme.tokens['Apollo']}").status_code == 302


def test_links_of_a_closed_campaign_cannot_change(app: Flask) -> None:
    closed = make_workspace(app, "closed@example.org", "Initech", "Old wave", ["Ops"],
                            status=CampaignStatus.CLOSED)
    client = signed_in(app, closed)
    c, t = closed.campaign_id, closed.team_ids["Ops"]
    before = database_snapshot(app)
    for action in ("regenerate", "revoke"):
        assert client.get(f"/coach/campaigns/{c}/teams/{t}/link/{action}").status_code == 409
        assert client.post(f"/coach/campaigns/{c}/teams/{t}/link",
                           data={"action": action}).status_code == 409
    assert client.get(f"/coach/campaigns/{c}/teams/{t}/invitation").status_code == 404
    page = client.get(f"/coach/campaigns/{c}").get_data(as_text=True)
    assert closed.tokens["Ops"] not in page
    assert "/link/revoke" not in page
    assert database_snapshot(app) == before


# --- participation and the invitation sheet --------------------------------------------------

def test_participation_per_team_with_rates_and_totals(app: Flask, acme: Workspace) -> None:
    with app.app_context():
        team = db.session.get(Team, acme.team_ids["Apollo"])
        assert team is not None
        setup.update_team(team, "Apollo", parent_id=None, headcount="8")
    page = signed_in(app, acme).get(f"/coach/campaigns/{acme.campaign_id}").get_data(
        as_text=True)
    assert re.search(r"<bdi>Apollo</bdi></th>\s*<td class=\"num\">0</td>\s*"
                     r"<td class=\"num\">0 <span class=\"note\">\(results need 5\)</span></td>\s*"
                     r"<td class=\"num\">0&nbsp;% <span class=\"note\">of 8</span>", page)
    assert re.search(r"<bdi>Artemis</bdi></th>.*?headcount unknown", page, re.S)
    assert "headcount unknown for 1 team" in page  # the organisation's total
    assert f'id="team-{acme.team_ids["Apollo"]}"' in page


def test_the_invitation_sheet(app: Flask, acme: Workspace) -> None:
    client = signed_in(app, acme)
    c, t = acme.campaign_id, acme.team_ids["Apollo"]
    page = client.get(f"/coach/campaigns/{c}/teams/{t}/invitation").get_data(as_text=True)
    assert f"http://localhost/s/{acme.tokens['Apollo']}" in page
    svg = re.search(r"<svg[^>]*>", page)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert "style=" not in page  # the CSP forbids inline styles
    assert "<title>QR code of the survey link for Apollo</title>" in page
    assert "Transformation readiness" in page or "readiness" in page.lower()
    assert "about 5 minutes" in page
    assert "groups of at least 5 people" in page
    assert "at least 10 people answered" in page
    assert "to the end of" in page
    assert "/static/coach.js" in page


def test_hostile_names_appear_literally_on_every_page(app: Flask) -> None:
    hostile = make_workspace(app, "hostile@example.org", "<b>Org</b>", "</h1><script>x()</script>",
                             [HOSTILE_TEAM, RTL_TEAM, "y" * 200])
    client = signed_in(app, hostile)
    i = ids_of(app, hostile, HOSTILE_TEAM)
    for url in [*get_routes(i), "/coach/"]:
        page = client.get(url).get_data(as_text=True)
        assert "<img" not in page, url
        assert "<script>x()" not in page, url
        assert "<b>Org</b>" not in page, url
    page = client.get(f"/coach/campaigns/{i.campaign}").get_data(as_text=True)
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert f"<bdi>{RTL_TEAM}</bdi>" in page
    assert "&lt;/h1&gt;&lt;script&gt;x()&lt;/script&gt;" in page


def test_a_draft_campaigns_page_says_its_links_do_not_work_yet(app: Flask) -> None:
    draft = make_workspace(app, "draft@example.org", "Draftco", "Draft wave", ["Ops"],
                           status=CampaignStatus.DRAFT)
    page = signed_in(app, draft).get(f"/coach/campaigns/{draft.campaign_id}").get_data(
        as_text=True)
    assert "This campaign is a draft" in page
    assert "Open campaign" in page
    with app.app_context():
        assert db.session.scalar(select(TeamLink.id)) is not None
