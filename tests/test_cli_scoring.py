"""``assess score`` and ``assess baseline`` on the demo, and ``assess score --json`` against a
computation written out independently from the stored answers.

The independent computation reads the questionnaire YAML with PyYAML (item order, reverse
keying, orientation) and each stored response with ``answer_codec.decode``, then applies the
rules of docs/scoring.md with plain Python, NumPy and SciPy: reverse keying x' = 6 - x, proration
over the answered items (valid with at least half of the dimension's items and at least 2),
exclusion below half of all items, the 95% t-interval from ``scipy.stats.t``, agreement on
complete rows, Welch's test from ``scipy.stats.ttest_ind_from_stats``, Benjamini-Hochberg from
``scipy.stats.false_discovery_control`` and the percentile from
``scipy.stats.percentileofscore(kind="mean")``.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner
from scipy import stats
from sqlalchemy import func, select

from assess import answer_codec
from assess.extensions import db
from assess.models import (
    BaselineRecord,
    Campaign,
    Response,
    ResponseStatus,
    Team,
    TeamLink,
)

REPO = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = REPO / "questionnaires"
WAVE1, WAVE2, READINESS = "Maturity wave 1", "Maturity wave 2", "Transformation readiness"
SMALL_TEAM = "Fjord (design studio)"
# The small team's responses in the results: wave 2 is open with interim results, released in
# steps of min_n = 5 per team, so none of its three is included yet.
SMALL_TEAM_N = {WAVE1: 3, WAVE2: 0, READINESS: 3}
DEMO_BASELINE = "Maturity wave 1 (demo baseline)"
MATURITY = "pmo-apo-maturity"


@pytest.fixture
def cli(demo_app: Flask) -> FlaskCliRunner:
    return demo_app.test_cli_runner()


def _refuse(token: str) -> None:
    raise AssertionError(f"{token} in JSON output")


def strict_json(text: str) -> Any:
    """Parse JSON output; NaN, Infinity and -Infinity are errors."""
    return json.loads(text, parse_constant=_refuse)


def invoke(cli: FlaskCliRunner, *args: str):
    result = cli.invoke(args=list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output, result.exception)
    return result


def baseline_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(BaselineRecord)))


def cells(data: dict[str, Any], key: str = "teams") -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["team"], r["dimension"]): r for r in data[key]}


# =============================================================================================
# assess score
# =============================================================================================
@pytest.mark.parametrize("campaign", [WAVE1, WAVE2, READINESS])
def test_score_text_says_not_enough_responses_for_the_small_team(cli: FlaskCliRunner,
                                                                  campaign: str):
    result = invoke(cli, "score", campaign)
    assert result.exit_code == 0, result.output
    after = result.output.split(f"{SMALL_TEAM}:\n", 1)[1].splitlines()
    block = [line for line in itertools.takewhile(lambda s: s.startswith("  "), after)]
    assert block
    assert all(line.endswith(": not enough responses") for line in block)
    data = strict_json(invoke(cli, "score", campaign, "--json").stdout)
    # Each dimension by its title, with its id in brackets, in report order.
    named = [line.strip().rsplit(": ", 1)[0] for line in block]
    assert [name.rsplit(" [", 1)[1].rstrip("]") for name in named] == data["dimensions"]
    assert all(not name.startswith("[") for name in named)
    assert " 0.00" not in result.output  # hidden is never shown as zero


@pytest.mark.parametrize("campaign", [WAVE1, WAVE2, READINESS])
def test_score_json_is_strict_and_hides_the_small_team(cli: FlaskCliRunner, campaign: str):
    result = invoke(cli, "score", campaign, "--json")
    assert result.exit_code == 0, result.output
    data = strict_json(result.stdout)
    mine = [r for r in data["teams"] if r["team"] == SMALL_TEAM]
    assert [r["dimension"] for r in mine] == data["dimensions"]
    for r in mine:
        assert r["suppressed"] is True
        assert r["n"] == SMALL_TEAM_N[campaign]
        for key in ("mean", "sd", "ci_low", "ci_high", "pomp", "dont_know_rate", "rwg_j",
                    "rwg_j_lindell", "ad_m", "pmo_index", "apo_index", "level_band",
                    "level_rubric", "percentile", "d", "p", "verdict", "change"):
            assert r[key] is None, key
    # complementary suppression: a visible organisation never sits over one hidden team
    org = cells(data, "organisation")
    for dim in data["dimensions"]:
        rows = [r for r in data["teams"] if r["dimension"] == dim]
        hidden = [r for r in rows if r["mean"] is None and r["n"] > 0]
        assert org[("organisation", dim)]["mean"] is None or len(hidden) != 1
        assert sum(r["n"] for r in rows) == org[("organisation", dim)]["n"]


# What a hidden cell may show besides its group, dimension and n: the number of respondents
# of its group (the same count as n for a scored team), "complementary" (hidden to protect
# another cell, which follows from n: at or above the threshold yet hidden) and flags that are
# the same for every hidden cell, which say that it is hidden and nothing about its answers.
HIDDEN_CELL_MAY_SHOW = {"team", "dimension", "n", "n_respondents", "complementary"}


@pytest.mark.parametrize("campaign", [WAVE1, WAVE2, READINESS])
def test_a_hidden_cell_shows_its_n_and_nothing_else(cli: FlaskCliRunner, campaign: str):
    """No count or rate of a hidden cell reaches the JSON: with the organisation's don't-know
    rate and the visible teams' rates, the complete-answer or rubric counts of the demo's
    3-person team pinned its don't-know count exactly (wave 1, talent: 2)."""
    data = strict_json(invoke(cli, "score", campaign, "--json").stdout)
    hidden = [r for r in data["teams"] + data["organisation"] if r["suppressed"]]
    assert any(r["team"] == SMALL_TEAM for r in hidden)
    min_n = data["thresholds"]["min_n"]
    flags: dict[str, set[Any]] = defaultdict(set)
    for r in hidden:
        assert r["complementary"] is (r["n"] >= min_n)
        for key, value in r.items():
            if key in HIDDEN_CELL_MAY_SHOW:
                continue
            if isinstance(value, bool):
                flags[key].add(value)
            else:
                assert value is None, (r["team"], r["dimension"], key, value)
    assert all(len(values) == 1 for values in flags.values()), dict(flags)


def _doc(key: str) -> dict[str, Any]:
    return yaml.safe_load((QUESTIONNAIRES / key / "questionnaire.yaml").read_text("utf-8"))


def _decoded(app: Flask, campaign: str, key: str) -> list[tuple[str, dict[str, Any]]]:
    """(team name, decoded answers) of every released response of the campaign: complete and
    ``in_results`` (tests/services/test_demo_release.py checks that the demo's flags follow
    the release rule: all of a closed wave, whole steps of min_n of the earliest arrivals per
    team in the open one)."""
    order = [item["id"] for d in _doc(key)["dimensions"] for item in d["items"]
             if item.get("type", "likert") != "text"]
    with app.app_context():
        rows = db.session.execute(
            select(Team.name, Response.values).join(Team, Response.team_id == Team.id)
            .join(Campaign, Response.campaign_id == Campaign.id)
            .where(Campaign.name == campaign, Response.status == ResponseStatus.COMPLETE,
                   Response.in_results.is_(True))
        ).all()
    return [(team, answer_codec.decode(order, blob)) for team, blob in rows]


class Independent:
    """docs/scoring.md by hand, one respondent and one cell at a time."""

    def __init__(self, key: str, responses: list[tuple[str, dict[str, Any]]]) -> None:
        doc = _doc(key)
        self.dims = {d["id"]: [i for i in d["items"] if i.get("type", "likert") == "likert"]
                     for d in doc["dimensions"]}
        self.rubric = {d["id"]: next((i["id"] for i in d["items"] if i.get("type") == "rubric"),
                                     None) for d in doc["dimensions"]}
        likert = [i["id"] for items in self.dims.values() for i in items]
        # statistics with counts of their own (docs/scoring.md): (team, dim, key) -> count
        self.own_counts: dict[tuple[str, str, str], int] = {}
        self.people: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for team, answers in responses:
            engaged = sum(1 for i in likert if i in answers)  # a value or "dk"
            if 2 * engaged >= len(likert):
                self.people[team].append(answers)

    @staticmethod
    def value(item: dict[str, Any], answers: dict[str, Any]) -> float | None:
        raw = answers.get(item["id"])
        if raw is None or raw == answer_codec.DONT_KNOW_VALUE:
            return None
        return 6 - raw if item.get("reverse") else float(raw)

    def person_score(self, answers: dict[str, Any], items: list[dict[str, Any]],
                     floor: int) -> float | None:
        got = [(self.value(i, answers), float(i.get("weight", 1.0))) for i in items]
        got = [(v, w) for v, w in got if v is not None]
        k = len(items)
        if not k or len(got) < max(min(floor, k), math.ceil(k / 2)):
            return None
        return sum(v * w for v, w in got) / sum(w for _, w in got)

    def scores(self, team: str, dim: str) -> list[float]:
        out = [self.person_score(a, self.dims[dim], 2) for a in self.people[team]]
        return [s for s in out if s is not None]

    def everyone(self, dim: str) -> list[float]:
        return [s for team in self.people for s in self.scores(team, dim)]

    def cell(self, team: str, dim: str) -> dict[str, Any]:
        x = np.array(self.scores(team, dim))
        n = x.size
        mean, sd = x.mean(), x.std(ddof=1)
        half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
        items = self.dims[dim]
        people = self.people[team]
        dk = sum(a.get(i["id"]) == "dk" for a in people for i in items)
        answered = sum(self.value(i, a) is not None for a in people for i in items)
        out = {"n": n, "mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half,
               "pomp": (mean - 1) / 4 * 100, "dont_know_rate": dk / (dk + answered)}
        # agreement on complete rows: every likert item of the dimension answered
        rows = np.array([[self.value(i, a) for i in items] for a in people
                         if all(self.value(i, a) is not None for i in items)], dtype=float)
        out["n_complete"] = rows.shape[0]
        if rows.shape[0] >= 5:
            m = rows.var(axis=0, ddof=1).mean()
            sigma2 = (5 ** 2 - 1) / 12
            j = len(items)
            mt = min(m / sigma2, 1.0)
            out["rwg_j"] = j * (1 - mt) / (j * (1 - mt) + mt)
            out["rwg_j_lindell"] = 1 - m / sigma2
            out["ad_m"] = np.abs(rows - rows.mean(axis=0)).mean(axis=0).mean()
            out["divided_views"] = bool(out["ad_m"] > 5 / 6 or out["rwg_j_lindell"] < 0.5)
        # maturity level by bands on the mean rounded half-up to hundredths
        shown = Decimal(repr(float(mean))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        out["level_band"] = 1 + sum(shown >= Decimal(c) for c in ("1.8", "2.6", "3.4", "4.2"))
        rubric = self.rubric[dim]
        if rubric:
            levels = [a[rubric] for a in people if isinstance(a.get(rubric), int)]
            self.own_counts[(team, dim, "level_rubric")] = len(levels)
            reached = [lv for lv in range(1, 6)
                       if 10 * sum(v >= lv for v in levels) >= 7 * len(levels)]
            out["level_rubric"] = max(reached)
        for side in ("pmo", "apo"):
            sub = [i for i in items if i.get("orientation", "neutral") == side]
            subs = [self.person_score(a, sub, 1) for a in people]
            subs = [s for s in subs if s is not None]
            self.own_counts[(team, dim, f"{side}_index")] = len(subs)
            if sub and subs:
                out[f"{side}_index"] = (np.mean(subs) - 1) / 4 * 100
        return out


def test_score_json_equals_an_independent_computation(cli: FlaskCliRunner, demo_app: Flask):
    data = strict_json(invoke(cli, "score", WAVE2, "--json").stdout)
    wave1 = strict_json(invoke(cli, "score", WAVE1, "--json").stdout)
    assert data["baseline"]["name"] == DEMO_BASELINE
    now = Independent(MATURITY, _decoded(demo_app, WAVE2, MATURITY))
    before = Independent(MATURITY, _decoded(demo_app, WAVE1, MATURITY))
    got, got1 = cells(data), cells(wave1)
    dims = data["dimensions"]
    visible = sorted({team for (team, _), r in got.items() if not r["suppressed"]})
    # seven teams: the small one hidden, with none of its responses released yet, so no
    # second team needs hiding to protect it (wave 1 hides one: see below)
    assert len(visible) == 6
    assert SMALL_TEAM not in visible
    assert len({team for (team, _), r in got1.items() if not r["suppressed"]}) == 5
    p_rows: dict[str, list[float]] = defaultdict(list)
    checked = 0
    min_n = data["thresholds"]["min_n"]
    wanted = {(team, dim): now.cell(team, dim) for team in now.people for dim in dims}
    for team in visible:
        for dim in dims:
            r = got[(team, dim)]
            want = wanted[(team, dim)]
            for key, value in want.items():
                own = now.own_counts.get((team, dim, key))
                if own is not None and own < min_n:
                    # a statistic with a count of its own under the threshold is hidden
                    assert r[key] is None, (team, dim, key, own)
                    continue
                if own is not None and r[key] is None:
                    # hidden to protect another team's own count under the threshold
                    assert any(0 < now.own_counts.get((t, dim, key), 0) < min_n
                               for t in now.people if t != team), (team, dim, key)
                    continue
                if isinstance(value, bool | str) or key in ("n", "n_complete", "level_band",
                                                            "level_rubric"):
                    assert r[key] == value, (team, dim, key)
                else:
                    assert math.isclose(r[key], value, rel_tol=0, abs_tol=1e-9), (team, dim, key)
            checked += 1
            # against the baseline (wave 1, every respondent; the means of the teams wave 1
            # shows, never one it hides)
            ref = np.array(before.everyone(dim))
            team_means = [np.mean(before.scores(t, dim)) for t in before.people
                          if not got1[(t, dim)]["suppressed"]]
            x = np.array(now.scores(team, dim))
            welch = stats.ttest_ind_from_stats(x.mean(), x.std(ddof=1), x.size, ref.mean(),
                                               ref.std(ddof=1), ref.size, equal_var=False)
            assert math.isclose(r["p"], welch.pvalue, rel_tol=1e-9, abs_tol=1e-12)
            assert math.isclose(r["d"], (x.mean() - ref.mean()) / ref.std(ddof=1),
                                abs_tol=1e-9)
            assert math.isclose(r["percentile"], stats.percentileofscore(
                team_means, x.mean(), kind="mean"), abs_tol=1e-9)
            p_rows[team].append(welch.pvalue)
            # change since wave 1 (Welch interval), where wave 1 showed the team
            if not got1[(team, dim)]["suppressed"]:
                y = np.array(before.scores(team, dim))
                diff = x.mean() - y.mean()
                a, b = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
                df = (a + b) ** 2 / (a * a / (x.size - 1) + b * b / (y.size - 1))
                half = stats.t.ppf(0.975, df) * math.sqrt(a + b)
                assert math.isclose(r["change"], diff, abs_tol=1e-9)
                assert math.isclose(r["change_ci_low"], diff - half, abs_tol=1e-9)
                assert math.isclose(r["change_ci_high"], diff + half, abs_tol=1e-9)
                assert r["clear_change"] == bool((diff - half > 0 or diff + half < 0)
                                                 and abs(diff) >= 0.25)
    assert checked == 6 * len(dims)
    # Benjamini-Hochberg within each team's report, then the verdict rule
    for team, ps in p_rows.items():
        adjusted = stats.false_discovery_control(ps, method="bh")
        for dim, q in zip(dims, adjusted, strict=True):
            r = got[(team, dim)]
            assert math.isclose(r["p_adjusted"], q, rel_tol=1e-9, abs_tol=1e-12)
            strong = q < 0.05 and abs(r["d"]) >= 0.2
            assert r["verdict"] == (("clearly above" if r["d"] > 0 else "clearly below")
                                    if strong else "in line")


def test_one_cell_by_hand(cli: FlaskCliRunner, demo_app: Flask):
    """The first visible team on the first dimension, every step spelled out."""
    data = strict_json(invoke(cli, "score", WAVE2, "--json").stdout)
    doc = _doc(MATURITY)
    dim = doc["dimensions"][0]
    items = [i for i in dim["items"] if i.get("type", "likert") == "likert"]
    team = next(r["team"] for r in data["teams"] if not r["suppressed"])
    scores = []
    for name, answers in _decoded(demo_app, WAVE2, MATURITY):
        if name != team:
            continue
        xs = []
        for item in items:
            raw = answers.get(item["id"])
            if raw is None or raw == "dk":
                continue  # unanswered and "don't know" are missing, never the midpoint
            xs.append(6 - raw if item.get("reverse") else raw)
        if len(xs) >= max(2, math.ceil(len(items) / 2)):
            scores.append(sum(xs) / len(xs))
    n = len(scores)
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    r = cells(data)[(team, dim["id"])]
    assert r["n"] == n
    assert math.isclose(r["mean"], mean, abs_tol=1e-12)
    assert math.isclose(r["ci_low"], mean - half, abs_tol=1e-12)
    assert math.isclose(r["ci_high"], mean + half, abs_tol=1e-12)


def test_score_errors_give_a_message_and_a_failing_exit(cli: FlaskCliRunner):
    result = invoke(cli, "score", "No such wave")
    assert result.exit_code == 1
    assert "no campaign with id or name 'No such wave'" in result.output
    result = invoke(cli, "score", WAVE2, "--baseline", "No such baseline")
    assert result.exit_code == 1
    assert "no baseline with id or name 'No such baseline'" in result.output
    # a baseline of another questionnaire cannot be compared with
    result = invoke(cli, "score", READINESS, "--baseline", DEMO_BASELINE)
    assert result.exit_code == 1
    assert "is of questionnaire 'pmo-apo-maturity'" in result.output


def test_another_organisations_baseline_is_not_found_by_id(cli: FlaskCliRunner,
                                                           demo_app: Flask, tmp_path: Path):
    from assess.services.accounts import get_or_create_organisation

    with demo_app.app_context():
        get_or_create_organisation("Acme Logistics")
        db.session.commit()
    path = tmp_path / "acme.csv"
    path.write_text(_csv(6, 6), encoding="utf-8")
    row = strict_json(invoke(cli, "baseline", "import", str(path), "--questionnaire", MATURITY,
                             "--name", "Acme norms", "--organisation", "Acme Logistics",
                             "--json").output)
    result = invoke(cli, "score", WAVE2, "--baseline", str(row["id"]))
    assert result.exit_code == 1
    assert f"no baseline with id or name '{row['id']}'" in result.output
    result = invoke(cli, "score", WAVE2, "--baseline", "Acme norms")
    assert result.exit_code == 1


def test_score_of_a_campaign_without_answers_does_not_crash(cli: FlaskCliRunner,
                                                            demo_app: Flask):
    # Teams without answers give cells with fewer than 2 scores: the engine warns, and this
    # test runs with warnings as errors.
    with demo_app.app_context():
        wave = db.session.scalar(select(Campaign).where(Campaign.name == WAVE2))
        fresh = Campaign(organisation=wave.organisation, name="Autumn wave",
                         questionnaire_version=wave.questionnaire_version)
        db.session.add(fresh)
        for team in wave.organisation.teams:
            db.session.add(TeamLink(campaign=fresh, team=team))
        db.session.commit()
    result = invoke(cli, "score", "Autumn wave")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 respondents scored")
    assert result.output.count("not enough responses") == 7 * 9
    data = strict_json(invoke(cli, "score", "Autumn wave", "--json").stdout)
    assert all(r["mean"] is None and r["n"] == 0 for r in data["teams"])


def test_constant_answers_say_no_spread(cli: FlaskCliRunner, demo_app: Flask):
    with demo_app.app_context():
        wave = db.session.scalar(select(Campaign).where(Campaign.name == WAVE2))
        fresh = Campaign(organisation=wave.organisation, name="Flat wave",
                         questionnaire_version=wave.questionnaire_version)
        db.session.add(fresh)
        teams = wave.organisation.teams[:2]
        ids = [item["id"] for d in _doc(MATURITY)["dimensions"] for item in d["items"]
               if item.get("type", "likert") != "text"]
        for team in teams:
            db.session.add(TeamLink(campaign=fresh, team=team))
            for _ in range(6):
                db.session.add(Response(
                    uid=secrets.token_hex(16), campaign=fresh, team=team,
                    questionnaire_version=wave.questionnaire_version,
                    status=ResponseStatus.COMPLETE, browser_key_hash=secrets.token_hex(32),
                    submit_key=secrets.token_hex(16),
                    values=answer_codec.encode(ids, dict.fromkeys(ids, 4)),
                    answered=len(ids), in_results=True))
        db.session.commit()
    result = invoke(cli, "score", "Flat wave", "--baseline", DEMO_BASELINE)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "n=6" in line]
    assert len(lines) == 2 * 9
    # 4 everywhere is 2 on the reverse-keyed item: (4 * 4 + 2) / 5 = 3.6 on every dimension
    assert all(line.endswith(": n=6 mean 3.60 Measured no spread") for line in lines), lines
    assert "[nan" not in result.output
    data = strict_json(invoke(cli, "score", "Flat wave", "--json").stdout)
    assert all(r["no_spread"] is True and r["p"] is None and r["ci_low"] is None
               for r in data["teams"])
    # the same answer to statements and their opposites: flagged, not dropped
    assert data["n_straightliners"] == data["n_respondents"] == 12


@pytest.mark.slow  # a fresh interpreter runs the whole command
def test_score_runs_under_python_warnings_as_errors(demo_app: Flask, tmp_path: Path):
    """The real console entry point, in a fresh interpreter started with -W error."""
    database = tmp_path / "copy.sqlite3"
    uri = demo_app.config["SQLALCHEMY_DATABASE_URI"]
    with demo_app.app_context():
        db.engine.dispose()
    shutil.copy(uri.removeprefix("sqlite:///"), database)
    env = dict(os.environ, ASSESS_DATABASE_URL=f"sqlite:///{database}",
               ASSESS_SECRET_KEY="test-secret-key-not-for-production",
               ASSESS_QUESTIONNAIRE_DIR=str(QUESTIONNAIRES),
               ASSESS_INSTANCE_PATH=str(tmp_path / "instance"))
    for args in (["score", WAVE2], ["score", WAVE2, "--json"], ["baseline", "list"]):
        done = subprocess.run(
            [sys.executable, "-W", "error", "-c", "from assess.cli import main; main()", *args],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr
    assert "not enough responses" in subprocess.run(
        [sys.executable, "-W", "error", "-c", "from assess.cli import main; main()", "score",
         WAVE2], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120).stdout


# =============================================================================================
# assess baseline
# =============================================================================================
def _csv(n_teams: int, size: int, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    lines = ["team,standards,delivery"]
    for t in range(n_teams):
        for _ in range(size):
            a, b = np.round(rng.uniform(1, 5, size=2), 2)
            lines.append(f"T{t},{a:g},{b:g}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("args", "message"), [
    ([], "Give exactly one of --from-campaign, --organisation or --pool."),
    (["--from-campaign", WAVE1, "--pool", "--questionnaire", MATURITY],
     "Give exactly one of"),
    (["--organisation", "Northwind Demo (demo data)", "--pool", "--questionnaire", MATURITY],
     "Give exactly one of"),
    (["--organisation", "Northwind Demo (demo data)"],
     "--questionnaire KEY is needed with --organisation and --pool."),
    (["--pool"], "--questionnaire KEY is needed with --organisation and --pool."),
])
def test_baseline_build_needs_exactly_one_source(cli: FlaskCliRunner, demo_app: Flask,
                                                 args: list[str], message: str):
    before = baseline_count(demo_app)
    result = invoke(cli, "baseline", "build", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert baseline_count(demo_app) == before


@pytest.mark.parametrize(("args", "message"), [
    (["--from-campaign", "No such wave"], "no campaign with id or name 'No such wave'"),
    (["--organisation", "Nobody Ltd", "--questionnaire", MATURITY],
     "no organisation named 'Nobody Ltd'"),
    (["--organisation", "Northwind Demo (demo data)", "--questionnaire", "nothing"],
     "has no campaign of 'nothing'"),
    (["--pool", "--questionnaire", MATURITY],
     "no organisation (other than demo data) has answers to 'pmo-apo-maturity'"),
    (["--from-campaign", WAVE1, "--name", DEMO_BASELINE],
     f"a baseline named '{DEMO_BASELINE}' exists already"),
])
def test_baseline_build_errors(cli: FlaskCliRunner, demo_app: Flask, args: list[str],
                               message: str):
    before = baseline_count(demo_app)
    result = invoke(cli, "baseline", "build", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert baseline_count(demo_app) == before


def test_baseline_build_from_a_wave_and_an_organisation(cli: FlaskCliRunner):
    result = invoke(cli, "baseline", "build", "--from-campaign", WAVE1, "--name", "W1", "--json")
    assert result.exit_code == 0, result.output
    row = strict_json(result.output)
    assert {k: row[k] for k in ("name", "kind", "questionnaire", "respondents", "teams",
                                "usable", "reason")} == {
        "name": "W1", "kind": "previous_wave", "questionnaire": MATURITY, "respondents": 51,
        "teams": 5, "usable": True, "reason": None}
    result = invoke(cli, "baseline", "build", "--organisation", "Northwind Demo (demo data)",
                    "--questionnaire", MATURITY)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Stored baseline ")
    # wave 1: 51 respondents in 5 visible teams; wave 2 (interim): 5 released in each of the
    # 6 teams of six or more, none of the three-person team, so no team hidden to protect it
    assert "Northwind Demo (demo data): all teams (81 respondents, 11 teams)." in result.output
    listed = strict_json(invoke(cli, "baseline", "list", "--json").output)
    assert [r["name"] for r in listed] == [DEMO_BASELINE, "W1",
                                           "Northwind Demo (demo data): all teams"]


@pytest.mark.usefixtures("demo_app")
def test_a_small_import_is_listed_as_not_usable_and_gives_no_verdicts(cli: FlaskCliRunner,
                                                                      tmp_path: Path):
    path = tmp_path / "small.csv"
    path.write_text(_csv(3, 8), encoding="utf-8")  # 24 respondents in 3 teams
    result = invoke(cli, "baseline", "import", str(path), "--questionnaire", MATURITY,
                    "--name", "Small norms")
    assert result.exit_code == 0, result.output
    assert "Stored baseline" in result.output
    assert "Too small for comparisons" in result.output
    listed = {r["name"]: r for r in strict_json(invoke(cli, "baseline", "list", "--json").output)}
    small = listed["Small norms"]
    assert (small["respondents"], small["teams"], small["usable"]) == (24, 3, False)
    assert "24 respondents" in small["reason"]
    assert "at least 30" in small["reason"]
    assert listed[DEMO_BASELINE]["usable"] is True
    text = invoke(cli, "baseline", "list").output
    assert "Small norms (import, pmo-apo-maturity, 24 respondents, 3 teams) - not usable" in text

    data = strict_json(invoke(cli, "score", WAVE2, "--baseline", "Small norms", "--json").stdout)
    assert data["baseline"]["name"] == "Small norms"
    assert all(r["verdict"] is None and r["percentile"] is None and r["d"] is None
               for r in data["teams"] + data["organisation"])
    notes = data["baseline"]["notes"]
    assert "at least 30" in notes["standards"]
    assert "no data for dimension 'governance'" in notes["governance"]
    out = invoke(cli, "score", WAVE2, "--baseline", "Small norms").output
    assert "clearly" not in out
    assert " in line" not in out
    # the demo baseline, by contrast, gives verdicts
    assert "clearly above" in invoke(cli, "score", WAVE2).output


@pytest.mark.parametrize(("content", "message"), [
    (b"name,standards\nA,3\n", "line 1: the header must start with 'team'"),
    (b"team,standards\nA,3\nB,x\n", "line 3: 'standards' must be a number or empty"),
    (b"team,teamwork\nA,3\n", "unknown dimension ids ['teamwork']"),
    (b"team,standards\nA,9\n", "line 2: 'standards' = 9 lies outside the scale [1, 5]"),
    (b"team,standards\n=1+1,3\n", "line 2: '=1+1' looks like a spreadsheet formula"),
    (b"", "text is empty"),
    ("team,standards\nZ\u00fcrich,3\n".encode("latin-1"), "not UTF-8 text"),
])
def test_baseline_import_refuses_bad_files(cli: FlaskCliRunner, demo_app: Flask,
                                           tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = baseline_count(demo_app)
    result = invoke(cli, "baseline", "import", str(path), "--questionnaire", MATURITY,
                    "--name", "Bad")
    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing was imported." in result.output
    assert baseline_count(demo_app) == before


def test_baseline_import_needs_questionnaire_and_name(cli: FlaskCliRunner, tmp_path: Path):
    path = tmp_path / "norms.csv"
    path.write_text(_csv(6, 6), encoding="utf-8")
    result = invoke(cli, "baseline", "import", str(path), "--name", "X")
    assert result.exit_code == 2
    assert "--questionnaire" in result.output
    result = invoke(cli, "baseline", "import", str(path), "--questionnaire", MATURITY)
    assert result.exit_code == 2
    assert "--name" in result.output
    result = invoke(cli, "baseline", "import", str(path), "--questionnaire", MATURITY,
                    "--name", "X", "--organisation", "Nobody Ltd")
    assert result.exit_code == 1
    assert "no organisation named 'Nobody Ltd'" in result.output


def test_score_text_gives_readiness_verdicts_and_no_levels(cli: FlaskCliRunner):
    text_out = invoke(cli, "score", READINESS).output
    data = strict_json(invoke(cli, "score", READINESS, "--json").stdout)
    section = text_out.split("Readiness (ready at 3.60, blocked below 2.60):\n", 1)[1]
    lines = section.splitlines()
    verdicts = {r["team"]: r for r in data["readiness"]["teams"]}
    verdicts["organisation"] = data["readiness"]["organisation"]
    assert [line.split(": ", 1)[0] for line in lines] == [f"- {t}" for t in verdicts]
    for line in lines:
        team, said = line[2:].split(": ", 1)
        verdict = verdicts[team]["verdict"]
        assert said.startswith(verdict or "not enough responses")
        if verdict == "not yet":
            assert said == f"not yet, blocked by {verdicts[team]['blocking_factor']}"
    assert verdicts[SMALL_TEAM]["verdict"] is None
    for level in ("Ad hoc", "Emerging", "Defined", "Measured", "Adaptive"):
        assert level not in text_out


def test_score_text_shows_the_organisation_the_baseline_and_the_change(cli: FlaskCliRunner):
    text_out = invoke(cli, "score", WAVE2).output
    assert f"Compared with the baseline '{DEMO_BASELINE}'." in text_out
    assert "\norganisation:\n" in text_out
    assert "since the previous wave" in text_out


def test_score_text_names_every_focus_area_by_its_title(cli: FlaskCliRunner):
    definition = yaml.safe_load((QUESTIONNAIRES / MATURITY / "questionnaire.yaml").read_text())
    language = definition.get("language", "en")
    titles = [d["title"][language] if isinstance(d["title"], dict) else d["title"]
              for d in definition["dimensions"]]
    assert len(titles) == 9
    text_out = invoke(cli, "score", WAVE2).output
    organisation = text_out.split("\norganisation:\n", 1)[1]
    for dimension, title in zip(definition["dimensions"], titles, strict=True):
        assert f"  {title} [{dimension['id']}]: " in organisation


def test_score_says_which_responses_are_not_yet_included(cli: FlaskCliRunner):
    # Wave 2 is open with interim results: the small team's completed responses wait for a
    # step of min_n, and the text says so after the numbers; --json keeps stdout pure JSON
    # and says the same on stderr.
    text = invoke(cli, "score", WAVE2)
    assert text.exit_code == 0, text.output
    last = text.output.rstrip().splitlines()[-1]
    assert "not yet included" in last
    assert "steps of at least 5 responses" in last
    as_json = invoke(cli, "score", WAVE2, "--json")
    strict_json(as_json.stdout)
    assert "not yet included" in as_json.stderr
    closed = invoke(cli, "score", WAVE1)
    assert "included" not in closed.output
    assert closed.stderr == ""


def test_score_of_a_draft_says_results_are_not_visible_yet(cli: FlaskCliRunner,
                                                           demo_app: Flask):
    with demo_app.app_context():
        wave = db.session.scalar(select(Campaign).where(Campaign.name == WAVE2))
        db.session.add(Campaign(organisation=wave.organisation, name="Draft wave",
                                questionnaire_version=wave.questionnaire_version))
        db.session.commit()
    result = invoke(cli, "score", "Draft wave")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 respondents scored")
    assert "not visible to coaches yet" in result.output.rstrip().splitlines()[-1]
