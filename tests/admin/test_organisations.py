"""Administrators create and rename organisations (the name rules of the command line) and
manage who has access to them; hostile names are refused or escaped everywhere."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Membership, Organisation
from tests.admin.conftest import ACME_COACH, Browser, World
from tests.survey.survey_support import database_snapshot

MARKUP = '<script>alert("org")</script> & "Co"'
RTL = "Acme \u202eevil"
LONG = "x" * 10_000


def org_names(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Organisation.name).order_by(Organisation.name)))


def test_create_an_organisation(csrf_app: Flask, admin: Browser) -> None:
    response = admin.post("/admin/organisations", {"name": "  Initech   Ltd "})
    assert response.status_code == 302
    assert "Initech Ltd" in org_names(csrf_app)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Organisation Initech Ltd was created." in page
    assert "<h1><bdi>Initech Ltd</bdi>" in page


@pytest.mark.parametrize(("name", "message"), [
    ("", "This field is required."),
    ("   ", "The organisation name is empty."),
    (LONG, "longer than 200 characters"),
    ("x" * 201, "longer than 200 characters"),
    (RTL, "control characters"),
    ("Acme\x07", "control characters"),
    ("Acme\u200b", "control characters"),
    ("Acme", "exists already"),
    (" Acme ", "exists already"),
])
def test_bad_organisation_names_are_refused(csrf_app: Flask, world: World, admin: Browser,
                                            name: str, message: str) -> None:
    before = database_snapshot(csrf_app)
    for path in ("/admin/organisations", f"/admin/organisations/{world.globex_id}/rename"):
        response = admin.post(path, {"name": name})
        assert response.status_code == 400, path
        page = response.get_data(as_text=True)
        assert message in page, path
    assert database_snapshot(csrf_app) == before


def test_rename_keeps_everything_else(csrf_app: Flask, world: World, admin: Browser) -> None:
    response = admin.post(f"/admin/organisations/{world.acme_id}/rename",
                          {"name": "Acme Europe"})
    assert response.status_code == 302
    assert org_names(csrf_app) == ["Acme Europe", "Globex"]
    coach = Browser(csrf_app).sign_in(ACME_COACH)
    home = coach.get("/coach/").get_data(as_text=True)
    assert "Acme Europe" in home
    assert "Acme wave 1" in home
    # Renaming to its own name is fine (nothing else has it).
    assert admin.post(f"/admin/organisations/{world.acme_id}/rename",
                      {"name": "Acme Europe"}).status_code == 302


def test_markup_in_a_name_is_escaped_on_every_admin_page(csrf_app: Flask, world: World,
                                                         admin: Browser) -> None:
    response = admin.post("/admin/organisations", {"name": MARKUP})
    assert response.status_code == 302
    with csrf_app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.name == MARKUP))
    escaped = "&lt;script&gt;alert(&#34;org&#34;)&lt;/script&gt; &amp; &#34;Co&#34;"
    admin.post(f"/admin/coaches/{world.acme_coach_id}/memberships", {"organisation": org_id})
    for path in ("/admin/", f"/admin/organisations/{org_id}",
                 f"/admin/coaches/{world.acme_coach_id}"):
        page = admin.get(path).get_data(as_text=True)
        assert "<script>alert" not in page, path
        assert escaped in page, path
    flashed = admin.post(f"/admin/organisations/{org_id}/rename", {"name": MARKUP + "!"},
                         follow_redirects=True).get_data(as_text=True)
    assert "<script>alert" not in flashed
    assert escaped + "!." in flashed


def test_unknown_and_out_of_range_ids_are_not_found(csrf_app: Flask, world: World,
                                                    admin: Browser) -> None:
    before = database_snapshot(csrf_app)
    for bad in ("999999", "2147483648", "0", "-1", "\uff11", f"0{world.acme_id}"):
        assert admin.get(f"/admin/organisations/{bad}").status_code == 404, bad
        assert admin.get(f"/admin/coaches/{bad}").status_code == 404, bad
        assert admin.post(f"/admin/organisations/{bad}/rename",
                          {"name": "New"}).status_code == 404, bad
        assert admin.post(f"/admin/coaches/{bad}/disable").status_code == 404, bad
        assert admin.post(f"/admin/coaches/{world.acme_coach_id}/memberships/{bad}/delete"
                          ).status_code == 404, bad
    assert database_snapshot(csrf_app) == before


# --- memberships -----------------------------------------------------------------------------

def memberships(app: Flask, user_id: int) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(
            select(Membership.organisation_id).where(Membership.user_id == user_id)))


def test_give_and_take_access(csrf_app: Flask, world: World, admin: Browser) -> None:
    coach = Browser(csrf_app).sign_in(ACME_COACH)
    assert "Globex wave 1" not in coach.get("/coach/").get_data(as_text=True)

    added = admin.post(f"/admin/coaches/{world.acme_coach_id}/memberships",
                       {"organisation": str(world.globex_id)}, follow_redirects=True)
    assert "Access to Globex was given." in added.get_data(as_text=True)
    assert memberships(csrf_app, world.acme_coach_id) == sorted([world.acme_id,
                                                                 world.globex_id])
    assert "Globex wave 1" in coach.get("/coach/").get_data(as_text=True)

    removed = admin.post(f"/admin/coaches/{world.acme_coach_id}/memberships/"
                         f"{world.acme_id}/delete", follow_redirects=True)
    assert "Access to Acme was taken away." in removed.get_data(as_text=True)
    assert memberships(csrf_app, world.acme_coach_id) == [world.globex_id]
    home = coach.get("/coach/").get_data(as_text=True)
    assert "Acme wave 1" not in home
    assert "Globex wave 1" in home
    # The coach can no longer manage Acme's links: 404, as for anything not theirs.
    team_id = world.acme.team_ids["Apollo"]
    response = coach.post(f"/coach/campaigns/{world.acme.campaign_id}/teams/{team_id}/link",
                          {"action": "revoke"})
    assert response.status_code == 404


def test_adding_an_organisation_twice_or_an_unknown_one_changes_nothing(
        csrf_app: Flask, world: World, admin: Browser) -> None:
    before = database_snapshot(csrf_app)
    for value in (str(world.acme_id), "999999", "x", ""):
        response = admin.post(f"/admin/coaches/{world.acme_coach_id}/memberships",
                              {"organisation": value}, follow_redirects=True)
        assert response.status_code == 200
        assert "Choose one of the listed organisations." in response.get_data(as_text=True)
    assert database_snapshot(csrf_app) == before


def test_removing_access_that_does_not_exist_changes_nothing(csrf_app: Flask, world: World,
                                                             admin: Browser) -> None:
    before = database_snapshot(csrf_app)
    response = admin.post(f"/admin/coaches/{world.acme_coach_id}/memberships/"
                          f"{world.globex_id}/delete")
    assert response.status_code == 302
    assert database_snapshot(csrf_app) == before


def test_the_organisation_page_lists_its_coaches(world: World, admin: Browser) -> None:
    page = admin.get(f"/admin/organisations/{world.acme_id}").get_data(as_text=True)
    assert ACME_COACH in page
    assert "globex.coach@example.org" not in page
    assert "2 teams · 1 campaigns · 1 coaches" in page


def test_many_organisations_are_counted(csrf_app: Flask, admin: Browser) -> None:
    for number in range(3):
        admin.post("/admin/organisations", {"name": f"Org {number}"})
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 5
