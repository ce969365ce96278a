"""Frozen instrument versions, assessment waves (campaigns) and the teams' links into them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, as_utc, utcnow

if TYPE_CHECKING:
    from .organisation import Organisation, Team


class QuestionnaireVersion(Base):
    """One version of an instrument, frozen: its canonical definition and content hash.

    Loading a changed file under the same key and version is refused; answers always stay tied
    to the version they answered.
    """

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    # Deferred: read only when a definition is not yet cached (see services.questionnaires).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    source_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlaybookVersion(Base):
    """The coaching playbook that goes with a questionnaire, frozen like it."""

    __tablename__ = "playbook_version"
    __table_args__ = (UniqueConstraint("questionnaire_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CampaignStatus:
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ALL = (DRAFT, OPEN, CLOSED)


class Campaign(Base):
    """An assessment wave: one questionnaire version answered by some teams in a window."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=CampaignStatus.DRAFT)
    opens_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closes_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Anonymous campaigns keep no identity; a campaign with answers cannot change this.
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    min_n: Mapped[int] = mapped_column(default=5)
    min_n_comments: Mapped[int] = mapped_column(default=10)
    min_n_spread: Mapped[int] = mapped_column(default=5)
    # Results shown while the campaign is open, in steps of at least min_n new responses
    # per team (docs/anonymity.md); without it, results appear when the campaign closes.
    interim_results: Mapped[bool] = mapped_column(Boolean, default=False)
    # The earlier wave this one is compared with, and the baseline it is scored against.
    previous_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), default=None
    )
    baseline_id: Mapped[int | None] = mapped_column(
        ForeignKey("baseline.id", ondelete="SET NULL"), default=None
    )
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="campaigns")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    previous_campaign: Mapped[Campaign | None] = relationship(remote_side="Campaign.id")
    team_links: Mapped[list[TeamLink]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    def window_state(self, now: dt.datetime | None = None) -> str:
        """'draft', 'not_open', 'open' or 'closed', from the status and the window."""
        return window_state(self.status, self.opens_at, self.closes_at, now)


def window_state(status: str, opens_at: dt.datetime | None, closes_at: dt.datetime | None,
                 now: dt.datetime | None = None) -> str:
    """Where a campaign stands: 'draft', 'not_open', 'open' or 'closed'."""
    now = now or utcnow()
    if status == CampaignStatus.DRAFT:
        return "draft"
    if status == CampaignStatus.CLOSED:
        return "closed"
    if opens_at is not None and now < as_utc(opens_at):
        return "not_open"
    if closes_at is not None and now >= as_utc(closes_at):
        return "closed"
    return "open"


class TeamLink(Base):
    """A team's place in a campaign and its shared link. Only the token's hash is stored."""

    __tablename__ = "team_link"
    __table_args__ = (UniqueConstraint("campaign_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    # The link token is HMAC(secret key, nonce): the database alone cannot produce it (only its
    # hash is stored for lookup), while the server can show the coach the link again.
    token_nonce: Mapped[str | None] = mapped_column(String(64), default=None)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    token_created_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    campaign: Mapped[Campaign] = relationship(back_populates="team_links")
    team: Mapped[Team] = relationship()
