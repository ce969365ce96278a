"""Fixed-window rate limits stored in the database, so every worker sees the same count.

Attempts are counted first, atomically, and only then acted on: requests arriving together
cannot all pass a check made before any of them was counted.

A counter keeps no more than it needs: the end of its window to the whole minute (not when
each attempt came), and nothing once its last counted attempt is taken back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from ..database import run_write
from ..extensions import db
from ..models import RateCounter, as_utc, utcnow

_MINUTE = dt.timedelta(minutes=1)


def _window_end(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    """``now + window`` rounded up to the whole minute: the window lasts at least as long,
    and the stored time says nothing finer about when the attempt came."""
    end = now + window
    whole = end.replace(second=0, microsecond=0)
    return whole if whole == end else whole + _MINUTE


def take(key: str, limit: int, window: dt.timedelta) -> bool:
    """Count one attempt under ``key``; True while the window holds at most ``limit``."""

    def work() -> int:
        now = utcnow()
        # FOR UPDATE serialises attempts on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
        row = db.session.get(RateCounter, key, with_for_update=True)
        if row is None:
            # A new key is the moment the table grows (keys are made from addresses and links
            # anyone can make up): counters whose window ended go first (an index scan).
            db.session.execute(delete(RateCounter).where(RateCounter.expires_at <= now))
            db.session.add(RateCounter(key=key, expires_at=_window_end(now, window), count=1))
            db.session.flush()
            return 1
        if as_utc(row.expires_at) <= now:
            row.expires_at = _window_end(now, window)
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
    """Take back one counted attempt (it succeeded, so it was no guess); a counter left with
    none is deleted, so that a successful attempt leaves no trace."""

    def work() -> None:
        row = db.session.get(RateCounter, key, with_for_update=True)
        if row is None:
            return
        if row.count <= 1:
            db.session.delete(row)
        else:
            row.count -= 1

    run_write(work)


def clear(key: str) -> None:
    """Forget every attempt under ``key`` (a successful sign-in, say)."""
    run_write(lambda: db.session.execute(delete(RateCounter).where(RateCounter.key == key)))
