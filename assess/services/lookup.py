"""Find campaigns and teams by id or by name, as the CLI accepts either."""

from __future__ import annotations

from sqlalchemy import select

from ..converters import row_id
from ..errors import NotFound
from ..extensions import db
from ..models import Campaign, Organisation, Team


def campaign_by_ref(ref: str) -> Campaign:
    """The campaign whose id or (unique) name is ``ref``."""
    ref = ref.strip()
    campaign_id = row_id(ref)
    if campaign_id is not None:
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is not None:
            return campaign
    matches = list(db.session.scalars(select(Campaign).where(Campaign.name == ref)))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = ", ".join(str(c.id) for c in matches)
        raise NotFound(f"several campaigns are named '{ref}' (ids {ids}); give the id")
    raise NotFound(f"no campaign with id or name '{ref}'")


def team_in_campaign(campaign: Campaign, ref: str) -> Team:
    """A team of the campaign, by id or name."""
    ref = ref.strip()
    team_id = row_id(ref)
    for link in campaign.team_links:
        if link.team_id == team_id or link.team.name == ref:
            return link.team
    raise NotFound(f"campaign '{campaign.name}' has no team with id or name '{ref}'")


def organisation_by_name(name: str) -> Organisation:
    clean = " ".join(name.split())
    org = db.session.scalar(select(Organisation).where(Organisation.name == clean))
    if org is None:
        raise NotFound(f"no organisation named '{clean}'")
    return org
