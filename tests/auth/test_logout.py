"""Signing out: POST only, and it ends every session of the account."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.auth.conftest import EMAIL, PASSWORD
from tests.conftest import AuthActions


@pytest.mark.usefixtures("coach")
def test_logout_signs_out(auth: AuthActions, client: FlaskClient) -> None:
    auth.login(EMAIL, PASSWORD)
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "You are signed out." in client.get("/login").get_data(as_text=True)
    assert client.get("/coach/").status_code == 302


@pytest.mark.usefixtures("coach")
def test_logout_is_post_only(auth: AuthActions, client: FlaskClient) -> None:
    auth.login(EMAIL, PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.get("/coach/").status_code == 200  # still signed in


def test_logout_ends_every_session_of_the_account(app: Flask, auth: AuthActions,
                                                  client: FlaskClient,
                                                  coach: dict[str, str]) -> None:
    laptop, phone = client, app.test_client()
    auth.login(EMAIL, PASSWORD)
    assert phone.post("/login", data=coach).status_code == 302
    assert phone.get("/coach/").status_code == 200

    auth.logout()

    assert laptop.get("/coach/").status_code == 302
    response = phone.get("/coach/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_old_session_cookie_stays_dead_after_signing_in_again(app: Flask, auth: AuthActions,
                                                                client: FlaskClient,
                                                                coach: dict[str, str]) -> None:
    stolen = app.test_client()
    stolen.post("/login", data=coach)
    auth.login(EMAIL, PASSWORD)
    auth.logout()
    auth.login(EMAIL, PASSWORD)  # a new session for the owner
    assert client.get("/coach/").status_code == 200
    assert stolen.get("/coach/").status_code == 302


def test_logout_when_not_signed_in_asks_for_sign_in(client: FlaskClient) -> None:
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_without_csrf_token_is_refused(csrf_app: Flask) -> None:
    from assess.services.accounts import create_coach

    with csrf_app.app_context():
        create_coach(EMAIL, "Acme", PASSWORD)
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    client.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                "csrf_token": token.group(1)})
    assert client.get("/coach/").status_code == 200

    assert client.post("/logout").status_code == 400  # a cross-site form cannot sign you out
    assert client.get("/coach/").status_code == 200

    home = client.get("/coach/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', home)
    assert token is not None, "the sign-out button carries a CSRF token"
    assert client.post("/logout", data={"csrf_token": token.group(1)}).status_code == 302
    assert client.get("/coach/").status_code == 302
