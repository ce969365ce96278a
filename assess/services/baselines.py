"""Baselines in the database: build them from answers, import them from CSV, read them back.

Four sources (docs/scoring.md, "Baselines"): all teams of an organisation, a previous wave, all
organisations on this server (aggregates only, above thresholds), or an imported file of
respondent-level dimension scores. A baseline stores aggregates only: per dimension the
individual moments and the sorted team means.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from ..database import run_write
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..files import FileTooLarge, NotARegularFile, read_bounded
from ..models import BaselineRecord, Campaign, Organisation, QuestionnaireVersion
from ..scoring import Baseline, baseline_from_csv
from ..scoring.baseline import parse_decimal
from ..text import has_control_characters
from .answers import instrument_spec
from .lookup import resolve
from .questionnaires import definition_of

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MIN_RESPONDENTS = 30
MIN_TEAMS = 5


def baseline_of(record: BaselineRecord) -> Baseline:
    return Baseline.from_dict(record.data)


def find(ref: str, organisation: Organisation | None = None) -> BaselineRecord:
    """A stored baseline by id or name (within the organisation, or server-wide pools)."""

    def visible(record: BaselineRecord | None) -> BaselineRecord | None:
        # by id too, another organisation's baseline stays invisible
        if record is None or organisation is None:
            return record
        return record if record.organisation_id in (organisation.id, None) else None

    return resolve(
        ref, "baseline",
        lambda number: visible(db.session.get(BaselineRecord, number)),
        lambda name: [r for r in db.session.scalars(
            select(BaselineRecord).where(BaselineRecord.name == name)) if visible(r)])


def from_campaigns(campaigns: list[Campaign], *, name: str, kind: str) -> Baseline:
    """Pool what several campaigns show: organisation moments and visible team means.

    Each campaign is scored first and only its visible numbers are kept
    (:meth:`Baseline.from_campaign`), then the campaigns are merged from those aggregates. So
    a baseline never carries a team mean its wave hides, whether the team was under the
    anonymity threshold or hidden to protect another team (complementary suppression).
    """
    if not campaigns:
        raise InvalidInput("no campaign with answers to build a baseline from")
    # Imported here: the results service imports this module to look baselines up.
    from .results import campaign_result

    parts = [Baseline.from_campaign(campaign_result(c, None, with_previous=False),
                                    name=name, kind=kind) for c in campaigns]
    baseline = parts[0] if len(parts) == 1 else Baseline.merge(parts, name=name, kind=kind)
    if all(d.n == 0 for d in baseline.dimensions):
        labels = ", ".join(c.name for c in campaigns)
        raise InvalidInput(f"{labels}: no visible results to build a baseline from "
                           f"(too few complete responses)")
    return baseline


def _given_or(name: str | None, default: str) -> str:
    """The name asked for, or the default name when none was given; checked first, so that a
    bad one is refused before any work."""
    chosen = default if name is None else name
    check_name(chosen)
    return chosen


def build_from_campaign(campaign: Campaign, name: str | None = None) -> BaselineRecord:
    """A "previous wave" baseline from one campaign's respondents."""
    name = _given_or(name, f"{campaign.name} (wave)")
    baseline = from_campaigns([campaign], name=name, kind="previous_wave")
    return _store(baseline, campaign.organisation_id,
                  campaign.questionnaire_version.key, source_campaign_id=campaign.id)


def build_for_organisation(organisation: Organisation, questionnaire_key: str,
                           name: str | None = None) -> BaselineRecord:
    """An organisation baseline: every campaign of the organisation on this questionnaire."""
    name = _given_or(name, f"{organisation.name}: all teams")
    campaigns = _campaigns_on(questionnaire_key, organisation)
    baseline = from_campaigns(campaigns, name=name, kind="organisation")
    return _store(baseline, organisation.id, questionnaire_key)


def build_pool(questionnaire_key: str, name: str | None = None) -> BaselineRecord:
    """A server-wide pool: each organisation's baseline, merged from aggregates only."""
    name = _given_or(name, f"All organisations: {questionnaire_key}")
    per_org = []
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.id)):
        if organisation.is_demo:
            continue  # demo data never enters a pool of real organisations
        campaigns = _campaigns_on(questionnaire_key, organisation, required=False)
        if campaigns:
            per_org.append(from_campaigns(campaigns, name=organisation.name,
                                          kind="organisation"))
    if not per_org:
        raise InvalidInput(f"no organisation (other than demo data) has answers to "
                           f"'{questionnaire_key}'")
    pool = Baseline.merge(per_org, name=name, kind="pool")
    return _store(pool, None, questionnaire_key)


def import_csv(path: str | Path, questionnaire_key: str, name: str,
               organisation: Organisation | None) -> BaselineRecord:
    """Import respondent-level dimension scores from a CSV file (all or nothing)."""
    path = Path(path)
    check_name(name)
    text = _read_limited(path)
    problem = _unsafe_cell(text)
    if problem:
        raise InvalidInput(f"{path}: {problem}")
    version = _latest(questionnaire_key)
    definition = definition_of(version)
    spec = instrument_spec(definition)
    try:
        baseline = baseline_from_csv(text, name=name, scale=(spec.scale_min, spec.scale_max),
                                     min_team_n=spec.min_n)
    except ValueError as error:
        raise InvalidInput(f"{path}: {error}") from error
    known = {d.id for d in definition.dimensions}
    unknown = [d for d in baseline.dimension_ids if d not in known]
    if unknown:
        raise InvalidInput(f"{path}: line 1: unknown dimension ids {unknown} for questionnaire "
                           f"'{questionnaire_key}' (expected some of {sorted(known)})")
    return _store(baseline, organisation.id if organisation else None, questionnaire_key)


def _read_limited(path: Path) -> str:
    """The UTF-8 text of a regular file of at most MAX_IMPORT_BYTES (see ``files``)."""
    try:
        data = read_bounded(path, MAX_IMPORT_BYTES)
    except FileTooLarge as error:
        size = f"more than {MAX_IMPORT_BYTES}" if error.grown else str(error.size)
        raise InvalidInput(f"{path}: {size} bytes; at most {MAX_IMPORT_BYTES} are "
                           f"accepted") from error
    except NotARegularFile as error:
        raise InvalidInput(f"{path}: not a regular file") from error
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read the file ({error.strerror})") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path}: not UTF-8 text ({error.reason})") from error


#: Longest baseline name (the column's size).
MAX_NAME_LENGTH = 200


def check_name(name: str) -> None:
    """Refuse a baseline name that is empty, too long for its column, or holds control
    characters (it is shown in coach pages, reports and the CLI's listings)."""
    if not name or not name.strip():
        raise InvalidInput("the baseline name is empty; give a name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"the baseline name is {len(name)} characters long; at most "
                           f"{MAX_NAME_LENGTH} are allowed (give a shorter name)")
    if has_control_characters(name):
        raise InvalidInput("the baseline name contains control characters")


#: First characters that make a spreadsheet run a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unsafe_cell(text: str) -> str | None:
    """Why the CSV text cannot be read safely (a formula-looking cell, a malformed line)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        for cells in reader:
            for cell in cells:
                head = cell.lstrip(" ")
                if head.startswith(_FORMULA_START) and not _negative_number(head):
                    return (f"line {reader.line_num}: {cell!r} looks like a spreadsheet formula; "
                            f"give team labels and scores as plain text and numbers")
    except csv.Error as error:
        return f"line {reader.line_num}: not a readable CSV line ({error})"
    return None


def _negative_number(cell: str) -> bool:
    # "-2.5" is a number (refused later if it lies outside the scale), "-2+3" is a formula.
    return cell.startswith("-") and parse_decimal(cell.rstrip()) is not None


def usability(record: BaselineRecord) -> str | None:
    """Why the baseline cannot serve comparisons, or None when it can."""
    baseline = baseline_of(record)
    reasons = [baseline.unusable_reason(d, MIN_RESPONDENTS, MIN_TEAMS)
               for d in baseline.dimension_ids]
    reasons = [r for r in reasons if r]
    return reasons[0] if reasons else None


def _campaigns_on(key: str, organisation: Organisation, *, required: bool = True
                  ) -> list[Campaign]:
    campaigns = list(db.session.scalars(
        select(Campaign).join(QuestionnaireVersion)
        .where(Campaign.organisation_id == organisation.id, QuestionnaireVersion.key == key)
        .order_by(Campaign.id)))
    if not campaigns and required:
        raise InvalidInput(f"{organisation.name} has no campaign of '{key}'")
    return campaigns


def _latest(key: str) -> QuestionnaireVersion:
    from .questionnaires import latest_version

    return latest_version(key)


def _store(baseline: Baseline, organisation_id: int | None, questionnaire_key: str, *,
           source_campaign_id: int | None = None) -> BaselineRecord:
    # The name was checked by the caller before any work (_given_or, import_csv).
    n_respondents = max((d.n for d in baseline.dimensions), default=0)
    n_teams = max((d.team_count for d in baseline.dimensions), default=0)

    def work() -> BaselineRecord:
        clash = db.session.scalar(select(BaselineRecord).where(
            BaselineRecord.name == baseline.name,
            BaselineRecord.organisation_id.is_(None) if organisation_id is None
            else BaselineRecord.organisation_id == organisation_id))
        if clash is not None:
            raise Conflict(f"a baseline named '{baseline.name}' exists already; "
                           f"choose another name")
        record = BaselineRecord(
            organisation_id=organisation_id, name=baseline.name, kind=baseline.kind,
            questionnaire_key=questionnaire_key, source_campaign_id=source_campaign_id,
            n_respondents=n_respondents, n_teams=n_teams, data=baseline.to_dict())
        db.session.add(record)
        return record

    return run_write(work)
