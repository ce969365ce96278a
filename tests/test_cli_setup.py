"""``assess team add`` and ``assess campaign create/open/close``: the contracts, the --json
shapes, and hostile values refused in one line with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Campaign, Team, TeamLink
from tests.test_cli_hostile import HOSTILE, LONG, _refused

TEAM_KEYS = {"id", "organisation", "name", "parent", "headcount"}
BAD_NAMES = {LONG, "\u202eevil", "line\nbreak", "tab\there", ""}
CAMPAIGN_KEYS = {"id", "organisation", "name", "questionnaire", "questionnaire_version",
                 "status", "opens", "closes", "opens_at", "closes_at", "min_n",
                 "min_n_comments", "interim_results", "previous_campaign", "teams"}


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=input)


def as_json(app: Flask, *args: str) -> Any:
    result = run(app, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stored(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(int(db.session.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (Team, Campaign, TeamLink))


@pytest.fixture
def acme(app: Flask) -> Flask:
    assert run(app, "load-questionnaires").exit_code == 0
    created = run(app, "create-coach", "coach@example.org", "--org", "Acme",
                  "--password-stdin", input="a-long-enough-password\n")
    assert created.exit_code == 0, created.output
    for args in (["Tribe", "--headcount", "30"], ["Apollo", "--parent", "Tribe"],
                 ["Artemis", "--headcount", "7"]):
        assert run(app, "team", "add", "Acme", *args).exit_code == 0
    return app


def create(app: Flask, *extra: str, name: str = "Wave 1") -> dict[str, Any]:
    return as_json(app, "campaign", "create", "Acme", "--questionnaire", "pmo-apo-maturity",
                   "--name", name, "--teams", "Apollo,Artemis", *extra)


# --- team add --------------------------------------------------------------------------------

def test_team_add_json_shape(acme: Flask) -> None:
    row = as_json(acme, "team", "add", "Acme", "  Gemini  ", "--parent", "Tribe",
                  "--headcount", "12")
    assert set(row) == TEAM_KEYS
    assert row["name"] == "Gemini"
    assert row["organisation"] == "Acme"
    assert row["parent"] == "Tribe"
    assert row["headcount"] == 12
    plain = as_json(acme, "team", "add", "Acme", "Zeta")
    assert (plain["parent"], plain["headcount"]) == (None, None)


def test_team_add_text_output(acme: Flask) -> None:
    result = run(acme, "team", "add", "Acme", "Gemini")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Team ")
    assert "Gemini in Acme." in result.output


def test_team_add_refuses_a_duplicate_and_an_unknown_organisation(acme: Flask) -> None:
    before = stored(acme)
    duplicate = run(acme, "team", "add", "Acme", "Apollo")
    _refused(duplicate)
    assert "already has a team named 'Apollo'" in duplicate.stderr
    unknown = run(acme, "team", "add", "Nobody Ltd", "Apollo")
    _refused(unknown)
    assert "no organisation named 'Nobody Ltd'" in unknown.stderr
    missing_parent = run(acme, "team", "add", "Acme", "Gemini", "--parent", "Nobody")
    _refused(missing_parent)
    assert stored(acme) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_team_add_hostile_values(acme: Flask, value: str) -> None:
    before = stored(acme)
    # Positional values after "--", so that "-1" reaches the command instead of being
    # taken for an option.
    attempts = [["team", "add", "--", value, "Gemini"],
                ["team", "add", "--parent", value, "--", "Acme", "Gemini"],
                ["team", "add", "--headcount", value, "--", "Acme", "Gemini"]]
    if value in BAD_NAMES:  # the others are unusual but acceptable names
        attempts.append(["team", "add", "--", "Acme", value])
    for args in attempts:
        result = run(acme, *args)
        _refused(result)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "\u202e" not in result.output  # printed escaped
    assert stored(acme) == before


@pytest.mark.parametrize("headcount", ["0", "100001", "1.5", "1e3", "1_0", "\u0661", "+3"])
def test_team_add_bad_headcounts(acme: Flask, headcount: str) -> None:
    before = stored(acme)
    result = run(acme, "team", "add", "Acme", "Gemini", "--headcount", headcount)
    _refused(result)
    assert "headcount must be a whole number from 1 to 100,000" in result.stderr
    assert stored(acme) == before


# --- campaign create -------------------------------------------------------------------------

def test_campaign_create_json_shape(acme: Flask) -> None:
    row = create(acme, "--opens", "2026-01-05", "--closes", "2099-01-31", "--min-n", "7",
                 "--interim-results")
    assert set(row) == CAMPAIGN_KEYS
    assert row["status"] == "draft"
    assert row["questionnaire"] == "pmo-apo-maturity"
    assert row["questionnaire_version"] == 1
    assert (row["opens"], row["closes"]) == ("2026-01-05", "2099-01-31")
    assert (row["opens_at"], row["closes_at"]) == ("2026-01-05T00:00:00Z",
                                                   "2099-02-01T00:00:00Z")
    assert (row["min_n"], row["min_n_comments"]) == (7, 10)
    assert row["interim_results"] is True
    assert row["previous_campaign"] is None
    assert [t["team"] for t in row["teams"]] == ["Apollo", "Artemis"]
    for team in row["teams"]:
        assert set(team) == {"team", "url"}
        assert team["url"].startswith("http://localhost/s/")


def test_campaign_create_defaults(acme: Flask) -> None:
    row = create(acme)
    assert (row["opens"], row["closes"], row["min_n"], row["interim_results"]) == (
        None, None, 5, False)


def test_campaign_teams_by_id_and_version_by_number(acme: Flask) -> None:
    with acme.app_context():
        artemis = db.session.scalar(select(Team.id).where(Team.name == "Artemis"))
    row = as_json(acme, "campaign", "create", "Acme", "--questionnaire",
                  "transformation-readiness:1", "--name", "R", "--teams", f" {artemis} ")
    assert [t["team"] for t in row["teams"]] == ["Artemis"]
    assert row["questionnaire"] == "transformation-readiness"


def test_the_previous_wave_defaults_to_the_latest_closed_one(acme: Flask) -> None:
    first = create(acme, name="Wave 1")
    assert as_json(acme, "campaign", "open", "Wave 1")["status"] == "open"
    assert as_json(acme, "campaign", "close", str(first["id"]))["status"] == "closed"
    second = create(acme, name="Wave 2")
    assert second["previous_campaign"] == first["id"]
    third = create(acme, "--previous", "none", name="Wave 3")
    assert third["previous_campaign"] is None
    fourth = create(acme, "--previous", "Wave 1", name="Wave 4")
    assert fourth["previous_campaign"] == first["id"]
    before = stored(acme)
    not_closed = run(acme, "campaign", "create", "Acme", "--questionnaire", "pmo-apo-maturity",
                     "--name", "Wave 5", "--teams", "Apollo", "--previous", "Wave 2")
    _refused(not_closed)
    assert "must be a closed campaign" in not_closed.stderr
    assert stored(acme) == before


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--min-n", "4", "from 5 to 1,000"),
    ("--min-n", "2", "from 5 to 1,000"),
    ("--opens", "2026-02-30", "not a date in the calendar"),
    ("--closes", "31.01.2099", "YYYY-MM-DD"),
    ("--questionnaire", "nope", "No loaded questionnaire 'nope'"),
    ("--questionnaire", "pmo-apo-maturity:9", "No loaded questionnaire"),
    ("--teams", "Apollo,,Artemis", "none of them empty"),
    ("--teams", "Apollo,Nobody", "no team in organisation 'Acme' with id or name 'Nobody'"),
    ("--previous", "Nothing", "no campaign in organisation 'Acme'"),
])
def test_campaign_create_refusals(acme: Flask, option: str, value: str, message: str) -> None:
    args = {"--questionnaire": "pmo-apo-maturity", "--name": "Wave", "--teams": "Apollo"}
    args[option] = value
    before = stored(acme)
    result = run(acme, "campaign", "create", "Acme",
                 *[part for pair in args.items() for part in pair])
    _refused(result)
    assert message in result.stderr
    assert result.stdout == ""
    assert stored(acme) == before


def test_closes_must_come_after_opens(acme: Flask) -> None:
    before = stored(acme)
    result = run(acme, "campaign", "create", "Acme", "--questionnaire", "pmo-apo-maturity",
                 "--name", "W", "--teams", "Apollo", "--opens", "2090-05-01", "--closes",
                 "2090-05-01")
    _refused(result)
    assert "closing date must be after the opening date" in result.stderr
    assert stored(acme) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_campaign_create_hostile_values(acme: Flask, value: str) -> None:
    base = {"--questionnaire": "pmo-apo-maturity", "--name": "Wave", "--teams": "Apollo"}
    before = stored(acme)
    options = ["--questionnaire", "--teams", "--opens", "--closes", "--min-n", "--previous"]
    if value in BAD_NAMES:
        options.append("--name")
    for option in options:
        args = {**base, option: value}
        result = run(acme, "campaign", "create", "Acme",
                     *[part for pair in args.items() for part in pair])
        _refused(result)
        assert "\u202e" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1, (option, result.stderr)
    _refused(run(acme, "campaign", "create", *[p for kv in base.items() for p in kv], "--",
                 value))
    assert stored(acme) == before


def test_the_name_of_a_campaign_is_kept_exactly(acme: Flask) -> None:
    row = as_json(acme, "campaign", "create", "Acme", "--questionnaire", "pmo-apo-maturity",
                  "--name", "<b>Wave</b> & \u05d2\u05dc", "--teams", "Apollo")
    assert row["name"] == "<b>Wave</b> & \u05d2\u05dc"


# --- open and close --------------------------------------------------------------------------

def test_open_and_close_are_one_way(acme: Flask) -> None:
    row = create(acme)
    opened = as_json(acme, "campaign", "open", "Wave 1")
    assert set(opened) == CAMPAIGN_KEYS
    assert opened["status"] == "open"
    again = run(acme, "campaign", "open", "Wave 1")
    _refused(again)
    assert "open already" in again.stderr
    closed = as_json(acme, "campaign", "close", str(row["id"]))
    assert closed["status"] == "closed"
    for command, message in (("open", "cannot open again"), ("close", "closed already")):
        result = run(acme, "campaign", command, "Wave 1")
        _refused(result)
        assert message in result.stderr
    text = run(acme, "links", "Wave 1", "--regenerate", "Apollo")
    _refused(text)
    assert "closed" in text.stderr


def test_a_campaign_without_teams_does_not_open(acme: Flask) -> None:
    with acme.app_context():
        from assess.models import Organisation
        from assess.services import setup
        from assess.services.questionnaires import latest_version

        org = db.session.scalar(select(Organisation).where(Organisation.name == "Acme"))
        assert org is not None
        setup.create_campaign(org, setup.CampaignSettings(
            name="Empty", questionnaire_id=latest_version("pmo-apo-maturity").id))
    result = run(acme, "campaign", "open", "Empty")
    _refused(result)
    assert "has no team yet" in result.stderr


def test_closing_a_draft_is_refused(acme: Flask) -> None:
    create(acme)
    result = run(acme, "campaign", "close", "Wave 1", "--json")
    _refused(result)
    assert "is a draft" in result.stderr
    assert result.stdout == ""


def test_open_text_output_lists_the_links(acme: Flask) -> None:
    create(acme)
    result = run(acme, "campaign", "open", "Wave 1")
    assert result.exit_code == 0, result.output
    assert "(open)" in result.output.splitlines()[0]
    assert "  Apollo: http://localhost/s/" in result.output


@pytest.mark.parametrize("value", HOSTILE)
def test_open_and_close_hostile_references(acme: Flask, value: str) -> None:
    create(acme)
    for command in ("open", "close"):
        for extra in ([], ["--json"]):
            result = run(acme, "campaign", command, *extra, "--", value)
            _refused(result)
            assert "\u202e" not in result.output
    with acme.app_context():
        assert db.session.scalar(select(Campaign.status)) == "draft"


def test_help_documents_the_json_keys(acme: Flask) -> None:
    team_help = run(acme, "team", "add", "--help").output
    for key in TEAM_KEYS:
        assert key in team_help
    for command in ("create", "open", "close"):
        text = " ".join(run(acme, "campaign", command, "--help").output.split())
        for key in CAMPAIGN_KEYS:
            assert key in text, (command, key)
