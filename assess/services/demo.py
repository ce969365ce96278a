"""Demo data: one organisation with simulated answers, labelled as demo everywhere.

The random model (fixed seed, so every installation gets the same demo):

* Each team has a profile: a general maturity ``level`` (on the 1-5 scale), a ``pmo`` and an
  ``apo`` leaning added to PMO- resp. APO-oriented items, a person spread ``spread`` (SD of the
  respondents' offsets) and, for one team, a split into two camps (``divided``), which gives
  low agreement on purpose.
* Each dimension gets a small fixed effect drawn once (some areas are harder than others).
* A respondent's answer to a likert item is ``round(level + dimension effect + leaning +
  person offset + item noise)``, clipped to the scale, then mirrored for reverse-keyed items
  (so reverse items measure the same thing). Noise SD is 0.6. Three per cent of answers are
  "don't know" (more in portfolio and strategy, which teams often cannot judge).
* The rubric answer is the rounded level plus noise (SD 0.7), clipped to 1-5.
* The second maturity wave adds a team-specific improvement to ``level``.
* One team has only three members: under the anonymity threshold, so results stay hidden,
  and one more team is hidden with it wherever its numbers could be worked out from the
  organisation's total (complementary suppression). Seven teams leave five visible, enough
  for the first wave to serve as the second wave's baseline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import delete, func, select

from .. import answer_codec
from ..database import run_write
from ..definitions import Questionnaire
from ..extensions import db
from ..models import (
    Campaign,
    CampaignStatus,
    Membership,
    Organisation,
    Response,
    ResponseStatus,
    Team,
    TeamLink,
    TextAnswer,
    User,
    utcnow,
)
from ..security import hash_password, token_hash
from . import links, release
from .questionnaires import definition_of, latest_version, load_into_database

DEMO_ORGANISATION = "Northwind Demo (demo data)"
DEMO_EMAIL = "demo.coach@example.org"
SEED = 20261125


@dataclass(frozen=True)
class TeamProfile:
    name: str
    size: int
    level: float
    pmo: float
    apo: float
    spread: float
    divided: bool = False
    improvement: float = 0.3


PROFILES = (
    TeamProfile("Atlas (portfolio office)", 9, 3.3, 0.7, -0.6, 0.45, improvement=0.15),
    TeamProfile("Beacon (platform team)", 10, 3.6, -0.5, 0.7, 0.40, improvement=0.45),
    TeamProfile("Comet (customer apps)", 8, 3.1, 0.3, 0.3, 0.45, improvement=0.5),
    TeamProfile("Delta (data services)", 7, 2.2, -0.4, -0.3, 0.50, improvement=0.3),
    TeamProfile("Ember (finance systems)", 8, 2.9, 0.2, 0.0, 0.35, divided=True),
    TeamProfile("Fjord (design studio)", 3, 3.0, -0.2, 0.4, 0.40),
    TeamProfile("Granite (infrastructure)", 6, 2.7, 0.4, -0.2, 0.45, improvement=0.35),
)

_COMMENTS = (
    "We need clearer priorities from the portfolio board.",
    "Retrospectives help, but actions rarely get done.",
    "Reporting takes a lot of time for little benefit.",
    "More coaching for product owners would help.",
    "Tools are fine; the way we use them is not.",
    "Decisions wait too long for approval.",
    "Lessons learned are written but never read.",
    "Training budget is the first thing that gets cut.",
)


def ensure_demo(*, reset: bool = False, only_if_empty: bool = False) -> dict[str, Any] | None:
    """Create the demo organisation when missing (or anew with ``reset``); describe it.

    With ``only_if_empty``, nothing is created when the database holds any other
    organisation, and None is returned (an installation with real data stays untouched).
    """
    org = _demo_organisation()
    if org is None and only_if_empty:
        if db.session.scalar(select(func.count()).select_from(Organisation)):
            return None
    if org is None or reset:
        # Load first: a questionnaire problem must stop the command before anything is
        # deleted.
        _ensure_questionnaires()
    if reset and org is not None:
        _delete_demo()
        org = None
    if org is None:
        password = secrets.token_urlsafe(12)
        _create_demo(password)
        _attach_baseline()
        _save_credentials(password)
    return _describe_existing()


def _demo_organisation() -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))


def _ensure_questionnaires() -> None:
    load_into_database([current_app.config["QUESTIONNAIRE_DIR"]])


def _delete_demo() -> None:
    def work() -> None:
        org = _demo_organisation()
        if org is None:
            return
        campaign_ids = select(Campaign.id).where(Campaign.organisation_id == org.id)
        response_ids = select(Response.id).where(Response.campaign_id.in_(campaign_ids))
        db.session.execute(delete(TextAnswer).where(TextAnswer.response_id.in_(response_ids)))
        db.session.execute(delete(Response).where(Response.campaign_id.in_(campaign_ids)))
        # Decide before the organisation goes: its memberships vanish with it (autoflush), and
        # a demo coach who also works for a real organisation must keep the account.
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
        only_demo = user is not None and all(m.organisation_id == org.id
                                             for m in user.memberships)
        db.session.delete(org)
        if only_demo:
            db.session.delete(user)

    run_write(work)


def _credentials_path() -> Path:
    return Path(current_app.instance_path) / "demo-credentials.json"


def _save_credentials(password: str) -> None:
    path = _credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"email": DEMO_EMAIL, "password": password}, handle)


def _demo_password() -> str:
    """The saved demo password; when the file is gone, a new password is set and saved."""
    try:
        saved = json.loads(_credentials_path().read_text())
        if saved.get("email") == DEMO_EMAIL and isinstance(saved.get("password"), str):
            return saved["password"]
    except (FileNotFoundError, ValueError):
        pass
    password = secrets.token_urlsafe(12)
    password_hash = hash_password(password)  # before the write lock: Argon2 takes a while

    def work() -> None:
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
        if user is not None:
            user.password_hash = password_hash
            user.session_version += 1

    run_write(work)
    _save_credentials(password)
    return password


def _create_demo(password: str) -> None:
    rng = np.random.default_rng(SEED)
    maturity = latest_version("pmo-apo-maturity")
    readiness = latest_version("transformation-readiness")
    now = utcnow()
    password_hash = hash_password(password)  # before the write lock: Argon2 takes a while

    def work() -> None:
        org = Organisation(name=DEMO_ORGANISATION, is_demo=True)
        db.session.add(org)
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
        if user is None:
            user = User(email=DEMO_EMAIL, display_name="Demo Coach",
                        password_hash=password_hash)
            db.session.add(user)
        else:
            user.password_hash = password_hash
        db.session.add(Membership(user=user, organisation=org, role="owner"))
        teams = [Team(organisation=org, name=p.name) for p in PROFILES]
        db.session.add_all(teams)
        db.session.flush()

        wave1 = _campaign(org, maturity, "Maturity wave 1", CampaignStatus.CLOSED,
                          now - dt.timedelta(days=200), now - dt.timedelta(days=180))
        readiness_wave = _campaign(org, readiness, "Transformation readiness",
                                   CampaignStatus.CLOSED, now - dt.timedelta(days=60),
                                   now - dt.timedelta(days=45))
        wave2 = _campaign(org, maturity, "Maturity wave 2", CampaignStatus.OPEN,
                          now - dt.timedelta(days=7), now + dt.timedelta(days=21))
        # Interim results, so that a new user sees results that move in steps as well as
        # the final ones of a closed wave.
        wave2.interim_results = True
        wave2.previous_campaign = wave1
        db.session.flush()
        definition = definition_of(maturity)
        effects = rng.normal(0.0, 0.25, size=len(definition.dimensions))
        for campaign, extra, drafts in ((wave1, 0.0, False), (wave2, 1.0, True)):
            for team, profile in zip(teams, PROFILES, strict=True):
                _simulate_team(rng, campaign, team, profile, definition, effects,
                               improvement=extra * profile.improvement, with_drafts=drafts)
        r_definition = definition_of(readiness)
        r_effects = rng.normal(0.0, 0.3, size=len(r_definition.dimensions))
        for team, profile in zip(teams, PROFILES, strict=True):
            _simulate_team(rng, readiness_wave, team, profile, r_definition, r_effects,
                           improvement=0.0, with_drafts=False)
        # The closed waves' final numbers, released as a close releases them.
        db.session.flush()
        for campaign in (wave1, readiness_wave):
            release.release_in_transaction(campaign.id)

    run_write(work)


def _attach_baseline() -> None:
    """Score the open wave against the closed one, so the demo shows baseline comparisons."""
    from .baselines import build_from_campaign

    org = _demo_organisation()
    if org is None:
        return
    by_name = {c.name: c for c in org.campaigns}
    record = build_from_campaign(by_name["Maturity wave 1"], "Maturity wave 1 (demo baseline)")
    wave2_id, record_id = by_name["Maturity wave 2"].id, record.id

    def work() -> None:
        campaign = db.session.get(Campaign, wave2_id)
        if campaign is not None:
            campaign.baseline_id = record_id

    run_write(work)


def _campaign(org: Organisation, version: Any, name: str, status: str, opens: dt.datetime,
              closes: dt.datetime) -> Campaign:
    definition = definition_of(version)
    campaign = Campaign(organisation=org, questionnaire_version=version, name=name,
                        status=status, opens_at=opens, closes_at=closes, is_demo=True,
                        min_n=definition.anonymity.min_n,
                        min_n_comments=definition.anonymity.min_n_comments,
                        min_n_spread=definition.anonymity.min_n_spread)
    db.session.add(campaign)
    for team in org.teams:
        link = TeamLink(campaign=campaign, team=team)
        links.issue_token(link)
        db.session.add(link)
    return campaign


def _simulate_team(rng: np.random.Generator, campaign: Campaign, team: Team,
                   profile: TeamProfile, definition: Questionnaire, effects: np.ndarray,
                   *, improvement: float, with_drafts: bool) -> None:
    items = definition.answer_items
    item_ids = definition.answer_columns
    dim_index = {d.id: i for i, d in enumerate(definition.dimensions)}
    dim_of = {item.id: d.id for d in definition.dimensions for item in d.items}
    roles = [str(r) for r in definition.roles]
    size = profile.size
    offsets = rng.normal(0.0, profile.spread, size=size)
    if profile.divided:
        offsets += np.where(np.arange(size) % 2 == 0, 0.9, -0.9)
    opened = campaign.opens_at or utcnow()
    arrivals: list[tuple[dt.date, int, Response]] = []
    for person in range(size):
        answers: dict[str, answer_codec.Answer] = {}
        for item in items:
            dimension = dim_of[item.id]
            if item.type == "rubric":
                level = profile.level + improvement + rng.normal(0.0, 0.7)
                answers[item.id] = int(np.clip(np.rint(level), 1, len(definition.levels)))
                continue
            scale = definition.scales[item.scale or ""]  # not a rubric: a likert item
            dont_know_rate = 0.08 if dimension in {"portfolio", "strategy"} else 0.03
            if scale.dont_know and rng.random() < dont_know_rate:
                answers[item.id] = answer_codec.DONT_KNOW_VALUE
                continue
            leaning = {"pmo": profile.pmo, "apo": profile.apo}.get(item.orientation, 0.0)
            latent = (profile.level + improvement + effects[dim_index[dimension]] + leaning
                      + offsets[person] + rng.normal(0.0, 0.6))
            value = int(np.clip(np.rint(latent), scale.min, scale.max))
            if item.reverse:
                value = scale.min + scale.max - value
            answers[item.id] = value
        complete = not (with_drafts and person == size - 1 and size > 5)
        if not complete:  # an unfinished draft: only the first dimensions answered
            keep = set(item_ids[: len(item_ids) // 3])
            answers = {k: v for k, v in answers.items() if k in keep}
        day = (opened + dt.timedelta(days=int(rng.integers(0, 10)))).date()
        response = Response(
            uid=secrets.token_hex(16), campaign=campaign, team=team,
            questionnaire_version=campaign.questionnaire_version,
            role=_demo_role(roles, person),
            status=ResponseStatus.COMPLETE if complete else ResponseStatus.DRAFT,
            browser_key_hash=token_hash(secrets.token_hex(16)),
            submit_key=secrets.token_hex(16),
            page=len(definition.dimensions) if complete else 2,
            values=answer_codec.encode(item_ids, answers), answered=len(answers),
            started_on=day, updated_on=day, completed_on=day if complete else None,
        )
        arrivals.append((day, person, response))
        if complete:
            for item in (i for d in definition.dimensions for i in d.text_items):
                if rng.random() < 0.35:
                    text = _COMMENTS[int(rng.integers(0, len(_COMMENTS)))]
                    response.texts.append(TextAnswer(item_id=item.id, text=text))
    # The responses arrive in the order of their days; with interim results each submit
    # releases the team's pending ones by the same rule as a respondent's submit.
    for _day, _person, response in sorted(arrivals, key=lambda a: (a[0], a[1])):
        db.session.add(response)
        if campaign.interim_results and response.status == ResponseStatus.COMPLETE:
            db.session.flush()
            release.release_team_locked(campaign.id, team.id, campaign.min_n)


def _demo_role(roles: list[str], person: int) -> str | None:
    """The first respondent of each team answers as its lead, the others as members."""
    if len(roles) < 2:
        return roles[0] if roles else None
    return roles[1] if person == 0 else roles[0]


def _describe_existing() -> dict[str, Any]:
    org = _demo_organisation()
    if org is None:
        raise LookupError("demo organisation missing after creation")
    password = _demo_password()
    campaigns = []
    for campaign in org.campaigns:
        teams = []
        for link in sorted(campaign.team_links, key=lambda lk: lk.team.name):
            token = links.current_token(link)
            teams.append({"name": link.team.name,
                          "url": links.link_url(token) if token else None})
        campaigns.append({
            "id": campaign.id,
            "name": campaign.name,
            "questionnaire": campaign.questionnaire_version.key,
            "status": campaign.status,
            "teams": teams,
        })
    return {
        "coach": {"email": DEMO_EMAIL, "password": password},
        "organisation": {"name": org.name},
        "campaigns": campaigns,
        "demo": True,
    }


def describe(info: dict[str, Any]) -> str:
    """Human-readable summary for the terminal."""
    lines = [
        "Demo data (simulated answers, not real teams):",
        f"  organisation: {info['organisation']['name']}",
        f"  coach login:  {info['coach']['email']}  password: {info['coach']['password']}",
    ]
    for campaign in info["campaigns"]:
        lines.append(f"  campaign {campaign['id']}: {campaign['name']} "
                     f"({campaign['questionnaire']}, {campaign['status']})")
        if campaign["status"] == CampaignStatus.OPEN:
            for team in campaign["teams"]:
                lines.append(f"    {team['name']}: {team['url']}")
    return "\n".join(lines)
