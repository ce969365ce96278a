"""The release rule (services.release): results without differencing.

A team's released set (the responses its shown numbers include) changes only in steps of at
least ``min_n`` completed responses; a campaign without interim results releases at close; a
remainder of fewer than ``min_n`` since the last step stays out of the final numbers; what is
loaded for scoring is exactly the released set.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator

import numpy as np
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from assess import answer_codec
from assess.errors import Conflict
from assess.extensions import db
from assess.models import Campaign, Organisation, Response, utcnow
from assess.services import answers as answer_loading
from assess.services import release, results, survey
from tests.services import release_support as support
from tests.services.release_support import close, released, submit, wave


@pytest.fixture
def org(app: Flask) -> Iterator[Organisation]:
    with app.app_context():
        yield support.organisation()


# --- interim results: steps of min_n ------------------------------------------------------

def test_interim_results_move_in_steps_of_min_n(org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3)
    team = w.team_ids[0]
    sizes = []
    for _ in range(7):
        submit(w, team)
        sizes.append(len(released(w, team)))
    # submits 1, 2: nothing; 3rd: 3 in; 4th, 5th: still 3; 6th: 6; 7th: still 6
    assert sizes == [0, 0, 3, 3, 3, 6, 6]
    state = release.results_state(w.campaign)
    assert (state.visible, state.interim, state.reason) == (True, True, None)
    assert state.pending == {team: 1}
    assert state.pending_total == 1
    note = state.pending_note(team)
    assert note is not None
    assert note.startswith("1 response is not yet included")
    assert "steps of at least 3 responses" in note
    assert state.pending_note() == note


def test_the_scored_answers_are_exactly_the_released_ones(org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3)
    team = w.team_ids[0]
    ids = [submit(w, team, random.Random(i)) for i in range(4)]
    assert released(w, team) == set(ids[:3])
    loaded = answer_loading.load_answers(w.campaign)
    assert loaded.values.shape[0] == 3
    stored = {rid: blob for rid, blob in db.session.execute(
        select(Response.id, Response.values).where(Response.id.in_(ids)))}
    expected = sorted(tuple(answer_codec.to_matrix([stored[r]], len(loaded.item_ids))[0][0])
                      for r in ids[:3])
    assert sorted(tuple(row) for row in loaded.values) == expected
    result = results.campaign_result(w.campaign, None)
    assert result.teams.n_respondents.tolist() == [3]


def test_two_teams_are_released_independently(org: Organisation) -> None:
    w = wave(org, teams=2, min_n=3)
    a, b = w.team_ids
    for _ in range(2):
        submit(w, a)
        submit(w, b)
    assert released(w) == set()
    submit(w, a)
    assert len(released(w, a)) == 3
    assert released(w, b) == set()
    submit(w, b)
    assert len(released(w, a)) == 3
    assert len(released(w, b)) == 3
    submit(w, a)
    state = release.results_state(w.campaign)
    assert state.pending == {a: 1}
    assert state.pending_note(b) is None


def test_a_draft_never_counts(org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3)
    team = w.team_ids[0]
    ctx = support.context(w, team)
    for _ in range(3):
        survey.start_response(ctx, None)  # drafts only
    submit(w, team)
    submit(w, team)
    assert released(w) == set()
    assert release.results_state(w.campaign).pending == {team: 2}


def test_a_repeated_submit_releases_nothing_more(org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3)
    team = w.team_ids[0]
    ctx = support.context(w, team)
    drafts = []
    for _ in range(3):
        new = survey.start_response(ctx, None)
        draft = survey.find_response(ctx, new.uid, new.proof)
        assert draft is not None
        drafts.append(draft)
    for draft in drafts[:2]:
        assert survey.submit(ctx, draft.id, draft.submit_key)
        assert not survey.submit(ctx, draft.id, draft.submit_key)  # double click
    assert released(w) == set()
    assert survey.submit(ctx, drafts[2].id, drafts[2].submit_key)
    assert len(released(w)) == 3


@pytest.mark.parametrize("interim", [True, False])
def test_roles_are_withheld_from_a_campaign_with_interim_results(org: Organisation,
                                                                  interim: bool) -> None:
    """A step of a team can hold a single team lead: the organisation's role breakdown
    would then move by one person, so interim campaigns are scored without roles."""
    w = wave(org, teams=2, min_n=3, interim=interim)
    for team in w.team_ids:
        for person in range(3):
            submit(w, team, role="team lead" if person == 0 else "team member")
    close(w)
    loaded = answer_loading.load_answers(w.campaign)
    assert loaded.values.shape[0] == 6
    roles = sorted(str(r) for r in loaded.roles)
    if interim:
        assert roles == ["None"] * 6
    else:
        assert roles == ["team lead"] * 2 + ["team member"] * 4


# --- without interim results --------------------------------------------------------------

def test_without_interim_results_nothing_is_visible_or_released_while_open(
        org: Organisation) -> None:
    w = wave(org, teams=2, min_n=3, interim=False)
    a, b = w.team_ids
    for _ in range(4):
        submit(w, a)
    submit(w, b)
    assert released(w) == set()
    state = release.results_state(w.campaign)
    assert not state.visible
    assert not state.interim
    assert state.reason == release.OPEN_REASON
    assert state.pending_note() is None  # not shown while results are hidden
    assert release.release_due(w.campaign) == 0
    assert answer_loading.load_answers(w.campaign).values.shape[0] == 0
    close(w)
    # nothing was ever shown: the final numbers release every complete response, the
    # one-person team hidden there by the engine's threshold
    assert len(released(w, a)) == 4
    assert len(released(w, b)) == 1
    state = release.results_state(w.campaign)
    assert (state.visible, state.interim, state.pending_total) == (True, False, 0)
    t = results.campaign_result(w.campaign, None).teams
    assert sorted(t.n_respondents.tolist()) == [1, 4]
    assert t.suppressed[t.n_respondents.tolist().index(1)].all()


def test_a_draft_or_unopened_campaign_shows_nothing(org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3)
    campaign = w.campaign
    campaign.opens_at = utcnow() + dt.timedelta(days=3)
    db.session.commit()
    state = release.results_state(campaign)
    assert not state.visible
    assert state.reason == release.NOT_OPEN_REASON


# --- close and the remainder --------------------------------------------------------------

def test_a_remainder_below_min_n_stays_out_after_close(org: Organisation) -> None:
    w = wave(org, teams=2, min_n=3)
    a, b = w.team_ids
    for _ in range(5):
        submit(w, a)   # 3 released, 2 pending
    for _ in range(4):
        submit(w, b)   # 3 released, 1 pending
    submit(w, b)
    submit(w, b)       # 6 released
    close(w)
    assert len(released(w, a)) == 3
    assert len(released(w, b)) == 6
    state = release.results_state(w.campaign)
    assert state.visible
    assert not state.interim
    assert state.pending == {a: 2}
    note = state.pending_note(a)
    assert note is not None
    assert note.startswith("2 responses are not included")
    assert "fewer than 3" in note
    assert release.release_due(w.campaign) == 0  # and never later


def test_close_releases_a_team_that_reached_min_n_without_a_step(org: Organisation) -> None:
    """Interim results switched on after responses arrived: the close applies the rule."""
    w = wave(org, teams=2, min_n=3, interim=False)
    a, b = w.team_ids
    for _ in range(4):
        submit(w, a)
    submit(w, b)
    campaign = w.campaign
    campaign.interim_results = True
    db.session.commit()
    submit(w, b)
    assert released(w) == set()
    # the page asks for the state: a due step is recorded before anything is shown
    state = release.results_state(w.campaign)
    assert len(released(w, a)) == 4
    assert released(w, b) == set()
    assert state.pending == {b: 2}
    close(w)
    assert len(released(w, a)) == 4
    assert released(w, b) == set()


def test_interim_results_switched_off_keep_the_step_rule_at_close(org: Organisation) -> None:
    """Steps shown while interim results were on are not undone: the close measures the
    final numbers from them, so a remainder stays out."""
    w = wave(org, teams=2, min_n=3)
    a, b = w.team_ids
    for _ in range(4):
        submit(w, a)   # 3 released while interim
    campaign = w.campaign
    campaign.interim_results = False
    db.session.commit()
    for _ in range(2):
        submit(w, b)
    assert not release.results_state(w.campaign).visible
    close(w)
    assert len(released(w, a)) == 3
    assert released(w, b) == set()
    assert release.results_state(w.campaign).pending == {a: 1, b: 2}


def test_an_interim_campaign_that_never_reached_min_n_releases_everything_at_close(
        org: Organisation) -> None:
    w = wave(org, teams=2, min_n=3)
    a, b = w.team_ids
    submit(w, a)
    submit(w, a)
    submit(w, b)
    close(w)
    assert len(released(w)) == 3


def test_a_window_that_ended_by_time_releases_when_results_are_asked_for(
        org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3, interim=False)
    team = w.team_ids[0]
    for _ in range(4):
        submit(w, team)
    db.session.execute(update(Campaign).where(Campaign.id == w.campaign_id)
                       .values(closes_at=utcnow() - dt.timedelta(minutes=1)))
    db.session.commit()
    assert released(w) == set()
    state = release.results_state(w.campaign)
    assert state.visible
    assert state.pending_total == 0
    assert len(released(w, team)) == 4


def test_a_submit_after_the_window_ended_is_refused_inside_its_transaction(
        org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3)
    team = w.team_ids[0]
    ctx = support.context(w, team)  # read while open
    new = survey.start_response(ctx, None)
    draft = survey.find_response(ctx, new.uid, new.proof)
    assert draft is not None
    close(w)
    with pytest.raises(Conflict):
        survey.submit(ctx, draft.id, draft.submit_key)
    assert release.results_state(w.campaign).pending_total == 0


def test_score_notice_says_why_numbers_are_missing(org: Organisation) -> None:
    w = wave(org, teams=1, min_n=3, interim=False)
    submit(w, w.team_ids[0])
    notice = release.score_notice(w.campaign)
    assert notice is not None
    assert "not visible to coaches yet" in notice
    close(w)
    assert release.score_notice(w.campaign) is None


# --- property: every change is a step of at least min_n, nothing single can be computed ---

def _solo_computable(observed: list[set[int]], universe: list[int]) -> list[int]:
    """Responses whose own value a coach could compute from sums over the observed sets:
    those whose indicator vector lies in the row space of the sets' indicators."""
    if not observed or not universe:
        return []
    index = {r: i for i, r in enumerate(universe)}
    rows = np.zeros((len(observed), len(universe)))
    for k, s in enumerate(observed):
        for r in s:
            rows[k, index[r]] = 1.0
    rank = np.linalg.matrix_rank(rows)
    found = []
    for r in universe:
        unit = np.zeros((1, len(universe)))
        unit[0, index[r]] = 1.0
        if np.linalg.matrix_rank(np.vstack([rows, unit])) == rank:
            found.append(r)
    return found


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(min_n=st.integers(min_value=2, max_value=4),
       interim=st.booleans(),
       plan=st.lists(st.integers(min_value=0, max_value=2), min_size=0, max_size=16))
def test_any_submit_sequence_moves_in_steps_and_reveals_no_single_response(
        org: Organisation, min_n: int, interim: bool, plan: list[int]) -> None:
    w = wave(org, teams=3, min_n=min_n, interim=interim)
    history: dict[int, list[set[int]]] = {t: [set()] for t in w.team_ids}
    shown: list[set[int]] = []  # every set whose sum a coach could see, at any moment

    def observe() -> None:
        state = release.results_state(w.campaign)
        for t in w.team_ids:
            now = released(w, t)
            history[t].append(now)
            if state.visible and len(now) >= min_n:  # the engine shows teams at min_n
                shown.append(now)
        if state.visible:
            shown.append(released(w))  # the organisation row

    for step, choice in enumerate(plan):
        submit(w, w.team_ids[choice], random.Random(step))
        observe()
    before_close, shown_while_open = released(w), list(shown)
    close(w)
    observe()
    complete = {t: sum(1 for c in plan if w.team_ids[c] == t) for t in w.team_ids}
    if not before_close:
        # Nothing was released while open: the final numbers are the first ones shown, and
        # they hold every complete response (single snapshot: no differencing possible).
        assert all(not s for s in shown_while_open)
        assert {t: len(released(w, t)) for t in w.team_ids} == complete
        return
    for t, sets in history.items():
        for before, after in itertools.pairwise(sets):
            assert before <= after  # released responses stay released
            grown = len(after - before)
            assert grown == 0 or grown >= min_n, (t, len(before), len(after))
        assert complete[t] - len(sets[-1]) < min_n  # the remainder left out is below min_n
    # Sums over the teams and the organisation, at every moment a coach looked, never
    # isolate a single response.
    assert _solo_computable(shown, sorted(released(w))) == []
