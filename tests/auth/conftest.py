"""A coach account with one organisation, made through the accounts service."""

from __future__ import annotations

import pytest
from flask import Flask

from assess.services.accounts import create_coach
from tests.admin.conftest import ADMIN_EMAIL, Browser, World, make_world

EMAIL = "coach@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture
def coach(app: Flask) -> dict[str, str]:
    """Sign-in details of a coach of "Acme" on the ``app`` database."""
    with app.app_context():
        create_coach(EMAIL, "Acme", PASSWORD, display_name="Casey Coach")
    return {"email": EMAIL, "password": PASSWORD}


@pytest.fixture
def world(csrf_app: Flask) -> World:
    """An administrator and two coaches of two organisations (see tests/admin/conftest.py)."""
    return make_world(csrf_app)


@pytest.fixture
def admin(csrf_app: Flask, world: World) -> Browser:
    return Browser(csrf_app).sign_in(ADMIN_EMAIL)
