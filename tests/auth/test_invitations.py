"""One-time set-password links: an invitation or a password reset made by an administrator.

The link works once, for 72 hours, for an enabled account; only a keyed digest of its token
is stored; a new link ends the older ones. Every link that does not work (used, expired,
replaced, unknown, malformed, for a disabled account) gets the same 404 page after the same
database work.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import event, select, update

from assess.extensions import db
from assess.models import Invitation, Membership, User, utcnow
from assess.services import accounts
from tests.admin.conftest import ACME_COACH, PASSWORD, Browser, World

NEW_PASSWORD = "a brand new password"
INVALID = "This link is not valid any more. Please ask your administrator for a new one."


def invite(admin: Browser, email: str = "new.coach@example.org", **data: object) -> str:
    """Invite through the admin page; the path of the link shown once."""
    response = admin.post("/admin/coaches", {"email": email, **data})
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    found = re.search(r'value="(http://localhost/invite/[^"]+)"', response.get_data(as_text=True))
    assert found is not None
    return urlsplit(found.group(1)).path


def new_link(admin: Browser, user_id: int) -> str:
    response = admin.post(f"/admin/coaches/{user_id}/link")
    assert response.status_code == 200
    found = re.search(r'value="(http://localhost/invite/[^"]+)"', response.get_data(as_text=True))
    assert found is not None
    return urlsplit(found.group(1)).path


def set_password(app: Flask, path: str, password: str = NEW_PASSWORD,
                 confirm: str | None = None) -> tuple[Browser, object]:
    browser = Browser(app)
    opened = browser.get(path)
    if opened.status_code != 302:
        return browser, opened
    assert opened.headers["Location"] == "/invite/"
    form = browser.get("/invite/")
    assert form.status_code == 200
    response = browser.post("/invite/", {"password": password,
                                         "confirm": password if confirm is None else confirm})
    return browser, response


def user_id_of(app: Flask, email: str) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user.id


def assert_invalid(response) -> None:
    assert response.status_code == 404
    assert INVALID in response.get_data(as_text=True)


# --- the happy path --------------------------------------------------------------------------

def test_an_invited_coach_sets_a_password_and_is_signed_in(csrf_app: Flask, world: World,
                                                           admin: Browser) -> None:
    path = invite(admin, organisations=str(world.acme_id), display_name="Nia New")
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url
    with csrf_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.coach@example.org"))
        assert user is not None
        assert user.display_name == "Nia New"
        assert [m.organisation_id for m in user.memberships] == [world.acme_id]
        invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
        assert invitation is not None
        assert token not in invitation.token_hash
        assert len(invitation.token_hash) == 64
        assert invitation.created_by_id == world.admin_id
        lifetime = invitation.expires_at - invitation.created_at
        assert lifetime == dt.timedelta(hours=72)
    # Before the link is used, no password signs in (not even an empty or a guessed one).
    assert Browser(csrf_app).post("/login", {"email": "new.coach@example.org",
                                             "password": "x" * 12}).status_code == 200

    browser, response = set_password(csrf_app, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"
    home = browser.get("/coach/").get_data(as_text=True)
    assert "Acme" in home
    assert "Your password is set and you are signed in." in home
    Browser(csrf_app).sign_in("new.coach@example.org", NEW_PASSWORD)
    with csrf_app.app_context():
        used = db.session.scalar(select(Invitation))
        assert used is not None
        assert used.used_at is not None


def test_the_token_leaves_the_url_after_the_first_visit(csrf_app: Flask, admin: Browser) -> None:
    path = invite(admin)
    token = path.rsplit("/", 1)[1]
    browser = Browser(csrf_app)
    opened = browser.get(path)
    assert opened.status_code == 302
    assert token not in opened.headers["Location"]
    page = browser.get("/invite/")
    text = page.get_data(as_text=True)
    assert token not in text
    assert "new.coach@example.org" in text
    assert page.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert 'autocomplete="new-password"' in text


def test_the_link_page_shows_the_link_once_with_a_copy_button(admin: Browser) -> None:
    response = admin.post("/admin/coaches", {"email": "new.coach@example.org"})
    page = response.get_data(as_text=True)
    assert "This is the only time the link is shown." in page
    assert 'data-copy-target="set-password-link"' in page
    assert '<script src="/static/copy.js">' in page
    assert "<script>" not in page  # no inline script (CSP)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "/invite/" not in admin.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("short", None, "at least 10 characters"),
    ("x" * 257, None, "Field cannot be longer than 256 characters."),
    (NEW_PASSWORD, "something else entirely", "The two passwords differ."),
])
def test_a_bad_password_is_refused_and_the_link_still_works(
        csrf_app: Flask, admin: Browser, password: str, confirm: str | None,
        message: str) -> None:
    path = invite(admin)
    _browser, response = set_password(csrf_app, path, password, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    _, again = set_password(csrf_app, path)
    assert again.status_code == 302


# --- once, until it expires, for an enabled account ------------------------------------------

def test_a_link_works_once(csrf_app: Flask, admin: Browser) -> None:
    path = invite(admin)
    _, first = set_password(csrf_app, path)
    assert first.status_code == 302
    _, second = set_password(csrf_app, path, "yet another password")
    assert_invalid(second)
    Browser(csrf_app).sign_in("new.coach@example.org", NEW_PASSWORD)


def test_a_form_opened_before_the_link_was_used_cannot_use_it_again(csrf_app: Flask,
                                                                    admin: Browser) -> None:
    path = invite(admin)
    slow = Browser(csrf_app)
    assert slow.get(path).status_code == 302
    assert slow.get("/invite/").status_code == 200
    _, first = set_password(csrf_app, path)
    assert first.status_code == 302
    late = slow.post("/invite/", {"password": "the late password", "confirm": "the late password"})
    assert_invalid(late)
    Browser(csrf_app).sign_in("new.coach@example.org", NEW_PASSWORD)


def _expire(app: Flask, email: str, *, by: dt.timedelta = dt.timedelta(seconds=1)) -> None:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.execute(update(Invitation).where(Invitation.user_id == user_id)
                           .values(expires_at=utcnow() - by))
        db.session.commit()


def test_an_expired_link_does_not_work(csrf_app: Flask, admin: Browser) -> None:
    path = invite(admin)
    _expire(csrf_app, "new.coach@example.org")
    _, response = set_password(csrf_app, path)
    assert_invalid(response)


def test_a_link_expires_after_72_hours(csrf_app: Flask, admin: Browser,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With the clock moved: open at 71:59, not valid at 72:00."""
    path = invite(admin)
    start = utcnow()
    monkeypatch.setattr(accounts, "utcnow", lambda: start + dt.timedelta(hours=71, minutes=59))
    browser = Browser(csrf_app)
    assert browser.get(path).status_code == 302
    monkeypatch.setattr(accounts, "utcnow", lambda: start + dt.timedelta(hours=72, seconds=1))
    assert_invalid(browser.get("/invite/"))
    assert_invalid(Browser(csrf_app).get(path))


def test_a_form_left_open_past_the_expiry_cannot_set_the_password(
        csrf_app: Flask, admin: Browser) -> None:
    path = invite(admin)
    browser = Browser(csrf_app)
    assert browser.get(path).status_code == 302
    assert browser.get("/invite/").status_code == 200
    _expire(csrf_app, "new.coach@example.org")
    response = browser.post("/invite/", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert_invalid(response)


def test_a_new_link_ends_the_older_ones(csrf_app: Flask, admin: Browser) -> None:
    old = invite(admin)
    user_id = user_id_of(csrf_app, "new.coach@example.org")
    new = new_link(admin, user_id)
    assert new != old
    _, response = set_password(csrf_app, old)
    assert_invalid(response)
    _, response = set_password(csrf_app, new)
    assert response.status_code == 302


def test_an_old_link_opened_before_a_new_one_was_made_stops_working(
        csrf_app: Flask, admin: Browser) -> None:
    old = invite(admin)
    browser = Browser(csrf_app)
    assert browser.get(old).status_code == 302
    new_link(admin, user_id_of(csrf_app, "new.coach@example.org"))
    assert_invalid(browser.post("/invite/", {"password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD}))


def test_a_new_link_resets_a_forgotten_password_and_ends_sessions(
        csrf_app: Flask, world: World, admin: Browser) -> None:
    coach = Browser(csrf_app).sign_in(ACME_COACH)
    assert coach.get("/coach/").status_code == 200
    path = new_link(admin, world.acme_coach_id)
    assert coach.get("/coach/").status_code == 200  # a link alone changes nothing
    Browser(csrf_app).sign_in(ACME_COACH, PASSWORD)  # nor the old password
    _, response = set_password(csrf_app, path)
    assert response.status_code == 302
    assert coach.get("/coach/").status_code == 302  # the old session ended
    Browser(csrf_app).sign_in(ACME_COACH, NEW_PASSWORD)
    refused = Browser(csrf_app).post("/login", {"email": ACME_COACH, "password": PASSWORD})
    assert refused.status_code == 200


def test_a_link_for_a_disabled_account_does_not_work(csrf_app: Flask, world: World,
                                                     admin: Browser) -> None:
    path = new_link(admin, world.acme_coach_id)
    assert admin.post(f"/admin/coaches/{world.acme_coach_id}/disable").status_code == 302
    _, response = set_password(csrf_app, path)
    assert_invalid(response)
    # Enabled again, the link works again (it was not used).
    assert admin.post(f"/admin/coaches/{world.acme_coach_id}/enable").status_code == 302
    _, response = set_password(csrf_app, path)
    assert response.status_code == 302


def test_no_new_link_for_a_disabled_account(csrf_app: Flask, world: World,
                                            admin: Browser) -> None:
    admin.post(f"/admin/coaches/{world.acme_coach_id}/disable")
    response = admin.post(f"/admin/coaches/{world.acme_coach_id}/link",
                          follow_redirects=True)
    assert "This account is disabled: enable it first." in response.get_data(as_text=True)
    with csrf_app.app_context():
        assert db.session.scalar(select(Invitation)) is None


# --- every invalid link looks the same -------------------------------------------------------

def _statements(app: Flask, path: str) -> tuple[int, bytes, int]:
    """The answer to a first visit of the link and the number of SQL statements it ran."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = Browser(app).get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return response.status_code, response.get_data(), len(seen)


def test_unknown_expired_used_and_malformed_links_look_the_same(
        csrf_app: Flask, world: World, admin: Browser) -> None:
    expired = invite(admin, "expired@example.org")
    _expire(csrf_app, "expired@example.org")
    used = invite(admin, "used@example.org")
    assert set_password(csrf_app, used)[1].status_code == 302
    replaced = invite(admin, "replaced@example.org")
    new_link(admin, user_id_of(csrf_app, "replaced@example.org"))
    disabled = new_link(admin, world.acme_coach_id)
    admin.post(f"/admin/coaches/{world.acme_coach_id}/disable")
    token_length = len(expired.rsplit("/", 1)[1])
    unknown = "/invite/" + "A" * token_length
    answers = {name: _statements(csrf_app, path) for name, path in {
        "unknown": unknown, "expired": expired, "used": used, "replaced": replaced,
        "short": "/invite/abc", "long": "/invite/" + "A" * 5000,
    }.items()}
    statuses = {name: a[0] for name, a in answers.items()}
    assert set(statuses.values()) == {404}, statuses
    bodies = {a[1] for a in answers.values()}
    assert len(bodies) == 1
    assert INVALID.encode() in next(iter(bodies))
    # The same database work: one lookup by digest, whatever the reason.
    work = {name: a[2] for name, a in answers.items()}
    assert len(set(work.values())) == 1, work
    # A disabled account's link reads the account too (to know it is disabled), and still
    # answers the same page.
    status, body, _ = _statements(csrf_app, disabled)
    assert (status, body) == (404, next(iter(bodies)))


@pytest.mark.parametrize("token", ["%00", "<script>", "\u202e" * 3, " ", "%0d%0aSet-Cookie:x"])
def test_hostile_tokens_get_the_invalid_page(csrf_app: Flask, token: str) -> None:
    response = Browser(csrf_app).get(f"/invite/{token}")
    assert_invalid(response)
    assert "Set-Cookie: x" not in str(response.headers)


def test_a_token_with_slashes_is_not_found(csrf_app: Flask) -> None:
    assert Browser(csrf_app).get("/invite/..%2F..%2Fetc").status_code == 404


def test_the_set_password_page_without_a_link_is_the_invalid_page(csrf_app: Flask) -> None:
    browser = Browser(csrf_app)
    assert_invalid(browser.get("/invite/"))
    assert_invalid(browser.post("/invite/", {"password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD}))


def test_the_set_password_form_needs_the_csrf_token(csrf_app: Flask, admin: Browser) -> None:
    path = invite(admin)
    browser = Browser(csrf_app)
    browser.get(path)
    refused = browser.post("/invite/", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                           csrf=False)
    assert refused.status_code == 400
    assert browser.post("/invite/", {"password": NEW_PASSWORD,
                                     "confirm": NEW_PASSWORD}).status_code == 302


def test_inviting_an_existing_address_is_refused(csrf_app: Flask, admin: Browser) -> None:
    response = admin.post("/admin/coaches", {"email": ACME_COACH.upper()})
    assert response.status_code == 400
    assert "has an account already" in response.get_data(as_text=True)
    with csrf_app.app_context():
        assert db.session.scalar(select(Invitation)) is None


@pytest.mark.parametrize("email", ["not-an-address", "<script>@example.org",
                                   "\u202e@example.org", "x" * 10_000 + "@example.org",
                                   "coach@example.org\x00"])
def test_hostile_addresses_are_refused(csrf_app: Flask, admin: Browser, email: str) -> None:
    with csrf_app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(User))
    response = admin.post("/admin/coaches", {"email": email})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<script>@" not in page
    assert "\u202e" not in page or "<bdi>" in page
    with csrf_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == before
        assert db.session.scalar(select(Membership).where(Membership.id < 0)) is None


def test_invitation_needs_an_existing_organisation(csrf_app: Flask, admin: Browser) -> None:
    response = admin.post("/admin/coaches", {"email": "new.coach@example.org",
                                             "organisations": "999999"})
    assert response.status_code == 400
    assert "is not a valid choice" in response.get_data(as_text=True)
    with csrf_app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new.coach@example.org")) \
            is None
