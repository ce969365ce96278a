"""A coach account with one organisation, made through the accounts service."""

from __future__ import annotations

import pytest
from flask import Flask

from assess.services.accounts import create_coach

EMAIL = "coach@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture
def coach(app: Flask) -> dict[str, str]:
    """Sign-in details of a coach of "Acme" on the ``app`` database."""
    with app.app_context():
        create_coach(EMAIL, "Acme", PASSWORD, display_name="Casey Coach")
    return {"email": EMAIL, "password": PASSWORD}
