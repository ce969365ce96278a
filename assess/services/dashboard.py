"""A campaign's dashboard: every team and roll-up by focus area, the organisation's profile,
readiness, and how far the numbers can be trusted - as plain values and SVG charts.

:func:`dashboard` scores the campaign once through :func:`assess.services.results.
campaign_result`, rolls teams up into their parent teams (:func:`assess.scoring.rollup.
score_rollups`, with the protection of hidden teams), adjusts the verdicts over the whole
grid (:func:`assess.scoring.rollup.grid_verdicts`), and computes the instrument's quality with
the item-level library of :mod:`assess.scoring` on the same released responses. Everything is
in arrays over teams and focus areas: no query or scoring call per team or cell.

Nothing here imports Flask: the PDF can build the same view. Every value of a hidden cell is
None here already, so a template cannot show it by mistake.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import select

from ..definitions import Questionnaire
from ..extensions import db
from ..models import BaselineRecord, Campaign, QuestionnaireVersion, Team
from ..reports.charts import (
    Chart,
    HeatCell,
    heat_map,
    heat_map_cells,
    radar,
    radar_axes,
    readiness_matrix,
    readiness_placements,
)
from ..reports.charts.matrix import matrix_cell
from ..scoring import (
    ITEM_REST_FLAG_THRESHOLD,
    Baseline,
    CampaignResult,
    GroupScores,
    InstrumentSpec,
    ScoringWarning,
    cronbach_alpha,
    icc1,
    icc2,
    item_rest_correlations,
    omega_total,
    respondent_scores,
    reverse_key,
)
from ..scoring.rollup import Rollups, grid_verdicts, score_rollups
from . import baselines, release
from .answers import CampaignAnswers, instrument_spec, load_answers, team_names
from .questionnaires import definition_of
from .release import ResultsState
from .results import CAMPAIGN_BASELINE, BaselineChoice, campaign_result, choose_baseline

HIDDEN = "not enough responses"
COMPLEMENTARY = "hidden to protect a smaller team"
VALUES: tuple[str, ...] = ("level", "mean", "difference")
VALUE_LABELS = {"level": "maturity level", "mean": "mean (1-5)",
                "difference": "difference from the baseline"}
#: Aggregating person scores to team means: ICC(2) at least this (Bliese 2000; LeBreton &
#: Senter 2008) makes team means reliable, and ICC(1) above this says teams differ at all.
ICC2_RELIABLE = 0.70
ICC1_MEANINGFUL = 0.05
#: ICC(1)/ICC(2) need this many teams with scores (docs/scoring.md).
ICC_MIN_TEAMS = 10


# --- the view model ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One cell of the grid. Statistics are None where hidden or undefined."""

    dimension: str
    n: int
    hidden: bool
    complementary: bool
    shown: str | None = None          # the value as the heat map shows it
    value: float | None = None        # that value at full precision
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    level: int | None = None
    level_label: str | None = None
    difference: float | None = None
    d: float | None = None
    p_adjusted_grid: float | None = None
    verdict: str | None = None
    divided: bool = False
    heat: HeatCell | None = field(default=None, repr=False, compare=False)

    @property
    def note(self) -> str | None:
        if not self.hidden:
            return None
        return COMPLEMENTARY if self.complementary else HIDDEN


@dataclass(frozen=True)
class Row:
    """A team or a roll-up (a parent team over the teams below it) in the grid."""

    label: str                 # the team's name
    kind: str                  # "team" | "rollup"
    team_id: int | None        # the team's id (also for a roll-up: the parent team)
    depth: int                 # indentation: 0 at the top level
    cells: tuple[Cell, ...]
    members: tuple[str, ...] = ()   # a roll-up's teams
    readiness: str | None = None
    blocking_factor: str | None = None   # its title
    matrix_cell: str | None = None

    @property
    def title(self) -> str:
        if self.kind == "rollup":
            return f"{self.label} (all {len(self.members)} teams)"
        return self.label

    @property
    def all_hidden(self) -> bool:
        return all(c.hidden for c in self.cells)


@dataclass(frozen=True)
class Alpha:
    dimension: str
    title: str
    n: int | None
    k: int
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    omega: float | None
    flagged: tuple[tuple[str, float], ...]   # (item text, item-rest r) below the threshold
    note: str | None


@dataclass(frozen=True)
class Icc:
    dimension: str
    title: str
    icc1: float | None
    icc2: float | None
    verdict: str | None


@dataclass(frozen=True)
class Suppressed:
    """A group with hidden cells, and why."""

    label: str
    kind: str                  # "team" | "rollup" | "organisation"
    areas: tuple[str, ...]     # titles of the hidden focus areas
    reason: str


@dataclass(frozen=True)
class Provenance:
    name: str | None
    source: str | None
    date: dt.date | None
    n_respondents: int | None
    n_teams: int | None
    notes: tuple[tuple[str, str], ...]   # (focus area title, why it has no comparison)


@dataclass(frozen=True)
class Method:
    alphas: tuple[Alpha, ...]
    iccs: tuple[Icc, ...]
    icc_note: str | None
    quality_note: str | None
    item_rest_threshold: float
    provenance: Provenance
    suppressed: tuple[Suppressed, ...]


@dataclass(frozen=True)
class Readiness:
    campaign_id: int
    campaign_name: str
    own: bool                  # the verdicts are this campaign's own (a readiness wave)
    matrix: Chart | None
    note: str | None


@dataclass(frozen=True)
class Dashboard:
    campaign_id: int
    campaign_name: str
    questionnaire: str
    min_n: int
    has_levels: bool
    value: str
    values: tuple[str, ...]
    value_note: str | None
    dimension_ids: tuple[str, ...]
    titles: tuple[str, ...]
    rows: tuple[Row, ...]
    heat_map: Chart
    organisation: tuple[Cell, ...]
    organisation_radar: Chart
    organisation_n: int | None
    baseline_name: str | None
    readiness: Readiness | None
    method: Method
    result: CampaignResult = field(repr=False, compare=False)
    rollups: Rollups | None = field(repr=False, compare=False, default=None)
    reference: Baseline | None = field(repr=False, compare=False, default=None)

    @property
    def has_rollups(self) -> bool:
        return any(r.kind == "rollup" for r in self.rows)


# --- results visibility -----------------------------------------------------------------------

def results_state(campaign: Campaign) -> ResultsState:
    """The release state of the campaign's results (:func:`assess.services.release.
    results_state`): call it before scoring, since it may record a release that is due."""
    return release.results_state(campaign)


# --- helpers ----------------------------------------------------------------------------------

def _f(value: object) -> float | None:
    if value is None:
        return None
    v = float(value)  # type: ignore[arg-type]
    return v if math.isfinite(v) else None


def reference_baseline(campaign: Campaign, choice: BaselineChoice = CAMPAIGN_BASELINE
                       ) -> Baseline | None:
    """The :class:`Baseline` behind a choice (a built one as it is, a record read)."""
    if isinstance(choice, Baseline):
        return choice
    record = choose_baseline(campaign, choice)
    return None if record is None else baselines.baseline_of(record)


def _grid(a: np.ndarray) -> list[list[Any]]:
    """A float grid as nested lists of floats, NaN where not finite (one pass, not per cell).
    """
    f = np.asarray(a, dtype=np.float64)
    out: list[list[Any]] = np.where(np.isfinite(f), f, np.nan).tolist()
    return out


def _cells(scores: GroupScores, verdicts: np.ndarray, p_grid: np.ndarray, value: str,
           spec: InstrumentSpec, reference: Baseline | None) -> list[list[Cell]]:
    """The cells of every row of `scores`, with the grid verdicts."""
    graded = replace(scores, verdict=verdicts)
    drawn = heat_map_cells(graded, value, level_labels=spec.level_labels, baseline=reference)
    refs = [reference.get(d) if reference is not None else None for d in scores.dimensions]
    ref_means = [None if r is None else float(r.mean) for r in refs]
    n_all = np.asarray(scores.n).tolist()
    hidden_all = np.asarray(scores.suppressed).tolist()
    comp_all = np.asarray(scores.complementary).tolist()
    mean_all, d_all = _grid(scores.mean), _grid(scores.d)
    lo_all, hi_all = _grid(scores.ci_low), _grid(scores.ci_high)
    level_all, p_all = _grid(scores.level_band), _grid(p_grid)
    verdict_all = np.asarray(verdicts).tolist()
    divided_all = [[v is True or (isinstance(v, np.bool_) and bool(v)) for v in row]
                   for row in np.asarray(scores.divided_views).tolist()]
    labels = spec.level_labels
    dims = scores.dimensions
    out = []
    for g in range(len(scores.labels)):
        row = []
        for j, dim in enumerate(dims):
            n = int(n_all[g][j])
            if hidden_all[g][j]:
                comp = bool(comp_all[g][j])
                row.append(Cell(dim, n, True, comp,
                                heat=HeatCell(hidden=True, complementary=comp, n=n)))
                continue
            hc: HeatCell = drawn[g][j]
            mean, d = _nan_none(mean_all[g][j]), _nan_none(d_all[g][j])
            ref = ref_means[j]
            diff = mean - ref if mean is not None and ref is not None and d is not None else None
            level = _nan_none(level_all[g][j]) if spec.has_levels else None
            lvl = None if level is None else round(level)
            label = labels[lvl - 1] if lvl is not None and 0 < lvl <= len(labels) else None
            shown_value = _f(hc.value)
            row.append(Cell(
                dim, n, False, False,
                shown=hc.text if hc.text is not None else (
                    None if shown_value is None else f"{shown_value:.2f}"),
                value=shown_value, mean=mean,
                ci_low=_nan_none(lo_all[g][j]), ci_high=_nan_none(hi_all[g][j]),
                level=lvl, level_label=label, difference=diff, d=d,
                p_adjusted_grid=_nan_none(p_all[g][j]), verdict=verdict_all[g][j],
                divided=divided_all[g][j], heat=hc))
        out.append(row)
    return out


def _nan_none(v: float | None) -> float | None:
    return None if v is None or v != v else float(v)


def _hierarchy(campaign: Campaign, names: dict[int, str]
               ) -> tuple[list[Team], dict[str, str], dict[str, str], dict[str, Team]]:
    """The roll-ups above the campaign's teams: the parent teams (of the organisation) with
    at least one of the campaign's teams below them. One query for every team."""
    org_teams = list(db.session.scalars(
        select(Team).where(Team.organisation_id == campaign.organisation_id)))
    by_id = {t.id: t for t in org_teams}
    rollups: dict[int, Team] = {}
    for team_id in names:
        seen: set[int] = set()
        node = by_id.get(team_id)
        while node is not None and node.parent_id is not None and node.parent_id not in seen:
            seen.add(node.id)
            parent = by_id.get(node.parent_id)
            if parent is None:
                break
            rollups[parent.id] = parent
            node = parent
    team_parent: dict[str, str] = {}
    for team_id, name in names.items():
        team = by_id.get(team_id)
        if team_id in rollups:
            team_parent[name] = name          # its own link rolls into its own roll-up
        elif team is not None and team.parent_id in rollups:
            team_parent[name] = rollups[team.parent_id].name
    rollup_parent = {t.name: rollups[t.parent_id].name for t in rollups.values()
                     if t.parent_id in rollups and t.parent_id != t.id}
    for start in list(rollup_parent):  # a cycle of parents (not made by the forms): cut it
        seen_names = {start}
        node_name = start
        while node_name in rollup_parent:
            nxt = rollup_parent[node_name]
            if nxt in seen_names:
                del rollup_parent[node_name]
                break
            seen_names.add(nxt)
            node_name = nxt
    ordered = sorted(rollups.values(), key=lambda t: t.name)
    return ordered, team_parent, rollup_parent, {t.name: t for t in ordered}


def _order(team_labels: Sequence[str], rollup_labels: Sequence[str],
           team_parent: dict[str, str], rollup_parent: dict[str, str]
           ) -> list[tuple[str, str, int]]:
    """Rows in reading order: each roll-up, then its own team, then what is below it."""
    below: dict[str | None, list[tuple[str, str]]] = {}
    for r in rollup_labels:
        below.setdefault(rollup_parent.get(r), []).append(("rollup", r))
    for t in team_labels:
        parent = team_parent.get(t)
        if parent == t:
            continue
        below.setdefault(parent, []).append(("team", t))
    out: list[tuple[str, str, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for kind, label in sorted(below.get(parent, []), key=lambda kl: (kl[1], kl[0])):
            out.append((kind, label, depth))
            if kind == "rollup":
                if team_parent.get(label) == label:
                    out.append(("team", label, depth + 1))
                walk(label, depth + 1)

    walk(None, 0)
    return out


# --- instrument quality -----------------------------------------------------------------------

#: Instrument quality of recently shown answer sets: it changes only when responses are
#: released, and omega's factor fits are the slowest part of the page.
_QUALITY_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_QUALITY_CACHE_SIZE = 16


def _quality(definition: Questionnaire, spec: InstrumentSpec, answers: CampaignAnswers,
             labels: np.ndarray, titles: Sequence[str], org_hidden: bool
             ) -> tuple[list[Alpha], list[Icc], str | None, str | None]:
    """:func:`_quality_of`, remembered per answer set (a digest of the answers, the team
    labels and the instrument) for the last few campaigns shown."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (answers.values, answers.dont_know, answers.team_ids):
        digest.update(np.ascontiguousarray(part).tobytes())
        digest.update(repr(part.shape).encode())
    key = (digest.hexdigest(), repr(spec), tuple(titles), org_hidden, definition.id,
           definition.version, repr(sorted(set(labels.tolist()))))
    if key in _QUALITY_CACHE:
        _QUALITY_CACHE.move_to_end(key)
        cached: tuple[list[Alpha], list[Icc], str | None, str | None] = _QUALITY_CACHE[key]
        return cached
    found = _quality_of(definition, spec, answers, labels, titles, org_hidden)
    _QUALITY_CACHE[key] = found
    while len(_QUALITY_CACHE) > _QUALITY_CACHE_SIZE:
        _QUALITY_CACHE.popitem(last=False)
    return found


def _quality_of(definition: Questionnaire, spec: InstrumentSpec, answers: CampaignAnswers,
                labels: np.ndarray, titles: Sequence[str], org_hidden: bool
                ) -> tuple[list[Alpha], list[Icc], str | None, str | None]:
    """Alpha (Feldt interval), omega and item-rest r per focus area, and ICC(1)/ICC(2), on
    the included respondents of the released responses."""
    language = definition.language
    if answers.values.shape[0] == 0 or org_hidden:
        return [], [], None, (f"Shown with at least {spec.min_n} responses in the "
                              "organisation.")
    people = respondent_scores(answers.values, answers.dont_know, spec)
    x = answers.values[people.included]
    groups = labels[people.included]
    alphas: list[Alpha] = []
    iccs: list[Icc] = []
    texts = {i.id: str(i.text.get(language)) for d in definition.dimensions
             for i in d.scored_items}
    column_ids = definition.answer_columns
    n_groups = len(set(groups.tolist()))
    icc_note = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for j, dim in enumerate(spec.dimensions):
            items = reverse_key(x[:, list(dim.columns)], scale_min=spec.scale_min,
                                scale_max=spec.scale_max, reverse=list(dim.reverse))
            k = items.shape[1]
            try:
                a = cronbach_alpha(items)
                rest = np.asarray(item_rest_correlations(items))
                omega = _f(omega_total(items))
            except ValueError as error:
                alphas.append(Alpha(dim.id, titles[j], None, k, None, None, None, None, (),
                                    str(error)))
            else:
                flagged = tuple((texts.get(column_ids[c], column_ids[c]), float(r))
                                for c, r in zip(dim.columns, rest, strict=True)
                                if math.isfinite(r) and r < ITEM_REST_FLAG_THRESHOLD)
                alphas.append(Alpha(dim.id, titles[j], int(a.n), k, _f(a.alpha),
                                    _f(a.ci_low), _f(a.ci_high), omega, flagged, None))
            if n_groups >= ICC_MIN_TEAMS:
                scores = people.scores[people.included, j]
                one, two = _f(icc1(scores, groups)), _f(icc2(scores, groups))
                iccs.append(Icc(dim.id, titles[j], one, two, _icc_verdict(one, two)))
    if n_groups < ICC_MIN_TEAMS:
        icc_note = (f"ICC(1) and ICC(2) need at least {ICC_MIN_TEAMS} teams with responses; "
                    f"this campaign has {n_groups}.")
    return alphas, iccs, icc_note, None


def _icc_verdict(one: float | None, two: float | None) -> str | None:
    if one is None or two is None:
        return None
    if two >= ICC2_RELIABLE and one >= ICC1_MEANINGFUL:
        return "team means are reliable: aggregating to teams is justified"
    if one < ICC1_MEANINGFUL:
        return "teams hardly differ: read the organisation's profile rather than team means"
    return "team means are not yet reliable: read differences between teams with care"


# --- readiness --------------------------------------------------------------------------------

def _partner(campaign: Campaign, kind: str) -> Campaign | None:
    """The organisation's campaign of questionnaire kind `kind` with visible results that
    shares the most teams with `campaign` (the latest on ties)."""
    mine = {link.team_id for link in campaign.team_links}
    candidates = db.session.scalars(
        select(Campaign).join(QuestionnaireVersion,
                              QuestionnaireVersion.id == Campaign.questionnaire_version_id)
        .where(Campaign.organisation_id == campaign.organisation_id,
               Campaign.id != campaign.id, QuestionnaireVersion.kind == kind)
        .order_by(Campaign.id.desc()))
    best: tuple[int, Campaign] | None = None
    for other in candidates:
        overlap = len(mine & {link.team_id for link in other.team_links})
        if overlap and (best is None or overlap > best[0]) and results_state(other).visible:
            best = (overlap, other)
    return None if best is None else best[1]


def _readiness(campaign: Campaign, result: CampaignResult, kind: str,
               titles: dict[str, str]) -> tuple[Readiness | None, dict[str, tuple[Any, ...]]]:
    """Readiness verdicts per team name (verdict, blocking factor title, matrix cell)."""
    if result.readiness is not None:
        verdicts = result.readiness.teams
        maturity_campaign = _partner(campaign, "maturity")
        maturity = (campaign_result(maturity_campaign, None, with_previous=False).teams
                    if maturity_campaign is not None else None)
        source, own = campaign, True
        factor_titles = titles
    elif kind == "maturity":
        other = _partner(campaign, "readiness")
        if other is None:
            return None, {}
        other_result = campaign_result(other, None, with_previous=False)
        if other_result.readiness is None:
            return None, {}
        verdicts = other_result.readiness.teams
        maturity, source, own = result.teams, other, False
        factor_titles = {d: str(lbl) for d, lbl in zip(
            other_result.spec.dimension_ids,
            (d.label or d.id for d in other_result.spec.dimensions), strict=True)}
    else:
        return None, {}
    placements = readiness_placements(verdicts, maturity)
    by_team: dict[str, tuple[Any, ...]] = {}
    for i, label in enumerate(verdicts.labels):
        blocker = verdicts.blocking_factor[i]
        p = placements[i]
        cell = (matrix_cell(p.readiness, p.maturity)
                if p.readiness is not None and p.maturity is not None else None)
        by_team[str(label)] = (verdicts.verdict[i],
                               None if blocker is None else factor_titles.get(blocker, blocker),
                               cell)
    chart = None
    note = None
    if maturity is not None:
        chart = readiness_matrix(
            placements, id_prefix="dashboard-matrix",
            title="Readiness and maturity: where each team stands",
            description=("Readiness verdict from " + source.name
                         + "; maturity as the mean band level over the focus areas."))
    else:
        note = "No maturity campaign of the same teams has results yet: no matrix."
    return Readiness(source.id, source.name, own, chart, note), by_team


# --- method -----------------------------------------------------------------------------------

def _provenance(campaign: Campaign, result: CampaignResult, option: Any,
                reference: Baseline | None, titles: Sequence[str]) -> Provenance:
    notes = tuple((titles[j], note) for j, note in enumerate(result.baseline_notes)
                  if note is not None and result.baseline_name is not None)
    if reference is None:
        return Provenance(None, None, None, None, None, notes)
    record_id = getattr(option, "record_id", None)
    if record_id is None and isinstance(getattr(option, "kind", None), str) \
            and option.kind == "campaign" and campaign.baseline_id is not None:
        record_id = campaign.baseline_id
    date = None
    n_resp = getattr(option, "n_respondents", None)
    n_teams = getattr(option, "n_teams", None)
    source = getattr(option, "source", None)
    if record_id is not None:
        record = db.session.get(BaselineRecord, record_id)
        if record is not None:
            date = record.created_at.date()
            n_resp, n_teams = record.n_respondents, record.n_teams
            source = source or baselines_source(record)
    if n_resp is None:
        n_resp = max((d.n for d in reference.dimensions), default=0)
        n_teams = max((d.team_count for d in reference.dimensions), default=0)
    if date is None and getattr(option, "kind", None) in ("wave", "previous"):
        date = dt.date.today()
    return Provenance(reference.name, source, date, n_resp, n_teams, notes)


def baselines_source(record: BaselineRecord) -> str:
    kinds = {"organisation": "built from an organisation's campaigns",
             "previous_wave": "built from one wave",
             "pool": "pooled over the organisations on this server",
             "import": "imported from a file"}
    return kinds.get(record.kind, record.kind)


def _suppressed(rows: Sequence[Row], organisation: Sequence[Cell], titles: Sequence[str],
                min_n: int) -> list[Suppressed]:
    out = []
    groups: list[tuple[str, str, Sequence[Cell]]] = [(r.title, r.kind, r.cells) for r in rows]
    groups.append(("The organisation", "organisation", organisation))
    for label, kind, cells in groups:
        primary = [titles[j] for j, c in enumerate(cells) if c.hidden and not c.complementary]
        comp = [titles[j] for j, c in enumerate(cells) if c.hidden and c.complementary]
        if primary:
            out.append(Suppressed(label, kind, tuple(primary),
                                  f"fewer than {min_n} responses"))
        if comp:
            reason = ("hidden to protect a smaller team: with the totals shown, its numbers "
                      "would reveal a hidden team's")
            out.append(Suppressed(label, kind, tuple(comp), reason))
    return out


# --- the dashboard ----------------------------------------------------------------------------

def default_value(campaign: Campaign) -> str:
    """The heat map's value when the address gives none: the level where the questionnaire
    has levels, else the mean."""
    return "level" if definition_of(campaign.questionnaire_version).levels else "mean"


def dashboard(campaign: Campaign, baseline: BaselineChoice = CAMPAIGN_BASELINE, *,
              value: str | None = None, option: Any = None) -> Dashboard:
    """The campaign's dashboard compared with ``baseline`` (what
    :func:`~assess.services.baseline_choices.resolve` gives); `value` is what the heat map
    shows ("level", "mean" or "difference"; anything else is the default); `option` is the
    chosen :class:`~assess.services.baseline_choices.BaselineOption`, for the provenance."""
    definition = definition_of(campaign.questionnaire_version)
    language = definition.language
    spec = instrument_spec(definition, campaign)
    titles = tuple(str(d.title.get(language)) for d in definition.dimensions)
    reference = reference_baseline(campaign, baseline)
    result = campaign_result(campaign, reference, with_previous=False)
    answers = load_answers(campaign)
    names = team_names(campaign)
    labels = np.array([names.get(int(t), str(int(t))) for t in answers.team_ids], dtype=object)

    values = VALUES if spec.has_levels else tuple(v for v in VALUES if v != "level")
    if value not in values:
        value = "level" if spec.has_levels else "mean"
    value_note = None
    if value == "difference" and reference is None:
        value, value_note = "mean", ("No baseline is compared, so the map shows the mean "
                                     "instead of the difference from a baseline.")

    parents, team_parent, rollup_parent, parent_teams = _hierarchy(campaign, names)
    rollups = None
    grids = [result.teams]
    if parents:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            rollups = score_rollups(answers.values, answers.dont_know, labels, spec,
                                    result.teams, result.organisation,
                                    [t.name for t in parents], team_parent, rollup_parent,
                                    baseline=reference)
        grids.append(rollups.scores)
    p_grid, verdicts = grid_verdicts(grids, spec)
    team_cells = _cells(result.teams, verdicts[0], p_grid[0], value, spec, reference)
    roll_cells = (_cells(rollups.scores, verdicts[1], p_grid[1], value, spec, reference)
                  if rollups is not None else [])

    kind = definition.kind
    readiness, by_team = _readiness(campaign, result, kind,
                                    dict(zip(spec.dimension_ids, titles, strict=True)))
    ids = {name: team_id for team_id, name in names.items()}
    rows: list[Row] = []
    for what, label, depth in _order(result.teams.labels,
                                     rollups.scores.labels if rollups else (),
                                     team_parent, rollup_parent):
        if what == "rollup" and rollups is not None:
            i = rollups.scores.row(label)
            rows.append(Row(label, "rollup", parent_teams[label].id, depth,
                            tuple(roll_cells[i]), members=tuple(rollups.teams[i])))
        else:
            i = result.teams.row(label)
            verdict, blocker, cell = by_team.get(label, (None, None, None))
            rows.append(Row(label, "team", ids.get(label), depth, tuple(team_cells[i]),
                            readiness=verdict, blocking_factor=blocker, matrix_cell=cell))

    cells_drawn = [[c.heat or HeatCell(hidden=True, n=c.n) for c in row.cells] for row in rows]
    chart = heat_map(
        [("\u2003" * row.depth) + row.title for row in rows], titles, cells_drawn,
        id_prefix="dashboard-heat", title=f"{campaign.name}: teams by focus area",
        description=(f"Each cell shows the {VALUE_LABELS[value]}. Colour only where the "
                     "verdict against the baseline is clear (Benjamini-Hochberg over the "
                     "whole grid, |d| at least 0.2)."),
        value_label=VALUE_LABELS[value].split(" (")[0])

    org = result.organisation
    org_verdicts = org.verdict
    org_cells = _cells(org, org_verdicts, org.p_adjusted, "mean", spec, reference)[0]
    org_radar = radar(
        radar_axes(org, 0, titles, reference), id_prefix="dashboard-radar",
        title=f"{campaign.organisation.name}: the organisation's profile",
        description=("The organisation's mean with its 95% interval per focus area"
                     + (f", against the team means of {result.baseline_name}."
                        if result.baseline_name else ".")),
        team_label="organisation", baseline_label=result.baseline_name or "baseline",
        scale_min=spec.scale_min, scale_max=spec.scale_max)

    alphas, iccs, icc_note, quality_note = _quality(
        definition, spec, answers, labels, titles, bool(org.suppressed[0].all()))
    method = Method(
        tuple(alphas), tuple(iccs), icc_note, quality_note, ITEM_REST_FLAG_THRESHOLD,
        _provenance(campaign, result, option, reference, titles),
        tuple(_suppressed(rows, org_cells, titles, spec.min_n)))
    return Dashboard(
        campaign_id=campaign.id, campaign_name=campaign.name,
        questionnaire=str(definition.title.get(language)), min_n=spec.min_n,
        has_levels=spec.has_levels, value=value, values=values, value_note=value_note,
        dimension_ids=spec.dimension_ids, titles=titles, rows=tuple(rows), heat_map=chart,
        organisation=tuple(org_cells), organisation_radar=org_radar,
        organisation_n=None if bool(org.counts_suppressed[0]) else int(org.n_respondents[0]),
        baseline_name=result.baseline_name, readiness=readiness, method=method,
        result=result, rollups=rollups, reference=reference)


def with_provenance(view: Dashboard, campaign: Campaign, option: Any) -> Dashboard:
    """The view with its baseline's provenance read from the chosen option (a
    :class:`~assess.services.baseline_choices.BaselineOption`), for a view built before the
    options were listed."""
    provenance = _provenance(campaign, view.result, option, view.reference, view.titles)
    return replace(view, method=replace(view.method, provenance=provenance))
