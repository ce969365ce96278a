"""The team report's view model: hidden cells carry no number, the values are the engine's,
the role comparison is the engine's with the team as the whole, comments are seeded and
complete, item counts are plain counts, and the module imports no Flask."""

from __future__ import annotations

import ast
import dataclasses
import math
import random
import warnings
from pathlib import Path

import numpy as np
import pytest
from flask import Flask

from assess.extensions import db
from assess.models import Campaign, Team
from assess.scoring import ScoringWarning, score_campaign
from assess.services import team_report
from assess.services.answers import load_answers
from assess.services.team_report import item_counts
from tests.coach.team_page_support import TeamSpec, build

STAT_FIELDS = ("mean", "ci_low", "ci_high", "pomp", "level_band", "level_rubric", "percentile",
               "d", "p_adjusted", "verdict", "rwg_j_lindell", "ad_m", "divided_views",
               "dont_know_rate", "pmo_index", "apo_index", "quadrant", "change",
               "change_ci_low", "change_ci_high", "clear_change")


def _report(app: Flask, built, team: str, **kwargs):
    campaign = db.session.get(Campaign, built.campaign_id)
    assert campaign is not None
    return team_report.team_report(campaign, db.session.get(Team, built.team_ids[team]),
                                   **kwargs)


def test_the_module_imports_no_flask() -> None:
    source = Path(team_report.__file__).read_text(encoding="utf-8")
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    assert not {n for n in names if n.split(".")[0] in ("flask", "flask_login", "wtforms")}


def test_item_counts_are_counts() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(1, 6, size=(40, 7)).astype(float)
    dont_know = rng.random((40, 7)) < 0.1
    values[dont_know] = np.nan
    values[rng.random((40, 7)) < 0.05] = np.nan  # unanswered
    counts, dks = item_counts(values, dont_know, 1, 5)
    for c in range(7):
        for k, v in enumerate(range(1, 6)):
            assert counts[c, k] == sum(1 for x in values[:, c] if x == v)
        assert dks[c] == int(dont_know[:, c].sum())


def test_hidden_and_protecting_teams_carry_no_statistic(app: Flask) -> None:
    built = build(app, {"Small": TeamSpec([None] * 3), "Middle": TeamSpec([None] * 6),
                        "Large": TeamSpec([None] * 8)})
    with app.app_context():
        for team, complementary in (("Small", False), ("Middle", True)):
            report = _report(app, built, team)
            assert report.all_hidden
            assert report.hidden_only_to_protect is complementary
            assert report.n_respondents is None
            for row in report.dimensions:
                assert row.hidden
                assert row.complementary is complementary
                for name in STAT_FIELDS:
                    assert getattr(row, name) is None, (team, row.id, name)
            for group in report.items:
                assert group.chart is None
                assert all(i.counts is None and i.dont_know is None for i in group.items)


def test_visible_values_are_the_engines(app: Flask) -> None:
    built = build(app, {"A": TeamSpec([None] * 6), "B": TeamSpec([None] * 7, level=3.8),
                        "C": TeamSpec([None] * 8, level=2.2)})
    with app.app_context():
        report = _report(app, built, "B")
        t = report.result.teams
        g = t.row("B")
        for j, row in enumerate(report.dimensions):
            assert not row.hidden
            assert row.n == int(t.n[g, j])
            for name in ("mean", "ci_low", "ci_high", "pomp", "rwg_j_lindell", "ad_m",
                         "dont_know_rate", "pmo_index", "apo_index"):
                engine = float(getattr(t, name)[g, j])
                value = getattr(row, name)
                assert (value is None) == (not math.isfinite(engine))
                if value is not None:
                    assert value == engine
            assert row.quadrant == t.quadrant[g, j]
            assert row.level_band == round(float(t.level_band[g, j]))
            assert row.comparison_note is not None  # no baseline: it says why


def test_roles_are_the_engines_with_the_team_as_the_whole(app: Flask) -> None:
    built = build(app, {"T": TeamSpec(["x"] * 5 + ["y"] * 6 + [None] * 2, dont_know=0.0),
                        "U": TeamSpec([None] * 6)})
    with app.app_context():
        report = _report(app, built, "T")
        campaign = db.session.get(Campaign, built.campaign_id)
        answers = load_answers(campaign)
        mine = answers.team_ids == built.team_ids["T"]
        roles = np.array([r or "not given" for r in answers.roles[mine]], dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            engine = score_campaign(answers.values[mine], answers.dont_know[mine],
                                    np.array(["T"] * int(mine.sum()), dtype=object),
                                    report.result.spec, roles=roles).roles
    assert engine is not None
    assert report.roles is not None
    assert report.roles.roles == engine.labels
    for j, row in enumerate(report.roles.rows):
        for k, cell in enumerate(row.cells):
            if bool(engine.suppressed[k, j]):
                assert cell.mean is None
                assert cell.ci_low is None
                assert cell.note is not None
            else:
                assert cell.mean == float(engine.mean[k, j])
                assert cell.ci_low == float(engine.ci_low[k, j])
    # "not given" (2) is hidden, so the smaller of the others (x, 5) is hidden too
    assert all(row.cells[engine.labels.index("not given")].mean is None
               for row in report.roles.rows)
    assert all(row.cells[engine.labels.index("x")].note == team_report.ROLE_COMPLEMENTARY
               for row in report.roles.rows)


def test_one_role_is_no_comparison(app: Flask) -> None:
    built = build(app, {"T": TeamSpec(["x"] * 7), "U": TeamSpec([None] * 6)})
    with app.app_context():
        assert _report(app, built, "T").roles is None


@pytest.mark.parametrize(("commenters", "visible"), [(9, False), (10, True)])
def test_comments_at_the_threshold_seeded_and_complete(app: Flask, commenters: int,
                                                       visible: bool) -> None:
    texts = [f"comment {i}" for i in range(commenters)]
    built = build(app, {"T": TeamSpec([None] * 12, comments=texts)})
    with app.app_context():
        first = _report(app, built, "T", rng=random.Random(1)).comments
        again = _report(app, built, "T", rng=random.Random(1)).comments
    assert first.commenters == commenters
    assert first.visible is visible
    if not visible:
        assert first.groups == ()
        return
    assert first == again
    shown = sorted(t for g in first.groups for t in g.texts)
    assert shown == sorted(texts)


def test_the_report_is_a_frozen_dataclass() -> None:
    assert dataclasses.is_dataclass(team_report.TeamReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        team_report.Comments(1, 2).commenters = 3  # type: ignore[misc]
