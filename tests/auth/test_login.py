"""Coach sign-in: the form, one message for every failure, lock-out, safe redirects."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from assess.extensions import db
from assess.models import RateCounter, User, utcnow
from assess.services.accounts import GENERIC_FAILURE, LOCKED_MESSAGE
from tests.auth.conftest import EMAIL, PASSWORD
from tests.conftest import AuthActions, demo_credentials


def text(response) -> str:
    return response.get_data(as_text=True)


def test_login_page_has_labelled_fields(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Sign in</h1>" in page
    for field_id, label, kind in (("email", "Email", "email"),
                                  ("password", "Password", "password")):
        assert f'<label for="{field_id}">{label}</label>' in page
        assert re.search(rf'<input[^>]*id="{field_id}"[^>]*type="{kind}"', page) or \
            re.search(rf'<input[^>]*type="{kind}"[^>]*id="{field_id}"', page)
    assert 'autocomplete="current-password"' in page
    assert 'autocomplete="username"' in page


def test_right_password_signs_in_and_lands_on_the_coach_home(auth: AuthActions,
                                                             client: FlaskClient,
                                                             coach: dict[str, str]) -> None:
    response = auth.login(coach["email"], coach["password"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"
    home = client.get("/coach/")
    assert home.status_code == 200
    assert "Acme" in text(home)
    assert "Casey Coach" in text(home)


def test_email_is_matched_without_case_or_surrounding_space(auth: AuthActions,
                                                            coach: dict[str, str]) -> None:
    assert auth.login("  COACH@Example.ORG ", coach["password"]).status_code == 302


def test_signed_in_coach_visiting_login_goes_home(auth: AuthActions, client: FlaskClient,
                                                  coach: dict[str, str]) -> None:
    auth.login(coach["email"], coach["password"])
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"


def _without(page: str, *values: str) -> str:
    for value in values:
        page = page.replace(value, "")
    return page


@pytest.mark.usefixtures("coach")
def test_wrong_password_and_unknown_email_look_the_same(auth: AuthActions) -> None:
    wrong_password = auth.login(EMAIL, "not the password")
    unknown_email = auth.login("nobody@example.org", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert GENERIC_FAILURE in text(wrong_password)
    assert GENERIC_FAILURE in text(unknown_email)
    # Apart from the email typed back into the form, the pages are identical.
    assert _without(text(wrong_password), EMAIL) == _without(text(unknown_email),
                                                             "nobody@example.org")


@pytest.mark.usefixtures("coach")
def test_failed_sign_in_does_not_sign_in(auth: AuthActions, client: FlaskClient) -> None:
    auth.login(EMAIL, "not the password")
    assert client.get("/coach/").status_code == 302


@pytest.mark.usefixtures("coach")
@pytest.mark.parametrize(("email", "password"), [("", PASSWORD), (EMAIL, "")])
def test_empty_fields_are_refused_on_the_form(auth: AuthActions, email: str, password: str) -> None:
    response = auth.login(email, password)
    assert response.status_code == 200
    assert "This field is required." in text(response)


@pytest.mark.slow
@pytest.mark.usefixtures("coach")
def test_five_failures_lock_the_account_even_for_the_right_password(
        auth: AuthActions, client: FlaskClient) -> None:
    for _ in range(4):
        assert auth.login(EMAIL, "wrong password!").status_code == 200
    fifth = auth.login(EMAIL, "wrong password!")
    assert fifth.status_code == 200

    locked = auth.login(EMAIL, PASSWORD)
    assert locked.status_code == 429
    assert LOCKED_MESSAGE in text(locked)
    assert client.get("/coach/").status_code == 302  # not signed in


@pytest.mark.slow
def test_lock_applies_to_every_browser(app: Flask, auth: AuthActions,
                                       coach: dict[str, str]) -> None:
    for _ in range(5):
        auth.login(EMAIL, "wrong password!")
    other_browser = app.test_client()
    response = other_browser.post("/login", data=coach)
    assert response.status_code == 429


@pytest.mark.slow
@pytest.mark.usefixtures("coach")
def test_the_lock_ends_after_its_time(app: Flask, auth: AuthActions) -> None:
    for _ in range(5):
        auth.login(EMAIL, "wrong password!")
    assert auth.login(EMAIL, PASSWORD).status_code == 429
    with app.app_context():
        # the counting window ended (it began longer ago than the lock lasts)
        db.session.execute(update(RateCounter).values(
            expires_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    assert auth.login(EMAIL, PASSWORD).status_code == 302


@pytest.mark.slow
@pytest.mark.usefixtures("app", "coach")
def test_a_successful_sign_in_resets_the_failure_count(auth: AuthActions) -> None:
    for _ in range(4):
        auth.login(EMAIL, "wrong password!")
    assert auth.login(EMAIL, PASSWORD).status_code == 302
    auth.logout()
    for _ in range(4):
        auth.login(EMAIL, "wrong password!")
    assert auth.login(EMAIL, PASSWORD).status_code == 302


@pytest.mark.usefixtures("coach")
def test_disabled_account_cannot_sign_in(app: Flask, auth: AuthActions) -> None:
    with app.app_context():
        db.session.execute(update(User).values(is_enabled=False))
        db.session.commit()
    response = auth.login(EMAIL, PASSWORD)
    assert response.status_code == 200
    assert GENERIC_FAILURE in text(response)


@pytest.mark.usefixtures("coach")
@pytest.mark.parametrize("password", [PASSWORD, "wrong password!"])
def test_every_sign_in_costs_one_password_check(app: Flask, auth: AuthActions,
                                                monkeypatch: pytest.MonkeyPatch,
                                                password: str) -> None:
    """Unknown, disabled and enabled accounts all pay one Argon2 check, so the time an
    answer takes does not tell them apart."""
    from assess.services import accounts

    calls: list[str] = []
    real = accounts.verify_password

    def counted(stored_hash: str, given: str) -> bool:
        calls.append(stored_hash)
        return real(stored_hash, given)

    monkeypatch.setattr(accounts, "verify_password", counted)
    auth.login("nobody@example.org", password)
    with app.app_context():
        db.session.execute(update(User).values(is_enabled=False))
        db.session.commit()
    auth.login(EMAIL, password)
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)


@pytest.mark.usefixtures("coach")
def test_password_is_stored_hashed(app: Flask) -> None:
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
    assert stored is not None
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")


# --- where sign-in leads ---------------------------------------------------------------------

def test_coach_home_requires_sign_in(client: FlaskClient) -> None:
    response = client.get("/coach/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "%2Fcoach%2F" in response.headers["Location"]


def test_root_sends_visitors_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_sign_in_from_a_protected_page_returns_to_it(client: FlaskClient,
                                                    coach: dict[str, str]) -> None:
    bounce = client.get("/coach/")
    form = client.get(bounce.headers["Location"])
    assert 'value="/coach/"' in text(form)  # the next target rides in the form
    response = client.post("/login", data={**coach, "next": "/coach/"})
    assert response.headers["Location"] == "/coach/"


def test_relative_next_is_followed(client: FlaskClient, coach: dict[str, str]) -> None:
    response = client.post("/login", data={**coach, "next": "/coach/?tab=links#campaign-3"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/?tab=links#campaign-3"


@pytest.mark.parametrize("target", [
    "https://evil.com",
    "http://evil.com/coach/",
    "//evil.com",
    "//evil.com/coach/",
    "/\\evil.com",
    "\\\\evil.com",
    "https:evil.com",
    "javascript:alert(1)",
    "evil.com",
    " //evil.com",
])
def test_next_never_leaves_the_site(client: FlaskClient, coach: dict[str, str],
                                    target: str) -> None:
    response = client.post("/login", data={**coach, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"


def test_next_from_the_query_string_is_checked_too(client: FlaskClient,
                                                   coach: dict[str, str]) -> None:
    form = client.get("/login?next=//evil.com")
    assert form.status_code == 200
    assert 'value="//evil.com"' in text(form)  # carried along, checked on use
    response = client.post("/login", data={**coach, "next": "//evil.com"})
    assert response.headers["Location"] == "/coach/"


# --- hostile input ---------------------------------------------------------------------------

@pytest.mark.usefixtures("coach")
def test_very_long_email_is_refused_politely(auth: AuthActions) -> None:
    response = auth.login("a" * 10_000 + "@example.org", PASSWORD)
    assert response.status_code == 200
    assert "Field cannot be longer than 254 characters." in text(response)


@pytest.mark.usefixtures("coach")
def test_very_long_password_is_refused_politely(auth: AuthActions) -> None:
    response = auth.login(EMAIL, "p" * 10_000)
    assert response.status_code == 200
    assert "Field cannot be longer than 256 characters." in text(response)
    # The password is never echoed back.
    assert "p" * 300 not in text(response)


@pytest.mark.usefixtures("coach")
@pytest.mark.parametrize("password", ["\x00", PASSWORD + "\x00", "\x00" + PASSWORD])
def test_nul_byte_in_the_password_is_a_plain_failure(auth: AuthActions, client: FlaskClient,
                                                     password: str) -> None:
    response = auth.login(EMAIL, password)
    assert response.status_code == 200
    assert GENERIC_FAILURE in text(response)
    assert client.get("/coach/").status_code == 302


@pytest.mark.usefixtures("coach")
def test_nul_byte_in_the_email_is_a_plain_failure(auth: AuthActions) -> None:
    response = auth.login("coach\x00@example.org", PASSWORD)
    assert response.status_code == 200
    assert GENERIC_FAILURE in text(response)


def test_html_in_the_email_is_escaped(auth: AuthActions) -> None:
    hostile = '"><script>alert(1)</script>@example.org'
    response = auth.login(hostile, "whatever password")
    assert response.status_code == 200
    page = text(response)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '"><script>' not in page


# --- CSRF ------------------------------------------------------------------------------------

def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def test_login_without_csrf_token_is_refused(csrf_app: Flask) -> None:
    from assess.services.accounts import create_coach

    with csrf_app.app_context():
        create_coach(EMAIL, "Acme", PASSWORD)
    client = csrf_app.test_client()
    refused = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 400
    assert client.get("/coach/").status_code == 302

    token = _csrf_token(text(client.get("/login")))
    accepted = client.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                           "csrf_token": token})
    assert accepted.status_code == 302
    assert accepted.headers["Location"] == "/coach/"


def test_login_with_a_forged_csrf_token_is_refused(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    client.get("/login")
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400


# --- the demo coach --------------------------------------------------------------------------

def test_demo_coach_home_shows_organisation_campaigns_teams_and_counts(demo_app: Flask) -> None:
    client = demo_app.test_client()
    response = client.post("/login", data=demo_credentials(demo_app))
    assert response.headers["Location"] == "/coach/"
    page = text(client.get("/coach/"))
    assert "Northwind Demo (demo data)" in page
    assert "Demo data" in page
    for campaign in ("Maturity wave 1", "Maturity wave 2", "Transformation readiness"):
        assert campaign in page
    for team in ("Atlas (portfolio office)", "Beacon (platform team)", "Comet (customer apps)",
                 "Delta (data services)", "Ember (finance systems)", "Fjord (design studio)"):
        assert team in page
    # Participation: the small team's row shows its counts and that results need more.
    fjord_row = re.search(r"Fjord \(design studio\)</th>\s*<td>(\d+)</td>\s*<td>(\d+)", page)
    assert fjord_row is not None
    assert fjord_row.groups() == ("3", "3")
    assert "(results need 5)" in page
