"""Coaching plans for a team in a campaign, and the PDFs generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow


class Plan(Base):
    """A coach's plan for one team after one campaign: targets, ranking inputs, notes."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("campaign_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | final
    # Per dimension: target level, importance and urgency the coach set (ranking inputs).
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    formula: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    coach_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanItem.rank"
    )
    reports: Mapped[list[GeneratedReport]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class PlanItem(Base):
    """One playbook action in a plan, as proposed and then accepted, rejected or edited."""

    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[str] = mapped_column(String(100))
    dimension_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    rank: Mapped[int] = mapped_column(default=0)
    horizon: Mapped[int] = mapped_column(default=30)
    edited_text: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="items")


class GeneratedReport(Base):
    """A rendered coaching-plan PDF, kept with the seed that reproduces it."""

    __tablename__ = "generated_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    seed: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="reports")
