"""Administrators disable and enable coaches (ending their sessions) and make them
administrators or not, never leaving the server without an enabled administrator."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from assess.extensions import db
from assess.models import User
from tests.admin.conftest import ACME_COACH, ADMIN_EMAIL, PASSWORD, Browser, World
from tests.survey.survey_support import database_snapshot

LAST_ADMIN = "This is the last enabled administrator"


def account(app: Flask, user_id: int) -> tuple[str, bool, int]:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return user.role, user.is_enabled, user.session_version


def test_the_coach_page_shows_the_account(world: World, admin: Browser) -> None:
    page = admin.get(f"/admin/coaches/{world.acme_coach_id}").get_data(as_text=True)
    assert ACME_COACH in page
    assert "Acme" in page
    assert "Disable the account" in page
    assert "Make an administrator" in page
    assert "Send a new set-password link" in page


def test_disabling_ends_every_session_and_sign_in(csrf_app: Flask, world: World,
                                                   admin: Browser) -> None:
    laptop = Browser(csrf_app).sign_in(ACME_COACH)
    phone = Browser(csrf_app).sign_in(ACME_COACH)
    version = account(csrf_app, world.acme_coach_id)[2]
    response = admin.post(f"/admin/coaches/{world.acme_coach_id}/disable",
                          follow_redirects=True)
    assert "The account is disabled and signed out everywhere." in response.get_data(
        as_text=True)
    assert account(csrf_app, world.acme_coach_id) == ("coach", False, version + 1)
    for browser in (laptop, phone):
        home = browser.get("/coach/")
        assert home.status_code == 302
        assert home.headers["Location"].startswith("/login")
    refused = Browser(csrf_app).post("/login", {"email": ACME_COACH, "password": PASSWORD})
    assert refused.status_code == 200
    assert "Email or password is not right." in refused.get_data(as_text=True)

    admin.post(f"/admin/coaches/{world.acme_coach_id}/enable")
    assert account(csrf_app, world.acme_coach_id)[1] is True
    assert laptop.get("/coach/").status_code == 302  # old sessions stay ended
    Browser(csrf_app).sign_in(ACME_COACH)


def test_disabling_twice_bumps_the_version_once(csrf_app: Flask, world: World,
                                                admin: Browser) -> None:
    version = account(csrf_app, world.acme_coach_id)[2]
    admin.post(f"/admin/coaches/{world.acme_coach_id}/disable")
    admin.post(f"/admin/coaches/{world.acme_coach_id}/disable")
    assert account(csrf_app, world.acme_coach_id)[2] == version + 1


def test_make_admin_and_back(csrf_app: Flask, world: World, admin: Browser) -> None:
    coach = Browser(csrf_app).sign_in(ACME_COACH)
    assert coach.get("/admin/").status_code == 404
    admin.post(f"/admin/coaches/{world.acme_coach_id}/make-admin")
    assert account(csrf_app, world.acme_coach_id)[0] == "admin"
    assert coach.get("/admin/").status_code == 200  # the role counts from the next request
    admin.post(f"/admin/coaches/{world.acme_coach_id}/make-coach")
    assert account(csrf_app, world.acme_coach_id)[0] == "coach"
    assert coach.get("/admin/").status_code == 404
    assert coach.get("/coach/").status_code == 200  # still a coach of Acme


@pytest.mark.parametrize("action", ["make-coach", "disable"])
def test_the_last_enabled_admin_stays(csrf_app: Flask, world: World, admin: Browser,
                                      action: str) -> None:
    before = database_snapshot(csrf_app)
    response = admin.post(f"/admin/coaches/{world.admin_id}/{action}", follow_redirects=True)
    assert LAST_ADMIN in response.get_data(as_text=True)
    assert database_snapshot(csrf_app) == before
    assert admin.get("/admin/").status_code == 200


def test_with_a_second_admin_the_first_may_step_down(csrf_app: Flask, world: World,
                                                     admin: Browser) -> None:
    admin.post(f"/admin/coaches/{world.acme_coach_id}/make-admin")
    admin.post(f"/admin/coaches/{world.admin_id}/make-coach")
    assert account(csrf_app, world.admin_id)[0] == "coach"
    assert admin.get("/admin/").status_code == 404
    # Now the coach is the last admin: a disabled admin does not count as one.
    second = Browser(csrf_app).sign_in(ACME_COACH)
    response = second.post(f"/admin/coaches/{world.acme_coach_id}/disable",
                           follow_redirects=True)
    assert LAST_ADMIN in response.get_data(as_text=True)


def test_a_disabled_admin_does_not_count_as_the_other_admin(csrf_app: Flask, world: World,
                                                           admin: Browser) -> None:
    admin.post(f"/admin/coaches/{world.acme_coach_id}/make-admin")
    admin.post(f"/admin/coaches/{world.acme_coach_id}/disable")
    response = admin.post(f"/admin/coaches/{world.admin_id}/make-coach", follow_redirects=True)
    assert LAST_ADMIN in response.get_data(as_text=True)
    assert account(csrf_app, world.admin_id)[0] == "admin"


def test_the_admin_listing_marks_roles_and_states(csrf_app: Flask, world: World,
                                                  admin: Browser) -> None:
    admin.post(f"/admin/coaches/{world.globex_coach_id}/disable")
    page = admin.get("/admin/").get_data(as_text=True)
    rows = {email: page.split(email, 1)[1].split("</tr>", 1)[0]
            for email in (ADMIN_EMAIL, ACME_COACH, "globex.coach@example.org")}
    assert "administrator" in rows[ADMIN_EMAIL]
    assert "enabled" in rows[ACME_COACH]
    assert "disabled" in rows["globex.coach@example.org"]
    assert "Globex" in rows["globex.coach@example.org"]


def test_hostile_display_names_are_refused_or_escaped(csrf_app: Flask, admin: Browser) -> None:
    for name in ("\u202eevil", "bell\x07", "x" * 10_000):
        response = admin.post("/admin/coaches", {"email": "n@example.org", "display_name": name})
        assert response.status_code == 400, name
    response = admin.post("/admin/coaches", {"email": "n@example.org",
                                             "display_name": "<b>Bold</b> & co"})
    assert response.status_code == 200
    page = admin.get("/admin/").get_data(as_text=True)
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page


@pytest.mark.postgres
def test_account_rules_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    """The same rules through the services on PostgreSQL (row locks, conditional updates)."""
    from flask_migrate import upgrade

    from assess import create_app
    from assess.errors import Conflict, NotFound
    from assess.services import accounts
    from tests.conftest import close_database, make_config

    config = make_config(tmp_path / "instance", tmp_path / "unused.sqlite3")
    config["SQLALCHEMY_DATABASE_URI"] = postgres_url
    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
            first = accounts.create_coach("admin@example.org", None, PASSWORD,
                                          role=accounts.ADMIN)
            org = accounts.create_organisation("Acme")
            user, token = accounts.invite_coach("new@example.org", [org.id], invited_by=first)
            assert [o.name for o in user.organisations] == ["Acme"]
            with pytest.raises(Conflict):
                accounts.set_role(first.id, accounts.COACH)
            with pytest.raises(Conflict):
                accounts.set_enabled(first.id, False)
            rows = {r.email: r for r in accounts.coach_rows()}
            assert rows["new@example.org"].open_link_expires_at is not None
            accepted = accounts.accept_invitation(token, "a brand new password")
            assert accepted.email == "new@example.org"
            with pytest.raises(NotFound):
                accounts.accept_invitation(token, "another new password")
            accounts.set_role(accepted.id, accounts.ADMIN)
            accounts.set_role(first.id, accounts.COACH)
            assert accounts.remove_membership(accepted.id, org.id) is True
            assert accounts.add_membership(accepted.id, org.id) is True
            assert accounts.add_membership(accepted.id, org.id) is False
            renamed = accounts.rename_organisation(org.id, "Acme Europe")
            assert renamed.name == "Acme Europe"
    finally:
        close_database(app)
