"""Tests of baselines: builders, pooling, CSV import, storage and usability."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from assess.scoring import (
    Baseline,
    BaselineDimension,
    DimensionSpec,
    InstrumentSpec,
    ScoringWarning,
    baseline_from_csv,
    score_campaign,
)


def _scores(seed=0, n_teams=8, size=6):
    rng = np.random.default_rng(seed)
    teams = np.repeat(np.arange(n_teams), size)
    scores = np.clip(rng.normal(3.2, 0.7, size=(len(teams), 2)), 1, 5)
    scores[rng.random(scores.shape) < 0.1] = np.nan
    return scores, teams


def test_from_scores_moments_and_team_means():
    scores, teams = _scores()
    b = Baseline.from_scores(scores, teams, ["a", "b"], name="org", min_team_n=5)
    for j, dim in enumerate(("a", "b")):
        col = scores[:, j]
        ref = b.get(dim)
        assert ref.n == np.isfinite(col).sum()
        assert_allclose(ref.mean, np.nanmean(col))
        assert_allclose(ref.sd, np.nanstd(col, ddof=1))
        expected = sorted(
            np.nanmean(col[teams == t]) for t in range(8) if np.isfinite(col[teams == t]).sum() >= 5
        )
        assert_allclose(ref.team_means, expected)
        assert ref.team_count == len(expected)


def test_usability_reasons():
    scores, teams = _scores(n_teams=3)
    b = Baseline.from_scores(scores, teams, ["a", "b"], name="small")
    assert not b.is_usable()
    assert "at least 30 are needed" in b.unusable_reason("a")
    assert "no data for dimension 'zzz'" in b.unusable_reason("zzz")
    big = Baseline.from_scores(*_scores(n_teams=10), ["a", "b"], name="big", min_team_n=3)
    assert big.is_usable()
    assert big.unusable_reason("a") is None
    assert "teams" in big.unusable_reason("a", min_teams=50)


def test_merge_equals_baseline_of_the_union():
    s1, t1 = _scores(1)
    s2, t2 = _scores(2, n_teams=5, size=9)
    b1 = Baseline.from_scores(s1, t1, ["a", "b"], name="one")
    b2 = Baseline.from_scores(s2, t2 + 100, ["a", "b"], name="two")
    pooled = Baseline.merge([b1, b2], name="pool")
    union = Baseline.from_scores(np.vstack([s1, s2]), np.concatenate([t1, t2 + 100]),
                                 ["a", "b"], name="union")
    assert pooled.kind == "pool"
    for dim in ("a", "b"):
        p, u = pooled.get(dim), union.get(dim)
        assert p.n == u.n
        assert_allclose([p.mean, p.sd], [u.mean, u.sd])
        assert_allclose(p.team_means, u.team_means)


def test_merge_covers_dimensions_of_any_input():
    b1 = Baseline("x", "organisation", (BaselineDimension("a", 10, 3.0, 1.0, np.array([3.0])),))
    b2 = Baseline("y", "organisation", (BaselineDimension("b", 4, 2.0, 0.5, np.array([])),))
    m = Baseline.merge([b1, b2], name="p")
    assert m.dimension_ids == ("a", "b")
    assert m.get("b").n == 4


def test_to_dict_round_trip_is_json_safe():
    b = Baseline("b", "import", (BaselineDimension("a", 1, 3.0, math.nan, np.array([3.0])),))
    data = json.loads(json.dumps(b.to_dict(), allow_nan=False))
    assert data["dimensions"][0]["sd"] is None
    back = Baseline.from_dict(data)
    assert back.get("a").n == 1
    assert math.isnan(back.get("a").sd)
    assert_array_equal(back.get("a").team_means, [3.0])


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([], "data must be a mapping"),
        ({"name": "x", "kind": "pool"}, "lacks the key 'dimensions'"),
        ({"name": "x", "kind": "pool", "dimensions": [{"id": "a"}]}, r"\[0\] must have the keys"),
        ({"name": "x", "kind": "odd", "dimensions": []}, "kind must be one of"),
        ({"name": "x", "kind": "pool", "dimensions": [
            {"id": "a", "n": -1, "mean": 1, "sd": 1, "team_means": []}]}, "n must be an integer"),
        ({"name": "x", "kind": "pool", "dimensions": [
            {"id": "a", "n": 3, "mean": "x", "sd": 1, "team_means": []}]}, "non-numeric"),
    ],
)
def test_from_dict_rejects_malformed_data(data, match):
    with pytest.raises(ValueError, match=match):
        Baseline.from_dict(data)


def test_from_campaign_uses_visible_numbers_only():
    rng = np.random.default_rng(4)
    sizes = [3, 7, 8, 9, 10, 12]
    teams = np.repeat([f"t{i}" for i in range(6)], sizes)
    values = rng.integers(1, 6, size=(len(teams), 3)).astype(float)
    spec = InstrumentSpec((DimensionSpec("d", (0, 1, 2)),))
    r = score_campaign(values, None, teams, spec)
    b = Baseline.from_campaign(r, name="spring")
    ref = b.get("d")
    assert b.kind == "previous_wave"
    assert ref.n == r.organisation.n[0, 0]
    assert_allclose(ref.mean, r.organisation.mean[0, 0])
    visible = r.teams.mean[~r.teams.suppressed[:, 0], 0]
    assert_allclose(ref.team_means, np.sort(visible))
    assert ref.team_count == 4  # t0 hidden (3), t1 hidden to protect it


CSV = """team,a,b
red,3.5,4
red,4,
red,3,2.5

blue,2,2
"""


def test_csv_import():
    b = baseline_from_csv(CSV, name="imported", min_team_n=2)
    assert b.kind == "import"
    a = b.get("a")
    assert a.n == 4
    assert_allclose(a.mean, (3.5 + 4 + 3 + 2) / 4)
    assert_allclose(a.team_means, [3.5])  # blue has 1 respondent < 2
    assert b.get("b").n == 3


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "text is empty"),
        ("group,a\nx,1\n", "line 1: the header must start with 'team'"),
        ("team\nx\n", "line 1: the header must name one or more dimension ids"),
        ("team,a,a\n", "line 1: the header repeats"),
        ("team,a\n", "no data rows"),
        ("team,a\nx,1\ny,1,2\n", "line 3: expected 2 fields"),
        ("team,a\nx,1\n,2\n", "line 3: the team label is empty"),
        ("team,a\nx,abc\n", "line 2: 'a' must be a number or empty, got 'abc'"),
        ("team,a\nx,inf\n", "line 2: 'a' must be a number or empty, got 'inf'"),
        ("team,a\nx,nan\n", "line 2: 'a' must be a number or empty, got 'nan'"),
        ("team,a\nx,1e999\n", "line 2: 'a' must be a finite number, got '1e999'"),
        # other scripts' digits, digit separators and hex are not plain decimal numbers
        ("team,a\nx,\u0663\n", "line 2: 'a' must be a number or empty, got '\u0663'"),
        ("team,a\nx,\uff13\n", "line 2: 'a' must be a number or empty, got '\uff13'"),
        ("team,a\nx,1_0\n", "line 2: 'a' must be a number or empty, got '1_0'"),
        ("team,a\nx,0x3\n", "line 2: 'a' must be a number or empty, got '0x3'"),
        ("team,a\nx,3.0.1\n", "line 2: 'a' must be a number or empty, got '3.0.1'"),
        ("team,a\nx,9\n", r"line 2: 'a' = 9 lies outside the scale \[1, 5\]"),
    ],
)
def test_csv_errors_name_the_line(text, match):
    with pytest.raises(ValueError, match=match):
        baseline_from_csv(text, name="x", scale=(1, 5))


def test_csv_size_limits():
    with pytest.raises(ValueError, match="at most 10 are accepted"):
        baseline_from_csv("team,a\n" + "x,1\n" * 5, name="x", max_chars=10)
    with pytest.raises(ValueError, match="more than 3 data rows"):
        baseline_from_csv("team,a\n" + "x,1\n" * 5, name="x", max_rows=3)


def test_bad_builder_arguments():
    with pytest.raises(ValueError, match="scores must be a 2-D array"):
        Baseline.from_scores(np.ones(3), np.zeros(3), ["a"], name="x")
    with pytest.raises(ValueError, match="teams must be a 1-D array with one label per row"):
        Baseline.from_scores(np.ones((3, 1)), np.zeros(2), ["a"], name="x")
    with pytest.raises(ValueError, match="dimension_ids must name each"):
        Baseline.from_scores(np.ones((3, 1)), np.zeros(3), ["a", "b"], name="x")
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        Baseline.from_scores(np.ones((3, 1)), np.zeros(3), ["a"], name="")
    with pytest.raises(ValueError, match="baselines must be a non-empty sequence"):
        Baseline.merge([], name="x")


def test_baseline_comparison_uses_team_distribution_not_individuals():
    # a team at the 76th percentile of individuals can sit much higher among team means
    rng = np.random.default_rng(9)
    teams = np.repeat(np.arange(60), 10)
    scores = np.clip(3 + rng.normal(0, 0.15, size=(60, 1)).repeat(10, 0)
                     + rng.normal(0, 0.7, size=(600, 1)), 1, 5)
    b = Baseline.from_scores(scores, teams, ["d"], name="org")
    ref = b.get("d")
    m = np.quantile(scores, 0.76)
    spec = InstrumentSpec((DimensionSpec("d", (0, 1)),))
    values = np.full((10, 2), round(m * 2) / 2)
    values[:5, 0] += 0.5
    values = np.clip(values, 1, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        r = score_campaign(values, None, np.zeros(10, dtype=int), spec, baseline=b)
    among_people = 100 * (np.sum(scores < r.teams.mean[0, 0]) / scores.size)
    assert r.teams.percentile[0, 0] > among_people + 10
    assert ref.team_count == 60
