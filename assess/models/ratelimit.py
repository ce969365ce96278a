"""Counters for rate limits that must hold across several app workers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RateCounter(Base):
    """Attempts counted under one key (e.g. resume-code guesses on one team link)."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    # When the counting window ends: attempts count until then, and an ended counter carries
    # nothing (the next attempt starts a new window), so it may be deleted.
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    count: Mapped[int] = mapped_column(default=0)
