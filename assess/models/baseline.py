"""Stored baselines: reference populations that teams are compared against."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class BaselineRecord(Base):
    """A baseline's aggregates (individual moments and sorted team means per dimension).

    ``organisation_id`` is NULL for a cross-organisation pool, which holds aggregates only.
    """

    __tablename__ = "baseline"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # organisation | previous_wave | pool | import
    kind: Mapped[str] = mapped_column(String(20))
    questionnaire_key: Mapped[str] = mapped_column(String(100))
    # The campaign it was built from, kept as a plain id (no foreign key): campaigns already
    # point at baselines, and a baseline must outlive the campaign it was computed from.
    source_campaign_id: Mapped[int | None] = mapped_column(default=None)
    n_respondents: Mapped[int] = mapped_column(default=0)
    n_teams: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
