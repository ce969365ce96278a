"""The baselines a campaign's pages can be compared with, and the ``?baseline=`` key of each.

Every coach view that shows a comparison (dashboard, team page, exports) offers the same
choice: :func:`options` lists what the campaign's organisation may use, each with its size and
whether it is large enough for percentiles and verdicts; :func:`resolve` turns the key in the
address into what :func:`assess.services.results.campaign_result` takes.

Keys:

``campaign``
    The baseline the campaign names (``Campaign.baseline_id``); the default. When it names
    none, nothing is compared.
``wave``
    The organisation's teams in this wave, built in memory from this campaign's released
    responses exactly as ``assess baseline build --from-campaign`` would build it (the
    organisation's moments and the visible team means). A page of every team at once (the
    dashboard) gets one baseline of all of them, each team among them; a team's own page
    passes ``team=`` and gets the other teams only (leave-one-out, docs/baselines.md).
``previous``
    The same, built from the previous wave (``Campaign.previous_campaign``).
``pool``
    The newest cross-organisation pool stored on this server for the questionnaire.
``stored-<id>``
    A stored baseline of the same questionnaire that this organisation may use: its own
    (built or imported) and the server-wide ones (pools, imports for every organisation).
``none``
    No comparison.

An unknown key, or a stored id that is not the organisation's to use, raises
:class:`~assess.errors.NotFound` (a 404 page), the same answer for "does not exist" and
"not yours".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import or_, select

from ..errors import NotFound
from ..extensions import db
from ..models import BaselineRecord, Campaign, Organisation, QuestionnaireVersion
from ..scoring import Baseline, BaselineDimension, CampaignResult, WaveSummary
from . import baselines
from .questionnaires import definition_of
from .results import BaselineChoice, campaign_result

#: The key of the default choice, the baseline the campaign names.
DEFAULT_KEY = "campaign"

#: Longest ``?baseline=`` value looked at; anything longer is unknown without further work.
MAX_KEY_LENGTH = 40

_STORED = re.compile(r"stored-([1-9][0-9]{0,9})")


@dataclass(frozen=True)
class BaselineOption:
    """One choice of comparison for a campaign's pages."""

    key: str             # the value of the ?baseline= query parameter
    label: str           # what the selector shows
    kind: str            # "campaign" | "wave" | "previous" | "pool" | "stored" | "none"
    n_respondents: int | None
    n_teams: int | None
    usable: bool         # big enough for percentiles and verdicts
    reason: str | None   # why not usable / unavailable, a sentence for the page
    name: str | None = None          # the baseline's own name, when there is one
    source: str | None = None        # where its numbers come from, a phrase for the page
    record_id: int | None = None     # the stored baseline, for "campaign", "pool", "stored"

    @property
    def available(self) -> bool:
        """Whether there is a baseline behind the key (else choosing it compares nothing)."""
        return self.n_respondents is not None

    @property
    def why_missing(self) -> str | None:
        """:func:`missing_reason` of this option, for templates."""
        return missing_reason(self)


# --- building ---------------------------------------------------------------------------------

def _memo() -> dict[Any, Any]:
    """Per-request memory of built baselines, so that listing the options and resolving the
    chosen one score a wave once. Outside a request nothing is remembered."""
    from flask import has_request_context, request

    if not has_request_context():
        return {}
    memo: dict[Any, Any] = request.environ.setdefault("assess.baseline_choices", {})
    return memo


def remember_summary(campaign: Campaign, result: CampaignResult) -> None:
    """Keep a result the page has already scored as this request's summary of the wave, so
    that listing the "wave" option does not score the wave a second time. A summary holds the
    visible team moments only, which do not depend on the baseline compared with."""
    _memo().setdefault(("summary", campaign.id), result.summary())


def _summary(campaign: Campaign) -> WaveSummary:
    """What the wave shows (visible team moments, the organisation's), scored once a request:
    the source of the "wave" and "previous" baselines, as for a stored wave baseline."""
    memo = _memo()
    key = ("summary", campaign.id)
    if key not in memo:
        memo[key] = campaign_result(campaign, None, with_previous=False).summary()
    summary: WaveSummary = memo[key]
    return summary


_NO_RESULTS = "it has no released results yet (too few complete responses included)"


def _built(campaign: Campaign, kind: str) -> Baseline | str:
    """The in-memory baseline of a wave, or why there is none (a sentence): the same numbers
    as ``assess baseline build --from-campaign`` stores (:func:`baselines.from_campaigns`)."""
    name = ("The organisation's teams in this wave" if kind == "organisation"
            else f"The previous wave ({campaign.name})")
    baseline = Baseline.from_campaign(_summary(campaign), name=name, kind=kind)
    if all(d.n == 0 for d in baseline.dimensions):
        return _NO_RESULTS
    return baseline


def _wave(campaign: Campaign, team: str | None = None) -> Baseline | str:
    if team is None:
        return _built(campaign, "organisation")
    return _wave_without(campaign, team)


def _wave_without(campaign: Campaign, team: str) -> Baseline | str:
    """The wave's baseline without one team (leave-one-out), for that team's own page.

    Per focus area where the team is shown: its mean leaves the team means, and its
    respondents leave the organisation's moments (exactly: ``N' = N - n``,
    ``M' = (N M - n m) / N'``, ``SS' = SS - (n - 1) s^2 - n (m - M)^2 - N' (M' - M)^2``).
    Where the team's spread is hidden (fewer than the spread threshold) only its mean leaves
    the team means; where the team is hidden nothing changes, so that the baseline never
    moves by a hidden number.
    """
    summary = _summary(campaign)
    if team not in summary.teams:
        raise NotFound("no such team in this campaign")
    row = summary.teams.index(team)
    dims = []
    for j, dim_id in enumerate(summary.dimensions):
        big_n = int(summary.organisation_n[j])
        big_m = float(summary.organisation_mean[j])
        big_s = float(summary.organisation_sd[j])
        means = summary.mean[:, j]
        keep = np.isfinite(means)
        n, m, sd = int(summary.n[row, j]), float(means[row]), float(summary.sd[row, j])
        if keep[row]:
            keep[row] = False
            rest = big_n - n
            if math.isfinite(sd) and math.isfinite(big_s) and rest > 1:
                rest_m = (big_n * big_m - n * m) / rest
                ss = ((big_n - 1) * big_s ** 2 - (n - 1) * sd ** 2 - n * (m - big_m) ** 2
                      - rest * (rest_m - big_m) ** 2)
                big_n, big_m, big_s = rest, rest_m, math.sqrt(max(ss, 0.0) / (rest - 1))
        dims.append(BaselineDimension(dim_id, big_n, big_m, big_s, means[keep]))
    baseline = Baseline(name="The organisation's other teams in this wave",
                        kind="organisation", dimensions=tuple(dims))
    if all(d.n == 0 for d in baseline.dimensions):
        return _NO_RESULTS
    return baseline


def _previous(campaign: Campaign) -> Baseline | str:
    previous = campaign.previous_campaign
    if previous is None:
        return "this campaign has no previous wave to compare with"
    return _built(previous, "previous_wave")


# --- sizes and reasons ------------------------------------------------------------------------

def _titles(campaign: Campaign) -> dict[str, str]:
    return _titles_of(campaign.questionnaire_version)


def _size(baseline: Baseline) -> tuple[int, int]:
    """Respondents and teams, as the stored baselines count them (the largest dimension)."""
    return (max((d.n for d in baseline.dimensions), default=0),
            max((d.team_count for d in baseline.dimensions), default=0))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _why_unusable(baseline: Baseline, titles: dict[str, str]) -> str | None:
    """Why the baseline gives no percentile or verdict on some focus area of the campaign."""
    lo_n = baselines.MIN_RESPONDENTS
    lo_t = baselines.MIN_TEAMS
    few_n, few_t, missing, flat = [], [], [], []
    for dim_id, title in titles.items():
        d = baseline.get(dim_id)
        if d is None:
            missing.append(title)
        elif d.n < lo_n:
            few_n.append((title, d.n))
        elif d.team_count < lo_t:
            few_t.append((title, d.team_count))
        elif not (d.sd > 0):  # NaN too
            flat.append(title)
    total = len(titles)
    if few_n:
        smallest = min(n for _, n in few_n)
        where = "" if len(few_n) == total else f" on {_areas(few_n, total)}"
        return (f"It has {_plural(smallest, 'respondent')}{where}; at least {lo_n} are "
                f"needed for percentiles and verdicts.")
    if few_t:
        smallest = min(n for _, n in few_t)
        where = "" if len(few_t) == total else f" on {_areas(few_t, total)}"
        return (f"It has {_plural(smallest, 'team')} with enough responses{where}; at least "
                f"{lo_t} are needed for a percentile among teams.")
    if missing:
        if len(missing) == total:
            return "It has no data for this questionnaire's focus areas."
        return f"It has no data for {_join(missing)}."
    if flat:
        return f"It has no spread on {_join(flat)}."
    return None


def _areas(cells: list[tuple[str, int]], total: int) -> str:
    if len(cells) <= 3:
        return _join([t for t, _ in cells])
    return f"{len(cells)} of the {total} focus areas"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _of_baseline(key: str, label: str, kind: str, baseline: Baseline | str,
                 titles: dict[str, str], *, source: str,
                 record: BaselineRecord | None = None) -> BaselineOption:
    if isinstance(baseline, str):
        sentence = baseline[0].upper() + baseline[1:]
        return BaselineOption(key, label, kind, None, None, False, sentence + ".",
                              source=source)
    n_respondents, n_teams = _size(baseline)
    if record is not None:  # the stored counts, as `assess baseline list` shows them
        n_respondents, n_teams = record.n_respondents, record.n_teams
    reason = _why_unusable(baseline, titles)
    return BaselineOption(key, label, kind, n_respondents, n_teams, reason is None, reason,
                          name=baseline.name, source=source,
                          record_id=None if record is None else record.id)


_SOURCES = {
    "organisation": "built from an organisation's campaigns",
    "previous_wave": "built from one wave",
    "pool": "pooled over the organisations on this server",
    "import": "imported from a file",
}


def source_of(record: BaselineRecord) -> str:
    """Where a stored baseline's numbers come from, a phrase for the page."""
    return _SOURCES.get(record.kind, record.kind)


def _of_record(key: str, label: str, kind: str, record: BaselineRecord,
               titles: dict[str, str]) -> BaselineOption:
    try:
        baseline: Baseline | str = baselines.baseline_of(record)
    except ValueError:
        baseline = "its stored numbers cannot be read"
    return _of_baseline(key, label, kind, baseline, titles, source=source_of(record),
                        record=record)


# --- the records an organisation may use -----------------------------------------------------

def usable_records(campaign: Campaign) -> list[BaselineRecord]:
    """Stored baselines of the campaign's questionnaire that its organisation may use, newest
    first: its own and the server-wide ones."""
    return list(db.session.scalars(
        select(BaselineRecord)
        .where(BaselineRecord.questionnaire_key == campaign.questionnaire_version.key,
               or_(BaselineRecord.organisation_id == campaign.organisation_id,
                   BaselineRecord.organisation_id.is_(None)))
        .order_by(BaselineRecord.created_at.desc(), BaselineRecord.id.desc())))


def _pool_record(records: list[BaselineRecord]) -> BaselineRecord | None:
    return next((r for r in records if r.kind == "pool" and r.organisation_id is None), None)


def _campaign_record(campaign: Campaign) -> BaselineRecord | None:
    """The baseline the campaign names, if its organisation may use it (its own or a
    server-wide one): another organisation's is never shown, whoever set it."""
    if campaign.baseline_id is None:
        return None
    record = db.session.get(BaselineRecord, campaign.baseline_id)
    if record is None or record.organisation_id not in (campaign.organisation_id, None):
        return None
    return record


# --- the interface ----------------------------------------------------------------------------

def default_key(campaign: Campaign) -> str:  # noqa: ARG001 - the same for every campaign today
    """The key a page uses when the address gives none: the campaign's own baseline."""
    return DEFAULT_KEY


def options(campaign: Campaign, *, team: str | None = None) -> list[BaselineOption]:
    """Every comparison the campaign's pages can offer, in the selector's order.

    With ``team`` (a team's name, for its own page) the "wave" option leaves that team out
    (see :func:`resolve`).
    """
    titles = _titles(campaign)
    records = usable_records(campaign)
    own = _campaign_record(campaign)
    pool = _pool_record(records)
    out: list[BaselineOption] = []

    if own is None and campaign.baseline_id is not None:
        out.append(BaselineOption(
            "campaign", "The campaign's own baseline", "campaign", None, None, False,
            "The baseline this campaign names is not available to its organisation.",
            source="named by the campaign"))
    elif own is None:
        out.append(BaselineOption(
            "campaign", "The campaign's own baseline (it names none)", "campaign", None, None,
            False, "This campaign names no baseline; choose another comparison.",
            source="named by the campaign"))
    elif own.questionnaire_key != campaign.questionnaire_version.key:
        out.append(BaselineOption(
            "campaign", f"The campaign's own baseline: {own.name}", "campaign", None, None,
            False, "The campaign's baseline belongs to another questionnaire.",
            name=own.name, source=source_of(own), record_id=own.id))
    else:
        out.append(_of_record("campaign", f"The campaign's own baseline: {own.name}",
                              "campaign", own, titles))

    out.append(_of_baseline(
        "wave", "The organisation's teams in this wave" if team is None
        else "The organisation's other teams in this wave", "wave",
        _wave(campaign, team), titles, source="this wave's released responses"))
    previous = campaign.previous_campaign
    out.append(_of_baseline(
        "previous",
        "The previous wave" + (f": {previous.name}" if previous is not None else ""),
        "previous", _previous(campaign), titles,
        source="the previous wave's released responses"))
    if pool is None:
        out.append(BaselineOption(
            "pool", "All organisations on this server (pool)", "pool", None, None, False,
            "No cross-organisation pool has been built for this questionnaire yet (an "
            "administrator builds one with the command assess baseline build --pool).",
            source="pooled over the organisations on this server"))
    else:
        out.append(_of_record("pool", f"All organisations on this server: {pool.name}",
                              "pool", pool, titles))
    shown_ids = {r.id for r in (own, pool) if r is not None}
    for record in records:
        if record.id in shown_ids:
            continue
        out.append(_of_record(f"stored-{record.id}", f"Stored: {record.name}", "stored",
                              record, titles))
    out.append(BaselineOption("none", "No comparison", "none", None, None, False,
                              "No baseline is selected.", source=None))
    return out


def option_for(campaign: Campaign, key: str | None, *, team: str | None = None
               ) -> BaselineOption:
    """The option a key names (the default for None or ""); NotFound for an unknown key."""
    chosen = _checked(campaign, key)
    for option in options(campaign, team=team):
        if option.key == chosen:
            return option
    record = _stored_record(campaign, chosen)  # listed under another key ("campaign", "pool")
    titles = _titles(campaign)
    return _of_record(chosen, f"Stored: {record.name}", "stored", record, titles)


def options_and_option(campaign: Campaign, key: str, *, team: str | None = None
                       ) -> tuple[list[BaselineOption], BaselineOption]:
    """The selector's :func:`options` and the one ``key`` names among them, for a page: a
    stored key listed under another name ("campaign", "pool") is looked up with
    :func:`option_for`, and an unknown key raises :class:`NotFound`."""
    listed = options(campaign, team=team)
    option = next((o for o in listed if o.key == key), None)
    if option is None:  # a stored key listed under another name, or unknown (404)
        option = option_for(campaign, key, team=team)
    return listed, option


def _checked(campaign: Campaign, key: str | None) -> str:
    if key is None or key == "":
        return default_key(campaign)
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH:
        raise NotFound("no such baseline")
    if key in _FIXED or _STORED.fullmatch(key):
        return key
    raise NotFound("no such baseline")


def _stored_record(campaign: Campaign, key: str) -> BaselineRecord:
    match = _STORED.fullmatch(key)
    if match is None:
        raise NotFound("no such baseline")
    number = int(match.group(1))
    if number > 2**31 - 1:
        raise NotFound("no such baseline")
    record = db.session.get(BaselineRecord, number)
    if (record is None
            or record.organisation_id not in (campaign.organisation_id, None)
            or record.questionnaire_key != campaign.questionnaire_version.key):
        raise NotFound("no such baseline")
    return record


def _resolve_campaign(campaign: Campaign, _team: str | None) -> BaselineChoice:
    own = _campaign_record(campaign)
    if own is None or own.questionnaire_key != campaign.questionnaire_version.key:
        return None  # the option says why nothing is compared
    return own


def _resolve_wave(campaign: Campaign, team: str | None) -> BaselineChoice:
    built = _wave(campaign, team)
    return None if isinstance(built, str) else built


def _resolve_previous(campaign: Campaign, _team: str | None) -> BaselineChoice:
    built = _previous(campaign)
    return None if isinstance(built, str) else built


def _resolve_pool(campaign: Campaign, _team: str | None) -> BaselineChoice:
    return _pool_record(usable_records(campaign))


_FIXED: dict[str, Callable[[Campaign, str | None], BaselineChoice]] = {
    "campaign": _resolve_campaign,
    "wave": _resolve_wave,
    "previous": _resolve_previous,
    "pool": _resolve_pool,
    "none": lambda _campaign, _team: None,
}


def resolve(campaign: Campaign, key: str | None, *, team: str | None = None
            ) -> BaselineChoice:
    """What :func:`~assess.services.results.campaign_result` takes for the key.

    None or "" mean the default (:func:`default_key`). A key whose option is unavailable (no
    previous wave, no pool yet, a campaign baseline of another questionnaire) resolves to
    None: the page compares nothing and says why (:func:`missing_reason`). Anything else
    unknown raises :class:`NotFound`.

    "wave" gives one baseline of all the wave's visible teams, for views of every team at
    once (the dashboard's grid). With ``team`` (a team's name, for that team's own page)
    it leaves the team out: the team is ranked among the other teams, and its respondents
    leave the moments where its numbers are shown (:func:`_wave_without`); an unknown team
    raises :class:`NotFound`. Other keys ignore ``team``.
    """
    chosen = _checked(campaign, key)
    if chosen in _FIXED:
        return _FIXED[chosen](campaign, team)
    return _stored_record(campaign, chosen)


def missing_reason(option: BaselineOption) -> str | None:
    """Why percentiles and verdicts are missing on a page compared with ``option``, or None
    when the baseline serves them (a focus area may still lack one: the result's
    ``baseline_notes`` says which)."""
    if option.usable:
        return None
    if option.kind == "none":
        return "No percentile or verdict: no baseline is selected."
    detail = option.reason or "The baseline is too small."
    return f"No percentile or verdict against {_lower_first(option.label)}: {detail}"


def _lower_first(label: str) -> str:
    return label[0].lower() + label[1:] if label[:4] in ("The ", "All ") else label


# --- the organisation's baselines page --------------------------------------------------------

@dataclass(frozen=True)
class StoredBaseline:
    """A stored baseline as the organisation's baselines page lists it."""

    id: int
    name: str
    kind: str
    source: str
    questionnaire_key: str
    questionnaire: str              # the questionnaire's title (its key when not loaded)
    created_at: dt.datetime
    n_respondents: int
    n_teams: int
    usable: bool
    reason: str | None
    shared: bool                    # server-wide (every organisation may use it)
    source_campaign: str | None     # the organisation's campaign it was built from


def stored_for(organisation: Organisation) -> list[StoredBaseline]:
    """The stored baselines ``organisation`` may use: its own and the server-wide ones, by
    questionnaire and newest first. Usable means: large enough on every focus area of the
    questionnaire's newest version."""
    records = list(db.session.scalars(
        select(BaselineRecord)
        .where(or_(BaselineRecord.organisation_id == organisation.id,
                   BaselineRecord.organisation_id.is_(None)))
        .order_by(BaselineRecord.questionnaire_key, BaselineRecord.created_at.desc(),
                  BaselineRecord.id.desc())))
    campaigns = {c.id: c.name for c in organisation.campaigns}
    versions: dict[str, QuestionnaireVersion | None] = {}
    rows = []
    for record in records:
        key = record.questionnaire_key
        if key not in versions:
            versions[key] = db.session.scalar(
                select(QuestionnaireVersion).where(QuestionnaireVersion.key == key)
                .order_by(QuestionnaireVersion.version.desc()).limit(1))
        version = versions[key]
        reason: str | None
        try:
            baseline = baselines.baseline_of(record)
        except ValueError:
            reason = "Its stored numbers cannot be read."
        else:
            titles = (_titles_of(version) if version is not None
                      else {d: d for d in baseline.dimension_ids})
            reason = _why_unusable(baseline, titles)
        rows.append(StoredBaseline(
            record.id, record.name, record.kind, source_of(record), key,
            str(version.title) if version is not None else key, record.created_at,
            record.n_respondents, record.n_teams, reason is None, reason,
            record.organisation_id is None,
            campaigns.get(record.source_campaign_id) if record.source_campaign_id else None))
    return rows


def _titles_of(version: QuestionnaireVersion) -> dict[str, str]:
    definition = definition_of(version)
    return {d.id: str(d.title.get(definition.language)) for d in definition.dimensions}
