"""Fixed-window rate limits stored in the database, so every worker sees the same count."""

from __future__ import annotations

import datetime as dt

from ..database import run_write
from ..extensions import db
from ..models import RateCounter, as_utc, utcnow


def over_limit(key: str, limit: int, window: dt.timedelta) -> bool:
    """Whether ``key`` has used up its ``limit`` attempts in the current window (no write)."""
    row = db.session.get(RateCounter, key)
    if row is None or as_utc(row.window_start) + window <= utcnow():
        return False
    return row.count >= limit


def record_attempt(key: str, window: dt.timedelta) -> None:
    """Count one attempt under ``key`` (a failed guess, say)."""

    def work() -> None:
        now = utcnow()
        row = db.session.get(RateCounter, key)
        if row is None:
            db.session.add(RateCounter(key=key, window_start=now, count=1))
        elif as_utc(row.window_start) + window <= now:
            row.window_start = now
            row.count = 1
        else:
            row.count += 1

    run_write(work)
