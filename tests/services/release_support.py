"""A small organisation for release tests: teams, a campaign with a chosen threshold, and
respondents who start a draft, answer every question and submit through the survey service."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from assess.extensions import db
from assess.models import Campaign, CampaignStatus, Organisation, Response, ResponseStatus
from assess.services import setup, survey
from assess.services.accounts import create_coach
from assess.services.questionnaires import latest_version, load_into_database
from tests.conftest import QUESTIONNAIRES

_names = iter(range(1, 10**9))


def organisation() -> Organisation:
    """Questionnaires loaded and one coach's organisation (call inside an app context)."""
    load_into_database([QUESTIONNAIRES])
    create_coach("coach@example.org", "Acme", "a-long-enough-password")
    found = db.session.scalar(select(Organisation).where(Organisation.name == "Acme"))
    assert found is not None
    return found


@dataclass
class Wave:
    campaign_id: int
    team_ids: list[int]

    @property
    def campaign(self) -> Campaign:
        found = db.session.get(Campaign, self.campaign_id, populate_existing=True)
        assert found is not None
        return found


def wave(org: Organisation, *, teams: int = 2, min_n: int = 3, interim: bool = True) -> Wave:
    """An open campaign over new teams; its threshold set to ``min_n`` directly (the set-up
    service keeps it at or above the questionnaire's 5; the rule reads whatever is stored)."""
    number = next(_names)
    team_ids = [setup.create_team(org, f"Team {number}-{i}").id for i in range(teams)]
    campaign = setup.create_campaign(org, setup.CampaignSettings(
        name=f"Wave {number}", questionnaire_id=latest_version("pmo-apo-maturity").id,
        interim_results=interim, previous=None), team_ids)
    setup.open_campaign(campaign)
    campaign.min_n = min_n
    db.session.commit()
    return Wave(campaign.id, team_ids)


def context(w: Wave, team_id: int) -> survey.LinkContext:
    link = next(link for link in w.campaign.team_links if link.team_id == team_id)
    assert link.token_hash is not None
    ctx = survey.context_for_link(link.id, link.token_hash)
    assert ctx is not None
    return ctx


def submit(w: Wave, team_id: int, rng: random.Random | None = None,
           role: str | None = None) -> int:
    """One respondent of the team answers every scored question and submits; the response id."""
    rng = rng or random.Random(0)
    ctx = context(w, team_id)
    new = survey.start_response(ctx, role)
    draft = survey.find_response(ctx, new.uid, new.proof)
    assert draft is not None
    answers = {item_id: rng.randint(1, 5) for item_id in ctx.definition.answer_columns}
    survey.save_page(ctx, draft.id, dict(answers), {}, reached=ctx.pages)
    assert survey.submit(ctx, draft.id, draft.submit_key)
    return draft.id


def released(w: Wave, team_id: int | None = None) -> set[int]:
    """The ids of the campaign's released responses (of one team)."""
    db.session.expire_all()
    query = select(Response.id).where(Response.campaign_id == w.campaign_id,
                                      Response.status == ResponseStatus.COMPLETE,
                                      Response.in_results.is_(True))
    if team_id is not None:
        query = query.where(Response.team_id == team_id)
    return set(db.session.scalars(query))


def close(w: Wave) -> None:
    setup.close_campaign(w.campaign)
    assert w.campaign.status == CampaignStatus.CLOSED
