"""Setting up a workspace: teams, and campaigns from draft to open to closed.

Every function takes objects the caller may manage (the web layer finds them through
:mod:`assess.services.workspace`, scoped to the coach; the command line by reference),
validates everything before the write transaction opens, and raises :class:`FieldError`
(an :class:`~assess.errors.InvalidInput` naming the field at fault), :class:`Conflict` for
a state that forbids the change, or :class:`NotFound`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select

from ..database import run_write
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import (
    Campaign,
    CampaignStatus,
    Organisation,
    QuestionnaireVersion,
    Response,
    Team,
    TeamLink,
    utcnow,
)
from ..models.base import as_utc
from ..text import has_control_characters, shown
from . import links, release
from .lookup import resolve
from .questionnaires import definition_of

NAME_MAX = 200
HEADCOUNT_MAX = 100_000
#: No threshold below this, whatever a questionnaire file says.
MIN_N_FLOOR = 3
MIN_N_MAX = 1000
#: Dates a campaign window may use: far enough for any real wave, small enough to be sane.
FIRST_YEAR, LAST_YEAR = 2000, 2100

#: ``previous`` of :func:`create_campaign`: the latest closed wave of the same questionnaire.
LATEST: Literal["latest"] = "latest"
Previous = int | None | Literal["latest"]

_COUNT = re.compile(r"[0-9]{1,9}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUESTIONNAIRE_REF = re.compile(r"([a-z0-9][a-z0-9._-]{0,99})(?::([0-9]{1,9}))?")


class FieldError(InvalidInput):
    """Input refused, with the name of the form field (or CLI option) it came from."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- values people type ----------------------------------------------------------------------

def clean_name(value: str, what: str, field: str = "name") -> str:
    """A one-line name as organisations have them: trimmed, inner whitespace runs made one
    space, 1-200 characters, no control, format or separator characters (a line break or a
    tab is refused, not folded: it never belongs in a name)."""
    if has_control_characters(value):
        raise FieldError(field, f"The {what} name contains control characters.")
    clean = " ".join(value.split())
    if not clean:
        raise FieldError(field, f"The {what} name is empty.")
    if len(clean) > NAME_MAX:
        raise FieldError(field, f"The {what} name is longer than {NAME_MAX} characters.")
    return clean


def parse_count(text: str | int | None, field: str, what: str, *, low: int,
                high: int) -> int | None:
    """A whole number typed in ASCII digits within [low, high]; None when left empty.

    Signs, decimals, exponents, underscores and non-ASCII digits (full-width, Arabic-Indic),
    which Python's ``int`` would take, are refused.
    """
    if text is None:
        return None
    if isinstance(text, int):
        number = text
    else:
        text = text.strip()
        if not text:
            return None
        if not _COUNT.fullmatch(text):
            raise FieldError(field, f"The {what} must be a whole number from {low} to {high:,}; "
                                    f"got '{shown(text)}'.")
        number = int(text)
    if not low <= number <= high:
        raise FieldError(field, f"The {what} must be a whole number from {low} to {high:,}; "
                                f"got {number}.")
    return number


def parse_date(text: str | dt.date | None, field: str, what: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD, ASCII digits) between the years 2000 and 2100; None if empty."""
    if text is None or isinstance(text, dt.date):
        value = text
    else:
        text = text.strip()
        if not text:
            return None
        if not _DATE.fullmatch(text):
            raise FieldError(field, f"The {what} must be a date as YYYY-MM-DD; "
                                    f"got '{shown(text)}'.")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise FieldError(field, f"The {what} '{shown(text)}' is not a date in the "
                                    "calendar.") from None
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise FieldError(field, f"The {what} must be between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


def start_of(day: dt.date) -> dt.datetime:
    """Midnight UTC at the start of ``day``."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def opens_on(campaign: Campaign) -> dt.date | None:
    """The first day of the window (UTC), as the coach gave it."""
    return as_utc(campaign.opens_at).date() if campaign.opens_at else None


def closes_on(campaign: Campaign) -> dt.date | None:
    """The last day of the window (UTC): it closes at the end of that day."""
    if campaign.closes_at is None:
        return None
    return (as_utc(campaign.closes_at) - dt.timedelta(microseconds=1)).date()


# --- teams -----------------------------------------------------------------------------------

def team_in_organisation(organisation: Organisation, ref: str) -> Team:
    """A team of the organisation by id or name (for the command line)."""
    teams = list(organisation.teams)
    return resolve(
        ref, "team",
        lambda number: next((t for t in teams if t.id == number), None),
        lambda name: [t for t in teams if t.name == " ".join(name.split())],
        where=f" in organisation '{shown(organisation.name)}'")


def _check_parent(organisation_id: int, team_id: int | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Team, parent_id)
    if parent is None or parent.organisation_id != organisation_id:
        raise FieldError("parent", "The parent team is not a team of this organisation.")
    # Walk up from the new parent: meeting the team itself would close a loop.
    seen: set[int] = set()
    node: Team | None = parent
    while node is not None and node.id not in seen:
        if team_id is not None and node.id == team_id:
            raise FieldError("parent", "A team cannot be inside itself or one of its own "
                                       "sub-teams.")
        seen.add(node.id)
        node = db.session.get(Team, node.parent_id) if node.parent_id is not None else None


def _check_unique_team(organisation_id: int, name: str, team_id: int | None) -> None:
    clash = db.session.scalar(select(Team.id).where(Team.organisation_id == organisation_id,
                                                    Team.name == name))
    if clash is not None and clash != team_id:
        raise FieldError("name", f"The organisation already has a team named '{shown(name)}'.")


def create_team(organisation: Organisation, name: str, *, parent_id: int | None = None,
                headcount: str | int | None = None) -> Team:
    """Add a team to the organisation and commit."""
    clean = clean_name(name, "team")
    people = parse_count(headcount, "headcount", "headcount", low=1, high=HEADCOUNT_MAX)
    org_id = organisation.id
    _check_parent(org_id, None, parent_id)
    _check_unique_team(org_id, clean, None)

    def work() -> Team:
        _check_unique_team(org_id, clean, None)
        team = Team(organisation_id=org_id, name=clean, parent_id=parent_id, headcount=people)
        db.session.add(team)
        db.session.flush()
        return team

    return run_write(work)


def update_team(team: Team, name: str, *, parent_id: int | None,
                headcount: str | int | None) -> Team:
    """Rename a team, move it under another parent (or none), set its headcount; commit."""
    clean = clean_name(name, "team")
    people = parse_count(headcount, "headcount", "headcount", low=1, high=HEADCOUNT_MAX)
    team_id, org_id = team.id, team.organisation_id
    _check_parent(org_id, team_id, parent_id)
    _check_unique_team(org_id, clean, team_id)

    def work() -> Team:
        fresh = db.session.get(Team, team_id)
        if fresh is None:
            raise NotFound("no such team")
        _check_parent(org_id, team_id, parent_id)
        _check_unique_team(org_id, clean, team_id)
        fresh.name, fresh.parent_id, fresh.headcount = clean, parent_id, people
        return fresh

    return run_write(work)


# --- campaigns -------------------------------------------------------------------------------

def questionnaire_by_ref(ref: str) -> QuestionnaireVersion:
    """A loaded questionnaire version from ``KEY`` (its latest version) or ``KEY:VERSION``."""
    match = _QUESTIONNAIRE_REF.fullmatch(ref.strip())
    if match is None:
        raise FieldError("questionnaire", f"'{shown(ref)}' is not a questionnaire as KEY or "
                                          "KEY:VERSION.")
    key, version = match.group(1), match.group(2)
    query = select(QuestionnaireVersion).where(QuestionnaireVersion.key == key)
    if version is not None:
        query = query.where(QuestionnaireVersion.version == int(version))
    found = db.session.scalar(query.order_by(QuestionnaireVersion.version.desc()).limit(1))
    if found is None:
        raise FieldError("questionnaire", f"No loaded questionnaire '{shown(ref.strip())}'; "
                                          "see 'assess load-questionnaires'.")
    return found


def questionnaire_choices() -> list[QuestionnaireVersion]:
    """Every loaded questionnaire version, by key and newest version first."""
    return list(db.session.scalars(select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.key, QuestionnaireVersion.version.desc())))


def closed_campaigns(organisation_id: int, key: str | None = None,
                     exclude: int | None = None) -> list[Campaign]:
    """Closed campaigns of the organisation (of one questionnaire key), latest first."""
    query = (select(Campaign).join(QuestionnaireVersion)
             .where(Campaign.organisation_id == organisation_id,
                    Campaign.status == CampaignStatus.CLOSED))
    if key is not None:
        query = query.where(QuestionnaireVersion.key == key)
    if exclude is not None:
        query = query.where(Campaign.id != exclude)
    rows = list(db.session.scalars(query))
    earliest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda c: (as_utc(c.closes_at) if c.closes_at else earliest,
                                       c.id), reverse=True)


def _previous_id(organisation_id: int, version: QuestionnaireVersion, previous: Previous,
                 campaign_id: int | None) -> int | None:
    if previous is None:
        return None
    candidates = closed_campaigns(organisation_id, version.key, exclude=campaign_id)
    if previous == LATEST:
        return candidates[0].id if candidates else None
    if not any(c.id == previous for c in candidates):
        raise FieldError("previous", "The previous wave must be a closed campaign of this "
                                     f"organisation with the questionnaire '{version.key}'.")
    return int(previous)


def previous_by_ref(organisation: Organisation, ref: str | None) -> Previous:
    """``--previous``: None (absent) is the latest closed wave, 'none' is none, else a
    campaign of the organisation by id or name."""
    if ref is None:
        return LATEST
    if ref.strip().lower() == "none":
        return None
    campaigns = list(organisation.campaigns)
    found = resolve(ref, "campaign",
                    lambda number: next((c for c in campaigns if c.id == number), None),
                    lambda name: [c for c in campaigns if c.name == name],
                    where=f" in organisation '{shown(organisation.name)}'")
    return found.id


def _min_n(value: str | int | None, version: QuestionnaireVersion) -> int:
    floor = max(MIN_N_FLOOR, definition_of(version).anonymity.min_n)
    number = parse_count(value, "min_n", "anonymity threshold", low=floor, high=MIN_N_MAX)
    return floor if number is None else number


def _thresholds(min_n: int, version: QuestionnaireVersion) -> tuple[int, int]:
    anonymity = definition_of(version).anonymity
    return max(anonymity.min_n_comments, min_n), max(anonymity.min_n_spread, min_n)


def _window(opens: str | dt.date | None,
            closes: str | dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    first = parse_date(opens, "opens", "opening date")
    last = parse_date(closes, "closes", "closing date")
    if first is not None and last is not None and last <= first:
        raise FieldError("closes", "The closing date must be after the opening date.")
    closes_at = start_of(last + dt.timedelta(days=1)) if last is not None else None
    if closes_at is not None and closes_at <= utcnow():
        raise FieldError("closes", "The closing date has passed.")
    return (start_of(first) if first is not None else None), closes_at


def _check_unique_campaign(organisation_id: int, name: str, campaign_id: int | None) -> None:
    clash = db.session.scalar(select(Campaign.id).where(
        Campaign.organisation_id == organisation_id, Campaign.name == name))
    if clash is not None and clash != campaign_id:
        raise FieldError("name", "The organisation already has a campaign named "
                                 f"'{shown(name)}'.")


def _teams_of(organisation_id: int, team_ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(team_ids))
    found = set(db.session.scalars(select(Team.id).where(Team.organisation_id == organisation_id,
                                                         Team.id.in_(wanted))))
    if len(found) != len(wanted):
        raise FieldError("teams", "Every team must be a team of this organisation.")
    return wanted


@dataclass(frozen=True)
class CampaignSettings:
    """What a coach sets on a campaign, as typed (validated by the functions below)."""

    name: str
    questionnaire_id: int
    opens: str | dt.date | None = None
    closes: str | dt.date | None = None
    min_n: str | int | None = None
    interim_results: bool = False
    previous: Previous = LATEST


def create_campaign(organisation: Organisation, settings: CampaignSettings,
                    team_ids: Sequence[int] = ()) -> Campaign:
    """A draft campaign over some of the organisation's teams, each with a link; commit."""
    org_id = organisation.id
    name = clean_name(settings.name, "campaign")
    version = db.session.get(QuestionnaireVersion, settings.questionnaire_id)
    if version is None:
        raise FieldError("questionnaire", "Choose a loaded questionnaire.")
    opens_at, closes_at = _window(settings.opens, settings.closes)
    min_n = _min_n(settings.min_n, version)
    min_n_comments, min_n_spread = _thresholds(min_n, version)
    teams = _teams_of(org_id, team_ids)
    previous_id = _previous_id(org_id, version, settings.previous, None)
    _check_unique_campaign(org_id, name, None)
    version_id = version.id

    def work() -> Campaign:
        _check_unique_campaign(org_id, name, None)
        campaign = Campaign(organisation_id=org_id, questionnaire_version_id=version_id,
                            name=name, status=CampaignStatus.DRAFT, opens_at=opens_at,
                            closes_at=closes_at, min_n=min_n, min_n_comments=min_n_comments,
                            min_n_spread=min_n_spread,
                            interim_results=bool(settings.interim_results),
                            previous_campaign_id=previous_id)
        db.session.add(campaign)
        for team_id in teams:
            link = TeamLink(campaign=campaign, team_id=team_id)
            links.issue_token(link)
            db.session.add(link)
        db.session.flush()
        return campaign

    return run_write(work)


def has_responses(campaign: Campaign) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Response)
                                  .where(Response.campaign_id == campaign.id)))


def update_campaign(campaign: Campaign, settings: CampaignSettings) -> Campaign:
    """Change a draft or open campaign's settings and commit.

    The questionnaire and the opening date change only while it is a draft; the anonymity
    threshold is never lowered once a response exists; a closed campaign changes no more.
    """
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict("A closed campaign cannot be changed.")
    campaign_id, org_id = campaign.id, campaign.organisation_id
    name = clean_name(settings.name, "campaign")
    version = db.session.get(QuestionnaireVersion, settings.questionnaire_id)
    if version is None:
        raise FieldError("questionnaire", "Choose a loaded questionnaire.")
    draft = campaign.status == CampaignStatus.DRAFT
    if version.id != campaign.questionnaire_version_id and not draft:
        raise FieldError("questionnaire", "The questionnaire changes only while the campaign "
                                          "is a draft.")
    first = parse_date(settings.opens, "opens", "opening date")
    if not draft and first != opens_on(campaign):
        raise FieldError("opens", "The opening date changes only while the campaign is a "
                                  "draft.")
    opens_at, closes_at = _window(first, settings.closes)
    if not draft:
        opens_at = campaign.opens_at
    min_n = _min_n(settings.min_n, version)
    answered = has_responses(campaign)
    if answered and min_n < campaign.min_n:
        raise FieldError("min_n", "The anonymity threshold cannot be lowered once responses "
                                  f"exist (it is {campaign.min_n}).")
    min_n_comments, min_n_spread = _thresholds(min_n, version)
    if answered:  # never lower what an answered campaign promised
        min_n_comments = max(min_n_comments, campaign.min_n_comments)
        min_n_spread = max(min_n_spread, campaign.min_n_spread)
    previous_id = _previous_id(org_id, version, settings.previous, campaign_id)
    _check_unique_campaign(org_id, name, campaign_id)
    version_id = version.id

    def work() -> Campaign:
        fresh = _fresh(campaign_id)
        if fresh.status == CampaignStatus.CLOSED:
            raise Conflict("A closed campaign cannot be changed.")
        fresh.name, fresh.questionnaire_version_id = name, version_id
        fresh.opens_at, fresh.closes_at = opens_at, closes_at
        fresh.min_n, fresh.min_n_comments, fresh.min_n_spread = (min_n, min_n_comments,
                                                                 min_n_spread)
        fresh.interim_results = bool(settings.interim_results)
        fresh.previous_campaign_id = previous_id
        return fresh

    return run_write(work)


def _fresh(campaign_id: int) -> Campaign:
    fresh = db.session.get(Campaign, campaign_id, populate_existing=True)
    if fresh is None:
        raise NotFound("no such campaign")
    return fresh


def add_teams(campaign: Campaign, team_ids: Sequence[int]) -> list[str]:
    """Add teams of the campaign's organisation (while draft or open), each with a new link;
    commit. Teams already in the campaign keep their link. Returns the added teams' names."""
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict("Teams cannot be added to a closed campaign.")
    if not team_ids:
        raise FieldError("teams", "Choose at least one team.")
    campaign_id = campaign.id
    wanted = _teams_of(campaign.organisation_id, team_ids)

    def work() -> list[str]:
        fresh = _fresh(campaign_id)
        if fresh.status == CampaignStatus.CLOSED:
            raise Conflict("Teams cannot be added to a closed campaign.")
        present = {link.team_id for link in fresh.team_links}
        added = []
        for team_id in wanted:
            if team_id in present:
                continue
            link = TeamLink(campaign=fresh, team_id=team_id)
            links.issue_token(link)
            db.session.add(link)
            team = db.session.get(Team, team_id)
            added.append(team.name if team else str(team_id))
        return added

    return run_write(work)


def open_campaign(campaign: Campaign) -> Campaign:
    """Draft -> open, with at least one team and a window that has not ended; commit."""
    campaign_id = campaign.id

    def work() -> Campaign:
        fresh = _fresh(campaign_id)
        if fresh.status == CampaignStatus.OPEN:
            raise Conflict(f"Campaign '{shown(fresh.name)}' is open already.")
        if fresh.status == CampaignStatus.CLOSED:
            raise Conflict(f"Campaign '{shown(fresh.name)}' is closed; a closed campaign "
                           "cannot open again.")
        if not fresh.team_links:
            raise Conflict(f"Campaign '{shown(fresh.name)}' has no team yet: add at least "
                           "one before opening it.")
        if fresh.closes_at is not None and as_utc(fresh.closes_at) <= utcnow():
            raise Conflict(f"The window of campaign '{shown(fresh.name)}' has ended: set a "
                           "later closing date first.")
        fresh.status = CampaignStatus.OPEN
        return fresh

    return run_write(work)


def close_campaign(campaign: Campaign) -> Campaign:
    """Open -> closed, for good; the window ends now if it was to end later; the final
    results are released (:func:`assess.services.release.release_in_transaction`). Commit."""
    campaign_id = campaign.id

    def work() -> Campaign:
        fresh = _fresh(campaign_id)
        if fresh.status == CampaignStatus.CLOSED:
            raise Conflict(f"Campaign '{shown(fresh.name)}' is closed already.")
        if fresh.status == CampaignStatus.DRAFT:
            raise Conflict(f"Campaign '{shown(fresh.name)}' is a draft: open it before "
                           "closing it.")
        now = utcnow()
        fresh.status = CampaignStatus.CLOSED
        if fresh.closes_at is None or as_utc(fresh.closes_at) > now:
            fresh.closes_at = now
        db.session.flush()
        # The final numbers, in the same transaction: each team's pending responses by the
        # step rule of services.release (docs/anonymity.md).
        release.release_in_transaction(campaign_id)
        return fresh

    return run_write(work)


def campaign_summary(campaign: Campaign) -> dict[str, object]:
    """The campaign as the command line prints it with --json (stable keys)."""
    version = campaign.questionnaire_version
    rows = links.link_rows(campaign)
    return {
        "id": campaign.id,
        "organisation": campaign.organisation.name,
        "name": campaign.name,
        "questionnaire": version.key,
        "questionnaire_version": version.version,
        "status": campaign.status,
        "opens": _iso(opens_on(campaign)),
        "closes": _iso(closes_on(campaign)),
        "opens_at": _iso(as_utc(campaign.opens_at) if campaign.opens_at else None),
        "closes_at": _iso(as_utc(campaign.closes_at) if campaign.closes_at else None),
        "min_n": campaign.min_n,
        "min_n_comments": campaign.min_n_comments,
        "interim_results": campaign.interim_results,
        "previous_campaign": campaign.previous_campaign_id,
        "teams": [{"team": row["team"], "url": row["url"]} for row in rows],
    }


def team_summary(team: Team) -> dict[str, object]:
    """The team as the command line prints it with --json (stable keys)."""
    return {"id": team.id, "organisation": team.organisation.name, "name": team.name,
            "parent": team.parent.name if team.parent else None, "headcount": team.headcount}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
