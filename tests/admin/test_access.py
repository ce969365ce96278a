"""Who may use the administration pages: only an enabled administrator.

Every admin route x {coach, coach of another organisation, respondent session, anonymous}
x {GET, POST} answers 404 (never a sign-in redirect: no existence oracle) and changes
nothing; the administrator's GETs change nothing either; every POST needs this browser's
CSRF token.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from assess.extensions import db
from assess.models import User
from tests.admin.conftest import (
    ADMIN_EMAIL,
    PASSWORD,
    Browser,
    World,
    browsers,
)
from tests.survey.survey_support import database_snapshot, row_counts


def get_routes(world: World) -> list[str]:
    return [
        "/admin/",
        f"/admin/organisations/{world.acme_id}",
        f"/admin/organisations/{world.acme_id}/export",
        f"/admin/coaches/{world.acme_coach_id}",
    ]


def post_routes(world: World) -> list[tuple[str, dict[str, object]]]:
    acme, coach = world.acme_id, world.acme_coach_id
    return [
        ("/admin/organisations", {"name": "Initech"}),
        (f"/admin/organisations/{acme}/rename", {"name": "Acme renamed"}),
        (f"/admin/organisations/{acme}/delete", {"confirm_name": "Acme"}),
        ("/admin/coaches", {"email": "new.coach@example.org", "organisations": str(acme)}),
        (f"/admin/coaches/{coach}/memberships", {"organisation": str(world.globex_id)}),
        (f"/admin/coaches/{coach}/memberships/{acme}/delete", {}),
        (f"/admin/coaches/{coach}/enable", {}),
        (f"/admin/coaches/{coach}/disable", {}),
        (f"/admin/coaches/{coach}/make-admin", {}),
        (f"/admin/coaches/{coach}/make-coach", {}),
        (f"/admin/coaches/{coach}/link", {}),
    ]


def test_every_admin_url_is_covered(csrf_app: Flask, world: World) -> None:
    """A new admin route must join the matrix."""
    adapter = csrf_app.url_map.bind("localhost")
    covered = ({adapter.match(path, "GET")[0] for path in get_routes(world)}
               | {adapter.match(path, "POST")[0] for path, _ in post_routes(world)})
    endpoints = {rule.endpoint for rule in csrf_app.url_map.iter_rules()
                 if rule.endpoint.startswith("admin.")}
    assert covered == endpoints


@pytest.mark.parametrize("who", ["coach", "other-coach", "respondent", "anonymous"])
def test_nobody_but_an_admin_gets_anything(csrf_app: Flask, world: World, who: str) -> None:
    browser = browsers(csrf_app, world)[who]
    before = database_snapshot(csrf_app)
    missing = browser.get("/admin/no-such-page")
    assert missing.status_code == 404
    for path in get_routes(world):
        response = browser.get(path)
        assert response.status_code == 404, (who, path)
        assert _page(response) == _page(missing), (who, path)
        assert "Location" not in response.headers
    for path, data in post_routes(world):
        for csrf in (True, False):  # with or without a valid token of its own: 404 alike
            response = browser.post(path, data, csrf=csrf)
            assert response.status_code == 404, (who, path, csrf)
            assert _page(response) == _page(missing), (who, path)
        assert browser.get(path).status_code in (404, 405), path
    assert database_snapshot(csrf_app) == before


def test_a_disabled_admin_is_nobody(csrf_app: Flask, world: World, admin: Browser) -> None:
    assert admin.get("/admin/").status_code == 200
    with csrf_app.app_context():
        user = db.session.get(User, world.admin_id)
        assert user is not None
        user.is_enabled = False
        db.session.commit()
    assert admin.get("/admin/").status_code == 404


def test_a_demoted_admin_loses_access_at_once(csrf_app: Flask, world: World,
                                              admin: Browser) -> None:
    with csrf_app.app_context():
        user = db.session.get(User, world.admin_id)
        assert user is not None
        user.role = "coach"
        db.session.commit()
    assert admin.get("/admin/").status_code == 404


def test_admin_gets_change_nothing(csrf_app: Flask, world: World, admin: Browser) -> None:
    before, counts = database_snapshot(csrf_app), row_counts(csrf_app)
    for path in get_routes(world):
        response = admin.get(path)
        assert response.status_code == 200, path
    assert row_counts(csrf_app) == counts
    assert database_snapshot(csrf_app) == before


@pytest.mark.parametrize("index", range(11))
def test_every_post_needs_the_csrf_token(csrf_app: Flask, world: World, admin: Browser,
                                         index: int) -> None:
    path, data = post_routes(world)[index]
    before = database_snapshot(csrf_app)
    other = Browser(csrf_app).token()  # a valid token of another browser
    for token in (None, "", "not-a-token", other):
        form = dict(data)
        if token is not None:
            form["csrf_token"] = token
        response = admin.post(path, form, csrf=False)
        assert response.status_code == 400, (path, token)
        assert "Your form expired or was sent from elsewhere." in response.get_data(as_text=True)
    assert database_snapshot(csrf_app) == before
    assert admin.post(path, data).status_code in (200, 302), path  # the real form works


def test_admin_pages_are_post_only_for_changes(csrf_app: Flask, world: World,
                                               admin: Browser) -> None:
    before = database_snapshot(csrf_app)
    for path, _data in post_routes(world):
        assert admin.get(path).status_code == 405, path
    assert database_snapshot(csrf_app) == before


def test_the_overview_lists_organisations_and_coaches(world: World, admin: Browser) -> None:
    page = admin.get("/admin/").get_data(as_text=True)
    for text in ("Acme", "Globex", ADMIN_EMAIL, "acme.coach@example.org",
                 "globex.coach@example.org", "administrator", "Ada Admin"):
        assert text in page
    assert PASSWORD not in page


def _page(response) -> bytes:
    """The page without its CSRF token, which is signed with the time (a new value each
    second): two 404 pages must be the same but for that."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token"',
                  response.get_data())

