"""Sign-in findings of the security review: control characters in the ``next`` target, and
counter keys that only this server can compute."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assess.extensions import db
from assess.models import RateCounter
from tests.auth.conftest import EMAIL, PASSWORD


@pytest.mark.parametrize("target", [
    "/coach/\r\nSet-Cookie: x=1", "/coach/\nLocation: http://evil.example", "/coach/\r",
    "/coach/\x00", "/coach/\x1b[31m", "/coach/\u2028", "/coach/\u202e", "/coach/\x7f",
])
def test_control_characters_in_next_land_on_the_home(client: FlaskClient,
                                                     coach: dict[str, str],
                                                     target: str) -> None:
    response = client.post("/login", data={"email": coach["email"],
                                           "password": coach["password"], "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"
    assert "Set-Cookie: x" not in str(response.headers)


def test_a_plain_next_is_still_followed(client: FlaskClient, coach: dict[str, str]) -> None:
    response = client.post("/login", data={"email": coach["email"],
                                           "password": coach["password"],
                                           "next": "/coach/teams?x=1"})
    assert response.headers["Location"] == "/coach/teams?x=1"


def test_failure_counters_are_keyed_not_plain_hashes(app: Flask, client: FlaskClient,
                                                     coach: dict[str, str]) -> None:
    client.post("/login", data={"email": EMAIL, "password": PASSWORD + "wrong"})
    client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    with app.app_context():
        keys = db.session.scalars(select(RateCounter.key)).all()
    assert len([k for k in keys if k.startswith("login:")]) == 2
    for address in (EMAIL, "nobody@example.org"):
        plain = hashlib.sha256(address.encode()).hexdigest()
        # Anyone holding the database could otherwise test guessed addresses against it.
        assert not any(plain[:16] in key for key in keys), address
