"""Rate limits count attempts first and atomically: parallel attempts cannot slip past."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select, update

from assess.extensions import db
from assess.models import RateCounter, utcnow
from assess.services import ratelimit

WINDOW = dt.timedelta(minutes=15)


def test_parallel_attempts_are_allowed_exactly_up_to_the_limit(app) -> None:
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(12)

    def attempt() -> None:
        with app.app_context():
            barrier.wait()
            allowed = ratelimit.take("resume:1", 5, WINDOW)
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True] * 5


def test_forgiven_and_cleared_attempts_no_longer_count(app) -> None:
    with app.app_context():
        for _ in range(3):
            assert ratelimit.take("k", 3, WINDOW)
        ratelimit.forgive("k")
        assert ratelimit.take("k", 3, WINDOW)
        assert not ratelimit.take("k", 3, WINDOW)
        ratelimit.clear("k")
        assert ratelimit.take("k", 3, WINDOW)
        assert ratelimit.take("other", 1, WINDOW)  # keys are independent


def test_ended_counters_are_purged_when_a_new_key_arrives(app) -> None:
    """Keys come from addresses anyone can make up: counters do not pile up."""
    with app.app_context():
        for i in range(5):
            ratelimit.take(f"login:old{i}", 5, WINDOW)
        ratelimit.take("login:recent", 5, WINDOW)
        db.session.execute(update(RateCounter).where(RateCounter.key.like("login:old%"))
                           .values(expires_at=utcnow() - dt.timedelta(minutes=1)))
        db.session.commit()
        ratelimit.take("login:old0", 5, WINDOW)  # an existing key: a new window, no purge
        assert len(db.session.scalars(select(RateCounter.key)).all()) == 6
        ratelimit.take("login:new", 5, WINDOW)
        keys = set(db.session.scalars(select(RateCounter.key)))
        assert keys == {"login:old0", "login:recent", "login:new"}


def test_a_counter_inside_a_long_window_is_kept(app) -> None:
    """A lock-out of a week started three days ago survives a purge made by a new key with a
    window of 15 minutes (each counter keeps its own end)."""
    week = dt.timedelta(days=7)
    with app.app_context():
        for _ in range(6):
            ratelimit.take("login:victim", 5, week)
        db.session.execute(update(RateCounter).where(RateCounter.key == "login:victim")
                           .values(expires_at=utcnow() + dt.timedelta(days=4)))
        db.session.commit()
        ratelimit.take("resume:new-link", 10, dt.timedelta(minutes=15))
        assert "login:victim" in set(db.session.scalars(select(RateCounter.key)))
        assert not ratelimit.take("login:victim", 5, week)  # still locked
