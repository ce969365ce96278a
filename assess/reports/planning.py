"""The suggested coaching plan: pure ranking of focus areas and sequencing of actions.

Priority per area = importance x gap x urgency / effort (see docs/coaching-plans.md).
No Flask, no database: inputs are plain frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assess.definitions.playbook import Playbook, PlaybookAction

DEFAULT_IMPORTANCE = 3
URGENCY_BASE = 1.0
URGENCY_BOTTOM_QUARTILE = 0.5
URGENCY_CLEAR_DECLINE = 0.5
URGENCY_PREREQUISITE = 0.25
BOTTOM_QUARTILE = 25.0
TOP_AREAS = 3
QUICK_WINS = 2
SLOTS = (30, 60, 90)
LEADERSHIP_OWNERS = frozenset({"lead", "sponsor"})


@dataclass(frozen=True)
class AreaInput:
    """What the plan knows about one focus area of one team."""

    dimension: str
    order: int
    level: int | None = None
    top_level: int = 5
    mean: float | None = None
    percentile: float | None = None
    clear_decline: bool = False
    divided: bool = False
    pmo_heavy: bool = False
    leader_gap: bool = False
    hidden: bool = False
    importance: int = DEFAULT_IMPORTANCE
    target_level: int | None = None
    orientation: str = "hybrid"
    overrides: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AreaPriority:
    """One area's factors, the formula text and its priority."""

    dimension: str
    measurable: bool
    importance: float
    gap: float
    urgency: float
    effort: float
    priority: float
    formula: str
    current: int | None
    target: int | None


@dataclass(frozen=True)
class PlannedAction:
    """One action of the plan, with its slot (days), owner and the reason it is there."""

    action: str
    dimension: str
    owner: str
    slot: int
    reason: str


@dataclass(frozen=True)
class SuggestedPlan:
    """The ranked areas, the chosen ones, and the sequenced actions."""

    areas: tuple[AreaPriority, ...]
    chosen: tuple[str, ...]
    quick_wins: tuple[str, ...]
    team_items: tuple[PlannedAction, ...]
    leadership_asks: tuple[PlannedAction, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dictionary."""
        return asdict(self)


def _step_actions(pb: Playbook, dim: str, cur: int, tgt: int) -> list[PlaybookAction]:
    return [
        a for a in pb.actions if a.dimension == dim and cur <= a.from_level and a.to_level <= tgt
    ]


def _target(a: AreaInput) -> int | None:
    if a.level is None:
        return None
    t = a.target_level if a.target_level is not None else a.level + 1
    return min(t, a.top_level)


def _priority(a: AreaInput, pb: Playbook, prereq_dims: set[str]) -> AreaPriority:
    if a.hidden:
        return AreaPriority(a.dimension, False, 0, 0, 0, 0, 0, "not measurable", None, None)
    tgt = _target(a)
    if a.level is not None and tgt is not None:
        gap = float(max(tgt - a.level, 0))
    elif a.mean is not None:
        gap = max(float(a.top_level) - a.mean, 0.0)
    else:
        gap = 0.0
    urgency = URGENCY_BASE
    if a.percentile is not None and a.percentile < BOTTOM_QUARTILE:
        urgency += URGENCY_BOTTOM_QUARTILE
    if a.clear_decline:
        urgency += URGENCY_CLEAR_DECLINE
    if a.dimension in prereq_dims:
        urgency += URGENCY_PREREQUISITE
    acts = _step_actions(pb, a.dimension, a.level or 0, tgt or 0) if a.level is not None else []
    effort = sum(x.effort for x in acts) / len(acts) if acts else 1.0
    imp = float(a.importance)
    o = a.overrides
    imp, gap = o.get("importance", imp), o.get("gap", gap)
    urgency, effort = o.get("urgency", urgency), o.get("effort", effort)
    pr = o.get("priority", imp * gap * urgency / effort)
    formula = f"{imp:g} x {gap:g} x {urgency:g} / {effort:g} = {pr:g}"
    return AreaPriority(a.dimension, True, imp, gap, urgency, effort, pr, formula, a.level, tgt)


def suggest_plan(
    areas: list[AreaInput], playbook: Playbook, readiness_not_yet: bool = False
) -> SuggestedPlan:
    """Rank areas, keep the top 3 plus up to 2 quick wins, and sequence their actions.

    Ties: higher gap, then lower effort, then questionnaire order.
    """
    by_id = {a.id: a for a in playbook.actions}
    first = [_priority(a, playbook, set()) for a in areas]
    order = {a.dimension: a.order for a in areas}

    def key(p: AreaPriority) -> tuple[float, float, float, int]:
        return (-p.priority, -p.gap, p.effort, order[p.dimension])

    top = [p.dimension for p in sorted(first, key=key) if p.measurable and p.gap > 0][:TOP_AREAS]
    prereq_dims = {
        by_id[r].dimension
        for a in playbook.actions
        if a.dimension in top
        for r in a.prerequisites
        if r in by_id and by_id[r].dimension != a.dimension
    }
    ranked = sorted((_priority(a, playbook, prereq_dims) for a in areas), key=key)
    chosen = [p.dimension for p in ranked if p.measurable and p.gap > 0][:TOP_AREAS]
    wins = [
        p.dimension
        for p in ranked
        if p.measurable and p.gap > 0 and p.effort == 1 and p.dimension not in chosen
    ][:QUICK_WINS]
    inputs = {a.dimension: a for a in areas}
    pri = {p.dimension: p for p in ranked}
    planned: list[tuple[PlaybookAction, str]] = []
    first_of: dict[str, list[str]] = {}  # area -> actions that come before its others
    for dim in chosen + wins:
        a, p = inputs[dim], pri[dim]
        steps = [(x, "step") for x in _step_actions(playbook, dim, p.current or 0, p.target or 0)]
        extra: list[tuple[PlaybookAction, str]] = []
        for rule in playbook.rules:
            if rule.dimension not in (None, dim):
                continue
            hit = (
                (rule.when == "divided_views" and a.divided)
                or (rule.when == "pmo_heavy" and a.pmo_heavy and a.orientation != "keep-pmo")
                or (rule.when == "leader_team_gap" and a.leader_gap)
                or (rule.when == "readiness_blocker" and readiness_not_yet)
            )
            if hit:
                extra += [(by_id[r], f"rule:{rule.id}") for r in rule.recommend if r in by_id]
            if hit and rule.when in ("divided_views", "readiness_blocker"):
                first_of.setdefault(dim, []).extend(r for r in rule.recommend if r in by_id)
        planned += extra + steps
    reasons: dict[str, str] = {}
    for act, reason in planned:
        reasons.setdefault(act.id, reason)
    seen: dict[str, PlannedAction] = {}

    def place(aid: str) -> None:
        # Definitions reject prerequisite cycles, so this recursion ends.
        if aid in seen:
            return
        act = by_id[aid]
        slot = min((s for s in SLOTS if s >= act.horizon), default=SLOTS[-1])
        before = [
            r
            for r in first_of.get(act.dimension, [])
            if r != aid and aid not in first_of.get(act.dimension, [])
        ]
        for r in (*before, *act.prerequisites):
            if r in reasons:
                place(r)
                later = min((s for s in SLOTS if s > seen[r].slot), default=SLOTS[-1])
                slot = max(slot, later)
        seen[aid] = PlannedAction(aid, act.dimension, act.owner, slot, reasons[aid])

    for aid in reasons:
        place(aid)
    items = sorted(seen.values(), key=lambda x: x.slot)
    return SuggestedPlan(
        tuple(ranked),
        tuple(chosen),
        tuple(wins),
        tuple(x for x in items if x.owner not in LEADERSHIP_OWNERS),
        tuple(x for x in items if x.owner in LEADERSHIP_OWNERS),
    )
