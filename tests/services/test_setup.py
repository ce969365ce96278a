"""Setting up teams and campaigns: every field refused when wrong, hostile or oversized, and
nothing stored then; the campaign life cycle draft -> open -> closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from assess.errors import Conflict, InvalidInput, NotFound
from assess.extensions import db
from assess.models import (
    Campaign,
    CampaignStatus,
    Organisation,
    Response,
    ResponseStatus,
    Team,
    TeamLink,
    utcnow,
)
from assess.models.base import as_utc
from assess.services import links, setup
from assess.services.accounts import create_coach
from assess.services.questionnaires import latest_version, load_into_database
from tests.conftest import QUESTIONNAIRES

LONG = "x" * 10_000
BAD_NAMES = ["", "   ", "x" * 201, LONG, "Ops\x07", "Ops\u202e", "line\nbreak", "tab\there",
             "nul\x00", "zero\u200bwidth"]
BAD_COUNTS = ["0", "-1", "1.5", "1e3", "1_0", "\uff11\uff12", "\u0661\u0662", "abc", "100001",
              "9" * 40, "+5", "NaN", "inf"]
BAD_DATES = ["2026-13-01", "2026-02-30", "20261203", "2026-W49-4", "tomorrow", "1999-12-31",
             "2101-01-01", "\uff12\uff10\uff12\uff16-01-01", "2026-01-01T00:00", LONG]


@pytest.fixture
def org(app: Flask) -> Iterator[Organisation]:
    with app.app_context():
        load_into_database([QUESTIONNAIRES])
        create_coach("coach@example.org", "Acme", "a-long-enough-password")
        found = db.session.scalar(select(Organisation).where(Organisation.name == "Acme"))
        assert found is not None
        yield found


def counts() -> tuple[int, int, int]:
    return tuple(int(db.session.scalar(select(func.count()).select_from(m)) or 0)
                 for m in (Team, Campaign, TeamLink))


def settings(**changes: object) -> setup.CampaignSettings:
    values: dict[str, object] = {"name": "Wave 1",
                                 "questionnaire_id": latest_version("pmo-apo-maturity").id}
    values.update(changes)
    return setup.CampaignSettings(**values)  # type: ignore[arg-type]


# --- teams -----------------------------------------------------------------------------------

def test_a_team_is_added_trimmed_with_parent_and_headcount(org: Organisation) -> None:
    tribe = setup.create_team(org, "  Platform   tribe ", headcount="40")
    team = setup.create_team(org, "Apollo", parent_id=tribe.id, headcount=" 8 ")
    assert (tribe.name, tribe.headcount, tribe.parent_id) == ("Platform tribe", 40, None)
    assert (team.name, team.headcount, team.parent_id) == ("Apollo", 8, tribe.id)
    assert setup.team_summary(team) == {"id": team.id, "organisation": "Acme",
                                        "name": "Apollo", "parent": "Platform tribe",
                                        "headcount": 8}


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_team_names_are_refused(org: Organisation, name: str) -> None:
    before = counts()
    with pytest.raises(setup.FieldError) as caught:
        setup.create_team(org, name)
    assert caught.value.field == "name"
    assert counts() == before


@pytest.mark.parametrize("name", ['<script>alert(1)</script>', "\u05e6\u05d5\u05d5\u05ea",
                                  "x" * 200, "Platform & Tools", "Équipe ü"])
def test_unusual_but_fine_names_are_kept_exactly(org: Organisation, name: str) -> None:
    assert setup.create_team(org, name).name == name


def test_team_names_are_unique_within_the_organisation(org: Organisation) -> None:
    setup.create_team(org, "Apollo")
    with pytest.raises(setup.FieldError, match="already has a team named 'Apollo'"):
        setup.create_team(org, " Apollo ")
    other = create_coach("other@example.org", "Globex", "a-long-enough-password")
    assert other is not None
    globex = db.session.scalar(select(Organisation).where(Organisation.name == "Globex"))
    assert globex is not None
    assert setup.create_team(globex, "Apollo").organisation_id == globex.id


@pytest.mark.parametrize("headcount", BAD_COUNTS)
def test_bad_headcounts_are_refused(org: Organisation, headcount: str) -> None:
    before = counts()
    with pytest.raises(setup.FieldError) as caught:
        setup.create_team(org, "Apollo", headcount=headcount)
    assert caught.value.field == "headcount"
    assert counts() == before


@pytest.mark.parametrize("headcount", ["", "  ", None])
def test_an_empty_headcount_is_unknown(org: Organisation, headcount: str | None) -> None:
    assert setup.create_team(org, "Apollo", headcount=headcount).headcount is None


def test_headcount_bounds(org: Organisation) -> None:
    assert setup.create_team(org, "One", headcount="1").headcount == 1
    assert setup.create_team(org, "Many", headcount="100000").headcount == 100_000


def test_a_parent_of_another_organisation_or_none_at_all_is_refused(org: Organisation) -> None:
    create_coach("other@example.org", "Globex", "a-long-enough-password")
    globex = db.session.scalar(select(Organisation).where(Organisation.name == "Globex"))
    assert globex is not None
    theirs = setup.create_team(globex, "Gemini")
    for parent_id in (theirs.id, 999_999):
        with pytest.raises(setup.FieldError, match="not a team of this organisation"):
            setup.create_team(org, "Apollo", parent_id=parent_id)
    assert db.session.scalar(select(Team).where(Team.name == "Apollo")) is None


def test_no_cycles_of_parents(org: Organisation) -> None:
    a = setup.create_team(org, "A")
    b = setup.create_team(org, "B", parent_id=a.id)
    c = setup.create_team(org, "C", parent_id=b.id)
    for team, parent in ((a, c), (a, b), (a, a)):
        with pytest.raises(setup.FieldError, match="cannot be inside itself"):
            setup.update_team(team, team.name, parent_id=parent.id, headcount=None)
    assert db.session.get(Team, a.id).parent_id is None
    moved = setup.update_team(c, "C renamed", parent_id=a.id, headcount="3")
    assert (moved.name, moved.parent_id, moved.headcount) == ("C renamed", a.id, 3)


def test_renaming_to_another_teams_name_is_refused(org: Organisation) -> None:
    setup.create_team(org, "A")
    b = setup.create_team(org, "B")
    with pytest.raises(setup.FieldError, match="already has a team"):
        setup.update_team(b, "A", parent_id=None, headcount=None)
    assert setup.update_team(b, "B", parent_id=None, headcount=None).name == "B"


def test_team_lookup_by_id_or_name(org: Organisation) -> None:
    team = setup.create_team(org, "Apollo")
    assert setup.team_in_organisation(org, "Apollo") is team
    assert setup.team_in_organisation(org, str(team.id)) is team
    with pytest.raises(NotFound, match="no team in organisation 'Acme'"):
        setup.team_in_organisation(org, "Nobody")


# --- campaigns -------------------------------------------------------------------------------

def test_a_campaign_starts_as_a_draft_with_a_link_per_team(org: Organisation) -> None:
    apollo, artemis = setup.create_team(org, "Apollo"), setup.create_team(org, "Artemis")
    wave = setup.create_campaign(org, settings(opens="2026-01-05", closes="2099-01-31"),
                                 [apollo.id, artemis.id, apollo.id])
    assert wave.status == CampaignStatus.DRAFT
    assert wave.min_n == 5
    assert wave.min_n_comments == 10
    assert wave.interim_results is False
    assert {link.team_id for link in wave.team_links} == {apollo.id, artemis.id}
    assert all(links.current_token(link) for link in wave.team_links)
    summary = setup.campaign_summary(wave)
    assert summary["opens"] == "2026-01-05"
    assert summary["closes"] == "2099-01-31"
    assert summary["opens_at"] == "2026-01-05T00:00:00Z"
    assert summary["closes_at"] == "2099-02-01T00:00:00Z"  # the end of the closing day
    assert set(summary) == {"id", "organisation", "name", "questionnaire",
                            "questionnaire_version", "status", "opens", "closes", "opens_at",
                            "closes_at", "min_n", "min_n_comments", "interim_results",
                            "previous_campaign", "teams"}


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_campaign_names_are_refused(org: Organisation, name: str) -> None:
    before = counts()
    with pytest.raises(setup.FieldError) as caught:
        setup.create_campaign(org, settings(name=name))
    assert caught.value.field == "name"
    assert counts() == before


def test_campaign_names_are_unique_in_the_organisation(org: Organisation) -> None:
    setup.create_campaign(org, settings())
    with pytest.raises(setup.FieldError, match="already has a campaign"):
        setup.create_campaign(org, settings(name=" Wave  1"))


@pytest.mark.parametrize("field", ["opens", "closes"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_bad_dates_are_refused(org: Organisation, field: str, value: str) -> None:
    before = counts()
    with pytest.raises(setup.FieldError) as caught:
        setup.create_campaign(org, settings(**{field: value}))
    assert caught.value.field == field
    assert counts() == before


@pytest.mark.parametrize(("opens", "closes"), [("2090-01-10", "2090-01-10"),
                                               ("2090-01-10", "2090-01-09")])
def test_the_window_closes_after_it_opens(org: Organisation, opens: str, closes: str) -> None:
    with pytest.raises(setup.FieldError, match="closing date must be after the opening date"):
        setup.create_campaign(org, settings(opens=opens, closes=closes))


def test_a_closing_date_in_the_past_is_refused(org: Organisation) -> None:
    yesterday = (utcnow() - dt.timedelta(days=1)).date().isoformat()
    with pytest.raises(setup.FieldError, match="closing date has passed"):
        setup.create_campaign(org, settings(closes=yesterday))


@pytest.mark.parametrize("value", ["2", "3", "4", "0", "-5", "1001", "5.0", "\uff15", LONG])
def test_min_n_below_the_questionnaires_or_odd_is_refused(org: Organisation,
                                                           value: str) -> None:
    with pytest.raises(setup.FieldError) as caught:
        setup.create_campaign(org, settings(min_n=value))
    assert caught.value.field == "min_n"
    assert counts()[1] == 0


def test_min_n_can_be_raised_and_raises_the_comment_threshold(org: Organisation) -> None:
    wave = setup.create_campaign(org, settings(min_n="12"))
    assert (wave.min_n, wave.min_n_comments, wave.min_n_spread) == (12, 12, 12)


def test_a_questionnaire_that_is_not_loaded_is_refused(org: Organisation) -> None:
    with pytest.raises(setup.FieldError) as caught:
        setup.create_campaign(org, settings(questionnaire_id=999_999))
    assert caught.value.field == "questionnaire"


@pytest.mark.parametrize("ref", ["", "nope", "pmo-apo-maturity:2", "pmo-apo-maturity:x",
                                 "PMO APO", "pmo-apo-maturity:" + "9" * 40, "\u202e", LONG])
def test_questionnaire_references(org: Organisation, ref: str) -> None:
    with pytest.raises(setup.FieldError):
        setup.questionnaire_by_ref(ref)
    assert setup.questionnaire_by_ref("pmo-apo-maturity:1").key == "pmo-apo-maturity"
    assert setup.questionnaire_by_ref(" transformation-readiness ").version == 1


def test_teams_of_another_organisation_are_refused(org: Organisation) -> None:
    create_coach("other@example.org", "Globex", "a-long-enough-password")
    globex = db.session.scalar(select(Organisation).where(Organisation.name == "Globex"))
    assert globex is not None
    theirs = setup.create_team(globex, "Gemini")
    mine = setup.create_team(org, "Apollo")
    with pytest.raises(setup.FieldError, match="Every team must be a team of this"):
        setup.create_campaign(org, settings(), [mine.id, theirs.id])
    assert counts()[1:] == (0, 0)


def _closed(org: Organisation, name: str, key: str = "pmo-apo-maturity",
            days_ago: int = 10) -> Campaign:
    wave = setup.create_campaign(org, setup.CampaignSettings(
        name=name, questionnaire_id=latest_version(key).id))
    wave.status = CampaignStatus.CLOSED
    wave.closes_at = utcnow() - dt.timedelta(days=days_ago)
    db.session.commit()
    return wave


def test_the_previous_wave_is_by_default_the_latest_closed_of_the_same_questionnaire(
        org: Organisation) -> None:
    older = _closed(org, "Old", days_ago=100)
    latest = _closed(org, "Latest", days_ago=10)
    _closed(org, "Readiness", key="transformation-readiness", days_ago=1)
    wave = setup.create_campaign(org, settings(name="New"))
    assert wave.previous_campaign_id == latest.id
    chosen = setup.create_campaign(org, settings(name="Chosen", previous=older.id))
    assert chosen.previous_campaign_id == older.id
    none = setup.create_campaign(org, settings(name="None", previous=None))
    assert none.previous_campaign_id is None


def test_a_previous_wave_must_be_closed_same_questionnaire_same_organisation(
        org: Organisation) -> None:
    readiness = _closed(org, "Readiness", key="transformation-readiness")
    draft = setup.create_campaign(org, settings(name="Draft"))
    create_coach("other@example.org", "Globex", "a-long-enough-password")
    globex = db.session.scalar(select(Organisation).where(Organisation.name == "Globex"))
    assert globex is not None
    theirs = _closed(globex, "Theirs")
    for previous in (readiness.id, draft.id, theirs.id, 999_999):
        with pytest.raises(setup.FieldError) as caught:
            setup.create_campaign(org, settings(name="New", previous=previous))
        assert caught.value.field == "previous"


def test_previous_by_reference(org: Organisation) -> None:
    old = _closed(org, "Old")
    assert setup.previous_by_ref(org, None) == setup.LATEST
    assert setup.previous_by_ref(org, "none") is None
    assert setup.previous_by_ref(org, " NONE ") is None
    assert setup.previous_by_ref(org, "Old") == old.id
    assert setup.previous_by_ref(org, str(old.id)) == old.id
    with pytest.raises(NotFound):
        setup.previous_by_ref(org, "Nothing")


# --- life cycle ------------------------------------------------------------------------------

def test_draft_open_closed_and_never_back(org: Organisation) -> None:
    empty = setup.create_campaign(org, settings(name="Empty"))
    with pytest.raises(Conflict, match="has no team yet"):
        setup.open_campaign(empty)
    with pytest.raises(Conflict, match="is a draft"):
        setup.close_campaign(empty)
    team = setup.create_team(org, "Apollo")
    wave = setup.create_campaign(org, settings(closes="2099-01-31"), [team.id])
    assert setup.open_campaign(wave).status == CampaignStatus.OPEN
    with pytest.raises(Conflict, match="open already"):
        setup.open_campaign(wave)
    closed = setup.close_campaign(wave)
    assert closed.status == CampaignStatus.CLOSED
    assert closed.closes_at is not None
    assert as_utc(closed.closes_at) <= utcnow()  # the window ends when it is closed
    with pytest.raises(Conflict, match="cannot open again"):
        setup.open_campaign(wave)
    with pytest.raises(Conflict, match="closed already"):
        setup.close_campaign(wave)
    with pytest.raises(Conflict):
        setup.add_teams(wave, [team.id])
    with pytest.raises(Conflict):
        setup.update_campaign(wave, settings())


def test_a_campaign_whose_window_ended_does_not_open(org: Organisation) -> None:
    team = setup.create_team(org, "Apollo")
    wave = setup.create_campaign(org, settings(), [team.id])
    wave.closes_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    with pytest.raises(Conflict, match="has ended"):
        setup.open_campaign(wave)
    assert db.session.get(Campaign, wave.id).status == CampaignStatus.DRAFT


def test_teams_are_added_while_draft_or_open_each_with_a_link(org: Organisation) -> None:
    apollo, artemis, gemini = (setup.create_team(org, n) for n in ("Apollo", "Artemis", "Gemini"))
    wave = setup.create_campaign(org, settings(), [apollo.id])
    token = links.current_token(wave.team_links[0])
    assert setup.add_teams(wave, [artemis.id, apollo.id]) == ["Artemis"]
    setup.open_campaign(wave)
    assert setup.add_teams(wave, [gemini.id]) == ["Gemini"]
    fresh = db.session.get(Campaign, wave.id)
    assert {link.team.name for link in fresh.team_links} == {"Apollo", "Artemis", "Gemini"}
    assert all(links.current_token(link) for link in fresh.team_links)
    apollo_link = next(lk for lk in fresh.team_links if lk.team_id == apollo.id)
    assert links.current_token(apollo_link) == token  # an existing link stays as it was
    with pytest.raises(setup.FieldError):
        setup.add_teams(wave, [])


def _answer(campaign: Campaign) -> None:
    team_id = campaign.team_links[0].team_id
    db.session.add(Response(campaign_id=campaign.id, team_id=team_id,
                            questionnaire_version_id=campaign.questionnaire_version_id,
                            status=ResponseStatus.DRAFT, uid="u" * 32,
                            browser_key_hash="b" * 64, submit_key="k" * 32))
    db.session.commit()


def test_min_n_is_never_lowered_once_a_response_exists(org: Organisation) -> None:
    team = setup.create_team(org, "Apollo")
    wave = setup.create_campaign(org, settings(min_n="8", closes="2099-01-31"), [team.id])
    assert setup.update_campaign(wave, settings(min_n="6", closes="2099-01-31")).min_n == 6
    setup.open_campaign(wave)
    _answer(wave)
    with pytest.raises(setup.FieldError, match="cannot be lowered"):
        setup.update_campaign(wave, settings(min_n="5", closes="2099-01-31"))
    assert setup.update_campaign(wave, settings(min_n="9", closes="2099-01-31")).min_n == 9


def test_an_open_campaign_keeps_its_questionnaire_and_opening_date(org: Organisation) -> None:
    team = setup.create_team(org, "Apollo")
    wave = setup.create_campaign(org, settings(opens="2026-01-05", closes="2099-01-31"),
                                 [team.id])
    setup.open_campaign(wave)
    readiness = latest_version("transformation-readiness").id
    with pytest.raises(setup.FieldError) as caught:
        setup.update_campaign(wave, settings(questionnaire_id=readiness, opens="2026-01-05",
                                             closes="2099-01-31"))
    assert caught.value.field == "questionnaire"
    with pytest.raises(setup.FieldError) as caught:
        setup.update_campaign(wave, settings(opens="2026-01-06", closes="2099-01-31"))
    assert caught.value.field == "opens"
    changed = setup.update_campaign(wave, settings(name="Renamed", opens="2026-01-05",
                                                   closes="2099-03-31", interim_results=True))
    assert (changed.name, changed.interim_results) == ("Renamed", True)
    assert setup.closes_on(changed) == dt.date(2099, 3, 31)


def test_field_errors_are_invalid_input() -> None:
    error = setup.FieldError("name", "The team name is empty.")
    assert isinstance(error, InvalidInput)
    assert (error.field, str(error)) == ("name", "The team name is empty.")
