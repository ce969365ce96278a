"""Who may read a team page, what a GET changes (nothing), the baseline switch, the items,
and what the page says before results are released."""

from __future__ import annotations

import re

import numpy as np
import pytest
from flask import Flask

from assess import answer_codec
from assess.extensions import db
from assess.models import Campaign, CampaignStatus, Response, ResponseStatus
from assess.services import release
from assess.services.accounts import ADMIN, create_coach
from assess.services.questionnaires import definition_of
from assess.services.results import campaign_result
from tests.coach.conftest import make_workspace
from tests.coach.team_page_support import PASSWORD, TeamSpec, build, shown_values, signed_in
from tests.survey.survey_support import database_snapshot

TEAMS = {"Apollo": TeamSpec([None] * 6), "Artemis": TeamSpec([None] * 7, level=3.6),
         "Hermes": TeamSpec([None] * 5, level=2.4)}


def _same(a: str, b: str) -> bool:
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    return token.sub("", a) == token.sub("", b)


def test_the_owner_reads_it_and_a_get_changes_nothing(app: Flask) -> None:
    built = build(app, TEAMS)
    client = signed_in(app)
    before = database_snapshot(app)
    for team in TEAMS:
        response = client.get(built.url(team))
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
    assert database_snapshot(app) == before


def test_another_organisations_coach_gets_404(app: Flask) -> None:
    built = build(app, TEAMS)
    build(app, {"Gemini": TeamSpec([None] * 5)}, email="globex@example.org",
          organisation="Globex", campaign="Globex wave")
    client = signed_in(app, "globex@example.org")
    before = database_snapshot(app)
    missing = client.get("/coach/campaigns/999999/results/teams/1")
    assert missing.status_code == 404
    for team in TEAMS:
        response = client.get(built.url(team))
        assert response.status_code == 404, team
        assert _same(response.get_data(as_text=True), missing.get_data(as_text=True))
        assert "data-field" not in response.get_data(as_text=True)
    assert database_snapshot(app) == before


@pytest.mark.parametrize("member", [False, True])
def test_an_admin_is_treated_as_on_the_campaign_page(app: Flask, member: bool) -> None:
    built = build(app, TEAMS)
    with app.app_context():
        create_coach("admin@example.org", "Acme" if member else None, PASSWORD, role=ADMIN)
    client = signed_in(app, "admin@example.org")
    campaign_page = client.get(f"/coach/campaigns/{built.campaign_id}").status_code
    before = database_snapshot(app)
    for team in TEAMS:
        assert client.get(built.url(team)).status_code == campaign_page == 200
    assert database_snapshot(app) == before


@pytest.mark.parametrize("visitor", ["anonymous", "respondent"])
def test_anonymous_visitors_and_respondents_get_404(app: Flask, visitor: str) -> None:
    """As on the campaign's own page: 404, the same for a team that exists and one that does
    not (no existence oracle)."""
    built = build(app, TEAMS)
    client = app.test_client()
    if visitor == "respondent":
        open_wave = make_workspace(app, "open@example.org", "Open org", "Open wave", ["Ares"])
        assert client.get(f"/s/{open_wave.tokens['Ares']}").status_code == 302
    before = database_snapshot(app)
    campaign_page = client.get(f"/coach/campaigns/{built.campaign_id}")
    assert campaign_page.status_code == 404
    missing = client.get("/coach/campaigns/999999/results/teams/999999")
    for url in (built.url("Apollo"), built.url("Hermes")):
        response = client.get(url)
        assert response.status_code == 404, url
        assert _same(response.get_data(as_text=True), missing.get_data(as_text=True))
    assert database_snapshot(app) == before


def test_a_team_not_in_the_campaign_is_not_found(app: Flask) -> None:
    built = build(app, TEAMS)
    other = build(app, {"Zeus": TeamSpec([None] * 5)}, campaign="Wave 2", email="coach@example.org")
    client = signed_in(app)
    assert client.get(f"/coach/campaigns/{built.campaign_id}/results/teams/"
                      f"{other.team_ids['Zeus']}").status_code == 404
    assert client.get(f"/coach/campaigns/{built.campaign_id}/results/teams/0").status_code == 404


def test_post_is_not_allowed(app: Flask) -> None:
    built = build(app, TEAMS)
    assert signed_in(app).post(built.url("Apollo")).status_code == 405


# --- baseline switch --------------------------------------------------------------------------

def test_the_baseline_switch(app: Flask) -> None:
    built = build(app, TEAMS)
    client = signed_in(app)
    page = client.get(built.url("Apollo")).get_data(as_text=True)
    assert 'name="baseline"' in page
    assert "This campaign names no baseline" in page
    assert 'data-field="verdict"' not in page
    none = client.get(built.url("Apollo", "baseline=none")).get_data(as_text=True)
    assert "No percentile or verdict: no baseline is selected." in none
    wave = client.get(built.url("Apollo", "baseline=wave")).get_data(as_text=True)
    # two other teams are too few for percentiles: the page says why
    assert "No percentile or verdict against the organisation&#39;s other teams" in wave
    assert 'data-field="percentile"' not in wave
    for bad in ("nonsense", "stored-99999", "x" * 100):
        assert client.get(built.url("Apollo", f"baseline={bad}")).status_code == 404


def test_a_stored_baseline_gives_percentiles_and_verdicts_equal_to_the_engines(
        demo_app: Flask) -> None:
    from tests.coach.test_team_page import _check_page_against_result, _demo_client

    client = _demo_client(demo_app)
    with demo_app.app_context():
        wave = db.session.query(Campaign).filter_by(name="Maturity wave 2").one()
        wave.status = CampaignStatus.CLOSED
        db.session.commit()
        release.results_state(wave)
        key = f"stored-{wave.baseline_id}"
        result = campaign_result(wave)
        team_id, name = wave.team_links[0].team_id, wave.team_links[0].team.name
        wave_id = wave.id
    html = client.get(f"/coach/campaigns/{wave_id}/results/teams/{team_id}?baseline={key}"
                      ).get_data(as_text=True)
    assert _check_page_against_result(html, result, name) > 50
    assert 'data-field="percentile"' in html


# --- items --------------------------------------------------------------------------------------

def test_item_counts_are_the_answers_of_the_team(app: Flask) -> None:
    built = build(app, TEAMS)
    html = signed_in(app).get(built.url("Artemis")).get_data(as_text=True)
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert campaign is not None
        definition = definition_of(campaign.questionnaire_version)
        rows = db.session.query(Response).filter_by(
            campaign_id=campaign.id, team_id=built.team_ids["Artemis"],
            status=ResponseStatus.COMPLETE).all()
        decoded = [answer_codec.decode(definition.answer_columns, r.values) for r in rows]
    first = definition.dimensions[0]
    likert = [i for i in first.scored_items if i.type == "likert"]
    table = re.search(r'<details class="item-group" id="items-' + first.id
                      + r'">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert table is not None
    body = table.group(1)
    for item in likert:
        answers = [d.get(item.id) for d in decoded]
        counts = [sum(1 for a in answers if a == v) for v in range(1, 6)]
        dk = sum(1 for a in answers if a == answer_codec.DONT_KNOW_VALUE)
        assert str(item.text.get("en")) in body
        for count in counts:
            assert f"{count} (" in body or count == 0
        assert dk == 0 or f"{dk} (" in body
    assert sum(1 for _ in np.unique([r.team_id for r in rows])) == 1


# --- before results are released ---------------------------------------------------------------

def test_an_open_campaign_without_interim_results_shows_no_numbers(app: Flask) -> None:
    built = build(app, TEAMS, status=CampaignStatus.OPEN)
    html = signed_in(app).get(built.url("Apollo")).get_data(as_text=True)
    assert 'id="results-state"' in html
    assert not shown_values(html)
    assert "data-value" not in html
    assert "<svg" not in html


def test_interim_results_say_so_and_how_many_are_not_yet_included(app: Flask) -> None:
    """An open campaign with interim results: the released step is shown, and the page says
    how many completed responses wait for the next step."""
    built = build(app, {"Apollo": TeamSpec([None] * 5), "Artemis": TeamSpec([None] * 6)},
                  status=CampaignStatus.OPEN, interim=True)
    # two more completed responses of Apollo, not yet released (fewer than min_n)
    extra = build(app, {"Apollo": TeamSpec([None] * 2)}, status=CampaignStatus.OPEN,
                  campaign="scratch", interim=True, released=False)
    with app.app_context():
        for response in db.session.query(Response).filter_by(campaign_id=extra.campaign_id):
            response.campaign_id = built.campaign_id
        db.session.commit()
        campaign = db.session.get(Campaign, built.campaign_id)
        result = campaign_result(campaign)
    html = signed_in(app).get(built.url("Apollo")).get_data(as_text=True)
    assert "Interim results" in html
    assert "2 responses are not yet included" in html
    from tests.coach.test_team_page import _check_page_against_result

    assert _check_page_against_result(html, result, "Apollo") > 50
    assert set(result.teams.n[result.teams.row("Apollo")]) == {5}
