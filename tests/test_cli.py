"""The operator's command line: init-db, validate, load-questionnaires, create-coach, demo,
links."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, inspect, select

from assess import create_app
from assess.extensions import db
from assess.models import (
    Campaign,
    Membership,
    Organisation,
    PlaybookVersion,
    QuestionnaireVersion,
    Response,
    Team,
    User,
)
from assess.services import demo as demo_service
from tests.conftest import QUESTIONNAIRES, close_database, demo_credentials, make_config

READINESS = QUESTIONNAIRES / "transformation-readiness" / "questionnaire.yaml"
MATURITY = QUESTIONNAIRES / "pmo-apo-maturity" / "questionnaire.yaml"
OPEN_WAVE = "Maturity wave 2"
SMALL_TEAM = "Fjord (design studio)"
# Every campaign of the demo covers all of its teams, listed by name.
DEMO_TEAMS = sorted(profile.name for profile in demo_service.PROFILES)


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=input)


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def copy_questionnaire(source: Path, folder: Path, **replace: str) -> Path:
    """Copy a shipped questionnaire file into ``folder``, replacing whole lines by key."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = source.read_text(encoding="utf-8").splitlines()
    for key, value in replace.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        lines[index] = f"{key}: {value}"
    target = folder / "questionnaire.yaml"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def stored_titles(app: Flask) -> dict[tuple[str, int], str]:
    with app.app_context():
        rows = db.session.execute(select(QuestionnaireVersion.key, QuestionnaireVersion.version,
                                         QuestionnaireVersion.title)).all()
    return {(key, version): title for key, version, title in rows}


# --- init-db ---------------------------------------------------------------------------------

@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An application on a database file that does not exist yet."""
    app = create_app(make_config(tmp_path / "instance", tmp_path / "fresh.sqlite3"))
    yield app
    close_database(app)


def test_init_db_creates_the_schema_and_is_idempotent(empty_app: Flask) -> None:
    first = run(empty_app, "init-db")
    assert first.exit_code == 0, first.output
    assert "Database schema is up to date." in first.output
    with empty_app.app_context():
        assert {"organisation", "user_account", "campaign", "response"} <= set(
            inspect(db.engine).get_table_names())

    created = run(empty_app, "create-coach", "keep@example.org", "--org", "Kept",
                  "--password-stdin", input="a-long-password\n")
    assert created.exit_code == 0, created.output

    again = run(empty_app, "init-db")
    assert again.exit_code == 0, again.output
    assert "Database schema is up to date." in again.output
    assert count(empty_app, User) == 1  # running it again keeps the data


# --- validate --------------------------------------------------------------------------------

def test_validate_accepts_the_shipped_questionnaires(app: Flask) -> None:
    result = run(app, "validate")
    assert result.exit_code == 0, result.output
    assert "All definitions valid" in result.output
    assert str(QUESTIONNAIRES) in result.output


def test_validate_reports_one_line_per_problem(app: Flask, tmp_path: Path) -> None:
    broken = copy_questionnaire(READINESS, tmp_path / "broken", version="one", kind="mood")
    result = run(app, "validate", str(tmp_path / "broken"))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"{broken}:5: version: expected an integer, got string 'one'",
        f"{broken}:14: kind: must be one of: maturity, readiness, pulse; got 'mood'",
    ]


def test_validate_a_named_file(app: Flask, tmp_path: Path) -> None:
    good = copy_questionnaire(READINESS, tmp_path / "good")
    result = run(app, "validate", str(good))
    assert result.exit_code == 0, result.output


# --- load-questionnaires ---------------------------------------------------------------------

def test_load_questionnaires_loads_the_shipped_instruments(app: Flask) -> None:
    result = run(app, "load-questionnaires")
    assert result.exit_code == 0, result.output
    assert "loaded questionnaire pmo-apo-maturity version 1" in result.output
    assert "loaded questionnaire transformation-readiness version 1" in result.output
    assert "loaded playbook for pmo-apo-maturity version 1" in result.output
    assert count(app, QuestionnaireVersion) == 2
    assert count(app, PlaybookVersion) == 2


def test_loading_again_is_unchanged(app: Flask) -> None:
    assert run(app, "load-questionnaires").exit_code == 0
    again = run(app, "load-questionnaires")
    assert again.exit_code == 0, again.output
    assert "loaded" not in again.output
    assert "unchanged questionnaire pmo-apo-maturity version 1" in again.output
    assert "unchanged questionnaire transformation-readiness version 1" in again.output
    assert count(app, QuestionnaireVersion) == 2
    assert count(app, PlaybookVersion) == 2


def test_changed_file_with_the_same_version_is_refused(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "readiness"
    copy_questionnaire(READINESS, folder)
    assert run(app, "load-questionnaires", str(folder)).exit_code == 0
    before_rows, before_titles = count(app, QuestionnaireVersion), stored_titles(app)

    changed = copy_questionnaire(READINESS, folder, title="Readiness, quietly reworded")
    result = run(app, "load-questionnaires", str(folder))

    assert result.exit_code == 1
    assert (f"{changed}: questionnaire transformation-readiness version 1 is already loaded "
            "with different content; give the changed file a new version number "
            "(e.g. version: 2)") in result.stderr
    assert "Nothing was loaded." in result.stderr
    assert count(app, QuestionnaireVersion) == before_rows
    assert stored_titles(app) == before_titles


def test_changed_file_with_a_new_version_is_loaded_beside_the_old(app: Flask,
                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "readiness"
    copy_questionnaire(READINESS, folder)
    assert run(app, "load-questionnaires", str(folder)).exit_code == 0

    copy_questionnaire(READINESS, folder, version="2", title="Readiness, reworded")
    result = run(app, "load-questionnaires", str(folder))

    assert result.exit_code == 0, result.output
    assert "loaded questionnaire transformation-readiness version 2" in result.output
    titles = stored_titles(app)
    assert titles[("transformation-readiness", 2)] == "Readiness, reworded"
    assert titles[("transformation-readiness", 1)] != "Readiness, reworded"


def test_a_broken_file_loads_nothing_even_beside_a_valid_one(app: Flask,
                                                            tmp_path: Path) -> None:
    copy_questionnaire(READINESS, tmp_path / "all" / "a-valid")
    broken = copy_questionnaire(MATURITY, tmp_path / "all" / "b-broken", kind="mood")

    result = run(app, "load-questionnaires", str(tmp_path / "all"))

    assert result.exit_code == 1
    assert f"{broken}:" in result.stderr
    assert "kind: must be one of" in result.stderr
    assert "Nothing was loaded." in result.stderr
    assert count(app, QuestionnaireVersion) == 0


def test_a_conflict_in_one_file_loads_nothing_from_the_others(app: Flask,
                                                             tmp_path: Path) -> None:
    copy_questionnaire(MATURITY, tmp_path / "first" / "maturity")
    assert run(app, "load-questionnaires", str(tmp_path / "first")).exit_code == 0

    # One new version and one changed file under a stored version, in one command.
    copy_questionnaire(READINESS, tmp_path / "second" / "a-readiness")
    copy_questionnaire(MATURITY, tmp_path / "second" / "b-maturity", title="Changed title")
    result = run(app, "load-questionnaires", str(tmp_path / "second"))

    assert result.exit_code == 1
    assert "already loaded with different content" in result.stderr
    assert set(stored_titles(app)) == {("pmo-apo-maturity", 1)}


# --- create-coach ----------------------------------------------------------------------------

def create_coach(app: Flask, email: str, org: str, password: str = "a-long-password") -> Result:
    return run(app, "create-coach", email, "--org", org, "--password-stdin",
               input=password + "\n")


def memberships(app: Flask, email: str) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(
            select(Organisation.name).join(Membership).join(User)
            .where(User.email == email)))


def test_create_coach_creates_the_organisation_and_the_account(app: Flask) -> None:
    result = create_coach(app, "Coach@Example.org", "  Acme   Corp ", "a-long-password")
    assert result.exit_code == 0, result.output
    assert "Coach coach@example.org has access to Acme   Corp." in result.output
    assert memberships(app, "coach@example.org") == ["Acme Corp"]

    client = app.test_client()
    signed_in = client.post("/login", data={"email": "coach@example.org",
                                            "password": "a-long-password"})
    assert signed_in.status_code == 302
    assert "Acme Corp" in client.get("/coach/").get_data(as_text=True)


def test_create_coach_refuses_a_short_password(app: Flask) -> None:
    result = create_coach(app, "short@example.org", "Acme", "short")
    assert result.exit_code == 1
    assert "The password must have at least 10 characters." in result.stderr
    assert count(app, User) == 0
    assert count(app, Organisation) == 0


@pytest.mark.parametrize("email", ["not-an-email", "@example.org", "someone@localhost",
                                   "two words@example.org", ""])
def test_create_coach_refuses_a_bad_email(app: Flask, email: str) -> None:
    result = create_coach(app, email, "Acme")
    assert result.exit_code == 1
    assert "is not an email address" in result.stderr
    assert count(app, User) == 0


def test_an_existing_coach_gains_a_second_organisation(app: Flask) -> None:
    assert create_coach(app, "coach@example.org", "Acme", "first-password-1").exit_code == 0
    second = create_coach(app, "COACH@example.org", "Globex", "another-password-2")
    assert second.exit_code == 0, second.output
    assert memberships(app, "coach@example.org") == ["Acme", "Globex"]
    assert count(app, User) == 1

    # The account keeps its password; the second one was not set.
    client = app.test_client()
    assert client.post("/login", data={"email": "coach@example.org",
                                       "password": "another-password-2"}).status_code == 200
    assert client.post("/login", data={"email": "coach@example.org",
                                       "password": "first-password-1"}).status_code == 302


def test_adding_the_same_organisation_twice_changes_nothing(app: Flask) -> None:
    assert create_coach(app, "coach@example.org", "Acme").exit_code == 0
    assert create_coach(app, "coach@example.org", "Acme").exit_code == 0
    assert memberships(app, "coach@example.org") == ["Acme"]
    assert count(app, Organisation) == 1


# --- demo ------------------------------------------------------------------------------------

def demo_json(app: Flask, *options: str) -> Any:
    result = run(app, "demo", "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def links_json(app: Flask, campaign: str, *options: str) -> list[dict[str, Any]]:
    result = run(app, "links", campaign, "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_demo_json_has_the_documented_shape(app: Flask) -> None:
    info = demo_json(app)

    assert set(info["coach"]) >= {"email", "password"}
    assert isinstance(info["coach"]["email"], str)
    assert "@" in info["coach"]["email"]
    assert isinstance(info["coach"]["password"], str)
    assert len(info["coach"]["password"]) >= 10
    assert isinstance(info["organisation"]["name"], str)
    assert len(info["campaigns"]) == 3
    for campaign in info["campaigns"]:
        assert {"id", "name", "questionnaire", "status", "teams"} <= set(campaign)
        assert isinstance(campaign["id"], int)
        assert [t["name"] for t in campaign["teams"]] == DEMO_TEAMS
        for team in campaign["teams"]:
            assert {"name", "url"} <= set(team)
            assert team["url"].startswith("http://localhost/s/")

    waves = sorted((c["questionnaire"], c["status"]) for c in info["campaigns"])
    assert waves == [("pmo-apo-maturity", "closed"), ("pmo-apo-maturity", "open"),
                     ("transformation-readiness", "closed")]


def test_demo_coach_can_sign_in_and_team_links_open(app: Flask) -> None:
    info = demo_json(app)
    client = app.test_client()
    response = client.post("/login", data=info["coach"])
    assert response.status_code == 302
    assert info["organisation"]["name"] in client.get("/coach/").get_data(as_text=True)

    open_wave = next(c for c in info["campaigns"] if c["status"] == "open")
    for team in open_wave["teams"]:
        url = team["url"]
        assert app.test_client().get(url[url.index("/s/"):]).status_code == 302


def test_demo_has_a_team_under_the_anonymity_threshold(demo_app: Flask) -> None:
    rows = {row["team"]: row for row in links_json(demo_app, OPEN_WAVE)}
    with demo_app.app_context():
        min_n = db.session.scalar(select(Campaign.min_n).where(Campaign.name == OPEN_WAVE))
    assert min_n is not None
    small = [name for name, row in rows.items() if row["completed"] < min_n]
    assert small == [SMALL_TEAM]
    assert all(row["completed"] >= min_n for name, row in rows.items() if name != SMALL_TEAM)


def test_demo_twice_reuses_the_data_and_the_password(demo_app: Flask) -> None:
    responses = count(demo_app, Response)
    first = demo_json(demo_app)
    second = demo_json(demo_app)
    assert first == second
    assert first["coach"]["password"] == demo_credentials(demo_app)["password"]
    assert count(demo_app, Organisation) == 1
    assert count(demo_app, Response) == responses


def test_demo_reset_recreates_the_demo(demo_app: Flask) -> None:
    before = demo_json(demo_app)
    responses, teams = count(demo_app, Response), count(demo_app, Team)

    after = demo_json(demo_app, "--reset")

    assert after["organisation"] == before["organisation"]
    assert after["coach"]["password"] != before["coach"]["password"]
    assert demo_credentials(demo_app)["password"] == after["coach"]["password"]
    old_urls = {t["url"] for c in before["campaigns"] for t in c["teams"]}
    assert old_urls.isdisjoint(t["url"] for c in after["campaigns"] for t in c["teams"])
    assert count(demo_app, Organisation) == 1
    assert count(demo_app, Team) == teams
    assert count(demo_app, Response) == responses  # the same seed draws the same answers

    # The old links and the old password are gone with the old data.
    old_url = before["campaigns"][0]["teams"][0]["url"]
    assert demo_app.test_client().get(old_url[old_url.index("/s/"):]).status_code == 404
    client = demo_app.test_client()
    assert client.post("/login", data=before["coach"]).status_code == 200
    assert client.post("/login", data=after["coach"]).status_code == 302


def test_demo_if_empty_leaves_real_data_alone(app: Flask) -> None:
    assert create_coach(app, "coach@example.org", "Acme").exit_code == 0

    result = run(app, "demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "no demo data was added" in result.output
    assert run(app, "demo", "--if-empty", "--json").output.strip() == "null"
    assert count(app, Organisation) == 1
    assert count(app, Campaign) == 0


def test_demo_if_empty_shows_an_existing_demo(demo_app: Flask) -> None:
    assert demo_json(demo_app, "--if-empty")["coach"] == demo_credentials(demo_app)


def test_demo_text_output_labels_the_data_as_demo(demo_app: Flask) -> None:
    result = run(demo_app, "demo")
    assert result.exit_code == 0, result.output
    assert "Demo data (simulated answers, not real teams)" in result.output
    assert demo_credentials(demo_app)["password"] in result.output


# --- links -----------------------------------------------------------------------------------

def test_links_json_lists_every_team_with_participation(demo_app: Flask) -> None:
    rows = links_json(demo_app, OPEN_WAVE)
    assert [row["team"] for row in rows] == DEMO_TEAMS
    for row in rows:
        assert set(row) == {"team", "url", "started", "completed"}
        assert row["url"].startswith("http://localhost/s/")
        assert row["started"] >= row["completed"] >= 0
    assert [row["team"] for row in rows] == sorted(row["team"] for row in rows)
    # The open wave has an unfinished draft in every team larger than the threshold.
    assert any(row["started"] > row["completed"] for row in rows)


def test_links_accepts_the_campaign_id_or_name(demo_app: Flask) -> None:
    with demo_app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.name == OPEN_WAVE))
    assert links_json(demo_app, str(campaign_id)) == links_json(demo_app, OPEN_WAVE)


def _path(url: str) -> str:
    return url[url.index("/s/"):]


def test_links_regenerate_gives_a_new_url_and_kills_the_old(demo_app: Flask) -> None:
    old = {row["team"]: row["url"] for row in links_json(demo_app, OPEN_WAVE)}
    rows = links_json(demo_app, OPEN_WAVE, "--regenerate", SMALL_TEAM)
    new = {row["team"]: row["url"] for row in rows}

    assert new[SMALL_TEAM] != old[SMALL_TEAM]
    assert {t: u for t, u in new.items() if t != SMALL_TEAM} == {
        t: u for t, u in old.items() if t != SMALL_TEAM}
    assert demo_app.test_client().get(_path(old[SMALL_TEAM])).status_code == 404
    assert demo_app.test_client().get(_path(new[SMALL_TEAM])).status_code == 302
    # The new link is shown again, unchanged, on the next listing.
    assert {row["team"]: row["url"] for row in links_json(demo_app, OPEN_WAVE)} == new


def test_links_revoke_leaves_no_url(demo_app: Flask) -> None:
    old = {row["team"]: row["url"] for row in links_json(demo_app, OPEN_WAVE)}
    rows = {row["team"]: row for row in links_json(demo_app, OPEN_WAVE, "--revoke", SMALL_TEAM)}

    assert rows[SMALL_TEAM]["url"] is None
    assert rows[SMALL_TEAM]["completed"] == 3  # revoking keeps the answers
    assert demo_app.test_client().get(_path(old[SMALL_TEAM])).status_code == 404

    text = run(demo_app, "links", OPEN_WAVE)
    assert f"{SMALL_TEAM}: (revoked)" in text.output


def test_links_regenerate_a_revoked_link(demo_app: Flask) -> None:
    links_json(demo_app, OPEN_WAVE, "--revoke", SMALL_TEAM)
    rows = {row["team"]: row for row in links_json(demo_app, OPEN_WAVE, "--regenerate",
                                                     SMALL_TEAM)}
    assert rows[SMALL_TEAM]["url"] is not None
    assert demo_app.test_client().get(_path(rows[SMALL_TEAM]["url"])).status_code == 302


def test_links_of_an_unknown_campaign(demo_app: Flask) -> None:
    result = run(demo_app, "links", "No such wave", "--json")
    assert result.exit_code != 0
    assert "no campaign with id or name 'No such wave'" in result.stderr
    assert result.stdout == ""


def test_links_with_an_unknown_team_changes_nothing(demo_app: Flask) -> None:
    before = links_json(demo_app, OPEN_WAVE)
    result = run(demo_app, "links", OPEN_WAVE, "--revoke", "Nobody")
    assert result.exit_code != 0
    assert "has no team with id or name 'Nobody'" in result.stderr
    assert links_json(demo_app, OPEN_WAVE) == before


def test_links_text_output(demo_app: Flask) -> None:
    result = run(demo_app, "links", OPEN_WAVE)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{OPEN_WAVE} (open):")
    assert f"{SMALL_TEAM}: http://localhost/s/" in result.output

