"""What the JSON of a scored campaign shows of groups hidden under the anonymity threshold.

A hidden cell (``suppressed``) shows its group label, dimension, ``n`` and the flags that say
why it is hidden, and nothing else; a group hidden on every dimension does not show its counts
of respondents, excluded respondents or straight-liners. Properties:

* every other field of a hidden cell is ``null`` (a whitelist, so a new field cannot leak);
* the answers of a hidden team - the values given, not which questions were answered, which
  drives the suppression pattern through the counts - change no team's record;
* two teams hidden on every dimension are indistinguishable: moving respondents between them
  (with the same questions answered) changes nothing in the output at all;
* a visible organisation never sits over exactly one hidden team with data for a count.
"""

from __future__ import annotations

import json
import warnings
from collections import defaultdict
from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assess.scoring import (
    Baseline,
    BaselineDimension,
    CampaignResult,
    DimensionSpec,
    InstrumentSpec,
    ReadinessThresholds,
    ScoringWarning,
    respondent_scores,
    score_campaign,
)

NAN = np.nan

#: What a hidden cell's record may show besides its group label.
ALLOWED_WHEN_HIDDEN = {"dimension", "n", "suppressed", "complementary", "spread_suppressed"}
GROUP_COUNTS = ("n_respondents", "n_excluded", "n_straightliners")
LABEL_KEYS = {"teams": "team", "organisation": "team", "roles": "role"}


def _spec(min_n: int = 5, n_dims: int = 2, items: int = 3,
          readiness: bool = False) -> InstrumentSpec:
    """A maturity instrument with rubric items, or a readiness one (no levels, no rubric)."""
    dims = []
    for j in range(n_dims):
        cols = tuple(range(j * items, (j + 1) * items))
        dims.append(DimensionSpec(
            f"d{j}", cols,
            reverse=(False,) * (items - 1) + (True,),
            orientation=("pmo", "apo") + ("neutral",) * (items - 2),
            rubric_column=None if readiness else n_dims * items + j,
        ))
    if readiness:
        return InstrumentSpec(tuple(dims), min_n=min_n, min_n_spread=min_n, level_cuts=(),
                              level_labels=(), readiness=ReadinessThresholds(3.6, 2.6))
    return InstrumentSpec(tuple(dims), min_n=min_n, min_n_spread=min_n)


def _baseline(spec: InstrumentSpec) -> Baseline:
    return Baseline("pool", "pool", tuple(
        BaselineDimension(d, 200, 3.0, 0.8, np.linspace(2.5, 3.5, 20))
        for d in spec.dimension_ids
    ))


def _score(values, dk, teams, spec, roles=None, previous=None) -> CampaignResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        return score_campaign(values, dk, teams, spec, baseline=_baseline(spec), roles=roles,
                              previous=previous)


def _json(result: CampaignResult) -> dict[str, Any]:
    return json.loads(json.dumps(result.to_dict(), allow_nan=False))


def assert_hidden_cells_show_only_n_and_flags(data: dict[str, Any]) -> None:
    for part, key in LABEL_KEYS.items():
        groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for rec in data[part] or ():
            groups[rec[key]].append(rec)
        for label, recs in groups.items():
            for rec in recs:
                if not rec["suppressed"]:
                    continue
                assert rec["spread_suppressed"] is True, (part, label)
                for field, value in rec.items():
                    if field in ALLOWED_WHEN_HIDDEN or field == key or field in GROUP_COUNTS:
                        continue
                    assert value is None, (part, label, rec["dimension"], field, value)
            if all(rec["suppressed"] for rec in recs):
                for rec in recs:
                    for field in GROUP_COUNTS:
                        assert rec[field] is None, (part, label, field, rec[field])
    if all(rec["suppressed"] for rec in data["organisation"]):
        for field in GROUP_COUNTS:
            assert data[field] is None, field
    # a readiness verdict is a statistic of every factor of its group
    if "readiness" in data:
        for part, key in LABEL_KEYS.items():
            verdicts = data["readiness"][part]
            if verdicts is None:
                continue
            for verdict in verdicts if isinstance(verdicts, list) else [verdicts]:
                cells = [r for r in data[part] if r[key] == verdict[key]]
                if any(r["suppressed"] for r in cells):
                    assert all(v is None for k, v in verdict.items() if k != key), verdict


# ---------------------------------------------------------------------------------------------
# a hand-made campaign: one team of 3 (hidden) and the smallest other team hidden with it
# ---------------------------------------------------------------------------------------------
def _small_team_campaign():
    rng = np.random.default_rng(3)
    sizes = {"a-small": 3, "b": 6, "c": 8, "d": 12}
    teams = np.repeat(list(sizes), list(sizes.values()))
    spec = _spec()
    values = rng.integers(1, 6, size=(len(teams), 8)).astype(float)
    dk = np.zeros(values.shape, dtype=bool)
    dk[1, 0] = True  # a don't know in the hidden team
    values[1, 0] = NAN
    values[2, 4] = NAN  # an incomplete row in the hidden team (n_complete would show it)
    values[0, :3] = values[0, 0]  # and a straight-liner
    values[0, 3:6] = values[0, 0]
    return values, dk, teams, spec


def test_hidden_cells_show_their_n_and_flags_and_nothing_else():
    values, dk, teams, spec = _small_team_campaign()
    result = _score(values, dk, teams, spec)
    t = result.teams
    assert t.suppressed[0].all()
    assert t.complementary[1].all()
    data = _json(result)
    assert_hidden_cells_show_only_n_and_flags(data)
    small = [r for r in data["teams"] if r["team"] == "a-small"]
    assert [r["n"] for r in small] == [3, 3]
    for rec in small:
        assert rec["n_complete"] is None
        assert rec["n_rubric"] is None
        assert rec["no_spread"] is None
        assert rec["n_respondents"] is None
        assert rec["n_excluded"] is None
        assert rec["n_straightliners"] is None
    visible = [r for r in data["teams"] if r["team"] == "c"]
    assert all(isinstance(r["n_complete"], int) and isinstance(r["n_rubric"], int)
               for r in visible)
    assert all(r["n_respondents"] == 8 for r in visible)


def test_a_lone_team_without_scores_but_with_dont_knows_is_protected():
    # Team z answered only "don't know" on d0: no valid score (n = 0), but its don't-know
    # count is inside the organisation's rate, which must not give it away by subtraction.
    rng = np.random.default_rng(4)
    spec = _spec()
    teams = np.repeat(["x", "y", "z"], [7, 9, 4])
    values = rng.integers(1, 6, size=(20, 8)).astype(float)
    dk = np.zeros(values.shape, dtype=bool)
    dk[16:, :3] = True
    values[16:, :3] = NAN
    result = _score(values, dk, teams, spec)
    t, o = result.teams, result.organisation
    z = t.row("z")
    assert t.n[z, 0] == 0
    assert t.suppressed[z, 0]
    visible_rates = np.isfinite(t.dont_know_rate[:, 0]).sum()
    # the organisation's rate minus the visible teams' would be z's alone
    assert np.isnan(o.dont_know_rate[0, 0]) or visible_rates < 2


# ---------------------------------------------------------------------------------------------
# properties on random small campaigns
# ---------------------------------------------------------------------------------------------
@st.composite
def campaigns(draw):
    n_teams = draw(st.integers(2, 6))
    sizes = draw(st.lists(st.integers(0, 9), min_size=n_teams, max_size=n_teams))
    assume(sum(sizes) >= 2)
    min_n = draw(st.integers(3, 5))
    spec = _spec(min_n=min_n, readiness=draw(st.booleans()))
    n = sum(sizes)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=(n, 8)).astype(float)
    p_missing = draw(st.sampled_from([0.0, 0.05, 0.2]))
    dk = rng.random(values.shape) < p_missing / 2
    values[dk | (rng.random(values.shape) < p_missing / 2)] = NAN
    teams = np.repeat([f"t{i}" for i in range(n_teams)], sizes)
    roles = None
    if draw(st.booleans()):
        roles = rng.choice(["lead", "member", "staff"], size=n)
    return values, dk, teams, spec, roles, rng


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much])


@SETTINGS
@given(campaigns())
def test_property_no_field_of_a_hidden_cell_is_shown(campaign):
    values, dk, teams, spec, roles, _ = campaign
    assert_hidden_cells_show_only_n_and_flags(_json(_score(values, dk, teams, spec, roles)))


def _fully_hidden_teams(result: CampaignResult) -> list[Any]:
    t = result.teams
    return [label for i, label in enumerate(t.labels) if t.suppressed[i].all()]


@SETTINGS
@given(campaigns())
def test_property_a_hidden_teams_answers_change_no_team_record(campaign):
    values, dk, teams, spec, roles, rng = campaign
    before = _score(values, dk, teams, spec, roles)
    hidden = _fully_hidden_teams(before)
    assume(hidden)
    rows = teams == hidden[0]
    assume(rows.any())
    changed = values.copy()
    answered = rows[:, None] & ~np.isnan(values)
    # other answers to the same questions: likert on 1..5, rubric levels on 1..5 as well
    changed[answered] = rng.integers(1, 6, size=int(answered.sum()))
    after = _score(changed, dk, teams, spec, roles)
    a, b = _json(before), _json(after)
    assert a["teams"] == b["teams"]
    if "readiness" in a:
        assert a["readiness"]["teams"] == b["readiness"]["teams"]
    # the previous wave's summary (what a later wave and a baseline keep) does not move either
    sa, sb = before.summary().to_dict(), after.summary().to_dict()
    for key in ("teams", "dimensions", "n", "mean", "sd"):
        assert sa[key] == sb[key], key


@SETTINGS
@given(campaigns())
def test_property_respondents_of_two_hidden_teams_are_indistinguishable(campaign):
    values, dk, teams, spec, roles, _ = campaign
    before = _score(values, dk, teams, spec, roles)
    hidden = _fully_hidden_teams(before)
    assume(len(hidden) >= 2)
    pattern = np.hstack([np.isnan(values), dk])
    in_a = np.flatnonzero(teams == hidden[0])
    in_b = np.flatnonzero(teams == hidden[1])
    pairs = [(i, j) for i in in_a for j in in_b if (pattern[i] == pattern[j]).all()]
    assume(pairs)
    i, j = pairs[0]
    moved = teams.copy()
    moved[i], moved[j] = teams[j], teams[i]
    after = _score(values, dk, moved, spec, roles)
    assert _json(before) == _json(after)


def _data_counts(values, dk, teams, spec, labels):
    """Per team and dimension: respondents with data for each additive field."""
    people = respondent_scores(values, dk, spec)
    inc = people.included
    out = {}
    for field, per_person in (("mean", people.scores), ("pmo_index", people.pmo),
                              ("apo_index", people.apo)):
        out[field] = np.array([[int((~np.isnan(per_person[(teams == t) & inc, j])).sum())
                                for j in range(len(spec.dimensions))] for t in labels])
    engaged = np.stack([(~np.isnan(values[:, list(d.columns)]) | dk[:, list(d.columns)])
                        .any(axis=1) for d in spec.dimensions], axis=1)
    out["dont_know_rate"] = np.array([(engaged[(teams == t) & inc]).sum(axis=0)
                                      for t in labels])
    if spec.has_levels:
        rubric = np.stack([~np.isnan(values[:, d.rubric_column]) for d in spec.dimensions],
                          axis=1)
        out["level_rubric"] = np.array([(rubric[(teams == t) & inc]).sum(axis=0)
                                        for t in labels])
    return out


@SETTINGS
@given(campaigns())
def test_property_a_visible_organisation_never_isolates_one_hidden_team(campaign):
    values, dk, teams, spec, roles, _ = campaign
    result = _score(values, dk, teams, spec, roles)
    data = _json(result)
    t = result.teams
    counts = _data_counts(values, dk, teams, spec, t.labels)
    org = {r["dimension"]: r for r in data["organisation"]}
    for j, dim in enumerate(data["dimensions"]):
        recs = {r["team"]: r for r in data["teams"] if r["dimension"] == dim}
        for field, count in counts.items():
            if org[dim][field] is None:
                continue
            # hidden for this field although the team has data for it
            lone = [label for i, label in enumerate(t.labels)
                    if recs[label][field] is None and count[i, j] > 0]
            assert len(lone) != 1, (dim, field, lone)
    # the organisation's counts minus the visible teams' never isolate one hidden team
    if data["n_respondents"] is not None:
        responses = t.n_respondents + t.n_excluded
        shown = {r["team"] for r in data["teams"] if r["n_respondents"] is not None}
        withheld = [i for i, label in enumerate(t.labels)
                    if label not in shown and responses[i] > 0]
        assert len(withheld) != 1
