"""Campaigns with answers for the team page's tests, built through the models and services.

``build(app, teams)`` makes a coach, an organisation and a closed maturity campaign whose
teams have the given respondents: per team a list of roles (None for no role), each
respondent answering at random (a fixed seed), with free-text comments where asked.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assess import answer_codec
from assess.extensions import db
from assess.models import (
    Campaign,
    CampaignStatus,
    Organisation,
    Response,
    ResponseStatus,
    Team,
    TeamLink,
    TextAnswer,
    utcnow,
)
from assess.security import token_hash
from assess.services import links
from assess.services.accounts import create_coach
from assess.services.questionnaires import definition_of, latest_version, load_into_database
from tests.conftest import QUESTIONNAIRES

PASSWORD = "correct horse battery"
MATURITY = "pmo-apo-maturity"


@dataclass(frozen=True)
class TeamSpec:
    roles: Sequence[str | None]
    comments: Sequence[str] = ()      # one comment each for the first len(comments) people
    level: float = 3.0
    dont_know: float = 0.05           # share of likert answers that are "don't know"


@dataclass(frozen=True)
class Built:
    email: str
    campaign_id: int
    team_ids: dict[str, int]
    organisation_id: int
    extra: dict[str, int] = field(default_factory=dict)

    def url(self, team: str, query: str = "") -> str:
        return (f"/coach/campaigns/{self.campaign_id}/results/teams/{self.team_ids[team]}"
                + (f"?{query}" if query else ""))


def build(app: Flask, teams: dict[str, TeamSpec], *, email: str = "coach@example.org",
          organisation: str = "Acme", campaign: str = "Wave 1", seed: int = 7,
          status: str = CampaignStatus.CLOSED, min_n_comments: int = 10,
          key: str = MATURITY, interim: bool = False, released: bool = True) -> Built:
    rng = np.random.default_rng(seed)
    with app.app_context():
        load_into_database([QUESTIONNAIRES])
        create_coach(email, organisation, PASSWORD)
        org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        assert org is not None
        version = latest_version(key)
        definition = definition_of(version)
        now = utcnow()
        wave = Campaign(organisation=org, name=campaign, status=status,
                        questionnaire_version=version, min_n_comments=min_n_comments,
                        interim_results=interim,
                        opens_at=now - dt.timedelta(days=20),
                        closes_at=now + dt.timedelta(days=(14 if status == CampaignStatus.OPEN
                                                           else -1)))
        db.session.add(wave)
        items = definition.answer_items
        columns = definition.answer_columns
        text_items = [i for d in definition.dimensions for i in d.text_items]
        for name, spec in teams.items():
            team = db.session.scalar(select(Team).where(Team.organisation_id == org.id,
                                                        Team.name == name))
            if team is None:
                team = Team(organisation=org, name=name)
                db.session.add(team)
            link = TeamLink(campaign=wave, team=team)
            links.issue_token(link)
            db.session.add(link)
            for person, role in enumerate(spec.roles):
                answers: dict[str, answer_codec.Answer] = {}
                offset = rng.normal(0, 0.7)
                for item in items:
                    if item.type == "rubric":
                        answers[item.id] = int(rng.integers(1, 6))
                    elif rng.random() < spec.dont_know:
                        answers[item.id] = answer_codec.DONT_KNOW_VALUE
                    else:
                        answers[item.id] = int(np.clip(np.rint(
                            spec.level + offset + rng.normal(0, 0.8)), 1, 5))
                response = Response(
                    uid=secrets.token_hex(16), campaign=wave, team=team,
                    questionnaire_version=version, role=role,
                    status=ResponseStatus.COMPLETE,
                    browser_key_hash=token_hash(secrets.token_hex(16)),
                    submit_key=secrets.token_hex(16), page=len(definition.dimensions),
                    values=answer_codec.encode(columns, answers), answered=len(answers),
                    completed_on=now.date(), in_results=released)
                db.session.add(response)
                if person < len(spec.comments) and text_items:
                    item = text_items[person % len(text_items)]
                    response.texts.append(TextAnswer(item_id=item.id,
                                                     text=spec.comments[person]))
        db.session.commit()
        ids = {link.team.name: link.team_id for link in wave.team_links}
        return Built(email, wave.id, ids, org.id)


def signed_in(app: Flask, email: str = "coach@example.org") -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- reading the page -------------------------------------------------------------------------

class _Values(HTMLParser):
    """Every ``data-field`` element inside each ``data-dimension`` block, with its value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.found: list[tuple[str | None, str | None, dict[str, str | None], str]] = []
        self._open: list[tuple[int, dict[str, str | None], list[str]]] = []

    def _context(self, name: str) -> str | None:
        for _tag, attrs in reversed(self.stack):
            if name in attrs:
                return attrs[name]
        return None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        self.stack.append((tag, attrs))
        if "data-field" in attrs:
            self._open.append((len(self.stack), attrs, []))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            depth = len(self.stack)
            if self._open and self._open[-1][0] == depth:
                _, attrs, text = self._open.pop()
                self.found.append((self._context("data-dimension"), self._context("data-role"),
                                   attrs, "".join(text).strip()))
            popped, _ = self.stack.pop()
            if popped == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)


@dataclass(frozen=True)
class Shown:
    dimension: str | None
    role: str | None
    field: str
    value: str | None   # data-value (full precision), where given
    text: str           # what the page shows


def shown_values(html: str) -> list[Shown]:
    parser = _Values()
    parser.feed(html)
    return [Shown(d, r, str(a["data-field"]), a.get("data-value"), t)
            for d, r, a, t in parser.found]


def area(html: str, dimension: str) -> str:
    """The HTML of one focus area's card."""
    found = re.search(rf'<article class="card area" id="area-{re.escape(dimension)}".*?</article>',
                      html, re.S)
    assert found is not None, dimension
    return found.group(0)


DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+")


def decimals_in(html: str) -> list[str]:
    """Every decimal number in the page outside the stylesheet links (coordinates in SVG
    included)."""
    return DECIMAL.findall(html)
