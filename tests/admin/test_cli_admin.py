"""Administrators on the command line: create-coach --admin, promote, password-link.

``create-coach EMAIL --org NAME`` keeps working as before; hostile values get a one-line
refusal, a failing exit code, escaped control characters and nothing stored.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Invitation, Membership, Organisation, User
from tests.admin.conftest import Browser

PASSWORD = "a-long-enough-password"
LONG = "x" * 10_000
HOSTILE = [LONG, "\u202eevil@example.org", "line\nbreak@example.org", "<script>@example.org",
           "' OR 1=1 --", "", "   ", "nul\x00@example.org", "\x1b[2J@example.org"]


def run(app: Flask, *args: str, password: str | None = PASSWORD):
    return app.test_cli_runner().invoke(
        args=list(args), input=None if password is None else password + "\n")


def account(app: Flask, email: str) -> tuple[str, list[str]] | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            return None
        return user.role, [o.name for o in user.organisations]


def counts(app: Flask) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(int(db.session.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (User, Organisation, Membership, Invitation))


def refused(result) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip()
    assert not any(ch in result.output for ch in "\x1b\u202e\x00")


def test_create_an_admin_without_organisation(app: Flask) -> None:
    result = run(app, "create-coach", "admin@example.org", "--admin", "--password-stdin")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Administrator admin@example.org."
    assert account(app, "admin@example.org") == ("admin", [])
    browser = Browser(app)
    browser.client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert browser.get("/admin/").status_code == 200


def test_create_an_admin_with_an_organisation(app: Flask) -> None:
    result = run(app, "create-coach", "admin@example.org", "--admin", "--org", "Acme",
                 "--password-stdin")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Administrator admin@example.org and has access to Acme."
    assert account(app, "admin@example.org") == ("admin", ["Acme"])


def test_create_coach_works_as_before(app: Flask) -> None:
    result = run(app, "create-coach", "coach@example.org", "--org", "Acme", "--password-stdin")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Coach coach@example.org has access to Acme."
    assert account(app, "coach@example.org") == ("coach", ["Acme"])
    again = run(app, "create-coach", "coach@example.org", "--org", "Globex", "--password-stdin")
    assert again.exit_code == 0
    assert account(app, "coach@example.org") == ("coach", ["Acme", "Globex"])


def test_a_coach_needs_an_organisation(app: Flask) -> None:
    result = run(app, "create-coach", "coach@example.org", "--password-stdin")
    assert result.exit_code == 2
    assert "--org" in result.output
    assert counts(app) == (0, 0, 0, 0)


def test_create_coach_admin_promotes_an_existing_account(app: Flask) -> None:
    run(app, "create-coach", "coach@example.org", "--org", "Acme", "--password-stdin")
    result = run(app, "create-coach", "coach@example.org", "--admin", "--password-stdin",
                 password="ignored for an existing account")
    assert result.exit_code == 0, result.output
    assert account(app, "coach@example.org") == ("admin", ["Acme"])
    # Its password is unchanged.
    browser = Browser(app)
    signed_in = browser.client.post("/login", data={"email": "coach@example.org",
                                                    "password": PASSWORD})
    assert signed_in.status_code == 302


def test_promote(app: Flask) -> None:
    run(app, "create-coach", "coach@example.org", "--org", "Acme", "--password-stdin")
    result = run(app, "promote", "  Coach@Example.org ", password=None)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "coach@example.org is an administrator."
    assert account(app, "coach@example.org") == ("admin", ["Acme"])
    # Promoting twice is harmless.
    assert run(app, "promote", "coach@example.org", password=None).exit_code == 0


@pytest.mark.parametrize("email", [*HOSTILE, "nobody@example.org"])
def test_promote_refuses_unknown_and_hostile_addresses(app: Flask, email: str) -> None:
    run(app, "create-coach", "coach@example.org", "--org", "Acme", "--password-stdin")
    before = counts(app)
    result = run(app, "promote", email, password=None)
    refused(result)
    assert "No account has the address" in result.output
    assert len(result.output) < 200  # long values are cut short
    assert counts(app) == before
    assert account(app, "coach@example.org") == ("coach", ["Acme"])


@pytest.mark.parametrize("email", HOSTILE)
def test_create_admin_refuses_hostile_addresses(app: Flask, email: str) -> None:
    refused(run(app, "create-coach", email, "--admin", "--password-stdin"))
    assert counts(app) == (0, 0, 0, 0)


@pytest.mark.parametrize("name", [LONG, "", "   ", "Acme\x07", "Acme\u202e", "x" * 201])
def test_create_admin_refuses_hostile_organisation_names(app: Flask, name: str) -> None:
    refused(run(app, "create-coach", "admin@example.org", "--admin", "--org", name,
                "--password-stdin"))
    assert counts(app) == (0, 0, 0, 0)


@pytest.mark.parametrize("name", ["\u202eevil", "bell\x07", LONG])
def test_hostile_display_names_are_refused(app: Flask, name: str) -> None:
    refused(run(app, "create-coach", "admin@example.org", "--admin", "--name", name,
                "--password-stdin"))
    assert counts(app) == (0, 0, 0, 0)


def test_create_admin_refuses_a_short_password(app: Flask) -> None:
    result = run(app, "create-coach", "admin@example.org", "--admin", "--password-stdin",
                 password="short")
    refused(result)
    assert "at least 10 characters" in result.output
    assert counts(app) == (0, 0, 0, 0)


def test_password_link_lets_an_admin_back_in(app: Flask) -> None:
    run(app, "create-coach", "admin@example.org", "--admin", "--password-stdin")
    result = run(app, "password-link", "admin@example.org", password=None)
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert re.fullmatch(r"http://localhost/invite/[A-Za-z0-9_-]{43,}", url), url
    browser = Browser(app)
    assert browser.get(urlsplit(url).path).status_code == 302
    response = browser.client.post("/invite/", data={"password": "the new admin password",
                                                     "confirm": "the new admin password"})
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200
    # A second link ends the first (which is used anyway); the new one works.
    second = run(app, "password-link", "admin@example.org", password=None).output.strip()
    assert second != url
    assert Browser(app).get(urlsplit(url).path).status_code == 404


@pytest.mark.parametrize("email", [*HOSTILE, "nobody@example.org"])
def test_password_link_refuses_unknown_and_hostile_addresses(app: Flask, email: str) -> None:
    result = run(app, "password-link", email, password=None)
    refused(result)
    assert counts(app) == (0, 0, 0, 0)


def test_new_commands_are_listed(app: Flask) -> None:
    output = app.test_cli_runner().invoke(args=["--help"]).output
    for command in ("create-coach", "promote", "password-link"):
        assert command in output
