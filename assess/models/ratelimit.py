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
    window_start: Mapped[dt.datetime] = mapped_column(index=True)  # for purging old rows
    count: Mapped[int] = mapped_column(default=0)
