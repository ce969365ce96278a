"""The authorisation matrix: every coach address with an id x every kind of visitor x GET/POST.

The organisation's own coach and an administrator get the page (or the form's answer);
another organisation's coach, a respondent holding a survey session and an anonymous visitor
get 404, the same answer as for an id that does not exist. A method an address does not take
answers 405 to everyone (the router's answer, before any id is looked at). Nobody but the
owner and the administrator changes anything, and no GET changes anything for anyone.

The addresses come from the application's own URL map, so a new route is covered the day it
is added (or this test names the argument it cannot fill).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from assess.extensions import db
from assess.models import Organisation
from assess.services.accounts import create_coach
from assess.services.links import link_rows
from assess.services.lookup import campaign_by_ref
from tests.conftest import demo_credentials
from tests.survey.survey_support import database_snapshot

PASSWORD = "a-long-enough-password"
VISITORS = ["owner", "admin", "other-coach", "respondent", "anonymous"]
ALLOWED = {"owner", "admin"}


def coach_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint.startswith("coach.") and r.arguments),
                  key=lambda r: r.rule)


def fill(rule: Rule, ids: dict[str, object]) -> str:
    missing = rule.arguments - ids.keys()
    assert not missing, f"{rule.rule}: give the matrix a value for {sorted(missing)}"
    return rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]


@pytest.fixture
def ids(demo_app: Flask) -> dict[str, object]:
    with demo_app.app_context():
        # The open wave (with interim results): every page of it exists, links included.
        campaign = campaign_by_ref("Maturity wave 2")
        team = sorted(campaign.team_links, key=lambda link: link.team.name)[0].team
        return {"organisation_id": campaign.organisation_id, "campaign_id": campaign.id,
                "team_id": team.id, "action": "revoke", "fmt": "csv"}


@pytest.fixture
def visitors(demo_app: Flask) -> dict[str, FlaskClient]:
    with demo_app.app_context():
        create_coach("other.coach@example.org", "Other Ltd", PASSWORD)
        create_coach("admin@example.org", None, PASSWORD, role="admin")
        url = link_rows(campaign_by_ref("Maturity wave 2"))[0]["url"]
        assert db.session.query(Organisation).count() == 2
    owner = demo_credentials(demo_app)
    clients = {}
    for who, login in [("owner", (owner["email"], owner["password"])),
                       ("admin", ("admin@example.org", PASSWORD)),
                       ("other-coach", ("other.coach@example.org", PASSWORD))]:
        client = demo_app.test_client()
        signed = client.post("/login", data={"email": login[0], "password": login[1]})
        assert signed.status_code == 302, who
        clients[who] = client
    respondent = demo_app.test_client()
    assert respondent.get(url[url.index("/s/"):]).status_code == 302
    clients["respondent"] = respondent
    clients["anonymous"] = demo_app.test_client()
    return clients


def test_the_matrix_covers_the_results_pages_and_exports(demo_app: Flask) -> None:
    endpoints = {rule.endpoint for rule in coach_rules(demo_app)}
    assert {"coach.campaign", "coach.results", "coach.team_results", "coach.export_results",
            "coach.export_responses", "coach.baselines_page"} <= endpoints


def test_no_one_else_gets_anything_and_no_get_changes_anything(
        demo_app: Flask, ids: dict[str, object], visitors: dict[str, FlaskClient]) -> None:
    before = database_snapshot(demo_app)
    for rule in coach_rules(demo_app):
        url = fill(rule, ids)
        for who in VISITORS:
            client = visitors[who]
            for method in ("GET", "POST"):
                if method not in rule.methods:
                    assert client.open(url, method=method).status_code == 405, (who, url)
                    continue
                if method == "POST" and who in ALLOWED:
                    continue  # the owner's changes come last, below
                status = client.open(url, method=method).status_code
                if who in ALLOWED:
                    # 409: what a closed campaign no longer offers (closing it again)
                    assert status in (200, 302, 409), (who, method, url, status)
                else:
                    assert status == 404, (who, method, url, status)
        assert database_snapshot(demo_app) == before, url


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_the_owner_and_an_administrator_may_post(
        demo_app: Flask, ids: dict[str, object], visitors: dict[str, FlaskClient],
        who: str) -> None:
    for rule in coach_rules(demo_app):
        if "POST" in rule.methods:
            url = fill(rule, ids)
            status = visitors[who].post(url, data={}).status_code
            # A form without its fields is re-shown (200), refused (400) or, for a change a
            # closed campaign no longer takes, answered 409; never 404 or a server error.
            assert status in (200, 302, 400, 409), (who, url, status)
