"""Persistence: SQLAlchemy 2 typed models, one module per part of the domain."""

from .base import Base, as_utc, utcnow, utctoday
from .baseline import BaselineRecord
from .campaign import Campaign, CampaignStatus, PlaybookVersion, QuestionnaireVersion, TeamLink
from .organisation import Invitation, Membership, Organisation, Team, User
from .plan import GeneratedReport, Plan, PlanItem
from .ratelimit import RateCounter
from .response import Response, ResponseStatus, TextAnswer

__all__ = [
    "Base",
    "BaselineRecord",
    "Campaign",
    "CampaignStatus",
    "GeneratedReport",
    "Invitation",
    "Membership",
    "Organisation",
    "Plan",
    "PlanItem",
    "PlaybookVersion",
    "QuestionnaireVersion",
    "RateCounter",
    "Response",
    "ResponseStatus",
    "Team",
    "TeamLink",
    "TextAnswer",
    "User",
    "as_utc",
    "utcnow",
    "utctoday",
]
