"""A browser that signed in before keeps its own sign-in limit (OWASP's device cookies).

Someone who knows a coach's address can fail on purpose until the address is locked; the
coach's own browser, which signed in before, must still get in with the right password. A
device cookie must not be usable for another account, and must not be forged.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess.auth import device
from assess.auth.device import COOKIE_NAME
from assess.services.accounts import LOCKED_MESSAGE, create_coach
from tests.auth.conftest import EMAIL, PASSWORD
from tests.conftest import AuthActions

WRONG = "wrong password!"


def _browser(app: Flask) -> tuple[FlaskClient, AuthActions]:
    client = app.test_client()
    return client, AuthActions(client)


def _lock_the_address(app: Flask) -> None:
    _, attacker = _browser(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        attacker.login(EMAIL, WRONG)
    assert attacker.login(EMAIL, PASSWORD).status_code == 429


@pytest.mark.slow
@pytest.mark.usefixtures("coach")
def test_a_known_browser_signs_in_while_the_address_is_locked_elsewhere(
        app: Flask) -> None:
    client, own = _browser(app)
    assert own.login(EMAIL, PASSWORD).status_code == 302
    own.logout()
    _lock_the_address(app)
    response = own.login(EMAIL, PASSWORD)
    assert response.status_code == 302
    assert client.get("/coach/").status_code == 200
    # a new browser is still locked out
    _, stranger = _browser(app)
    locked = stranger.login(EMAIL, PASSWORD)
    assert locked.status_code == 429
    assert LOCKED_MESSAGE in locked.get_data(as_text=True)


@pytest.mark.slow
@pytest.mark.usefixtures("coach")
def test_a_known_browser_has_a_limit_of_its_own(app: Flask) -> None:
    _, own = _browser(app)
    own.login(EMAIL, PASSWORD)
    own.logout()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert own.login(EMAIL, WRONG).status_code == 200
    assert own.login(EMAIL, PASSWORD).status_code == 429
    # its failures did not lock the address for everyone else
    _, other = _browser(app)
    assert other.login(EMAIL, PASSWORD).status_code == 302


@pytest.mark.slow
@pytest.mark.usefixtures("coach")
def test_the_cookie_counts_only_for_the_account_it_was_earned_on(
        app: Flask) -> None:
    with app.app_context():
        create_coach("second@example.org", "Acme", "another good password")
    client, own = _browser(app)
    own.login("second@example.org", "another good password")
    own.logout()
    assert client.get_cookie(COOKIE_NAME, path="/login") is not None
    _lock_the_address(app)
    assert own.login(EMAIL, PASSWORD).status_code == 429


@pytest.mark.slow
@pytest.mark.usefixtures("coach")
def test_a_forged_or_tampered_cookie_is_ignored(app: Flask) -> None:
    client, own = _browser(app)
    own.login(EMAIL, PASSWORD)
    own.logout()
    cookie = client.get_cookie(COOKIE_NAME, path="/login")
    assert cookie is not None
    _lock_the_address(app)
    for forged in (cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"),
                   "eyJhIjoiMTIzIiwiZCI6IngifQ.forged.signature", "x" * 600, ""):
        thief, stolen = _browser(app)
        thief.set_cookie(COOKIE_NAME, forged, path="/login")
        assert stolen.login(EMAIL, PASSWORD).status_code == 429, forged[:20]


@pytest.mark.usefixtures("coach")
def test_the_cookie_is_httponly_scoped_to_sign_in_and_names_no_address(
        app: Flask) -> None:
    _client, own = _browser(app)
    response = own.login(EMAIL, PASSWORD)
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith(COOKIE_NAME + "="))
    attributes = [a.strip().lower() for a in header.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/login" in attributes
    value = header.split(";")[0].split("=", 1)[1]
    with app.test_request_context():
        payload = device._serializer().loads(value)  # signed (and compressed), not encrypted
    assert set(payload) == {"a", "d", "p"}
    assert EMAIL not in json.dumps(payload)
    assert "coach" not in json.dumps(payload)


@pytest.mark.slow
@pytest.mark.usefixtures("coach")
def test_a_password_change_ends_the_trust_in_a_device(app: Flask) -> None:
    """Someone who once knew the old password (and so holds device cookies) gets no attempts
    of their own at the new one."""
    from sqlalchemy import update

    from assess.extensions import db
    from assess.models import User
    from assess.security import hash_password

    _, old_device = _browser(app)
    old_device.login(EMAIL, PASSWORD)
    old_device.logout()
    with app.app_context():
        db.session.execute(update(User).values(password_hash=hash_password("a new password!")))
        db.session.commit()
    _lock_the_address(app)
    assert old_device.login(EMAIL, "a new password!").status_code == 429


def test_an_address_stored_under_older_rules_can_still_sign_in(app: Flask) -> None:
    """Sign-in looks addresses up leniently: an account whose address the current creation
    rules would refuse is not locked out."""
    from assess.extensions import db
    from assess.models import User
    from assess.security import hash_password

    with app.app_context():
        db.session.add(User(email="odd<address>@example.org",
                            password_hash=hash_password(PASSWORD)))
        db.session.commit()
    _, browser = _browser(app)
    assert browser.login("Odd<Address>@example.org", PASSWORD).status_code == 302


@pytest.mark.usefixtures("coach")
def test_failed_sign_ins_leave_no_device_cookie(app: Flask) -> None:
    client, own = _browser(app)
    own.login(EMAIL, WRONG)
    assert client.get_cookie(COOKIE_NAME, path="/login") is None
