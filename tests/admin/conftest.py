"""A server with an administrator, two coaches of two organisations and a team link.

Built through the services, with CSRF protection on (as in production): every browser
(``Browser``) reads its own CSRF token from a page it was served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from assess.extensions import db
from assess.models import Organisation, User
from assess.services.accounts import ADMIN, create_coach
from tests.coach.conftest import Workspace, make_workspace

PASSWORD = "correct horse battery"
ADMIN_EMAIL = "admin@example.org"
ACME_COACH = "acme.coach@example.org"
GLOBEX_COACH = "globex.coach@example.org"

_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Browser:
    """One test client and the CSRF token of its own session."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/login", follow_redirects=True).get_data(as_text=True)
            found = _TOKEN.search(page)
            assert found is not None, "the page carries a CSRF token"
            self._token = found.group(1)
        return self._token

    def sign_in(self, email: str, password: str = PASSWORD) -> Browser:
        response = self.client.post("/login", data={"email": email, "password": password,
                                                    "csrf_token": self.token()})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return self

    def get(self, path: str, **kwargs: object) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, object] | None = None, *, csrf: bool = True,
             **kwargs: object) -> TestResponse:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.token())
        return self.client.post(path, data=form, **kwargs)


@dataclass(frozen=True)
class World:
    admin_id: int
    acme_id: int
    globex_id: int
    acme_coach_id: int
    globex_coach_id: int
    acme: Workspace


def ids_of(app: Flask, org_name: str, email: str) -> tuple[int, int]:
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == org_name))
        user = db.session.scalar(select(User).where(User.email == email))
        assert org is not None
        assert user is not None
        return org.id, user.id


def make_world(app: Flask) -> World:
    acme = make_workspace(app, ACME_COACH, "Acme", "Acme wave 1", ["Apollo", "Artemis"])
    make_workspace(app, GLOBEX_COACH, "Globex", "Globex wave 1", ["Gemini"])
    with app.app_context():
        admin = create_coach(ADMIN_EMAIL, None, PASSWORD, display_name="Ada Admin", role=ADMIN)
        admin_id = admin.id
    acme_id, acme_coach_id = ids_of(app, "Acme", ACME_COACH)
    globex_id, globex_coach_id = ids_of(app, "Globex", GLOBEX_COACH)
    return World(admin_id, acme_id, globex_id, acme_coach_id, globex_coach_id, acme)


@pytest.fixture
def world(csrf_app: Flask) -> World:
    return make_world(csrf_app)


@pytest.fixture
def admin(csrf_app: Flask, world: World) -> Browser:
    return Browser(csrf_app).sign_in(ADMIN_EMAIL)


def respondent(app: Flask, workspace: Workspace) -> Browser:
    """A browser that opened a team link: it holds a survey session, no account."""
    browser = Browser(app)
    opened = browser.get(f"/s/{workspace.tokens['Apollo']}")
    assert opened.status_code == 302
    assert browser.get("/s/").status_code == 200
    return browser


def browsers(app: Flask, world: World) -> dict[str, Browser]:
    """Everyone who is not an administrator."""
    return {
        "coach": Browser(app).sign_in(ACME_COACH),
        "other-coach": Browser(app).sign_in(GLOBEX_COACH),
        "respondent": respondent(app, world.acme),
        "anonymous": Browser(app),
    }
