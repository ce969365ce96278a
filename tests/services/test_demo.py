"""Demo data: labelled as demo, the same on every installation, never touching real data."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from assess import create_app
from assess.extensions import db
from assess.models import (
    Campaign,
    Organisation,
    Response,
    ResponseStatus,
    Team,
    TextAnswer,
    User,
)
from assess.services import demo
from assess.services.accounts import create_coach
from tests.conftest import close_database, demo_credentials, make_config

SIZES = {p.name: p.size for p in demo.PROFILES}


@pytest.fixture
def ctx(demo_app: Flask) -> Iterator[Flask]:
    with demo_app.app_context():
        yield demo_app


def _completed(campaign: Campaign) -> dict[str, int]:
    rows = db.session.execute(
        select(Team.name, func.count()).join(Response, Response.team_id == Team.id)
        .where(Response.campaign_id == campaign.id, Response.status == ResponseStatus.COMPLETE)
        .group_by(Team.name)).all()
    return {name: n for name, n in rows}


def _campaigns() -> dict[str, Campaign]:
    return {c.name: c for c in db.session.scalars(select(Campaign))}


@pytest.mark.usefixtures("ctx")
def test_everything_is_labelled_as_demo() -> None:
    org = db.session.scalar(select(Organisation))
    assert org is not None
    assert org.is_demo
    assert "demo" in org.name.lower()
    assert all(c.is_demo for c in _campaigns().values())


def test_at_least_six_teams_one_of_them_small() -> None:
    assert len(demo.PROFILES) >= 6
    assert [p.name for p in demo.PROFILES if p.size < 5] == ["Fjord (design studio)"]


@pytest.mark.usefixtures("ctx")
def test_waves_and_their_order() -> None:
    campaigns = _campaigns()
    assert set(campaigns) == {"Maturity wave 1", "Maturity wave 2", "Transformation readiness"}
    wave1, wave2 = campaigns["Maturity wave 1"], campaigns["Maturity wave 2"]
    assert (wave1.status, wave2.status) == ("closed", "open")
    assert wave2.window_state() == "open"
    assert wave2.previous_campaign_id == wave1.id
    assert wave2.baseline_id is not None
    assert campaigns["Transformation readiness"].questionnaire_version.key == (
        "transformation-readiness")


@pytest.mark.usefixtures("ctx")
def test_team_sizes_and_the_small_team() -> None:
    campaigns = _campaigns()
    for name in ("Maturity wave 1", "Transformation readiness"):
        assert _completed(campaigns[name]) == SIZES
    # The open wave has one unfinished draft in every team large enough to have one.
    wave2 = _completed(campaigns["Maturity wave 2"])
    assert wave2 == {team: size - 1 if size > 5 else size for team, size in SIZES.items()}
    small = [team for team, n in wave2.items() if n < campaigns["Maturity wave 2"].min_n]
    assert small == ["Fjord (design studio)"]


@pytest.mark.usefixtures("ctx")
def test_responses_keep_dates_only() -> None:
    response = db.session.scalar(select(Response).limit(1))
    assert response is not None
    assert type(response.started_on) is dt.date
    assert type(response.completed_on) is dt.date


@pytest.mark.usefixtures("ctx")
def test_some_respondents_left_comments() -> None:
    assert 0 < db.session.scalar(select(func.count()).select_from(TextAnswer))


def test_the_demo_is_the_same_on_every_installation(demo_app: Flask, migrated_db: Path,
                                                     tmp_path: Path) -> None:
    with demo_app.app_context():
        installed = sorted(db.session.scalars(select(Response.values)))
    database = tmp_path / "another-installation.sqlite3"
    shutil.copy(migrated_db, database)
    other = create_app(make_config(tmp_path / "another-instance", database))
    try:
        with other.app_context():
            demo.ensure_demo()
            fresh = sorted(db.session.scalars(select(Response.values)))
    finally:
        close_database(other)
    assert len(installed) > 100
    assert fresh == installed


def test_credentials_are_saved_for_the_owner_only(ctx: Flask) -> None:
    path = Path(ctx.instance_path) / "demo-credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["email"] == demo.DEMO_EMAIL
    assert demo.ensure_demo()["coach"] == saved


def test_a_lost_credentials_file_gets_a_new_password(demo_app: Flask) -> None:
    old = demo_credentials(demo_app)
    client = demo_app.test_client()
    assert client.post("/login", data=old).status_code == 302
    (Path(demo_app.instance_path) / "demo-credentials.json").unlink()

    with demo_app.app_context():
        new = demo.ensure_demo()["coach"]

    assert new["password"] != old["password"]
    assert client.get("/coach/").status_code == 302  # the old session ended
    other = demo_app.test_client()
    assert other.post("/login", data=old).status_code == 200
    assert other.post("/login", data=new).status_code == 302


def test_only_if_empty_never_adds_demo_data_beside_real_data(app: Flask) -> None:
    with app.app_context():
        create_coach("coach@example.org", "Acme", "a-long-password")
        assert demo.ensure_demo(only_if_empty=True) is None
        assert db.session.scalars(select(Organisation.name)).all() == ["Acme"]


def test_only_if_empty_creates_the_demo_on_an_empty_database(app: Flask) -> None:
    with app.app_context():
        info = demo.ensure_demo(only_if_empty=True)
    assert info is not None
    assert info["organisation"]["name"] == demo.DEMO_ORGANISATION


@pytest.mark.usefixtures("ctx")
def test_reset_leaves_other_organisations_alone() -> None:
    create_coach("coach@example.org", "Acme", "a-long-password")
    # The demo coach also works for a real organisation.
    create_coach(demo.DEMO_EMAIL, "Acme", "ignored-password")
    responses = db.session.scalar(select(func.count()).select_from(Response))

    demo.ensure_demo(reset=True)

    names = set(db.session.scalars(select(Organisation.name)))
    assert names == {"Acme", demo.DEMO_ORGANISATION}
    demo_coach = db.session.scalar(select(User).where(User.email == demo.DEMO_EMAIL))
    assert demo_coach is not None
    assert {o.name for o in demo_coach.organisations} == names
    assert db.session.scalar(select(func.count()).select_from(Response)) == responses


@pytest.mark.usefixtures("ctx")
def test_describe_labels_the_output() -> None:
    info = demo.ensure_demo()
    text = demo.describe(info)
    assert text.startswith("Demo data (simulated answers, not real teams):")
    # Only the open wave's links are printed: the closed waves take no answers.
    assert text.count("/s/") == len(demo.PROFILES)
