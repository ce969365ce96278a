"""The baselines a campaign's pages offer (assess.services.baseline_choices): each option's
size and usability equal what assess.services.baselines and assess.scoring compute, a baseline
below the minimum size says why percentile and verdict are missing, and a key typed into the
address is either one of the organisation's choices or "not found"."""

from __future__ import annotations

import math
import secrets
import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select

from assess import answer_codec
from assess.errors import NotFound
from assess.extensions import db
from assess.models import (
    BaselineRecord,
    Campaign,
    CampaignStatus,
    Organisation,
    Response,
    ResponseStatus,
    Team,
    TeamLink,
)
from assess.scoring import Baseline, CampaignResult, ScoringWarning, respondent_scores
from assess.services import answers as answer_loading
from assess.services import baseline_choices, baselines, results
from assess.services.accounts import get_or_create_organisation
from assess.services.questionnaires import definition_of, latest_version, load_into_database
from tests.conftest import QUESTIONNAIRES

MATURITY = "pmo-apo-maturity"
READINESS = "transformation-readiness"


# --- building test data ----------------------------------------------------------------------

def add_campaign(org: Organisation, name: str, sizes: Sequence[int], *, seed: int = 1,
                 key: str = MATURITY, status: str = CampaignStatus.CLOSED,
                 previous: Campaign | None = None, prefix: str = "Team") -> Campaign:
    """A campaign of ``org`` with complete, released responses: ``sizes[i]`` in team i."""
    version = latest_version(key)
    definition = definition_of(version)
    rng = np.random.default_rng(seed)
    campaign = Campaign(organisation=org, questionnaire_version=version, name=name,
                        status=status, previous_campaign=previous)
    db.session.add(campaign)
    item_ids = [item.id for item in definition.answer_items]
    for t, size in enumerate(sizes):
        team_name = f"{prefix} {t + 1}"
        team = db.session.scalar(select(Team).where(Team.organisation_id == org.id,
                                                    Team.name == team_name))
        if team is None:
            team = Team(organisation=org, name=team_name)
            db.session.add(team)
        db.session.add(TeamLink(campaign=campaign, team=team))
        team_level = 3.0 + rng.normal(0, 0.4)
        for _ in range(size):
            person = team_level + rng.normal(0, 0.5)
            answers: dict[str, answer_codec.Answer] = {}
            for item in definition.answer_items:
                raw = int(np.clip(np.rint(person + rng.normal(0, 0.6)), 1, 5))
                answers[item.id] = 6 - raw if item.reverse else raw
            db.session.add(Response(
                uid=secrets.token_hex(16), campaign=campaign, team=team,
                questionnaire_version=version, status=ResponseStatus.COMPLETE,
                browser_key_hash=secrets.token_hex(32), submit_key=secrets.token_hex(16),
                values=answer_codec.encode(item_ids, answers), answered=len(answers),
                in_results=True))
    db.session.commit()
    return campaign


def store(baseline: Baseline, org: Organisation | None, key: str = MATURITY) -> BaselineRecord:
    record = BaselineRecord(
        organisation_id=org.id if org else None, name=baseline.name, kind=baseline.kind,
        questionnaire_key=key, data=baseline.to_dict(),
        n_respondents=max(d.n for d in baseline.dimensions),
        n_teams=max(d.team_count for d in baseline.dimensions))
    db.session.add(record)
    db.session.commit()
    return record


def dimension_ids(campaign: Campaign) -> tuple[str, ...]:
    return tuple(d.id for d in definition_of(campaign.questionnaire_version).dimensions)


def size(baseline: Baseline) -> tuple[int, int]:
    return (max(d.n for d in baseline.dimensions), max(d.team_count for d in baseline.dimensions))


def by_key(campaign: Campaign, **kwargs: str) -> dict[str, baseline_choices.BaselineOption]:
    return {o.key: o for o in baseline_choices.options(campaign, **kwargs)}


class World:
    """Acme: a large closed wave (6 teams of 6), a small second wave after it (6, 6 and a
    team of 4, under the threshold) naming the first wave's stored baseline; Globex with a
    baseline of its own."""

    def __init__(self) -> None:
        load_into_database([QUESTIONNAIRES])
        self.acme = get_or_create_organisation("Acme")
        self.globex = get_or_create_organisation("Globex")
        self.wave1 = add_campaign(self.acme, "Wave 1", [6] * 6, seed=1)
        self.wave1_record = baselines.build_from_campaign(self.wave1, "Wave 1 stored")
        self.wave2 = add_campaign(self.acme, "Wave 2", [6, 6, 4], seed=2,
                                  previous=self.wave1)
        self.wave2.baseline_id = self.wave1_record.id
        db.session.commit()
        self.small_record = baselines.build_from_campaign(self.wave2, "Wave 2 stored")
        self.globex_wave = add_campaign(self.globex, "Globex wave", [6] * 5, seed=3)
        self.globex_record = baselines.build_from_campaign(self.globex_wave, "Globex stored")


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    with app.app_context():
        yield World()


def scored(campaign: Campaign, choice: results.BaselineChoice) -> CampaignResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        return results.campaign_result(campaign, choice, with_previous=False)


# --- options: what is offered, with which numbers --------------------------------------------

def test_the_options_come_in_the_selectors_order_and_the_default_is_the_campaigns(
        world: World) -> None:
    keys = [o.key for o in baseline_choices.options(world.wave2)]
    # The campaign's own (wave 1 stored) is not repeated as stored-<id>.
    assert keys == ["campaign", "wave", "previous", "pool",
                    f"stored-{world.small_record.id}", "none"]
    assert baseline_choices.default_key(world.wave2) == "campaign"
    assert {o.kind for o in baseline_choices.options(world.wave2)} == {
        "campaign", "wave", "previous", "pool", "stored", "none"}


def test_the_wave_option_has_the_numbers_of_a_baseline_built_from_the_wave(world: World) -> None:
    option = by_key(world.wave1)["wave"]
    expected = baselines.from_campaigns([world.wave1], name="x", kind="organisation")
    assert (option.n_respondents, option.n_teams) == size(expected) == (36, 6)
    assert option.usable is expected.is_usable(baselines.MIN_RESPONDENTS, baselines.MIN_TEAMS,
                                               dimension_ids(world.wave1))
    assert option.usable
    assert option.reason is None
    assert baseline_choices.missing_reason(option) is None
    built = baseline_choices.resolve(world.wave1, "wave")
    assert isinstance(built, Baseline)
    assert built.to_dict()["dimensions"] == expected.to_dict()["dimensions"]


def test_the_previous_option_is_built_from_the_previous_wave(world: World) -> None:
    option = by_key(world.wave2)["previous"]
    expected = baselines.from_campaigns([world.wave1], name="x", kind="previous_wave")
    assert (option.n_respondents, option.n_teams) == size(expected)
    assert option.usable
    assert "Wave 1" in option.label
    built = baseline_choices.resolve(world.wave2, "previous")
    assert isinstance(built, Baseline)
    assert built.kind == "previous_wave"
    assert built.to_dict()["dimensions"] == expected.to_dict()["dimensions"]
    # Wave 1 has no wave before it: listed, with the reason, and compares nothing.
    first = by_key(world.wave1)["previous"]
    assert (first.n_respondents, first.n_teams, first.usable) == (None, None, False)
    assert first.reason == "This campaign has no previous wave to compare with."
    assert baseline_choices.resolve(world.wave1, "previous") is None


def test_stored_options_carry_the_stored_counts_and_the_usability_of_the_record(
        world: World) -> None:
    options = by_key(world.wave2)
    own = options["campaign"]
    assert own.record_id == world.wave1_record.id
    assert (own.n_respondents, own.n_teams) == (world.wave1_record.n_respondents,
                                                world.wave1_record.n_teams)
    assert own.usable is (baselines.usability(world.wave1_record) is None) is True
    small = options[f"stored-{world.small_record.id}"]
    assert (small.n_respondents, small.n_teams) == (world.small_record.n_respondents,
                                                    world.small_record.n_teams)
    assert small.usable is (baselines.usability(world.small_record) is None) is False
    assert baseline_choices.resolve(world.wave2, "campaign") == world.wave1_record
    assert baseline_choices.resolve(world.wave2, None) == world.wave1_record
    assert baseline_choices.resolve(world.wave2, "") == world.wave1_record


def test_a_baseline_below_the_minimum_size_says_why_and_the_result_has_no_percentile(
        world: World) -> None:
    # 16 respondents; one team shown (the team of 4 is hidden, and one more to protect it)
    option = by_key(world.wave2)["wave"]
    expected = baselines.from_campaigns([world.wave2], name="x", kind="organisation")
    assert (option.n_respondents, option.n_teams) == size(expected) == (16, 1)
    assert not option.usable
    assert option.reason == ("It has 16 respondents; at least 30 are needed for percentiles "
                             "and verdicts.")
    reason = baseline_choices.missing_reason(option)
    assert reason is not None
    assert reason.startswith("No percentile or verdict against the organisation's teams")
    assert option.reason in reason
    result = scored(world.wave2, baseline_choices.resolve(world.wave2, "wave"))
    assert np.isnan(result.teams.percentile).all()
    assert all(note and "at least 30" in note for note in result.baseline_notes)


def test_enough_respondents_but_too_few_teams_names_the_teams(app: Flask) -> None:
    with app.app_context():
        load_into_database([QUESTIONNAIRES])
        org = get_or_create_organisation("Initech")
        wave = add_campaign(org, "Big teams", [12, 12, 12], seed=4)
        option = by_key(wave)["wave"]
        assert (option.n_respondents, option.n_teams) == (36, 3)
        assert option.reason == ("It has 3 teams with enough responses; at least 5 are needed "
                                 "for a percentile among teams.")
        assert not option.usable


def test_a_stored_baseline_covering_some_focus_areas_names_the_missing_ones(
        world: World) -> None:
    full = baselines.baseline_of(world.wave1_record)
    part = Baseline(name="Only standards", kind="import", dimensions=(full.dimensions[0],))
    record = store(part, world.acme)
    option = by_key(world.wave2)[f"stored-{record.id}"]
    assert not option.usable
    assert option.reason is not None
    assert option.reason.startswith("It has no data for Project / program delivery")


def test_a_campaign_without_released_responses_offers_no_wave(app: Flask) -> None:
    with app.app_context():
        load_into_database([QUESTIONNAIRES])
        org = get_or_create_organisation("Initech")
        draft = add_campaign(org, "Draft", [0, 0], status=CampaignStatus.DRAFT)
        options = by_key(draft)
        assert options["wave"].n_respondents is None
        assert options["wave"].reason is not None
        assert "no released results" in options["wave"].reason
        assert baseline_choices.resolve(draft, "wave") is None
        camp = options["campaign"]
        assert (camp.usable, camp.reason) == (
            False, "This campaign names no baseline; choose another comparison.")
        assert baseline_choices.resolve(draft, "campaign") is None


def test_the_pool_is_offered_once_one_is_built(world: World) -> None:
    missing = by_key(world.wave2)["pool"]
    assert (missing.n_respondents, missing.usable) == (None, False)
    assert missing.reason is not None
    assert "No cross-organisation pool" in missing.reason
    assert baseline_choices.resolve(world.wave2, "pool") is None
    pool = baselines.build_pool(MATURITY, "Everyone")
    option = by_key(world.wave2)["pool"]
    assert option.record_id == pool.id
    assert (option.n_respondents, option.n_teams) == (pool.n_respondents, pool.n_teams)
    assert option.usable is (baselines.usability(pool) is None)
    assert f"stored-{pool.id}" not in by_key(world.wave2)  # listed once, as the pool
    assert baseline_choices.resolve(world.wave2, "pool") == pool
    assert baseline_choices.resolve(world.wave2, f"stored-{pool.id}") == pool


def test_none_compares_nothing_and_says_so(world: World) -> None:
    option = by_key(world.wave1)["none"]
    assert baseline_choices.resolve(world.wave1, "none") is None
    assert baseline_choices.missing_reason(option) == (
        "No percentile or verdict: no baseline is selected.")


def test_a_campaign_baseline_of_another_questionnaire_is_explained_not_raised(
        world: World) -> None:
    readiness = add_campaign(world.acme, "Readiness", [6] * 5, key=READINESS, seed=5)
    readiness.baseline_id = world.wave1_record.id
    db.session.commit()
    option = by_key(readiness)["campaign"]
    assert not option.usable
    assert option.reason == "The campaign's baseline belongs to another questionnaire."
    assert baseline_choices.resolve(readiness, "campaign") is None
    # and the maturity baselines are not offered to it
    assert not [k for k in by_key(readiness) if k.startswith("stored-")]


# --- leave-one-out on a team's own page ------------------------------------------------------

def _scores(campaign: Campaign) -> tuple[np.ndarray, np.ndarray]:
    answers = answer_loading.load_answers(campaign)
    spec = answer_loading.instrument_spec(definition_of(campaign.questionnaire_version),
                                          campaign)
    return respondent_scores(answers.values, answers.dont_know, spec).scores, answers.team_ids


def test_on_a_teams_page_the_wave_leaves_the_team_out_exactly(world: World) -> None:
    team = db.session.scalar(select(Team).where(Team.organisation_id == world.acme.id,
                                                Team.name == "Team 3"))
    assert team is not None
    built = baseline_choices.resolve(world.wave1, "wave", team="Team 3")
    assert isinstance(built, Baseline)
    scores, team_ids = _scores(world.wave1)
    others = team_ids != team.id
    expected = Baseline.from_scores(scores[others], team_ids[others], dimension_ids(world.wave1),
                                    name="x", min_team_n=world.wave1.min_n)
    for got, want in zip(built.dimensions, expected.dimensions, strict=True):
        assert got.n == want.n
        assert math.isclose(got.mean, want.mean, rel_tol=0, abs_tol=1e-12)
        assert math.isclose(got.sd, want.sd, rel_tol=0, abs_tol=1e-12)
        np.testing.assert_allclose(got.team_means, want.team_means, rtol=0, atol=1e-12)
    option = by_key(world.wave1, team="Team 3")["wave"]
    assert option.label == "The organisation's other teams in this wave"
    assert (option.n_respondents, option.n_teams) == (30, 5)
    assert option.usable


def test_a_hidden_team_leaves_the_wave_unchanged(world: World) -> None:
    # Team 3 of wave 2 has 4 responses, under the threshold of 5: removing them would reveal
    # its mean through the change of the baseline, so nothing is removed.
    whole = baseline_choices.resolve(world.wave2, "wave")
    without = baseline_choices.resolve(world.wave2, "wave", team="Team 3")
    assert isinstance(whole, Baseline)
    assert isinstance(without, Baseline)
    assert without.to_dict()["dimensions"] == whole.to_dict()["dimensions"]


def test_an_unknown_team_is_not_found(world: World) -> None:
    for team in ("Nobody", "", "Team 3 ", "\u202e"):
        with pytest.raises(NotFound):
            baseline_choices.resolve(world.wave1, "wave", team=team)
    # other keys do not look at the team
    assert baseline_choices.resolve(world.wave1, "none", team="Nobody") is None


# --- keys from the address --------------------------------------------------------------------

HOSTILE_KEYS = ["stored-99999", "../", "..%2F", "x" * 10_000, "\u202e", "\u202ewave",
                "stored-0", "stored-01", "stored-\uff11", "STORED-1", "Wave", " wave",
                "wave\x00", "stored-1 ", "stored--1", "stored-99999999999999999999",
                "stored-2147483648", "campaign;drop", "<script>", "None", "null"]


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=range(len(HOSTILE_KEYS)))
def test_a_hostile_key_is_not_found(world: World, key: str) -> None:
    with pytest.raises(NotFound):
        baseline_choices.resolve(world.wave2, key)
    with pytest.raises(NotFound):
        baseline_choices.option_for(world.wave2, key)


def test_another_organisations_baseline_is_not_found_by_its_id(world: World) -> None:
    key = f"stored-{world.globex_record.id}"
    assert key not in by_key(world.wave2)
    with pytest.raises(NotFound):
        baseline_choices.resolve(world.wave2, key)
    # ... while its own organisation reaches it
    assert baseline_choices.resolve(world.globex_wave, key) == world.globex_record


def test_a_shared_import_is_offered_to_every_organisation(world: World) -> None:
    shared = store(Baseline(name="Shared import", kind="import",
                            dimensions=baselines.baseline_of(world.wave1_record).dimensions),
                   None)
    for campaign in (world.wave2, world.globex_wave):
        assert f"stored-{shared.id}" in by_key(campaign)
        assert baseline_choices.resolve(campaign, f"stored-{shared.id}") == shared


def test_a_record_listed_under_another_key_is_still_resolved_by_its_id(world: World) -> None:
    key = f"stored-{world.wave1_record.id}"  # wave 2's own baseline, listed as "campaign"
    assert baseline_choices.resolve(world.wave2, key) == world.wave1_record
    option = baseline_choices.option_for(world.wave2, key)
    assert option.record_id == world.wave1_record.id


# --- cost --------------------------------------------------------------------------------------

def test_a_request_scores_each_wave_once(app: Flask, world: World,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = baseline_choices.campaign_result

    def counting(campaign: Campaign, choice: results.BaselineChoice, *,
                 with_previous: bool) -> CampaignResult:
        calls.append(campaign.id)
        return real(campaign, choice, with_previous=with_previous)

    monkeypatch.setattr(baseline_choices, "campaign_result", counting)
    with app.test_request_context("/"):
        baseline_choices.options(world.wave2)
        baseline_choices.options(world.wave2, team="Team 1")
        baseline_choices.resolve(world.wave2, "wave")
        baseline_choices.resolve(world.wave2, "previous")
    assert sorted(calls) == sorted([world.wave2.id, world.wave1.id])


def test_a_campaign_naming_another_organisations_baseline_shows_nothing_of_it(
        world: World) -> None:
    world.wave2.baseline_id = world.globex_record.id
    db.session.commit()
    option = by_key(world.wave2)["campaign"]
    assert (option.n_respondents, option.usable, option.record_id) == (None, False, None)
    assert world.globex_record.name not in option.label
    assert option.reason == ("The baseline this campaign names is not available to its "
                             "organisation.")
    assert baseline_choices.resolve(world.wave2, "campaign") is None
