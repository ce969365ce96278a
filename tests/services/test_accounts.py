"""Coach accounts: creation rules, sign-in outcomes, lock-out and ending sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from assess.errors import InvalidInput
from assess.extensions import db
from assess.models import Organisation, User
from assess.services import accounts

PASSWORD = "correct horse battery"


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(("raw", "clean"), [
    ("coach@example.org", "coach@example.org"),
    ("  Coach@Example.ORG\t", "coach@example.org"),
    ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("coach@bücher.de", "coach@bücher.de"),
    ("a@b.co", "a@b.co"),
    ("coach@my-team.example.org", "coach@my-team.example.org"),
    ("Jörg@Example.de", "jörg@example.de"),
    ("je\u0301ro\u0302me@example.fr", "j\u00e9r\u00f4me@example.fr"),  # composed (NFC)
    ("user@example.xn--p1ai", "user@example.xn--p1ai"),  # an IDNA top-level domain
])
def test_emails_are_normalised(raw: str, clean: str) -> None:
    assert accounts.validate_email(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "coach", "coach@", "@example.org", "coach@example",
                                 "co ach@example.org", "coach@exa\nmple.org",
                                 "coach\x00@example.org", "coach@example.org\x07",
                                 "a" * 250 + "@example.org", "<script>@example.org",
                                 "coach@-example.org", "coach@example.org.", "coach@example.1",
                                 ".coach@example.org", "co..ach@example.org",
                                 "\"quoted\"@example.org", "coach@example.org\u202e",
                                 "coach@exam_ple.org"])
def test_malformed_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="is not an email address"):
        accounts.validate_email(raw)


@pytest.mark.usefixtures("ctx")
def test_create_coach_stores_a_hash_and_a_membership() -> None:
    user = accounts.create_coach("coach@example.org", "Acme", PASSWORD, display_name=" Casey ")
    assert user.email == "coach@example.org"
    assert user.display_name == "Casey"
    assert user.password_hash.startswith("$argon2id$")
    assert [org.name for org in user.organisations] == ["Acme"]


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize(("password", "message"), [
    ("x" * 9, "at least 10 characters"),
    ("x" * 257, "at most 256 characters"),
])
def test_password_length_rules(password: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        accounts.create_coach("coach@example.org", "Acme", password)
    assert _count(User) == 0
    assert _count(Organisation) == 0


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize(("name", "message"), [
    ("   ", "The organisation name is empty."),
    ("x" * 201, "longer than 200 characters"),
])
def test_organisation_name_rules(name: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        accounts.create_coach("coach@example.org", name, PASSWORD)
    db.session.commit()  # a later commit in the same request must not save half the work
    assert _count(User) == 0


@pytest.mark.usefixtures("ctx")
def test_organisation_names_are_matched_with_spaces_collapsed() -> None:
    accounts.create_coach("one@example.org", "Acme  Corp", PASSWORD)
    accounts.create_coach("two@example.org", " Acme Corp ", PASSWORD)
    assert db.session.scalars(select(Organisation.name)).all() == ["Acme Corp"]


@pytest.mark.usefixtures("ctx")
def test_authenticate_outcomes() -> None:
    accounts.create_coach("coach@example.org", "Acme", PASSWORD)
    good = accounts.authenticate("coach@example.org", PASSWORD)
    assert good.user is not None
    assert good.user.last_login_at is not None
    wrong = accounts.authenticate("coach@example.org", "nope")
    unknown = accounts.authenticate("who@example.org", PASSWORD)
    assert wrong == unknown == accounts.LoginOutcome(None, accounts.GENERIC_FAILURE)


def test_lock_after_the_configured_number_of_failures(ctx: Flask) -> None:
    ctx.config["LOGIN_MAX_FAILURES"] = 3
    accounts.create_coach("coach@example.org", "Acme", PASSWORD)
    for _ in range(3):
        assert not accounts.authenticate("coach@example.org", "nope").locked
    outcome = accounts.authenticate("coach@example.org", PASSWORD)
    assert outcome.locked
    assert outcome.user is None
    assert outcome.message == accounts.LOCKED_MESSAGE


@pytest.mark.usefixtures("ctx")
def test_end_all_sessions_changes_the_session_id() -> None:
    user = accounts.create_coach("coach@example.org", "Acme", PASSWORD)
    before = user.get_id()
    accounts.end_all_sessions(user)
    db.session.refresh(user)
    assert user.get_id() != before
    assert user.get_id().startswith(f"{user.id}:")
