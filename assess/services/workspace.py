"""What a coach sees: organisations, campaigns and participation, scoped to the coach."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..models import Campaign, Membership, Organisation, Team, User
from . import links


@dataclass(frozen=True)
class TeamRow:
    team_id: int
    name: str
    url: str | None
    started: int
    completed: int
    min_n: int

    @property
    def below_threshold(self) -> bool:
        return self.completed < self.min_n


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    questionnaire: str
    version: int
    status: str
    window_state: str
    is_demo: bool
    teams: tuple[TeamRow, ...]

    @property
    def completed(self) -> int:
        return sum(t.completed for t in self.teams)


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    is_demo: bool
    campaigns: tuple[CampaignRow, ...]


def organisations_of(user: User) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).join(Membership).where(Membership.user_id == user.id)
        .order_by(Organisation.name)))


def home_overview(user: User) -> list[OrganisationRow]:
    """The coach's organisations with their campaigns, team links and participation."""
    rows = []
    for org in organisations_of(user):
        campaigns = []
        for campaign in db.session.scalars(
                select(Campaign).where(Campaign.organisation_id == org.id)
                .order_by(Campaign.created_at.desc(), Campaign.id.desc())):
            counts = links.participation(campaign)
            teams = []
            for link in sorted(campaign.team_links, key=lambda lk: lk.team.name):
                token = links.current_token(link)
                count = counts.get(link.team_id, {"started": 0, "completed": 0})
                url = links.link_url(token) if token else None
                teams.append(TeamRow(link.team_id, link.team.name, url, count["started"],
                                     count["completed"], campaign.min_n))
            campaigns.append(CampaignRow(
                campaign.id, campaign.name, str(campaign.questionnaire_version.title),
                campaign.questionnaire_version.version, campaign.status,
                campaign.window_state(), campaign.is_demo, tuple(teams)))
        rows.append(OrganisationRow(org.id, org.name, org.is_demo, tuple(campaigns)))
    return rows


def campaign_for(user: User, campaign_id: int) -> Campaign:
    """A campaign of one of the coach's organisations; NotFound for anything else.

    The same answer for "does not exist" and "not yours": no existence oracle.
    """
    campaign = db.session.scalar(
        select(Campaign).join(Membership, Membership.organisation_id == Campaign.organisation_id)
        .where(Campaign.id == campaign_id, Membership.user_id == user.id))
    if campaign is None:
        raise NotFound("no such campaign")
    return campaign


def campaign_team_for(user: User, campaign_id: int, team_id: int) -> tuple[Campaign, Team]:
    """A team of a campaign the coach may manage; NotFound otherwise."""
    campaign = campaign_for(user, campaign_id)
    for link in campaign.team_links:
        if link.team_id == team_id:
            return campaign, link.team
    raise NotFound("no such team in this campaign")
