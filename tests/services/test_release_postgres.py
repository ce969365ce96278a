"""Concurrent submits on a real PostgreSQL database release each step exactly once.

PostgreSQL runs the submits of one team side by side (READ COMMITTED), so a count of the
pending responses could miss a concurrent submit, and two transactions could release
overlapping sets in steps smaller than ``min_n``. The submit takes the team link's row lock
before it counts: the submits of one team serialise, each counts what the ones before it
committed, and the released set still grows in steps of at least ``min_n``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from assess import create_app
from assess.errors import Conflict
from assess.extensions import db
from assess.services import release, survey
from tests.conftest import close_database, make_config
from tests.pg import PostgresCluster
from tests.services import release_support as support

pytestmark = pytest.mark.postgres

WAIT = 20.0
MIN_N = 3


def _pg_app(instance: Path, url: str) -> Flask:
    config = make_config(instance, instance.parent / "unused.sqlite3", WTF_CSRF_ENABLED=False)
    config["SQLALCHEMY_DATABASE_URI"] = url
    return create_app(config)


@pytest.fixture
def pg_app(postgres_cluster: PostgresCluster, tmp_path: Path) -> Iterator[Flask]:
    from flask_migrate import upgrade

    url = postgres_cluster.create_database(f"assess_release_{tmp_path.name}".lower()
                                           .replace("-", "_"))
    app = _pg_app(tmp_path / "instance", url)
    with app.app_context():
        upgrade()
    yield app
    close_database(app)


@pytest.mark.parametrize("workers", [3, 5])
def test_concurrent_submits_of_one_team_release_in_steps_exactly_once(
        pg_app: Flask, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    with pg_app.app_context():
        w = support.wave(support.organisation(), teams=2, min_n=MIN_N)
        team = w.team_ids[0]
        ctx = support.context(w, team)

    steps: list[int] = []
    lock = threading.Lock()
    original = release.release_team_locked

    def slow_release(campaign_id: int, team_id: int, min_n: int) -> int:
        time.sleep(0.02)  # widen the window in which another submit could count alongside
        released = original(campaign_id, team_id, min_n)
        with lock:
            steps.append(released)
        return released

    monkeypatch.setattr(release, "release_team_locked", slow_release)

    def submit(draft: survey.Draft, barrier: threading.Barrier) -> bool:
        barrier.wait()
        with pg_app.app_context():
            return survey.submit(ctx, draft.id, draft.submit_key)

    total = 0
    for round_number in range(4):
        with pg_app.app_context():
            drafts = []
            for _ in range(workers):
                new = survey.start_response(ctx, None)
                draft = survey.find_response(ctx, new.uid, new.proof)
                assert draft is not None
                drafts.append(draft)
            db.session.commit()
        barrier = threading.Barrier(workers, timeout=WAIT)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = [f.result(timeout=WAIT) for f in
                    [pool.submit(submit, d, barrier) for d in drafts]]
        assert done == [True] * workers
        total += workers
        with pg_app.app_context():
            got = len(support.released(w, team))
            state = release.results_state(w.campaign)
        # every submit counted what the ones before it committed: never min_n pending left
        assert got == MIN_N * (total // MIN_N), (round_number, got, total)
        assert state.pending.get(team, 0) == total - got < MIN_N
    assert all(step == 0 or step >= MIN_N for step in steps), steps
    assert sum(steps) == got  # each response released once
    assert sum(1 for step in steps if step) == total // MIN_N


def test_a_close_racing_submits_keeps_the_rule(pg_app: Flask) -> None:
    """Submits of two teams and the close at once: whatever commits, each team's released
    set is a multiple of the steps and no submit completes after the close."""
    with pg_app.app_context():
        w = support.wave(support.organisation(), teams=2, min_n=MIN_N)
        contexts = {t: support.context(w, t) for t in w.team_ids}
        for t in w.team_ids:
            for _ in range(2):
                support.submit(w, t)
        drafts = []
        for t in w.team_ids:
            for _ in range(2):
                new = survey.start_response(contexts[t], None)
                draft = survey.find_response(contexts[t], new.uid, new.proof)
                assert draft is not None
                drafts.append((t, draft))
        db.session.commit()
    barrier = threading.Barrier(len(drafts) + 1, timeout=WAIT)

    def submit(team_id: int, draft: survey.Draft) -> bool:
        barrier.wait()
        with pg_app.app_context():
            try:
                return survey.submit(contexts[team_id], draft.id, draft.submit_key)
            except Conflict:
                return False

    def close() -> None:
        barrier.wait()
        with pg_app.app_context():
            support.close(w)

    with ThreadPoolExecutor(max_workers=len(drafts) + 1) as pool:
        futures = [pool.submit(submit, t, d) for t, d in drafts]
        closing = pool.submit(close)
        closing.result(timeout=WAIT)
        accepted = [f.result(timeout=WAIT) for f in futures]
    with pg_app.app_context():
        state = release.results_state(w.campaign)
        for t in w.team_ids:
            completes = 2 + sum(1 for (u, _), ok in zip(drafts, accepted, strict=True)
                                if ok and u == t)
            got = len(support.released(w, t))
            assert got in (0, MIN_N) or got == completes, (t, got, completes)
            assert state.pending.get(t, 0) == completes - got
            assert completes - got < MIN_N
