"""The export routes: who may download (owner and admin 200, everyone else 404), the release
state (409 before results are released), GET changes nothing, headers and hostile names."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess.extensions import db
from assess.models import Campaign
from assess.services.accounts import ADMIN, create_coach
from tests.coach.conftest import make_workspace
from tests.coach.team_page_support import PASSWORD, Built, TeamSpec, build, signed_in
from tests.survey.survey_support import database_snapshot

PATHS = ["results.csv", "results.xlsx", "results.json", "responses.csv", "responses.xlsx"]


@pytest.fixture
def built(app: Flask) -> Built:
    return build(app, {"North": TeamSpec(["team member"] * 6),
                       "South": TeamSpec(["team member"] * 5)})


def urls(built: Built) -> list[str]:
    return [f"/coach/campaigns/{built.campaign_id}/export/{p}" for p in PATHS]


def clients(app: Flask) -> dict[str, FlaskClient]:
    other = make_workspace(app, "other@example.org", "Globex", "Globex wave", ["Gemini"])
    with app.app_context():
        create_coach("admin@example.org", None, PASSWORD, role=ADMIN)
    respondent = app.test_client()
    assert respondent.get(f"/s/{other.tokens['Gemini']}").status_code == 302
    return {"owner": signed_in(app), "admin": signed_in(app, "admin@example.org"),
            "other-coach": signed_in(app, "other@example.org"),
            "respondent": respondent, "anonymous": app.test_client()}


def test_only_the_owner_and_an_admin_download(app: Flask, built: Built) -> None:
    who = clients(app)
    before = database_snapshot(app)
    for name, client in who.items():
        for url in urls(built):
            status = client.get(url).status_code
            assert status == (200 if name in ("owner", "admin") else 404), (name, url)
    assert database_snapshot(app) == before  # GET changes nothing


def test_headers(app: Flask, built: Built) -> None:
    client = signed_in(app)
    response = client.get(urls(built)[0])
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="assess-Wave-1-results-')
    data = json.loads(client.get(urls(built)[2]).data)
    assert [t["team"] for t in data["teams"]][:1] == ["North"]


def test_unknown_formats_and_baselines_are_not_found(app: Flask, built: Built) -> None:
    client = signed_in(app)
    base = f"/coach/campaigns/{built.campaign_id}/export"
    assert client.get(f"{base}/responses.json").status_code == 404
    assert client.get(f"{base}/results.html").status_code == 404
    assert client.get(f"{base}/results.csv?baseline=bogus").status_code == 404
    assert client.get(f"{base}/results.csv?baseline=stored-99999").status_code == 404
    assert client.get(f"{base}/results.csv?baseline=none").status_code == 200
    assert client.get(f"{base}/results.csv?baseline=wave").status_code == 200


def test_results_not_released_are_refused_with_a_reason(app: Flask) -> None:
    ws = make_workspace(app, "open@example.org", "Open Inc", "Open wave", ["A"])
    client = signed_in(app, "open@example.org")
    for path in PATHS:
        response = client.get(f"/coach/campaigns/{ws.campaign_id}/export/{path}")
        assert response.status_code == 409
        assert "No results to download yet" in response.get_data(as_text=True)
    page = client.get(f"/coach/campaigns/{ws.campaign_id}").get_data(as_text=True)
    assert "can be downloaded once the campaign closes" in page


def test_the_campaign_page_links_the_downloads(app: Flask, built: Built) -> None:
    page = signed_in(app).get(f"/coach/campaigns/{built.campaign_id}").get_data(as_text=True)
    for url in urls(built):
        assert f'href="{url}"' in page


@pytest.mark.parametrize("name", ["../../etc/passwd", 'a"b\r\nSet-Cookie: x=1',
                                  "\u202eevil" + "x" * 10_000, "=cmd|' /C calc'!A0"])
def test_hostile_campaign_names_give_safe_download_names(app: Flask, built: Built,
                                                         name: str) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert campaign is not None
        campaign.name = name
        db.session.commit()
    client = signed_in(app)
    for url in urls(built):
        response = client.get(url)
        assert response.status_code == 200
        header = response.headers["Content-Disposition"]
        header.encode("ascii")
        assert len(header) < 400
        for bad in ("\r", "\n", "/", "..", "Set-Cookie: x"):
            assert bad not in header.replace("%2F", ""), (bad, header)
