"""Readiness instruments: no maturity levels, and a verdict per group from its factor means."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from assess.scoring import (
    DEFAULT_LEVEL_CUTS,
    DEFAULT_LEVEL_LABELS,
    READINESS_VERDICTS,
    DimensionSpec,
    InstrumentSpec,
    ReadinessThresholds,
    ScoringWarning,
    readiness_verdicts,
    score_campaign,
)

NAN = np.nan
RULES = ReadinessThresholds(ready_at=3.6, blocker_below=2.6)
FACTORS = ("appropriateness", "leadership", "capability")


# ---------------------------------------------------------------------------------------------
# thresholds
# ---------------------------------------------------------------------------------------------
def test_thresholds_keep_their_values_and_hundredths():
    assert RULES.ready_at == 3.6
    assert RULES.blocker_below == 2.6
    assert RULES.hundredths() == (360, 260)
    assert RULES.to_dict() == {"ready_at": 3.6, "blocker_below": 2.6}
    assert ReadinessThresholds(4, 3).hundredths() == (400, 300)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ready_at": 3.0, "blocker_below": 3.0}, "blocker_below must be less than ready_at"),
        ({"ready_at": 2.6, "blocker_below": 3.6}, "blocker_below must be less than ready_at"),
        ({"ready_at": 3.655, "blocker_below": 2.6}, "ready_at must have at most 2 decimals"),
        ({"ready_at": 3.6, "blocker_below": NAN}, "blocker_below must be a finite number"),
        ({"ready_at": True, "blocker_below": 0.5}, "ready_at must be a finite number"),
        ({"ready_at": "3.6", "blocker_below": 2.6}, "ready_at must be a finite number"),
    ],
)
def test_bad_thresholds_name_the_field(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ReadinessThresholds(**kwargs)


def _dims(rubric: bool = False):
    return tuple(
        DimensionSpec(f, (3 * j, 3 * j + 1, 3 * j + 2),
                      rubric_column=9 + j if rubric else None)
        for j, f in enumerate(FACTORS)
    )


def test_spec_checks_the_thresholds_against_the_scale():
    InstrumentSpec(_dims(), readiness=ReadinessThresholds(5, 1.01))
    with pytest.raises(ValueError, match=r"readiness thresholds must lie within \(scale_min"):
        InstrumentSpec(_dims(), readiness=ReadinessThresholds(5.5, 2.6))
    with pytest.raises(ValueError, match=r"readiness thresholds must lie within \(scale_min"):
        InstrumentSpec(_dims(), readiness=ReadinessThresholds(3.6, 1.0))
    with pytest.raises(ValueError, match="readiness must be a ReadinessThresholds or None"):
        InstrumentSpec(_dims(), readiness={"ready_at": 3.6, "blocker_below": 2.6})


# ---------------------------------------------------------------------------------------------
# an instrument without maturity levels
# ---------------------------------------------------------------------------------------------
def test_an_instrument_without_levels():
    spec = InstrumentSpec(_dims(), level_cuts=(), level_labels=(), readiness=RULES)
    assert not spec.has_levels
    assert spec.n_levels == 0
    assert spec.level_cuts == ()
    assert spec.level_labels == ()
    assert spec.level_cuts_hundredths() == ()
    maturity = InstrumentSpec(_dims())
    assert maturity.has_levels
    assert maturity.n_levels == 5
    assert maturity.level_cuts == DEFAULT_LEVEL_CUTS
    assert maturity.level_labels == DEFAULT_LEVEL_LABELS


def test_no_levels_means_both_cuts_and_labels_empty_and_no_rubric():
    with pytest.raises(ValueError, match=r"level_labels must hold 5 strings .* level_cuts=\(\)"):
        InstrumentSpec(_dims(), level_labels=())
    with pytest.raises(ValueError, match="level_cuts must be a non-empty sequence"):
        InstrumentSpec(_dims(), level_cuts=())
    with pytest.raises(ValueError, match="have a rubric item, which needs maturity levels"):
        InstrumentSpec(_dims(rubric=True), level_cuts=(), level_labels=())


# ---------------------------------------------------------------------------------------------
# the verdict function
# ---------------------------------------------------------------------------------------------
def test_each_verdict_by_hand():
    means = np.array([
        [3.6, 4.2, 3.9],  # every factor >= 3.6: ready
        [3.59, 4.0, 3.0],  # two below 3.6, none below 2.6: conditionally ready
        [2.4, 4.1, 2.5],  # two below 2.6, the lowest (2.4) blocks
        [3.0, 2.59, 4.5],  # one blocker
    ])
    v = readiness_verdicts(means, RULES, FACTORS, labels=("a", "b", "c", "d"))
    assert v.verdict.tolist() == ["ready", "conditionally ready", "not yet", "not yet"]
    assert v.blocking_factor.tolist() == [None, None, "appropriateness", "leadership"]
    assert v.blocking_factors(2) == ("appropriateness", "capability")
    assert v.blocking_factors(1) == ()
    assert v.factors_below_ready(0) == ()
    assert v.factors_below_ready(1) == ("appropriateness", "capability")
    assert v.factors_below_ready(3) == ("appropriateness", "leadership")
    assert set(v.verdict.tolist()) <= set(READINESS_VERDICTS)
    assert v.to_records()[2] == {
        "team": "c", "verdict": "not yet", "blocking_factor": "appropriateness",
        "blocking_factors": ["appropriateness", "capability"],
        "factors_below_ready": ["appropriateness", "capability"],
    }


@pytest.mark.parametrize(
    ("mean", "verdict"),
    [
        (3.6, "ready"),  # at ready_at is ready
        (3.5999999999999996, "ready"),  # shown as 3.60
        (3.595, "ready"),  # shown as 3.60 (half-up)
        (3.594, "conditionally ready"),  # shown as 3.59
        (3.59, "conditionally ready"),
        (2.6, "conditionally ready"),  # at blocker_below is no blocker
        (2.5999999999999996, "conditionally ready"),
        (2.595, "conditionally ready"),  # shown as 2.60
        (2.594, "not yet"),  # shown as 2.59
        (2.59, "not yet"),
    ],
)
def test_boundaries_are_cut_on_the_mean_shown(mean, verdict):
    means = np.array([[mean, 4.0, 4.0]])
    assert readiness_verdicts(means, RULES, FACTORS).verdict[0] == verdict


def test_float_noise_at_a_cut_point_does_not_move_the_verdict():
    # (3.4 + 3.8) / 2 is 3.5999999999999996 in floating point
    noisy = (3.4 + 3.8) / 2
    assert noisy < 3.6
    assert readiness_verdicts([[noisy, 4.0, 4.0]], RULES, FACTORS).verdict[0] == "ready"


def test_ties_for_the_lowest_factor_name_the_first():
    v = readiness_verdicts([[4.0, 2.1, 2.1], [2.1, 2.104, 2.1]], RULES, FACTORS)
    assert v.blocking_factor.tolist() == ["leadership", "appropriateness"]
    # 2.104 is shown as 2.10: a tie with 2.1
    assert v.blocking_factors(1) == FACTORS


def test_a_hidden_or_missing_factor_gives_no_verdict():
    means = np.array([[4.0, 4.0, 4.0], [2.0, 4.0, 4.0], [4.0, NAN, 4.0]])
    hidden = np.array([[False, True, False], [False, False, False], [False, False, False]])
    v = readiness_verdicts(means, RULES, FACTORS, hidden=hidden)
    assert v.verdict.tolist() == [None, "not yet", None]
    assert v.blocking_factor.tolist() == [None, "appropriateness", None]
    assert v.blocking_factors(0) is None
    assert v.factors_below_ready(2) is None
    assert not v.below_ready[[0, 2]].any()
    assert not v.below_blocker[[0, 2]].any()
    assert v.to_records()[0] == {"team": 0, "verdict": None, "blocking_factor": None,
                                 "blocking_factors": None, "factors_below_ready": None}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"means": [3.0, 4.0, 4.0]}, "means must be a 2-D array"),
        ({"means": [[3.0, np.inf, 4.0]]}, "means must not contain infinite values"),
        ({"factors": ("a", "b")}, "factors must name each of the 3 columns of means once"),
        ({"factors": ("a", "a", "b")}, "factors must name each of the 3 columns"),
        ({"hidden": [[True, False, False]]}, "hidden must be a boolean array of the shape"),
        ({"labels": ("x", "y")}, r"labels must have one entry per row of means \(1\)"),
        ({"thresholds": (3.6, 2.6)}, "thresholds must be a ReadinessThresholds"),
    ],
)
def test_bad_input_names_the_argument(kwargs, match):
    args = {"means": [[3.0, 4.0, 4.0]], "thresholds": RULES, "factors": FACTORS} | kwargs
    if "hidden" in args:
        args["hidden"] = np.asarray(args["hidden"], dtype=int)
    with pytest.raises(ValueError, match=match):
        readiness_verdicts(**args)


# ---------------------------------------------------------------------------------------------
# scoring a readiness campaign
# ---------------------------------------------------------------------------------------------
READINESS_SPEC = InstrumentSpec(_dims(), level_cuts=(), level_labels=(), readiness=RULES)

#: The keys of a maturity instrument's JSON, as they are for every existing consumer.
MATURITY_THRESHOLD_KEYS = ["min_n", "min_n_spread", "min_n_comments", "rubric_quorum",
                           "level_cuts", "level_labels", "mid", "alpha", "min_effect",
                           "confidence"]
MATURITY_RECORD_KEYS = [
    "team", "dimension", "n_respondents", "n_excluded", "n_straightliners", "n", "mean", "sd",
    "ci_low", "ci_high", "pomp", "dont_know_rate", "n_complete", "rwg_j", "rwg_j_lindell",
    "ad_m", "divided_views", "pmo_index", "apo_index", "quadrant", "level_band",
    "level_rubric", "n_rubric", "percentile", "d", "p", "p_adjusted", "p_adjusted_grid",
    "verdict", "change", "change_ci_low", "change_ci_high", "change_g", "clear_change",
    "no_spread", "suppressed", "complementary", "spread_suppressed",
]
MATURITY_TOP_KEYS = ["dimensions", "thresholds", "baseline", "previous_dimensions",
                     "n_respondents", "n_excluded", "n_straightliners", "teams",
                     "organisation", "roles"]


def _answers(team_means: dict[str, tuple[float, float, float]], size: int = 6):
    """Answers whose factor means are exactly the given ones (3 items, same answer each)."""
    rows, teams = [], []
    for team, means in team_means.items():
        for _ in range(size):
            rows.append([m for m in means for _ in range(3)])
            teams.append(team)
    return np.array(rows, dtype=float), np.array(teams)


def _score(values, teams, spec=READINESS_SPEC, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        return score_campaign(values, None, teams, spec, **kwargs)


def test_a_readiness_campaign_has_verdicts_and_no_levels():
    values, teams = _answers({"ready": (4, 4, 5), "some-doubt": (3, 4, 5), "blocked": (2, 3, 4)})
    values[0, 0] = 5  # a little spread in one team
    result = _score(values, teams)
    t = result.teams
    assert np.isnan(t.level_band).all()
    assert np.isnan(t.level_rubric).all()
    r = result.readiness
    assert r is not None
    assert r.thresholds == RULES
    assert r.teams.labels == ("blocked", "ready", "some-doubt")
    assert r.teams.verdict.tolist() == ["not yet", "ready", "conditionally ready"]
    assert r.teams.blocking_factor.tolist() == ["appropriateness", None, None]
    assert r.teams.factors_below_ready(2) == ("appropriateness",)
    # the organisation: the verdict of everyone's factor means
    org_means = result.organisation.mean[0]
    want = readiness_verdicts(org_means[None, :], RULES, FACTORS).verdict[0]
    assert r.organisation.verdict[0] == want
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    # the same keys as a maturity campaign's, with no level in any of them
    assert list(data["thresholds"]) == list(MATURITY_THRESHOLD_KEYS)
    assert data["thresholds"]["level_cuts"] == data["thresholds"]["level_labels"] == []
    assert data["thresholds"]["rubric_quorum"] is None
    for rec in data["teams"] + data["organisation"]:
        assert rec["level_band"] is rec["level_rubric"] is rec["n_rubric"] is None
    assert data["readiness"]["thresholds"] == {"ready_at": 3.6, "blocker_below": 2.6}
    assert [t["verdict"] for t in data["readiness"]["teams"]] == r.teams.verdict.tolist()
    assert data["readiness"]["teams"][0] == {
        "team": "blocked", "verdict": "not yet", "blocking_factor": "appropriateness",
        "blocking_factors": ["appropriateness"],
        "factors_below_ready": ["appropriateness", "leadership"],
    }
    assert data["readiness"]["organisation"]["team"] == "organisation"
    assert data["readiness"]["roles"] is None


def test_a_hidden_team_gets_no_verdict_and_a_hidden_organisation_none_either():
    values, teams = _answers({"small": (4, 4, 4)}, size=3)
    more, others = _answers({"big": (2, 2, 2), "mid": (4, 4, 4)}, size=6)
    result = _score(np.vstack([values, more]), np.concatenate([teams, others]))
    r = result.readiness
    assert r is not None
    t = result.teams
    assert t.suppressed[t.row("small")].all()
    assert r.teams.verdict[t.row("small")] is None
    # the smallest other team is hidden to protect it: no verdict either
    assert t.complementary[t.row("big")].all()
    assert r.teams.verdict[t.row("big")] is None
    assert r.teams.verdict[t.row("mid")] == "ready"
    tiny = _score(values, teams)
    assert tiny.readiness is not None
    assert tiny.readiness.organisation.verdict[0] is None
    assert json.loads(json.dumps(tiny.to_dict()))["readiness"]["organisation"] == {
        "team": "organisation", "verdict": None, "blocking_factor": None,
        "blocking_factors": None, "factors_below_ready": None,
    }


def test_roles_get_verdicts_too():
    values, teams = _answers({"a": (4, 4, 4), "b": (4, 4, 4)}, size=6)
    roles = np.array(["lead", "member"] * 6)
    r = _score(values, teams, roles=roles).readiness
    assert r is not None
    assert r.roles is not None
    assert r.roles.labels == ("lead", "member")
    assert_array_equal(r.roles.verdict, ["ready", "ready"])


def test_a_maturity_instrument_keeps_its_keys_and_has_no_readiness():
    values, teams = _answers({"a": (4, 4, 4), "b": (3, 2, 4)}, size=6)
    result = _score(values, teams, spec=InstrumentSpec(_dims()))
    assert result.readiness is None
    data = result.to_dict()
    assert list(data) == MATURITY_TOP_KEYS
    assert list(data["thresholds"]) == MATURITY_THRESHOLD_KEYS
    assert all(list(rec) == MATURITY_RECORD_KEYS for rec in data["teams"])
    assert data["teams"][0]["level_band"] == 4


def test_levels_and_readiness_together():
    # a readiness instrument that has levels (e.g. for rubric items) keeps its levels
    spec = InstrumentSpec(_dims(), readiness=RULES)
    values, teams = _answers({"a": (4, 4, 4)}, size=6)
    data = _score(values, teams, spec=spec).to_dict()
    assert list(data) == [*MATURITY_TOP_KEYS, "readiness"]
    assert data["teams"][0]["level_band"] == 4
    assert data["readiness"]["teams"][0]["verdict"] == "ready"
