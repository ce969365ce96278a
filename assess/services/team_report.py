"""One team's results in a campaign, as plain values for the team page and the coaching plan.

:func:`team_report` scores the campaign once through :func:`assess.services.results.
campaign_result` (with the chosen baseline and the previous wave) and reads the team's row:
per focus area the mean and its interval, POMP, levels, percentile, verdict, agreement,
don't-know rate, orientation and change, each with the reason where it is missing. The role
comparison scores the team's own responses through :func:`assess.scoring.score_campaign`
with the team as the whole (so complementary suppression runs against the team); the item
drill-down counts the answers of the team's scored respondents; comments are read only when
enough people commented.

Nothing here imports Flask: the PDF coaching plan builds the same report. Every value of a
hidden cell is None here already, so a template cannot show it by mistake.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import distinct, func, select

from ..definitions import Questionnaire
from ..extensions import db
from ..models import Campaign, Response, ResponseStatus, Team, TextAnswer
from ..reports.charts import (
    Chart,
    ItemCounts,
    diverging_bars,
    radar,
    radar_axes,
    transition_map,
    transition_points,
)
from ..scoring import (
    Baseline,
    CampaignResult,
    GroupScores,
    ScoringWarning,
    respondent_scores,
    score_campaign,
)
from . import baselines
from .answers import load_answers
from .questionnaires import definition_of
from .results import CAMPAIGN_BASELINE, BaselineChoice, campaign_result, choose_baseline

HIDDEN = "not enough responses"
COMPLEMENTARY = "hidden to protect a smaller team"
ROLE_COMPLEMENTARY = "hidden to protect a smaller role group"
NOT_GIVEN = "not given"


# --- the view model ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DimensionRow:
    """One focus area of the team. Statistics are None where hidden or undefined; the
    ``*_note`` fields say why a value is missing (None where it is shown)."""

    id: str
    title: str
    n: int
    hidden: bool
    complementary: bool
    hidden_note: str | None
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    interval_note: str | None = None
    pomp: float | None = None
    level_band: int | None = None
    level_band_label: str | None = None
    level_rubric: int | None = None
    level_rubric_label: str | None = None
    percentile: float | None = None
    d: float | None = None
    p_adjusted: float | None = None
    verdict: str | None = None
    comparison_note: str | None = None
    rwg_j_lindell: float | None = None
    ad_m: float | None = None
    divided_views: bool | None = None
    agreement_note: str | None = None
    dont_know_rate: float | None = None
    pmo_index: float | None = None
    apo_index: float | None = None
    quadrant: str | None = None
    change: float | None = None
    change_ci_low: float | None = None
    change_ci_high: float | None = None
    clear_change: bool | None = None
    change_note: str | None = None
    baseline_median: float | None = None
    baseline_q1: float | None = None
    baseline_q3: float | None = None

    @property
    def agreement(self) -> str | None:
        """"divided views" or "aligned" where agreement is shown."""
        if self.divided_views is None:
            return None
        return "divided views" if self.divided_views else "aligned"


@dataclass(frozen=True)
class ItemRow:
    """One likert item of the drill-down: its text and answer counts (None where hidden)."""

    id: str
    text: str
    counts: tuple[int, ...] | None
    dont_know: int | None


@dataclass(frozen=True)
class DimensionItems:
    """The items of one focus area, with their chart (None where the area is hidden)."""

    dimension_id: str
    title: str
    items: tuple[ItemRow, ...]
    chart: Chart | None
    note: str | None


@dataclass(frozen=True)
class RoleCell:
    role: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    note: str | None


@dataclass(frozen=True)
class RoleRow:
    """One focus area of the role comparison: one cell per role."""

    dimension_id: str
    title: str
    cells: tuple[RoleCell, ...]

    @property
    def any_shown(self) -> bool:
        return any(c.note is None for c in self.cells)


@dataclass(frozen=True)
class RoleComparison:
    roles: tuple[str, ...]
    rows: tuple[RoleRow, ...]
    note: str | None       # why nothing (or not everything) is compared


@dataclass(frozen=True)
class CommentGroup:
    """The comments on one open question, in random order."""

    question: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Comments:
    """Free-text answers: shown only where at least ``threshold`` people commented."""

    commenters: int
    threshold: int
    groups: tuple[CommentGroup, ...] = ()

    @property
    def visible(self) -> bool:
        return self.commenters >= self.threshold


@dataclass(frozen=True)
class TeamReport:
    campaign_id: int
    campaign_name: str
    team_id: int
    team_name: str
    questionnaire: str
    min_n: int
    min_n_spread: int
    scale_min: int
    scale_max: int
    has_levels: bool
    baseline_name: str | None
    previous_name: str | None
    n_respondents: int | None     # None where the team's counts are withheld
    dimensions: tuple[DimensionRow, ...]
    radar: Chart
    transition: Chart
    items: tuple[DimensionItems, ...]
    roles: RoleComparison | None
    comments: Comments
    result: CampaignResult = field(repr=False, compare=False)

    @property
    def all_hidden(self) -> bool:
        return all(d.hidden for d in self.dimensions)

    @property
    def hidden_only_to_protect(self) -> bool:
        """Every hidden area is hidden only to protect a smaller team (none for its own n)."""
        hidden = [d for d in self.dimensions if d.hidden]
        return bool(hidden) and all(d.complementary for d in hidden)


# --- helpers ----------------------------------------------------------------------------------

def _f(value: object) -> float | None:
    """A finite float, or None (NaN, infinity and None are all "missing")."""
    if value is None:
        return None
    v = float(value)  # type: ignore[arg-type]
    return v if math.isfinite(v) else None


def _level(value: object, labels: Sequence[str]) -> tuple[int | None, str | None]:
    v = _f(value)
    if v is None:
        return None, None
    i = round(v)
    return i, (labels[i - 1] if 0 < i <= len(labels) else None)


def _hidden_note(complementary: bool) -> str:
    return COMPLEMENTARY if complementary else HIDDEN


def reference_baseline(campaign: Campaign, choice: BaselineChoice = CAMPAIGN_BASELINE
                       ) -> Baseline | None:
    """The :class:`Baseline` behind a choice (a built one as it is, a record read)."""
    if isinstance(choice, Baseline):
        return choice
    record = choose_baseline(campaign, choice)
    return None if record is None else baselines.baseline_of(record)


def _comparison_note(t: GroupScores, g: int, j: int, result: CampaignResult,
                     no_baseline: str | None, min_n_spread: int) -> str | None:
    if result.baseline_name is None:
        return "No baseline to compare with (see above)." if no_baseline else (
            "No baseline is selected.")
    note = result.baseline_notes[j]
    if note is not None:
        return "No percentile or verdict: " + note + "."
    if _f(t.p_adjusted[g, j]) is not None:
        return None
    if bool(t.no_spread[g, j]):
        return "No test: everyone's score is the same (no spread)."
    if bool(t.spread_suppressed[g, j]):
        return f"No test: it needs at least {min_n_spread} responses."
    return "No test on this focus area."


def _change_note(t: GroupScores, g: int, j: int, result: CampaignResult,
                 previous: str | None) -> str | None:
    if _f(t.change[g, j]) is not None and _f(t.change_ci_low[g, j]) is not None:
        return None
    if previous is None:
        return "No previous wave to compare with."
    if t.dimensions[j] not in result.previous_dimensions:
        return "Not asked in the previous wave."
    if bool(t.no_spread[g, j]):
        return "No change interval: no spread."
    return "No change: the team is not shown in both waves here."


def _dimension_rows(result: CampaignResult, g: int, titles: Sequence[str],
                    no_baseline: str | None, previous: str | None,
                    reference: Baseline | None) -> list[DimensionRow]:
    t, spec = result.teams, result.spec
    labels = spec.level_labels
    axes = radar_axes(t, g, titles, reference)
    rows = []
    for j, dim in enumerate(t.dimensions):
        n = int(t.n[g, j])
        if bool(t.suppressed[g, j]):
            comp = bool(t.complementary[g, j])
            rows.append(DimensionRow(dim, titles[j], n, True, comp, _hidden_note(comp),
                                     baseline_median=axes[j].baseline_median,
                                     baseline_q1=axes[j].baseline_q1,
                                     baseline_q3=axes[j].baseline_q3))
            continue
        band, band_label = _level(t.level_band[g, j], labels)
        rubric, rubric_label = _level(t.level_rubric[g, j], labels)
        divided = t.divided_views[g, j]
        spread_hidden = bool(t.spread_suppressed[g, j])
        agreement_note = None
        if divided is None:
            agreement_note = (f"Agreement needs at least {spec.min_n_spread} responses."
                              if spread_hidden else
                              "Agreement needs at least 2 people who answered every item.")
        interval_note = None
        if _f(t.ci_low[g, j]) is None:
            interval_note = ("no spread" if bool(t.no_spread[g, j]) else
                             f"an interval needs {spec.min_n_spread} responses")
        clear = t.clear_change[g, j]
        rows.append(DimensionRow(
            id=dim, title=titles[j], n=n, hidden=False, complementary=False, hidden_note=None,
            mean=_f(t.mean[g, j]), ci_low=_f(t.ci_low[g, j]), ci_high=_f(t.ci_high[g, j]),
            interval_note=interval_note, pomp=_f(t.pomp[g, j]),
            level_band=band if spec.has_levels else None,
            level_band_label=band_label if spec.has_levels else None,
            level_rubric=rubric if spec.has_levels else None,
            level_rubric_label=rubric_label if spec.has_levels else None,
            percentile=_f(t.percentile[g, j]), d=_f(t.d[g, j]),
            p_adjusted=_f(t.p_adjusted[g, j]), verdict=t.verdict[g, j],
            comparison_note=_comparison_note(t, g, j, result, no_baseline, spec.min_n_spread),
            rwg_j_lindell=_f(t.rwg_j_lindell[g, j]), ad_m=_f(t.ad_m[g, j]),
            divided_views=None if divided is None else bool(divided),
            agreement_note=agreement_note,
            dont_know_rate=_f(t.dont_know_rate[g, j]),
            pmo_index=_f(t.pmo_index[g, j]), apo_index=_f(t.apo_index[g, j]),
            quadrant=t.quadrant[g, j],
            change=_f(t.change[g, j]), change_ci_low=_f(t.change_ci_low[g, j]),
            change_ci_high=_f(t.change_ci_high[g, j]),
            clear_change=None if clear is None else bool(clear),
            change_note=_change_note(t, g, j, result, previous),
            baseline_median=axes[j].baseline_median, baseline_q1=axes[j].baseline_q1,
            baseline_q3=axes[j].baseline_q3,
        ))
    return rows


# --- item drill-down --------------------------------------------------------------------------

def item_counts(values: np.ndarray, dont_know: np.ndarray, scale_min: int, scale_max: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Answers per scale point of each column (shape ``(columns, points)``) and the
    don't-know count of each column, over the rows given."""
    points = np.arange(scale_min, scale_max + 1)
    counts = (values[:, :, None] == points[None, None, :]).sum(axis=0)
    return counts.astype(np.int64), dont_know.sum(axis=0).astype(np.int64)


def _items(definition: Questionnaire, result: CampaignResult, g: int, titles: Sequence[str],
           values: np.ndarray, dont_know: np.ndarray) -> list[DimensionItems]:
    spec = result.spec
    t = result.teams
    language = definition.language
    column = {item_id: i for i, item_id in enumerate(definition.answer_columns)}
    counts, dks = item_counts(values, dont_know, spec.scale_min, spec.scale_max)
    out = []
    for j, dimension in enumerate(definition.dimensions):
        likert = [i for i in dimension.scored_items if i.type == "likert"]
        if not likert:
            continue
        if bool(t.suppressed[g, j]):
            rows = tuple(ItemRow(i.id, str(i.text.get(language)), None, None) for i in likert)
            out.append(DimensionItems(dimension.id, titles[j], rows, None,
                                      _hidden_note(bool(t.complementary[g, j]))))
            continue
        rows_list = []
        drawn = []
        for item in likert:
            c = column[item.id]
            answered = int(counts[c].sum() + dks[c])
            text = str(item.text.get(language))
            if answered < spec.min_n:
                rows_list.append(ItemRow(item.id, text, None, None))
                drawn.append(ItemCounts(text, [0] * counts.shape[1], hidden=True))
            else:
                rows_list.append(ItemRow(item.id, text, tuple(int(v) for v in counts[c]),
                                         int(dks[c])))
                drawn.append(ItemCounts(text, [int(v) for v in counts[c]], int(dks[c])))
        scale = definition.scale_of(likert[0])
        scale_labels = ([str(label.get(language)) for label in scale.labels]
                        if scale is not None and len(scale.labels) == counts.shape[1]
                        else [str(v) for v in range(spec.scale_min, spec.scale_max + 1)])
        chart = diverging_bars(drawn, scale_labels, id_prefix=f"items-{j + 1}",
                               title=f"Answers per item: {titles[j]}",
                               description="Answers as written (reverse-keyed items are "
                               "not mirrored); don't know is shown apart.")
        out.append(DimensionItems(dimension.id, titles[j], tuple(rows_list), chart, None))
    return out


# --- roles ------------------------------------------------------------------------------------

def _roles(values: np.ndarray, dont_know: np.ndarray, roles: np.ndarray, team_name: str,
           spec_result: CampaignResult, titles: Sequence[str]) -> RoleComparison | None:
    """The team's role groups, scored by the engine with the team as the whole."""
    t = spec_result.teams
    g = t.row(team_name)
    role_labels = np.array([r if r else NOT_GIVEN for r in roles], dtype=object)
    distinct_roles = sorted(set(role_labels.tolist()))
    if len(distinct_roles) < 2:
        return None
    if bool(np.all(t.suppressed[g])):
        return RoleComparison(tuple(distinct_roles), (), "The team itself is not shown.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        within = score_campaign(values, dont_know,
                                np.array([team_name] * values.shape[0], dtype=object),
                                spec_result.spec, roles=role_labels)
    r = within.roles
    assert r is not None
    rows = []
    for j, dim in enumerate(r.dimensions):
        team_hidden = bool(t.suppressed[g, j])
        cells = []
        for k, role in enumerate(r.labels):
            n = int(r.n[k, j])
            if team_hidden or bool(r.suppressed[k, j]):
                why = (COMPLEMENTARY if team_hidden and bool(t.complementary[g, j])
                       else ROLE_COMPLEMENTARY if bool(r.complementary[k, j]) else HIDDEN)
                cells.append(RoleCell(str(role), n, None, None, None, why))
            else:
                cells.append(RoleCell(str(role), n, _f(r.mean[k, j]), _f(r.ci_low[k, j]),
                                      _f(r.ci_high[k, j]), None))
        rows.append(RoleRow(dim, titles[j], tuple(cells)))
    note = None
    if not any(row.any_shown for row in rows):
        note = (f"No role is compared: a role group needs at least {spec_result.spec.min_n} "
                "responses, and a role is also hidden where the team minus the other roles "
                "would reveal a hidden one.")
    return RoleComparison(tuple(str(x) for x in r.labels), tuple(rows), note)


# --- comments ---------------------------------------------------------------------------------

def _comments(campaign: Campaign, team: Team, definition: Questionnaire, threshold: int,
              rng: random.Random) -> Comments:
    complete = (Response.campaign_id == campaign.id, Response.team_id == team.id,
                Response.status == ResponseStatus.COMPLETE, Response.in_results.is_(True),
                func.length(TextAnswer.text) > 0)
    commenters = int(db.session.scalar(
        select(func.count(distinct(TextAnswer.response_id)))
        .join(Response, Response.id == TextAnswer.response_id).where(*complete)) or 0)
    if commenters < threshold:
        return Comments(commenters, threshold)
    rows = db.session.execute(
        select(TextAnswer.item_id, TextAnswer.text)
        .join(Response, Response.id == TextAnswer.response_id).where(*complete)).all()
    by_item: dict[str, list[str]] = {}
    for item_id, text in rows:
        if text.strip():
            by_item.setdefault(item_id, []).append(text)
    groups = []
    for dimension in definition.dimensions:
        for item in dimension.text_items:
            texts = by_item.pop(item.id, [])
            if texts:
                rng.shuffle(texts)  # the order says nothing about who answered when
                groups.append(CommentGroup(str(item.text.get(definition.language)),
                                           tuple(texts)))
    return Comments(commenters, threshold, tuple(groups))


# --- the report -------------------------------------------------------------------------------

def team_report(campaign: Campaign, team: Team, baseline: BaselineChoice = CAMPAIGN_BASELINE,
                *, no_baseline_reason: str | None = None,
                rng: random.Random | None = None) -> TeamReport:
    """The team's page in ``campaign``, compared with ``baseline`` (what
    :func:`~assess.services.baseline_choices.resolve` gives) and the previous wave.

    ``no_baseline_reason`` is the sentence to show where no baseline is compared (from
    :func:`~assess.services.baseline_choices.missing_reason`). ``rng`` orders the comments
    (a fresh shuffle per call by default).
    """
    definition = definition_of(campaign.questionnaire_version)
    reference = reference_baseline(campaign, baseline)
    result = campaign_result(campaign, reference)
    t = result.teams
    g = t.row(team.name)
    language = definition.language
    titles = [str(d.title.get(language)) for d in definition.dimensions]
    previous = campaign.previous_campaign.name if campaign.previous_campaign else None
    dims = _dimension_rows(result, g, titles, no_baseline_reason, previous, reference)

    answers = load_answers(campaign)
    mine = answers.team_ids == team.id
    values, dont_know, roles = answers.values[mine], answers.dont_know[mine], answers.roles[mine]
    spec = result.spec
    if values.shape[0]:
        included = respondent_scores(values, dont_know, spec).included
        values, dont_know, roles = values[included], dont_know[included], roles[included]

    radar_chart = radar(
        radar_axes(t, g, titles, reference), id_prefix="team-radar",
        title=f"{team.name}: the nine focus areas" if len(titles) == 9
        else f"{team.name}: focus areas",
        description=("The team's mean with its 95% interval per focus area"
                     + (f", against the team means of {result.baseline_name} (median and "
                        "interquartile range)." if result.baseline_name else ".")),
        team_label=team.name, baseline_label=result.baseline_name or "baseline",
        scale_min=spec.scale_min, scale_max=spec.scale_max)
    transition_chart = transition_map(
        transition_points(t, g, titles), id_prefix="team-transition",
        title=f"{team.name}: PMO and APO orientation",
        description="PMO-style index across, APO-style index up, per focus area.",
        x_label="PMO-style index", y_label="APO-style index")
    items = _items(definition, result, g, titles, values, dont_know)
    role_comparison = _roles(values, dont_know, roles, team.name, result, titles)
    comments = _comments(campaign, team, definition, spec.min_n_comments,
                         rng or random.Random())
    return TeamReport(
        campaign_id=campaign.id, campaign_name=campaign.name, team_id=team.id,
        team_name=team.name, questionnaire=str(definition.title.get(language)),
        min_n=spec.min_n, min_n_spread=spec.min_n_spread, scale_min=int(spec.scale_min),
        scale_max=int(spec.scale_max), has_levels=spec.has_levels,
        baseline_name=result.baseline_name, previous_name=previous,
        n_respondents=None if bool(t.counts_suppressed[g]) else int(t.n_respondents[g]),
        dimensions=tuple(dims), radar=radar_chart, transition=transition_chart,
        items=tuple(items), roles=role_comparison, comments=comments, result=result,
    )
