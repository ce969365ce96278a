"""Rate limits count attempts first and atomically: parallel attempts cannot slip past."""

from __future__ import annotations

import datetime as dt
import threading

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
