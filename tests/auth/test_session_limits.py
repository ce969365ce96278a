"""Coach sign-ins end: 12 hours after signing in and after 30 minutes without a request
(both configurable), checked by the server on every request; a respondent's permanent survey
session in the same browser never extends them."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess.auth.session import SEEN_AT, SIGNED_IN_AT
from tests.conftest import AuthActions, demo_credentials

ENDED = "Your session has ended"


def signed_in(auth: AuthActions, coach: dict[str, str]) -> None:
    assert auth.login(coach["email"], coach["password"]).status_code == 302


def shift(client: FlaskClient, key: str, seconds: int) -> None:
    with client.session_transaction() as session:
        session[key] = session[key] - seconds


def test_sign_in_records_when(auth: AuthActions, client: FlaskClient,
                              coach: dict[str, str]) -> None:
    before = int(time.time())
    signed_in(auth, coach)
    with client.session_transaction() as session:
        assert before <= session[SIGNED_IN_AT] <= int(time.time())
        assert before <= session[SEEN_AT] <= int(time.time())


def test_thirty_idle_minutes_end_the_sign_in(auth: AuthActions, client: FlaskClient,
                                             coach: dict[str, str]) -> None:
    signed_in(auth, coach)
    shift(client, SEEN_AT, 30 * 60 + 1)
    response = client.get("/coach/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ENDED in page
    assert client.get("/coach/").status_code == 302  # stays ended


def test_a_request_within_the_idle_limit_keeps_it_going(auth: AuthActions, client: FlaskClient,
                                                        coach: dict[str, str]) -> None:
    signed_in(auth, coach)
    shift(client, SEEN_AT, 29 * 60)
    assert client.get("/coach/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session[SEEN_AT] < 5
    assert client.get("/coach/").status_code == 200


def test_twelve_hours_end_it_however_active(auth: AuthActions, client: FlaskClient,
                                            coach: dict[str, str]) -> None:
    signed_in(auth, coach)
    shift(client, SIGNED_IN_AT, 12 * 3600 + 1)
    response = client.get("/coach/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_session_without_the_times_is_ended(auth: AuthActions, client: FlaskClient,
                                              coach: dict[str, str]) -> None:
    signed_in(auth, coach)
    with client.session_transaction() as session:
        del session[SIGNED_IN_AT]
        session[SEEN_AT] = "later"
    assert client.get("/coach/").status_code == 302


def test_limits_are_configurable(app: Flask, auth: AuthActions, client: FlaskClient,
                                 coach: dict[str, str]) -> None:
    app.config["COACH_IDLE_SECONDS"] = 60
    signed_in(auth, coach)
    shift(client, SEEN_AT, 61)
    assert client.get("/coach/").status_code == 302
    app.config["COACH_IDLE_SECONDS"] = 30 * 60
    app.config["COACH_SESSION_SECONDS"] = 120
    signed_in(auth, coach)
    shift(client, SIGNED_IN_AT, 121)
    assert client.get("/coach/").status_code == 302


def test_an_ended_session_on_a_page_with_an_id_leads_to_sign_in(demo_app: Flask) -> None:
    client = demo_app.test_client()
    owner = demo_credentials(demo_app)
    client.post("/login", data={"email": owner["email"], "password": owner["password"]})
    home = client.get("/coach/").get_data(as_text=True)
    start = home.index('href="/coach/campaigns/') + len('href="')
    page = home[start:home.index('"', start)]
    assert client.get(page).status_code == 200
    shift(client, SEEN_AT, 31 * 60)
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_survey_session_does_not_extend_a_coach_sign_in(demo_app: Flask) -> None:
    from assess.services.links import link_rows
    from assess.services.lookup import campaign_by_ref

    with demo_app.app_context():
        url = link_rows(campaign_by_ref("Maturity wave 2"))[0]["url"]
    client = demo_app.test_client()
    owner = demo_credentials(demo_app)
    client.post("/login", data={"email": owner["email"], "password": owner["password"]})
    shift(client, SEEN_AT, 25 * 60)
    # Answering the survey in the same browser is not coach activity.
    survey = client.get(url[url.index("/s/"):])
    assert survey.status_code == 302
    client.get(survey.headers["Location"])
    shift(client, SEEN_AT, 6 * 60)
    assert client.get("/coach/").status_code == 302


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_bad_limit_settings_stop_the_start(value: str, tmp_path, monkeypatch) -> None:
    from assess import create_app

    monkeypatch.setenv("ASSESS_COACH_IDLE_SECONDS", value)
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("ASSESS_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises((RuntimeError, ValueError)):
        create_app()
