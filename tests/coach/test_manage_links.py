"""Coaches regenerate and revoke team links of their own campaigns only."""

from __future__ import annotations

import re

from assess.extensions import db
from assess.services.accounts import create_coach
from assess.services.links import link_rows
from assess.services.lookup import campaign_by_ref
from tests.conftest import demo_credentials


def _login_demo(app, client):
    cred = demo_credentials(app)
    client.post("/login", data={"email": cred["email"], "password": cred["password"]})


def _wave2(app):
    with app.app_context():
        campaign = campaign_by_ref("Maturity wave 2")
        first = sorted(campaign.team_links, key=lambda lk: lk.team.name)[0]
        return campaign.id, first.team_id, link_rows(campaign)[0]["url"]


def test_regenerate_gives_a_new_link_and_the_old_one_stops_working(demo_app) -> None:
    client = demo_app.test_client()
    _login_demo(demo_app, client)
    campaign_id, team_id, old_url = _wave2(demo_app)
    response = client.post(f"/coach/campaigns/{campaign_id}/teams/{team_id}/link",
                           data={"action": "regenerate"}, follow_redirects=True)
    assert response.status_code == 200
    assert b"has a new link" in response.data
    new_url = _wave2(demo_app)[2]
    assert new_url != old_url
    assert new_url.encode() in response.data
    respondent = demo_app.test_client()
    old_path = old_url[old_url.index("/s/"):]
    new_path = new_url[new_url.index("/s/"):]
    assert respondent.get(old_path).status_code == 404
    assert respondent.get(new_path).status_code == 302


def test_revoke_removes_the_link(demo_app) -> None:
    client = demo_app.test_client()
    _login_demo(demo_app, client)
    campaign_id, team_id, old_url = _wave2(demo_app)
    client.post(f"/coach/campaigns/{campaign_id}/teams/{team_id}/link",
                data={"action": "revoke"})
    assert _wave2(demo_app)[2] is None
    path = old_url[old_url.index("/s/"):]
    assert demo_app.test_client().get(path).status_code == 404
    assert b"revoked" in client.get("/coach/").data


def _without_csrf_token(page: bytes) -> bytes:
    """The page without its CSRF token, which is signed with the time (a new value each
    second): two 404 pages must be the same but for that."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token"', page)


def test_other_coaches_get_404_and_links_stay(demo_app) -> None:
    with demo_app.app_context():
        create_coach("other@example.org", "Other Ltd", "a-long-enough-password")
    campaign_id, team_id, url = _wave2(demo_app)
    other = demo_app.test_client()
    other.post("/login", data={"email": "other@example.org",
                               "password": "a-long-enough-password"})
    response = other.post(f"/coach/campaigns/{campaign_id}/teams/{team_id}/link",
                          data={"action": "revoke"})
    assert response.status_code == 404
    # Same answer as for a campaign that does not exist at all.
    missing = other.post(f"/coach/campaigns/999999/teams/{team_id}/link",
                         data={"action": "revoke"})
    assert missing.status_code == 404
    assert _without_csrf_token(missing.data) == _without_csrf_token(response.data)
    assert _wave2(demo_app)[2] == url
    assert not re.search(rb"/s/[A-Za-z0-9_-]{32}", other.get("/coach/").data)


def test_anonymous_and_get_requests_change_nothing(demo_app) -> None:
    campaign_id, team_id, url = _wave2(demo_app)
    anonymous = demo_app.test_client()
    response = anonymous.post(f"/coach/campaigns/{campaign_id}/teams/{team_id}/link",
                              data={"action": "revoke"})
    assert response.status_code == 404
    client = demo_app.test_client()
    _login_demo(demo_app, client)
    assert client.get(f"/coach/campaigns/{campaign_id}/teams/{team_id}/link").status_code == 405
    assert client.post(f"/coach/campaigns/{campaign_id}/teams/{team_id}/link",
                       data={"action": "delete-everything"}).status_code == 400
    assert _wave2(demo_app)[2] == url
    with demo_app.app_context():
        db.session.remove()


def test_ids_out_of_the_database_range_are_not_found(demo_app) -> None:
    """Ids beyond 32 bits, zero, negative or not numbers: 404, never a database error."""
    client = demo_app.test_client()
    _login_demo(demo_app, client)
    campaign_id, team_id, url = _wave2(demo_app)
    for bad_campaign, bad_team in [
        ("9223372036854775808", team_id),
        ("2147483648", team_id),
        (campaign_id, "99999999999999999999999999"),
        ("0", team_id),
        ("-1", team_id),
        (f"{campaign_id}.0", team_id),
        ("\uff11", team_id),  # a full-width digit
        (f"0{campaign_id}", team_id),  # a leading zero: not the campaign's URL
    ]:
        response = client.post(f"/coach/campaigns/{bad_campaign}/teams/{bad_team}/link",
                               data={"action": "revoke"})
        assert response.status_code == 404, (bad_campaign, bad_team)
    assert _wave2(demo_app)[2] == url  # nothing was revoked


def test_the_largest_id_is_looked_up_and_not_found(demo_app) -> None:
    client = demo_app.test_client()
    _login_demo(demo_app, client)
    _, team_id, _ = _wave2(demo_app)
    response = client.post(f"/coach/campaigns/2147483647/teams/{team_id}/link",
                           data={"action": "revoke"})
    assert response.status_code == 404


def test_a_respondent_session_gives_no_coach_rights(demo_app) -> None:
    """A respondent who opened the team link (and so holds a survey session) is anonymous to
    the coach pages: 404 on a page with an id, sent to sign in from the workspace home, and
    the link stays."""
    campaign_id, team_id, url = _wave2(demo_app)
    respondent = demo_app.test_client()
    opened = respondent.get(url[url.index("/s/"):])
    assert opened.status_code == 302  # the token leaves the URL: the session holds it now
    response = respondent.post(f"/coach/campaigns/{campaign_id}/teams/{team_id}/link",
                               data={"action": "revoke"})
    assert response.status_code == 404
    home = respondent.get("/coach/")
    assert home.status_code == 302
    assert "/login" in home.headers["Location"]
    assert _wave2(demo_app)[2] == url
