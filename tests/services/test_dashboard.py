"""The dashboard's view model: instrument quality from assess.scoring on the same released
responses, the roll-up order, the readiness partner wave, the baseline's provenance, and a
number of queries that does not grow with the number of teams."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import event, select

from assess.extensions import db
from assess.models import BaselineRecord, Campaign, CampaignStatus
from assess.scoring import (
    ScoringWarning,
    cronbach_alpha,
    icc1,
    icc2,
    item_rest_correlations,
    omega_total,
    respondent_scores,
)
from assess.services import baseline_choices
from assess.services.answers import instrument_spec, load_answers
from assess.services.dashboard import dashboard, default_value
from assess.services.questionnaires import definition_of
from tests.coach.dashboard_support import set_parents
from tests.coach.team_page_support import TeamSpec, build
from tests.coach.test_team_page import _demo_wave2_closed


def _reversed(x: np.ndarray, reverse: tuple[bool, ...]) -> np.ndarray:
    out = x.copy()
    for c, r in enumerate(reverse):
        if r:
            out[:, c] = 6 - out[:, c]
    return out


def test_instrument_quality_is_the_scoring_librarys_on_the_released_responses(app: Flask
                                                                               ) -> None:
    teams = {f"Team {i:02d}": TeamSpec([None] * 6, level=2.4 + 0.15 * i) for i in range(11)}
    built = build(app, teams)
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        view = dashboard(campaign)
        definition = definition_of(campaign.questionnaire_version)
        spec = instrument_spec(definition, campaign)
        answers = load_answers(campaign)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            people = respondent_scores(answers.values, answers.dont_know, spec)
            x = answers.values[people.included]
            groups = answers.team_ids[people.included]
            assert len(view.method.alphas) == len(spec.dimensions) == 9
            assert len(view.method.iccs) == 9
            assert view.method.icc_note is None
            texts = {i.id: str(i.text.get(definition.language))
                     for d in definition.dimensions for i in d.scored_items}
            for j, dim in enumerate(spec.dimensions):
                items = _reversed(x[:, list(dim.columns)], dim.reverse)
                a = cronbach_alpha(items)
                shown = view.method.alphas[j]
                assert shown.dimension == dim.id
                assert shown.title == str(definition.dimensions[j].title.get("en"))
                assert math.isclose(shown.alpha, a.alpha)
                assert math.isclose(shown.ci_low, a.ci_low)
                assert math.isclose(shown.ci_high, a.ci_high)
                assert shown.n == a.n
                assert math.isclose(shown.omega, omega_total(items))
                rest = item_rest_correlations(items)
                flagged = [(texts[definition.answer_columns[c]], float(r))
                           for c, r in zip(dim.columns, rest, strict=True) if r < 0.30]
                assert list(shown.flagged) == flagged
                scores = people.scores[people.included, j]
                icc = view.method.iccs[j]
                assert math.isclose(icc.icc1, icc1(scores, groups))
                assert math.isclose(icc.icc2, icc2(scores, groups))
                assert icc.verdict


def test_icc_needs_ten_teams_and_quality_needs_a_visible_organisation(app: Flask) -> None:
    built = build(app, {"A": TeamSpec([None] * 6), "B": TeamSpec([None] * 6)})
    with app.app_context():
        view = dashboard(db.session.get(Campaign, built.campaign_id))
        assert view.method.iccs == ()
        assert "at least 10 teams" in view.method.icc_note
        assert len(view.method.alphas) == 9
    small = build(app, {"C": TeamSpec([None] * 2), "D": TeamSpec([None] * 2)},
                  campaign="Tiny wave")
    with app.app_context():
        view = dashboard(db.session.get(Campaign, small.campaign_id))
        assert view.method.alphas == ()
        assert view.method.quality_note


def test_rows_follow_the_hierarchy(app: Flask) -> None:
    built = build(app, {"Tribe": TeamSpec([None] * 5), "A": TeamSpec([None] * 6),
                        "B": TeamSpec([None] * 6), "C": TeamSpec([None] * 6),
                        "D": TeamSpec([None] * 6)})
    set_parents(app, built.organisation_id, {"A": "Tribe", "B": "Squad", "Squad": "Tribe",
                                             "Tribe": "Division", "C": "Division"})
    with app.app_context():
        view = dashboard(db.session.get(Campaign, built.campaign_id), value="mean")
        rows = [(r.kind, r.label, r.depth) for r in view.rows]
        assert rows == [
            ("team", "D", 0),
            ("rollup", "Division", 0),
            ("team", "C", 1),
            ("rollup", "Tribe", 1),
            ("team", "Tribe", 2),
            ("team", "A", 2),
            ("rollup", "Squad", 2),
            ("team", "B", 3),
        ]
        by = {(r.kind, r.label): r for r in view.rows}
        assert set(by[("rollup", "Division")].members) == {"A", "B", "C", "Tribe"}
        assert set(by[("rollup", "Squad")].members) == {"B"}
        # Squad has one team: its numbers are B's (no hidden team to protect)
        squad, b = by[("rollup", "Squad")], by[("team", "B")]
        for cs, cb in zip(squad.cells, b.cells, strict=True):
            assert cs.n == cb.n
            assert cs.mean == pytest.approx(cb.mean)
        assert view.heat_map.rows[0][0] == "D"
        assert len(view.heat_map.rows) == len(view.rows)


def test_a_team_that_is_its_own_parent_chain_does_not_loop(app: Flask) -> None:
    built = build(app, {"A": TeamSpec([None] * 6), "B": TeamSpec([None] * 6)})
    ids = set_parents(app, built.organisation_id, {"A": "B"})
    with app.app_context():
        from assess.models import Team

        b = db.session.get(Team, ids["B"])
        b.parent_id = ids["A"]  # a cycle: A under B under A
        db.session.commit()
        view = dashboard(db.session.get(Campaign, built.campaign_id))
        assert {r.label for r in view.rows} >= {"A", "B"}


def test_the_default_value_and_fallbacks(app: Flask) -> None:
    built = build(app, {"A": TeamSpec([None] * 6)})
    readiness = build(app, {"R": TeamSpec([None] * 6)}, campaign="Readiness",
                      key="transformation-readiness")
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert default_value(campaign) == "level"
        assert dashboard(campaign, value="nonsense").value == "level"
        diff = dashboard(campaign, None, value="difference")
        assert diff.value == "mean"
        assert diff.value_note
        other = db.session.get(Campaign, readiness.campaign_id)
        assert default_value(other) == "mean"
        view = dashboard(other, value="level")
        assert view.value == "mean"
        assert "level" not in view.values


def test_demo_readiness_partner_provenance_and_hidden_groups(demo_app: Flask) -> None:
    campaign_id = _demo_wave2_closed(demo_app)
    with demo_app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        option = baseline_choices.option_for(campaign, "campaign")
        view = dashboard(campaign, baseline_choices.resolve(campaign, "campaign"),
                         option=option)
        assert view.readiness is not None
        assert not view.readiness.own
        partner = db.session.get(Campaign, view.readiness.campaign_id)
        assert partner.questionnaire_version.kind == "readiness"
        from assess.services.results import campaign_result

        verdicts = campaign_result(partner, None, with_previous=False).readiness.teams
        for row in view.rows:
            if row.label in verdicts.labels:
                assert row.readiness == verdicts.verdict[verdicts.labels.index(row.label)]
        assert view.readiness.matrix is not None
        record = db.session.get(BaselineRecord, campaign.baseline_id)
        p = view.method.provenance
        assert p.name == record.name
        assert p.date == record.created_at.date()
        assert (p.n_respondents, p.n_teams) == (record.n_respondents, record.n_teams)
        hidden = {s.label for s in view.method.suppressed}
        for row in view.rows:
            assert (row.title in hidden) == any(c.hidden for c in row.cells)


def test_no_query_per_team(app: Flask) -> None:
    """The number of statements does not grow with the teams (nor with parents)."""
    def count(n_teams: int, campaign: str) -> int:
        teams = {f"{campaign} {i:02d}": TeamSpec([None] * 5) for i in range(n_teams)}
        built = build(app, teams, campaign=campaign)
        half = list(teams)[: n_teams // 2]
        set_parents(app, built.organisation_id, {t: f"{campaign} parent" for t in half})
        statements = []
        with app.app_context():
            engine = db.engine

            def seen(*_args: object) -> None:
                statements.append(1)

            event.listen(engine, "before_cursor_execute", seen)
            try:
                campaign_row = db.session.scalar(select(Campaign).where(
                    Campaign.name == campaign))
                dashboard(campaign_row)
            finally:
                event.remove(engine, "before_cursor_execute", seen)
        return len(statements)

    assert count(4, "Small wave") == count(24, "Large wave")


def test_open_campaign_results_state(app: Flask) -> None:
    from assess.services.dashboard import results_state
    from tests.coach.conftest import make_workspace

    wave = make_workspace(app, "c@example.org", "Org", "Open", ["A"],
                          status=CampaignStatus.OPEN)
    with app.app_context():
        state = results_state(db.session.get(Campaign, wave.campaign_id))
        assert not state.visible
        assert state.reason


def test_a_closed_wave_without_responses_and_a_readiness_wave(app: Flask) -> None:
    empty = build(app, {"A": TeamSpec([]), "B": TeamSpec([])}, campaign="Empty")
    set_parents(app, empty.organisation_id, {"A": "Tribe", "B": "Tribe"})
    readiness = build(app, {"A": TeamSpec([None] * 6), "B": TeamSpec([None] * 7)},
                      campaign="Readiness", key="transformation-readiness",
                      organisation="Other", email="other@example.org")
    with app.app_context():
        view = dashboard(db.session.get(Campaign, empty.campaign_id))
        assert all(c.hidden for r in view.rows for c in r.cells)
        assert [r.kind for r in view.rows] == ["rollup", "team", "team"]
        assert view.method.alphas == ()
        own = dashboard(db.session.get(Campaign, readiness.campaign_id))
        assert own.readiness is not None
        assert own.readiness.own
        assert all(r.kind == "team" for r in own.rows)
        assert {r.readiness for r in own.rows} <= {"ready", "conditionally ready", "not yet"}
        # no maturity wave of these teams has results: no matrix, and the page says so
        assert own.readiness.matrix is None
        assert own.readiness.note
