"""What a coach sees: organisations, campaigns and participation, scoped to the coach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select

from ..errors import NotFound
from ..extensions import db
from ..models import Campaign, CampaignStatus, Membership, Organisation, Team, User
from . import links, setup
from .questionnaires import definition_of

S = TypeVar("S", bound=Select[Any])


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
class TeamBrief:
    id: int
    name: str
    parent: str | None
    headcount: int | None


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    is_demo: bool
    campaigns: tuple[CampaignRow, ...]
    teams: tuple[TeamBrief, ...] = ()


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
        rows.append(OrganisationRow(org.id, org.name, org.is_demo, tuple(campaigns),
                                    teams_of(org)))
    return rows


def teams_of(org: Organisation) -> tuple[TeamBrief, ...]:
    """The organisation's teams by name, with their parent's name and headcount."""
    return tuple(TeamBrief(t.id, t.name, t.parent.name if t.parent else None, t.headcount)
                 for t in sorted(org.teams, key=lambda t: t.name))


def _may_see_every_organisation(user: User) -> bool:
    """An enabled administrator reads and manages every organisation's workspace (pages
    with an id in their address); a coach only those of its memberships."""
    return user.role == "admin" and user.is_enabled


def _scoped(statement: S, organisation_id: Any, user: User) -> S:
    """``statement`` limited to the organisations ``user`` may see (matched on
    ``organisation_id``, the statement's organisation column)."""
    if _may_see_every_organisation(user):
        return statement
    return statement.where(organisation_id.in_(
        select(Membership.organisation_id).where(Membership.user_id == user.id)))


def organisation_for(user: User, organisation_id: int) -> Organisation:
    """One of the coach's organisations (any, for an administrator); NotFound for anything
    else (no existence oracle)."""
    org = db.session.scalar(_scoped(
        select(Organisation).where(Organisation.id == organisation_id), Organisation.id, user))
    if org is None:
        raise NotFound("no such organisation")
    return org


def team_for(user: User, team_id: int) -> Team:
    """A team of one of the coach's organisations (any, for an administrator); NotFound
    otherwise."""
    team = db.session.scalar(_scoped(
        select(Team).where(Team.id == team_id), Team.organisation_id, user))
    if team is None:
        raise NotFound("no such team")
    return team


@dataclass(frozen=True)
class ParticipationRow:
    """One team of a campaign: its link and how many started and completed (counts only)."""

    team_id: int
    name: str
    url: str | None
    started: int
    completed: int
    headcount: int | None
    min_n: int

    @property
    def rate(self) -> float | None:
        """Completed responses per person in the team, when its headcount is known."""
        return self.completed / self.headcount if self.headcount else None

    @property
    def below_threshold(self) -> bool:
        return self.completed < self.min_n


@dataclass(frozen=True)
class Totals:
    started: int
    completed: int
    headcount: int | None  # None when some team's headcount is unknown
    unknown_headcounts: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.headcount if self.headcount else None


@dataclass(frozen=True)
class CampaignView:
    id: int
    organisation_id: int
    organisation: str
    name: str
    questionnaire: str
    questionnaire_key: str
    version: int
    estimated_minutes: int | None
    status: str
    window_state: str
    opens: dt.date | None
    closes: dt.date | None
    min_n: int
    min_n_comments: int
    interim_results: bool
    previous: str | None
    is_demo: bool
    teams: tuple[ParticipationRow, ...]
    totals: Totals
    addable_teams: tuple[TeamBrief, ...]

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED


def campaign_view(user: User, campaign_id: int) -> CampaignView:
    """A campaign of the coach's: settings, team links and participation per team."""
    campaign = campaign_for(user, campaign_id)
    counts = links.participation(campaign)
    rows = []
    for link in sorted(campaign.team_links, key=lambda lk: lk.team.name):
        token = links.current_token(link)
        count = counts.get(link.team_id, {"started": 0, "completed": 0})
        rows.append(ParticipationRow(
            link.team_id, link.team.name, links.link_url(token) if token else None,
            count["started"], count["completed"], link.team.headcount, campaign.min_n))
    unknown = sum(1 for r in rows if r.headcount is None)
    totals = Totals(sum(r.started for r in rows), sum(r.completed for r in rows),
                    None if unknown or not rows else sum(r.headcount or 0 for r in rows),
                    unknown)
    present = {r.team_id for r in rows}
    version = campaign.questionnaire_version
    previous = campaign.previous_campaign
    return CampaignView(
        campaign.id, campaign.organisation_id, campaign.organisation.name, campaign.name,
        str(version.title), version.key, version.version,
        definition_of(version).estimated_minutes, campaign.status, campaign.window_state(),
        setup.opens_on(campaign), setup.closes_on(campaign), campaign.min_n,
        campaign.min_n_comments, campaign.interim_results,
        previous.name if previous else None, campaign.is_demo, tuple(rows), totals,
        tuple(t for t in teams_of(campaign.organisation) if t.id not in present))


@dataclass(frozen=True)
class Invitation:
    """What a printed invitation sheet for one team says."""

    campaign: CampaignView
    team: str
    team_id: int
    url: str
    qr_svg: str


def invitation(user: User, campaign_id: int, team_id: int) -> Invitation:
    """The invitation sheet of a team with a working link; NotFound otherwise."""
    view = campaign_view(user, campaign_id)
    row = next((r for r in view.teams if r.team_id == team_id), None)
    if row is None:
        raise NotFound("no such team in this campaign")
    if row.url is None or view.is_closed:
        raise NotFound("this team has no working link")
    return Invitation(view, row.name, row.team_id, row.url,
                      links.qr_svg(row.url, f"QR code of the survey link for {row.name}"))


def campaign_for(user: User, campaign_id: int) -> Campaign:
    """A campaign of one of the coach's organisations (any, for an administrator); NotFound for
    anything else.

    The same answer for "does not exist" and "not yours": no existence oracle.
    """
    campaign = db.session.scalar(_scoped(
        select(Campaign).where(Campaign.id == campaign_id), Campaign.organisation_id, user))
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
