"""Responses and their answers.

Scored answers are packed into one small binary value per response (one signed byte per
answer item of the questionnaire version, in the definition's ``answer_items`` order), so a
campaign of 100,000 responses loads as a NumPy array in milliseconds instead of seconds.
Free-text answers are rows of their own.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utctoday

if TYPE_CHECKING:
    from .campaign import Campaign, QuestionnaireVersion
    from .organisation import Team


class ResponseStatus:
    DRAFT = "draft"
    COMPLETE = "complete"


class Response(Base):
    """One respondent's answers to one campaign, a draft until submitted exactly once.

    Anonymous responses keep no IP, user agent, token or time of day: dates only. ``uid`` is
    random, so identifiers shown to coaches do not reveal the order of arrival.
    """

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_campaign_status", "campaign_id", "status", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    role: Mapped[str | None] = mapped_column(String(100), default=None)
    status: Mapped[str] = mapped_column(String(10), default=ResponseStatus.DRAFT)
    # Hash of the secret kept in the respondent's browser session (resume on the same device).
    browser_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the short code shown on each page (resume on another device).
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # The idempotency key of the final submit: NOT NULL and unique, set when the draft starts.
    submit_key: Mapped[str] = mapped_column(String(32), unique=True)
    page: Mapped[int] = mapped_column(default=0)
    values: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    answered: Mapped[int] = mapped_column(default=0)
    started_on: Mapped[dt.date] = mapped_column(default=utctoday)
    updated_on: Mapped[dt.date] = mapped_column(default=utctoday)
    completed_on: Mapped[dt.date | None] = mapped_column(default=None)
    # Counted in the shown results of a campaign with interim results: complete responses
    # join them per team in steps of at least min_n (docs/anonymity.md).
    in_results: Mapped[bool] = mapped_column(Boolean, default=False)

    campaign: Mapped[Campaign] = relationship()
    team: Mapped[Team] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    texts: Mapped[list[TextAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class TextAnswer(Base):
    """A free-text answer. Never scored; shown to coaches only above the comment threshold."""

    __tablename__ = "text_answer"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="texts")
