"""The demo's released responses follow the release rule: its closed waves include every
complete response (released at close, nothing shown before), its open wave has interim
results and includes, per team, the earliest arrivals in whole steps of ``min_n``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from assess.extensions import db
from assess.models import Campaign, Response, ResponseStatus
from assess.services import release
from assess.services.lookup import campaign_by_ref

WAVE1, WAVE2, READINESS = "Maturity wave 1", "Maturity wave 2", "Transformation readiness"


@pytest.fixture
def ctx(demo_app: Flask) -> Iterator[Flask]:
    with demo_app.app_context():
        yield demo_app


def _completes(campaign: Campaign) -> dict[int, list[tuple[object, bool]]]:
    rows = db.session.execute(select(Response.team_id, Response.completed_on,
                                     Response.in_results)
                              .where(Response.campaign_id == campaign.id,
                                     Response.status == ResponseStatus.COMPLETE))
    by_team: dict[int, list[tuple[object, bool]]] = defaultdict(list)
    for team_id, day, included in rows:
        by_team[team_id].append((day, bool(included)))
    return by_team


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("name", [WAVE1, READINESS])
def test_the_closed_waves_include_every_complete_response(name: str) -> None:
    campaign = campaign_by_ref(name)
    assert not campaign.interim_results
    by_team = _completes(campaign)
    assert by_team
    assert all(included for rows in by_team.values() for _, included in rows)
    state = release.results_state(campaign)
    assert (state.visible, state.interim, state.pending_total) == (True, False, 0)
    drafts = db.session.scalars(select(Response.in_results).where(
        Response.campaign_id == campaign.id, Response.status != ResponseStatus.COMPLETE))
    assert not any(drafts)


@pytest.mark.usefixtures("ctx")
def test_the_open_wave_is_released_in_steps_of_min_n_by_arrival() -> None:
    campaign = campaign_by_ref(WAVE2)
    assert campaign.interim_results
    assert campaign.window_state() == "open"
    min_n = campaign.min_n
    by_team = _completes(campaign)
    pending_expected = {}
    for team_id, rows in by_team.items():
        included = [day for day, inc in rows if inc]
        waiting = [day for day, inc in rows if not inc]
        assert len(included) == min_n * (len(rows) // min_n), team_id
        # the earliest arrivals are in (a step never skips over a response)
        if included and waiting:
            assert max(included) <= min(waiting)
        if waiting:
            pending_expected[team_id] = len(waiting)
    state = release.results_state(campaign)
    assert (state.visible, state.interim) == (True, True)
    assert state.pending == pending_expected
    assert state.pending_total > 0  # the demo shows the "not yet included" note
    note = state.pending_note()
    assert note is not None
    assert f"steps of at least {min_n} responses" in note
    # the three-person team has none in yet, the bigger teams one step each
    assert sorted(len([1 for _, inc in rows if inc]) for rows in by_team.values()) == [
        0] + [min_n] * (len(by_team) - 1)
