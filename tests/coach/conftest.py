"""Coach workspaces built through the services: an organisation, its coach, a campaign, teams."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from assess.extensions import db
from assess.models import Campaign, CampaignStatus, Organisation, Team, TeamLink, utcnow
from assess.services import links
from assess.services.accounts import create_coach
from assess.services.questionnaires import latest_version, load_into_database
from tests.conftest import QUESTIONNAIRES

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Workspace:
    email: str
    organisation: str
    campaign: str
    campaign_id: int
    team_ids: dict[str, int]
    tokens: dict[str, str]

    @property
    def login(self) -> dict[str, str]:
        return {"email": self.email, "password": PASSWORD}


def make_workspace(app: Flask, email: str, organisation: str, campaign: str,
                   teams: list[str], *, status: str = CampaignStatus.OPEN) -> Workspace:
    """A coach of ``organisation`` with one campaign (readiness questionnaire) over ``teams``."""
    with app.app_context():
        load_into_database([QUESTIONNAIRES])
        create_coach(email, organisation, PASSWORD)
        org = db.session.scalar(select(Organisation).where(
            Organisation.name == " ".join(organisation.split())))
        assert org is not None
        now = utcnow()
        wave = Campaign(organisation=org, name=campaign, status=status,
                        questionnaire_version=latest_version("transformation-readiness"),
                        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=14))
        db.session.add(wave)
        tokens = {}
        for name in teams:
            team = Team(organisation=org, name=name)
            link = TeamLink(campaign=wave, team=team)
            tokens[name] = links.issue_token(link)
            db.session.add_all([team, link])
        db.session.commit()
        team_ids = {link.team.name: link.team_id for link in wave.team_links}
        return Workspace(email, org.name, campaign, wave.id, team_ids, tokens)
