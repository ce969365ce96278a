"""Fixed-window rate limits stored in the database, so every worker sees the same count.

Attempts are counted first, atomically, and only then acted on: requests arriving together
cannot all pass a check made before any of them was counted.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from ..database import run_write
from ..extensions import db
from ..models import RateCounter, as_utc, utcnow

#: Counters idle this long are deleted (or after the longest window in use, if longer): keys
#: are made from addresses and links anyone can make up, so the table must not grow without end.
PURGE_AFTER = dt.timedelta(days=2)


def _purge_age(window: dt.timedelta) -> dt.timedelta:
    """How old a counter must be to go: older than every window a counter may have (this
    call's, the configured sign-in lock-out, two days)."""
    login = dt.timedelta(seconds=int(current_app.config.get("LOGIN_LOCK_SECONDS", 0)))
    return max(PURGE_AFTER, window, login)


def take(key: str, limit: int, window: dt.timedelta) -> bool:
    """Count one attempt under ``key``; True while the window holds at most ``limit``."""

    def work() -> int:
        now = utcnow()
        # FOR UPDATE serialises attempts on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
        row = db.session.get(RateCounter, key, with_for_update=True)
        if row is None:
            # A new key is the moment the table grows: old counters go first (an index scan),
            # never one whose window may still be running.
            db.session.execute(delete(RateCounter).where(
                RateCounter.window_start < now - _purge_age(window)))
            db.session.add(RateCounter(key=key, window_start=now, count=1))
            db.session.flush()
            return 1
        if as_utc(row.window_start) + window <= now:
            row.window_start = now
            row.count = 1
        else:
            row.count += 1
        return row.count

    try:
        count = run_write(work)
    except IntegrityError:
        # Two first attempts inserted the same key at once (PostgreSQL): count again.
        db.session.rollback()
        count = run_write(work)
    return count <= limit


def forgive(key: str) -> None:
    """Take back one counted attempt (it succeeded, so it was no guess)."""

    def work() -> None:
        row = db.session.get(RateCounter, key, with_for_update=True)
        if row is not None and row.count > 0:
            row.count -= 1

    run_write(work)


def clear(key: str) -> None:
    """Forget every attempt under ``key`` (a successful sign-in, say)."""
    run_write(lambda: db.session.execute(delete(RateCounter).where(RateCounter.key == key)))
