"""CSRF on the coach's forms: a link action or a sign-out needs this browser's own token.

With CSRF protection on (as in production), regenerating or revoking a team link without a
token, with a forged, tampered, expired or another browser's token is refused with 400 and
leaves the database exactly as it was (the team's link keeps working). The token of the
rendered coach home page is accepted. Signing in and out need the token too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import flask_wtf.csrf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select
from werkzeug.test import TestResponse

from assess.extensions import db
from assess.models import TeamLink
from tests.coach.conftest import Workspace, make_workspace
from tests.survey.survey_support import Element, database_snapshot, parse_html

CSRF_REFUSAL = "Your form expired or was sent from elsewhere."
ACTIONS = ["regenerate", "revoke"]


class TwoHoursAgoSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 2 * 3600


class TwoHoursAgoSerializer(URLSafeTimedSerializer):
    """Signs CSRF tokens as if the page had been rendered two hours ago."""

    default_signer = TwoHoursAgoSigner


@pytest.fixture
def acme(csrf_app: Flask) -> Workspace:
    return make_workspace(csrf_app, "acme.coach@example.org", "Acme", "Acme wave 1",
                          ["Apollo", "Artemis"])


# --- helpers ---------------------------------------------------------------------------------

def token_in(element: Element) -> str:
    hidden = element.find("input", name="csrf_token")
    assert hidden is not None, element
    value = hidden.attrs.get("value")
    assert value
    return value


def sign_in(app: Flask, workspace: Workspace, *, https: bool = False) -> FlaskClient:
    """A browser signed in through the real form, token included (over HTTPS, the form is
    posted from the sign-in page itself, as a browser's Referer says)."""
    client = app.test_client()
    kwargs: dict[str, object] = {}
    if https:
        kwargs = {"base_url": "https://localhost",
                  "headers": {"Referer": "https://localhost/login"}}
    token = token_in(parse_html(client.get("/login", **kwargs)))
    response = client.post("/login", data={**workspace.login, "csrf_token": token}, **kwargs)
    assert response.status_code == 302, response.status_code
    return client


def link_url(workspace: Workspace, team: str) -> str:
    return f"/coach/campaigns/{workspace.campaign_id}/teams/{workspace.team_ids[team]}/link"


def home_token(client: FlaskClient, workspace: Workspace, team: str = "Apollo",
               **kwargs: str) -> str:
    """The token in the team's link form on the rendered coach home page."""
    response = client.get("/coach/", **kwargs)
    assert response.status_code == 200
    forms = [form for form in parse_html(response).find_all("form")
             if form.attrs.get("action") == link_url(workspace, team)]
    assert len(forms) == 1
    return token_in(forms[0])


def link_state(app: Flask, workspace: Workspace, team: str) -> tuple[object, ...]:
    with app.app_context():
        link = db.session.scalar(select(TeamLink).where(
            TeamLink.campaign_id == workspace.campaign_id,
            TeamLink.team_id == workspace.team_ids[team]))
        assert link is not None
        return link.token_hash, link.token_nonce, link.revoked_at


def link_works(app: Flask, workspace: Workspace, team: str) -> bool:
    status = app.test_client().get(f"/s/{workspace.tokens[team]}").status_code
    assert status in (302, 404)
    return status == 302


def post_action(client: FlaskClient, workspace: Workspace, action: str,
                token: str | None, team: str = "Apollo", **kwargs: object) -> TestResponse:
    data = {"action": action}
    if token is not None:
        data["csrf_token"] = token
    return client.post(link_url(workspace, team), data=data, **kwargs)


def assert_refused(response: TestResponse, *, explained: bool = False) -> None:
    assert response.status_code == 400
    if explained:  # the friendly page says why and what to do
        assert CSRF_REFUSAL in response.get_data(as_text=True)


def assert_action_done(app: Flask, workspace: Workspace, action: str,
                       before: tuple[object, ...], team: str = "Apollo") -> None:
    after = link_state(app, workspace, team)
    assert after != before
    assert not link_works(app, workspace, team)  # the old link stops working either way
    if action == "revoke":
        assert after[0] is None
        assert after[2] is not None
    else:
        assert after[0] is not None
        assert after[2] is None


# --- the link action -------------------------------------------------------------------------

@pytest.mark.parametrize("action", ACTIONS)
def test_the_token_of_the_rendered_home_page_is_accepted(csrf_app: Flask, acme: Workspace,
                                                         action: str) -> None:
    client = sign_in(csrf_app, acme)
    token = home_token(client, acme)
    before = link_state(csrf_app, acme, "Apollo")
    response = post_action(client, acme, action, token)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/coach/#campaign-{acme.campaign_id}"
    assert_action_done(csrf_app, acme, action, before)
    assert link_works(csrf_app, acme, "Artemis")  # the other team is untouched


@pytest.mark.parametrize("action", ACTIONS)
def test_a_link_action_without_a_token_is_refused_and_changes_nothing(
        csrf_app: Flask, acme: Workspace, action: str) -> None:
    client = sign_in(csrf_app, acme)
    token = home_token(client, acme)
    before = database_snapshot(csrf_app)

    assert_refused(post_action(client, acme, action, None), explained=True)
    assert database_snapshot(csrf_app) == before
    assert link_works(csrf_app, acme, "Apollo")

    # The coach is still signed in, the link still shown, and the real form still works.
    page = client.get("/coach/")
    assert page.status_code == 200
    assert acme.tokens["Apollo"] in page.get_data(as_text=True)
    assert post_action(client, acme, action, token).status_code == 302
    assert not link_works(csrf_app, acme, "Apollo")


def _empty(_app: Flask, _workspace: Workspace, _good: str) -> str:
    return ""


def _garbage(_app: Flask, _workspace: Workspace, _good: str) -> str:
    return "not-a-csrf-token"


def _tampered(_app: Flask, _workspace: Workspace, good: str) -> str:
    """The right token with its signature changed. (The signature's first character: the
    last one may only carry base64 padding bits, and changing it can leave the bytes equal.)"""
    body, signature = good.rsplit(".", 1)
    first = "A" if signature[0] != "A" else "B"
    return f"{body}.{first}{signature[1:]}"


def _other_browser_anonymous(app: Flask, _workspace: Workspace, _good: str) -> str:
    """A valid token of someone else's (signed-out) browser, e.g. an attacker's own."""
    return token_in(parse_html(app.test_client().get("/login")))


def _other_browser_same_coach(app: Flask, workspace: Workspace, _good: str) -> str:
    """A valid token of the same coach's session in another browser."""
    return home_token(sign_in(app, workspace), workspace)


BAD_TOKENS: dict[str, Callable[[Flask, Workspace, str], str]] = {
    "empty": _empty,
    "garbage": _garbage,
    "tampered": _tampered,
    "other-browser": _other_browser_anonymous,
    "same-coach-other-browser": _other_browser_same_coach,
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_wrong_token_is_refused_and_changes_nothing(csrf_app: Flask, acme: Workspace,
                                                      kind: str, action: str) -> None:
    client = sign_in(csrf_app, acme)
    good = home_token(client, acme)
    bad = BAD_TOKENS[kind](csrf_app, acme, good)
    assert bad != good
    before = database_snapshot(csrf_app)

    assert_refused(post_action(client, acme, action, bad))
    assert database_snapshot(csrf_app) == before
    assert link_works(csrf_app, acme, "Apollo")


@pytest.mark.parametrize("action", ACTIONS)
def test_an_expired_token_is_refused_and_changes_nothing(csrf_app: Flask, acme: Workspace,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         action: str) -> None:
    client = sign_in(csrf_app, acme)
    with monkeypatch.context() as patch:  # the home page was rendered two hours ago
        patch.setattr(flask_wtf.csrf, "URLSafeTimedSerializer", TwoHoursAgoSerializer)
        old = home_token(client, acme)
    before = database_snapshot(csrf_app)

    assert_refused(post_action(client, acme, action, old))
    assert database_snapshot(csrf_app) == before
    assert link_works(csrf_app, acme, "Apollo")

    # It was refused for its age alone: without a time limit the same token is accepted.
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = None
    state = link_state(csrf_app, acme, "Apollo")
    assert post_action(client, acme, action, old).status_code == 302
    assert_action_done(csrf_app, acme, action, state)


def test_the_token_belongs_to_the_session_not_to_one_team_form(csrf_app: Flask,
                                                                acme: Workspace) -> None:
    """The token belongs to the browser's session, not to one form: the other team's form on
    the same page works with it (the refusals above are about the session, not the team)."""
    client = sign_in(csrf_app, acme)
    token = home_token(client, acme, team="Apollo")
    before = link_state(csrf_app, acme, "Artemis")
    assert post_action(client, acme, "revoke", token, team="Artemis").status_code == 302
    assert_action_done(csrf_app, acme, "revoke", before, team="Artemis")
    assert link_works(csrf_app, acme, "Apollo")


@pytest.mark.parametrize("referrer", [None, "https://evil.example/coach/"],
                         ids=["no-referrer", "other-site"])
def test_over_https_a_form_from_another_site_is_refused_even_with_a_valid_token(
        csrf_app: Flask, acme: Workspace, referrer: str | None) -> None:
    https = {"base_url": "https://localhost"}
    client = sign_in(csrf_app, acme, https=True)
    token = home_token(client, acme, **https)
    before = database_snapshot(csrf_app)
    headers = {} if referrer is None else {"Referer": referrer}

    response = post_action(client, acme, "revoke", token, headers=headers, **https)
    assert response.status_code == 400
    assert database_snapshot(csrf_app) == before
    assert link_works(csrf_app, acme, "Apollo")

    same_site = post_action(client, acme, "revoke", token,
                            headers={"Referer": "https://localhost/coach/"}, **https)
    assert same_site.status_code == 302
    assert not link_works(csrf_app, acme, "Apollo")


# --- signing in and out ----------------------------------------------------------------------

def test_sign_out_is_a_post_that_needs_the_token(csrf_app: Flask, acme: Workspace) -> None:
    client = sign_in(csrf_app, acme)
    page = parse_html(client.get("/coach/"))
    logout_forms = [form for form in page.find_all("form")
                    if form.attrs.get("action") == "/logout"]
    assert len(logout_forms) == 1
    assert logout_forms[0].attrs.get("method") == "post"
    token = token_in(logout_forms[0])

    assert client.get("/logout").status_code == 405
    for bad in (None, "", "not-a-csrf-token", _other_browser_anonymous(csrf_app, acme, token)):
        data = {} if bad is None else {"csrf_token": bad}
        assert_refused(client.post("/logout", data=data), explained=True)
        assert client.get("/coach/").status_code == 200, bad  # still signed in

    signed_out = client.post("/logout", data={"csrf_token": token})
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/login")
    home = client.get("/coach/")
    assert home.status_code == 302
    assert home.headers["Location"].startswith("/login")


def test_signing_in_needs_the_token(csrf_app: Flask, acme: Workspace) -> None:
    client = csrf_app.test_client()
    client.get("/login")
    for bad in (None, "not-a-csrf-token", _other_browser_anonymous(csrf_app, acme, "")):
        data = dict(acme.login) if bad is None else {**acme.login, "csrf_token": bad}
        assert_refused(client.post("/login", data=data))
        home = client.get("/coach/")
        assert home.status_code == 302
        assert home.headers["Location"].startswith("/login")
    token = token_in(parse_html(client.get("/login")))
    assert client.post("/login", data={**acme.login, "csrf_token": token}).status_code == 302
    assert client.get("/coach/").status_code == 200
