"""Lock-out answers do not reveal which email addresses have an account."""

from __future__ import annotations

import pytest


def _attempt(client, email: str, password: str = "wrong-password-123"):
    return client.post("/login", data={"email": email, "password": password})


@pytest.mark.slow
def test_unknown_and_known_addresses_lock_out_alike(app, client) -> None:
    with app.app_context():
        from assess.services.accounts import create_coach

        create_coach("known@example.org", "Acme", "a-long-enough-password")
    limit = app.config["LOGIN_MAX_FAILURES"]
    known = [_attempt(client, "known@example.org") for _ in range(limit + 1)]
    unknown = [_attempt(client, "nobody@example.org") for _ in range(limit + 1)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert known[-1].status_code == 429
    assert b"Too many failed attempts" in unknown[-1].data
    assert b"Too many failed attempts" not in unknown[0].data


@pytest.mark.slow
def test_an_unknown_address_lock_does_not_affect_another(app, client) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        _attempt(client, "nobody@example.org")
    assert _attempt(client, "nobody@example.org").status_code == 429
    assert _attempt(client, "someone-else@example.org").status_code == 200
