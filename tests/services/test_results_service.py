"""The campaign scoring service on the demo: instrument spec, answer loading, scoring.

The expectations are derived independently of the service where possible: the instrument
layout from the questionnaire YAML read with PyYAML, the answers from ``answer_codec.decode``
of each stored response.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from assess import answer_codec
from assess.cli_text import describe_result
from assess.errors import InvalidInput
from assess.extensions import db
from assess.models import Campaign, Response, ResponseStatus, Team
from assess.scoring import DEFAULT_LEVEL_CUTS, Baseline
from assess.services import answers as answer_loading
from assess.services import results
from assess.services.lookup import campaign_by_ref
from assess.services.questionnaires import definition_of

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"
WAVE1, WAVE2, READINESS = "Maturity wave 1", "Maturity wave 2", "Transformation readiness"
SMALL_TEAM = "Fjord (design studio)"
# Responses of the small team in the results: the open wave 2 has interim results, released
# in steps of min_n = 5 per team, so its three responses are not included yet
# (tests/services/test_demo_release.py checks the demo's released sets against the rule).
SMALL_TEAM_N = {WAVE1: 3, WAVE2: 0, READINESS: 3}


@pytest.fixture
def ctx(demo_app: Flask) -> Iterator[Flask]:
    with demo_app.app_context():
        yield demo_app


def _yaml(key: str) -> dict[str, Any]:
    return yaml.safe_load((QUESTIONNAIRES / key / "questionnaire.yaml").read_text("utf-8"))


def _answer_items(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(dimension id, item) of every likert and rubric item, in file order."""
    return [(d["id"], item) for d in doc["dimensions"] for item in d["items"]
            if item.get("type", "likert") != "text"]


def _nan_key(row: np.ndarray) -> tuple[float, ...]:
    return tuple(-1.0 if math.isnan(v) else float(v) for v in row)


# =============================================================================================
# instrument_spec
# =============================================================================================
@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize(("key", "campaign_name"), [("pmo-apo-maturity", WAVE2),
                                                ("transformation-readiness", READINESS)])
def test_instrument_spec_follows_the_shipped_yaml(key: str, campaign_name: str):
    doc = _yaml(key)
    campaign = campaign_by_ref(campaign_name)
    spec = answer_loading.instrument_spec(definition_of(campaign.questionnaire_version), campaign)
    order = _answer_items(doc)
    column = {item["id"]: i for i, (_, item) in enumerate(order)}
    assert [d.id for d in spec.dimensions] == [d["id"] for d in doc["dimensions"]]
    for dim, ydim in zip(spec.dimensions, doc["dimensions"], strict=True):
        likert = [i for i in ydim["items"] if i.get("type", "likert") == "likert"]
        rubric = [i for i in ydim["items"] if i.get("type") == "rubric"]
        assert dim.columns == tuple(column[i["id"]] for i in likert)
        assert dim.reverse == tuple(bool(i.get("reverse", False)) for i in likert)
        assert dim.orientation == tuple(i.get("orientation", "neutral") for i in likert)
        assert dim.weights == tuple(float(i.get("weight", 1.0)) for i in likert)
        assert dim.rubric_column == (column[rubric[0]["id"]] if rubric else None)
        assert dim.label == ydim["title"]
    scale = next(iter(doc["scales"].values()))
    assert (spec.scale_min, spec.scale_max) == (scale["min"], scale["max"]) == (1, 5)
    assert spec.dont_know is bool(scale["dont_know"])
    assert spec.rubric_quorum == doc.get("rubric_quorum", 0.7)
    if "levels" in doc:
        assert spec.level_cuts == tuple(doc.get("level_cuts", DEFAULT_LEVEL_CUTS))
        assert spec.level_labels == tuple(doc["levels"])
    else:  # levels only where the questionnaire defines them (readiness has none)
        assert spec.level_cuts == spec.level_labels == ()
        assert not spec.has_levels
    rules = doc.get("readiness")
    if rules is None:
        assert spec.readiness is None
    else:
        assert spec.readiness is not None
        assert (spec.readiness.ready_at, spec.readiness.blocker_below) == (
            rules["ready_at"], rules["blocker_below"])
    # every answer column is used exactly once (likert or rubric)
    used = sorted(spec.likert_columns + spec.rubric_columns)
    assert used == list(range(len(order)))


@pytest.mark.usefixtures("ctx")
def test_shipped_maturity_spec_has_reverse_items_and_rubrics():
    version = campaign_by_ref(WAVE2).questionnaire_version
    spec = answer_loading.instrument_spec(definition_of(version))
    assert all(any(d.reverse) for d in spec.dimensions)
    assert all(d.rubric_column is not None for d in spec.dimensions)
    assert {o for d in spec.dimensions for o in d.orientation} == {"pmo", "apo", "neutral"}


@pytest.mark.usefixtures("ctx")
def test_thresholds_come_from_the_campaign_else_the_questionnaire():
    campaign = campaign_by_ref(WAVE2)
    definition = definition_of(campaign.questionnaire_version)
    anonymity = _yaml("pmo-apo-maturity")["anonymity"]
    plain = answer_loading.instrument_spec(definition)
    assert (plain.min_n, plain.min_n_comments, plain.min_n_spread) == (
        anonymity["min_n"], anonymity["min_n_comments"], anonymity["min_n_spread"])
    campaign.min_n, campaign.min_n_comments, campaign.min_n_spread = 7, 12, 9
    spec = answer_loading.instrument_spec(definition, campaign)
    assert (spec.min_n, spec.min_n_comments, spec.min_n_spread) == (7, 12, 9)
    # the spread threshold is never below the anonymity threshold
    campaign.min_n_spread = 3
    assert answer_loading.instrument_spec(definition, campaign).min_n_spread == 7
    db.session.rollback()


@pytest.mark.usefixtures("ctx")
def test_instrument_spec_refuses_items_on_different_scale_ranges():
    # The loader refuses such a file already; the spec checks again for definitions built
    # in code.
    from dataclasses import replace

    definition = definition_of(campaign_by_ref(WAVE2).questionnaire_version)
    seven = replace(definition.scales["agree5"], id="agree7", max=7)
    first = definition.dimensions[0]
    items = (replace(first.items[0], scale="agree7"), *first.items[1:])
    mixed = replace(definition, scales={**definition.scales, "agree7": seven},
                    dimensions=(replace(first, items=items), *definition.dimensions[1:]))
    with pytest.raises(InvalidInput, match="share one scale range"):
        answer_loading.instrument_spec(mixed)


# =============================================================================================
# load_answers
# =============================================================================================
@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("name", [WAVE1, WAVE2, READINESS])
def test_load_answers_equals_decoding_each_released_response(name: str):
    campaign = campaign_by_ref(name)
    doc_key = campaign.questionnaire_version.key
    item_ids = tuple(item["id"] for _, item in _answer_items(_yaml(doc_key)))
    answers = answer_loading.load_answers(campaign)
    assert answers.item_ids == item_ids

    rows = db.session.execute(select(Response.team_id, Response.role, Response.values)
                              .where(Response.campaign_id == campaign.id,
                                     Response.status == ResponseStatus.COMPLETE,
                                     Response.in_results.is_(True))).all()
    assert rows
    expected = []
    for team_id, role, blob in rows:
        decoded = answer_codec.decode(item_ids, blob)
        values = [np.nan if decoded.get(i, "dk") == "dk" else float(decoded[i])
                  for i in item_ids]
        dk = [decoded.get(i) == answer_codec.DONT_KNOW_VALUE for i in item_ids]
        # a campaign with interim results is scored without roles (docs/anonymity.md)
        shown_role = "" if campaign.interim_results else role or ""
        expected.append((team_id, shown_role, _nan_key(np.array(values)), tuple(dk)))
    got = [(int(t), r or "", _nan_key(v), tuple(bool(x) for x in k))
           for t, r, v, k in zip(answers.team_ids, answers.roles, answers.values,
                                 answers.dont_know, strict=True)]
    assert sorted(got) == sorted(expected)

    n = len(rows)
    assert answers.values.shape == answers.dont_know.shape == (n, len(item_ids))
    assert answers.values.dtype == np.float64
    assert answers.dont_know.dtype == bool
    assert answers.team_ids.shape == answers.roles.shape == (n,)
    # don't know is NaN, never a value; the demo has some
    assert answers.dont_know.any()
    assert np.isnan(answers.values[answers.dont_know]).all()
    finite = answers.values[~np.isnan(answers.values)]
    assert finite.min() >= 1
    assert finite.max() <= 5


@pytest.mark.usefixtures("ctx")
def test_load_answers_leaves_drafts_out():
    campaign = campaign_by_ref(WAVE2)
    counts = dict(db.session.execute(
        select(Response.status, func.count()).where(Response.campaign_id == campaign.id)
        .group_by(Response.status)).all())
    assert counts[ResponseStatus.DRAFT] > 0  # the demo's open wave has unfinished drafts
    released = db.session.scalar(select(func.count()).select_from(Response).where(
        Response.campaign_id == campaign.id, Response.in_results.is_(True)))
    assert released == db.session.scalar(select(func.count()).select_from(Response).where(
        Response.campaign_id == campaign.id, Response.in_results.is_(True),
        Response.status == ResponseStatus.COMPLETE))  # never a draft
    assert 0 < released < counts[ResponseStatus.COMPLETE]  # some not yet included
    answers = answer_loading.load_answers(campaign)
    assert answers.values.shape[0] == released


def _add_response(campaign: Campaign, team: Team, answers: dict[str, Any], *,
                  status: str = ResponseStatus.COMPLETE, role: str | None = None) -> None:
    definition = definition_of(campaign.questionnaire_version)
    item_ids = [i.id for i in definition.answer_items]
    db.session.add(Response(
        uid=secrets.token_hex(16), campaign=campaign, team=team,
        questionnaire_version=campaign.questionnaire_version, role=role, status=status,
        browser_key_hash=secrets.token_hex(32), submit_key=secrets.token_hex(16),
        values=answer_codec.encode(item_ids, answers), answered=len(answers),
        in_results=status == ResponseStatus.COMPLETE))  # a released response
    db.session.commit()


@pytest.mark.usefixtures("ctx")
def test_unanswered_items_are_nan_and_not_dont_know():
    campaign = campaign_by_ref(WAVE1)
    team = next(link.team for link in campaign.team_links if link.team.name == SMALL_TEAM)
    definition = definition_of(campaign.questionnaire_version)
    ids = [i.id for i in definition.answer_items]
    before = answer_loading.load_answers(campaign).values.shape[0]
    _add_response(campaign, team, {ids[0]: 2, ids[1]: "dk", ids[2]: 5}, role="team member")
    answers = answer_loading.load_answers(campaign)
    assert answers.values.shape[0] == before + 1
    mine = [r for r in range(answers.values.shape[0])
            if _nan_key(answers.values[r])[:3] == (2.0, -1.0, 5.0)
            and np.isnan(answers.values[r, 3:]).all()]
    assert len(mine) == 1
    r = mine[0]
    assert answers.dont_know[r].tolist() == [False, True] + [False] * (len(ids) - 2)
    assert answers.roles[r] == "team member"


@pytest.mark.usefixtures("ctx")
def test_load_answers_of_a_campaign_without_responses():
    campaign = campaign_by_ref(WAVE2)
    fresh = Campaign(organisation=campaign.organisation,
                     questionnaire_version=campaign.questionnaire_version, name="Empty wave")
    db.session.add(fresh)
    db.session.commit()
    answers = answer_loading.load_answers(fresh)
    k = len(definition_of(campaign.questionnaire_version).answer_items)
    assert answers.values.shape == answers.dont_know.shape == (0, k)
    assert answers.team_ids.shape == (0,)


# =============================================================================================
# score
# =============================================================================================
@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("name", [WAVE1, WAVE2, READINESS])
def test_the_three_person_team_is_hidden_on_every_dimension(name: str):
    result = results.campaign_result(campaign_by_ref(name), None)
    t = result.teams
    row = t.row(SMALL_TEAM)
    assert t.n[row].tolist() == [SMALL_TEAM_N[name]] * len(t.dimensions)
    assert t.suppressed[row].all()
    for field in ("mean", "sd", "ci_low", "ci_high", "pomp", "dont_know_rate", "rwg_j",
                  "rwg_j_lindell", "ad_m", "pmo_index", "apo_index", "level_band",
                  "level_rubric", "percentile", "d", "p", "change"):
        assert np.isnan(getattr(t, field)[row]).all(), field
    for field in ("verdict", "quadrant", "divided_views", "clear_change"):
        assert all(v is None for v in getattr(t, field)[row]), field
    text = describe_result(result)
    block = text.split(f"{SMALL_TEAM}:\n", 1)[1].split("\n")[: len(t.dimensions)]
    assert block == [f"  {d.label} [{d.id}]: not enough responses"
                     for d in result.spec.dimensions]
    assert json.dumps(result.to_dict(), allow_nan=False)


def _hidden_children_ok(child_values: np.ndarray, child_n: np.ndarray,
                        parent_value: float) -> bool:
    """A visible parent never sits over exactly one hidden child that has answers."""
    hidden = (child_n > 0) & np.isnan(child_values)
    return bool(np.isnan(parent_value) or hidden.sum() != 1)


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("name", [WAVE1, WAVE2, READINESS])
def test_no_hidden_team_can_be_recovered_by_subtraction(name: str):
    result = results.campaign_result(campaign_by_ref(name), None)
    t, o = result.teams, result.organisation
    # the small team forces a second team to be hidden wherever its responses are included
    assert t.complementary.any() == (SMALL_TEAM_N[name] > 0)
    for j, dim in enumerate(t.dimensions):
        # every team's respondents are in the organisation row
        assert t.n[:, j].sum() == o.n[0, j]
        for field in ("mean", "pomp", "dont_know_rate", "level_band"):
            assert _hidden_children_ok(getattr(t, field)[:, j], t.n[:, j],
                                       getattr(o, field)[0, j]), (dim, field)
        for field, count in (("pmo_index", t.n), ("apo_index", t.n),
                             ("level_rubric", t.n_rubric)):
            assert _hidden_children_ok(getattr(t, field)[:, j], count[:, j],
                                       getattr(o, field)[0, j]), (dim, field)
        # what a coach could subtract: organisation total minus the visible teams
        visible = ~np.isnan(t.mean[:, j])
        rest_n = o.n[0, j] - t.n[visible, j].sum()
        hidden_with_data = (~visible & (t.n[:, j] > 0)).sum()
        assert rest_n == 0 or hidden_with_data >= 2 or np.isnan(o.mean[0, j])
        if result.roles is not None:
            r = result.roles
            assert r.n[:, j].sum() == o.n[0, j]
            assert _hidden_children_ok(r.mean[:, j], r.n[:, j], o.mean[0, j]), dim


@pytest.mark.usefixtures("ctx")
def test_a_lone_small_team_under_a_visible_organisation_hides_a_second_team():
    result = results.campaign_result(campaign_by_ref(WAVE1), None)
    t = result.teams
    hidden = t.suppressed.all(axis=1)
    assert t.labels[int(np.flatnonzero(t.complementary.all(axis=1))[0])] != SMALL_TEAM
    assert hidden.sum() == 2
    # the complementary team is the smallest visible one
    sizes = t.n_respondents
    others = [i for i in range(len(t.labels)) if t.labels[i] != SMALL_TEAM]
    second = next(i for i in others if hidden[i])
    assert sizes[second] == min(sizes[i] for i in others)


@pytest.mark.usefixtures("ctx")
def test_wave_two_has_change_against_wave_one():
    w1 = results.campaign_result(campaign_by_ref(WAVE1), None)
    w2 = results.campaign_result(campaign_by_ref(WAVE2), None)
    assert w2.previous_dimensions == w2.dimensions
    t1, t2 = w1.teams, w2.teams
    assert t1.labels == t2.labels
    both = ~t1.suppressed & ~t2.suppressed
    assert both.any()
    np.testing.assert_allclose(t2.change[both], (t2.mean - t1.mean)[both], rtol=0, atol=1e-12)
    assert np.isnan(t2.change[~both]).all()
    assert (t2.change_ci_low[both] < t2.change[both]).all()
    assert (t2.change[both] < t2.change_ci_high[both]).all()
    o1, o2 = w1.organisation, w2.organisation
    np.testing.assert_allclose(o2.change, o2.mean - o1.mean, rtol=0, atol=1e-12)
    # clear change: interval excludes 0 and |change| >= the minimal important difference
    for i, j in zip(*np.nonzero(both), strict=True):
        lo, hi, c = t2.change_ci_low[i, j], t2.change_ci_high[i, j], t2.change[i, j]
        assert t2.clear_change[i, j] == bool((lo > 0 or hi < 0) and abs(c) >= 0.25)
    # the demo improves: everywhere in the organisation, and clearly for a team already in
    # the interim numbers (5 released responses per team)
    assert (o2.change > 0).all()
    assert any(v is True for v in t2.clear_change[both].ravel())
    # the first wave has nothing to compare with
    assert w1.previous_dimensions == ()
    assert np.isnan(t1.change).all()
    assert results.campaign_result(
        campaign_by_ref(WAVE2), None, with_previous=False).previous_dimensions == ()


@pytest.mark.usefixtures("ctx")
def test_baseline_verdicts_follow_the_rule_when_the_baseline_is_usable():
    from assess.services import baselines

    campaign = campaign_by_ref(WAVE2)
    reference = baselines.baseline_of(baselines.find(str(campaign.baseline_id)))
    result = results.campaign_result(campaign, baseline=reference)
    assert result.baseline_notes == (None,) * len(result.dimensions)
    t = result.teams
    visible = ~t.spread_suppressed & ~t.no_spread
    assert all(v is not None for v in t.verdict[visible])
    assert all(v is None for v in t.verdict[~visible])
    for i, j in zip(*np.nonzero(visible), strict=True):
        strong = t.p_adjusted[i, j] < 0.05 and abs(t.d[i, j]) >= 0.2
        expected = ("clearly above" if t.d[i, j] > 0 else "clearly below") if strong \
            else "in line"
        assert t.verdict[i, j] == expected
    assert {"clearly above", "in line"} <= set(t.verdict[visible])


@pytest.mark.usefixtures("ctx")
def test_a_small_baseline_gives_no_verdict():
    campaign = campaign_by_ref(WAVE2)
    definition = definition_of(campaign.questionnaire_version)
    dims = answer_loading.instrument_spec(definition).dimension_ids
    rng = np.random.default_rng(3)
    scores = rng.uniform(1, 5, size=(12, len(dims)))
    small = Baseline.from_scores(scores, np.repeat(["a", "b"], 6), dims, name="Small",
                                 kind="import")
    result = results.campaign_result(campaign, baseline=small)
    assert all(note and "at least 30" in note for note in result.baseline_notes)
    for g in (result.teams, result.organisation):
        assert all(v is None for v in g.verdict.ravel())
        assert np.isnan(g.percentile).all()
        assert np.isnan(g.d).all()
        assert np.isnan(g.p).all()
    assert "clearly" not in describe_result(result)
    assert " in line" not in describe_result(result)


@pytest.mark.usefixtures("ctx")
def test_score_json_has_no_nan():
    from assess.services import baselines

    campaign = campaign_by_ref(WAVE2)
    reference = baselines.baseline_of(baselines.find(str(campaign.baseline_id)))
    data = results.campaign_result(campaign, baseline=reference).to_dict()

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in the JSON")

    text = json.dumps(data, allow_nan=False)
    assert json.loads(text, parse_constant=refuse) == data
