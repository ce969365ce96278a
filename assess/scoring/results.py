"""The public result types of campaign scoring, apart from the functions that make them.

:class:`RespondentScores` (person level), :class:`GroupScores` (groups x dimensions),
:class:`WaveSummary` (what a later wave needs) and :class:`CampaignResult` (one wave), with
their JSON forms. The anonymity rules for exports are applied here, in ``to_records`` and
``to_dict``: whatever a campaign hides is ``null`` in every JSON the application prints or
stores (docs/scoring.md, "Anonymity").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .instrument import InstrumentSpec, ReadinessThresholds

__all__ = [
    "QUADRANTS",
    "READINESS_VERDICTS",
    "VERDICTS",
    "CampaignResult",
    "GroupScores",
    "ReadinessResult",
    "ReadinessVerdicts",
    "RespondentScores",
    "WaveSummary",
]

#: Readiness verdicts, from the factor means against the instrument's thresholds.
READINESS_VERDICTS: tuple[str, ...] = ("ready", "conditionally ready", "not yet")

#: Verdicts against a baseline, as shown to coaches.
VERDICTS: tuple[str, ...] = ("clearly above", "in line", "clearly below")

#: Transition-map quadrants, from the PMO and APO orientation indices cut at 50.
QUADRANTS: tuple[str, ...] = ("traditional", "hybrid", "agile-enabled", "under-governed")

Float2D = NDArray[np.float64]


def _read_only(result: Any) -> None:
    """Make every array field of a result dataclass read-only (results are not edited)."""
    for f in fields(result):
        value = getattr(result, f.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


@dataclass(frozen=True)
class RespondentScores:
    """Person-level dimension scores of one answer matrix.

    Attributes
    ----------
    scores : ndarray, shape (n_respondents, n_dimensions)
        Weighted mean of the answered (reverse-keyed) items; NaN if too few items were
        answered or the respondent is excluded.
    included : ndarray of bool, shape (n_respondents,)
        False for respondents who answered (or marked don't know) under ``min_answered`` of
        all likert items.
    straightliner : ndarray of bool, shape (n_respondents,)
        Included respondents who gave one identical raw answer to every answered likert item
        although both normally and reverse-keyed items were among them (flagged, not dropped).
    pmo, apo : ndarray, shape (n_respondents, n_dimensions)
        Scores over the PMO-oriented resp. APO-oriented items only.
    dimension_ids : tuple of str
    """

    scores: Float2D
    included: NDArray[np.bool_]
    straightliner: NDArray[np.bool_]
    pmo: Float2D
    apo: Float2D
    dimension_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True)
class GroupScores:
    """Statistics of groups (teams, the organisation, or roles) x dimensions.

    Every 2-D array has shape ``(len(labels), len(dimensions))``; hidden or undefined values
    are NaN (never 0), flags say why. Tri-state fields (verdict, quadrant, divided_views,
    clear_change) are object arrays holding a value or None.

    Attributes
    ----------
    labels : tuple
        Group labels, sorted (``("organisation",)`` for the organisation row).
    dimensions : tuple of str
    n_respondents, n_excluded, n_straightliners : ndarray of int, shape (G,)
        Respondents per group who were scored, excluded for answering too little, and flagged
        as straight-liners (raw counts; exports withhold them where `counts_suppressed`).
    n : ndarray of int
        Valid dimension scores (shown even when the statistics are hidden).
    mean, sd, ci_low, ci_high : ndarray
        Mean, SD (``ddof=1``) and t-interval of the valid scores.
    pomp : ndarray
        ``(mean - scale_min) / (scale_max - scale_min) * 100``.
    dont_know_rate : ndarray
        Share of the group's item answers that were "don't know". Suppressed with the cell
        and, like the orientation indices and the rubric level, also on its own count
        (included respondents who answered or marked "don't know" an item of the
        dimension), so that a hidden team with don't-knows but no valid score is protected.
    n_complete : ndarray of int
        Respondents who answered every item of the dimension (used for agreement).
    rwg_j, rwg_j_lindell, ad_m : ndarray
        James-Demaree-Wolf :math:`r_{wg(J)}`, Lindell :math:`r^*_{wg(J)}`, and
        :math:`AD_{M(J)}`.
    divided_views : ndarray of object
        True where AD > c/6 or :math:`r^*_{wg(J)}` < .50.
    pmo_index, apo_index : ndarray
        POMP of the group mean of the PMO- resp. APO-oriented sub-scores.
    quadrant : ndarray of object
        "traditional" (PMO >= 50, APO < 50), "hybrid" (both >= 50), "agile-enabled"
        (APO >= 50, PMO < 50), "under-governed" (both < 50), or None.
    level_band, level_rubric : ndarray
        Maturity level (integer-valued float) by bands on the mean and by rubric quorum.
    n_rubric : ndarray of int
        Rubric answers.
    percentile : ndarray
        Percentile rank of the mean among the baseline's team means (midpoint convention).
    d : ndarray
        ``(mean - baseline mean) / baseline SD``.
    p, p_adjusted, p_adjusted_grid : ndarray
        Welch p versus the baseline; Benjamini-Hochberg adjusted within the group's row
        (a team's report) and over the whole grid (heat maps).
    verdict : ndarray of object
        "clearly above", "in line", "clearly below", or None.
    change, change_ci_low, change_ci_high, change_g : ndarray
        Difference from the previous wave, its Welch interval, and Hedges' g.
    clear_change : ndarray of object
        True where the interval excludes 0 and ``|change| >= mid``; None without a change.
    no_spread : ndarray of bool
        Every valid score is equal (or the previous wave's are): no interval (it would have
        zero width), no p-value, no change interval.
    suppressed : ndarray of bool
        All statistics hidden (fewer than ``min_n``, or complementary suppression).
    complementary : ndarray of bool
        Hidden only to protect another hidden group.
    spread_suppressed : ndarray of bool
        SD, interval, agreement and tests hidden (fewer than ``min_n_spread``).
    counts_suppressed : ndarray of bool, shape (G,)
        The group's counts of respondents, excluded respondents and straight-liners are
        withheld from exports: the group is hidden on every dimension, or its counts are
        hidden to protect another group's (complementary suppression over the groups, with
        the number of responses as the count), or - for the organisation - its counts would
        reveal a lone hidden group's.

    Notes
    -----
    What an export (:meth:`to_records`, hence ``CampaignResult.to_dict``) shows of a hidden
    cell (``suppressed``), field by field:

    - the group label, ``dimension`` and ``n``: shown (the count says why the cell is hidden;
      the application shows response counts anyway);
    - ``suppressed`` (True), ``complementary`` (whether it is hidden only to protect another
      group; follows from ``n`` and ``min_n``) and ``spread_suppressed`` (always True on a
      hidden cell): shown, since they depend on the counts only;
    - ``no_spread`` (whether every answer was equal) and every statistic - mean, SD,
      intervals, POMP, don't-know rate, agreement, divided views, indices, quadrant, levels,
      comparisons, change: None;
    - ``n_complete`` (who answered every item) and ``n_rubric`` (who answered the rubric
      item): None, as counts of how the group answered. With the organisation's don't-know
      rate and the visible teams' they would pin a hidden team's don't-know count;
    - ``n_respondents``, ``n_excluded``, ``n_straightliners``: None where
      `counts_suppressed`. Excluded and straight-lining respondents are a statement about
      the answers of a small group ("one of the three answered almost nothing"), and the
      number of respondents is withheld with them because the completed responses of a team
      are shown elsewhere (completed minus scored gives the excluded).

    The arrays keep the counts (``n_complete``, ``n_rubric``, the per-group counts) for the
    engine's own use; every statistic of a hidden cell is NaN or None in the arrays as well.
    """

    labels: tuple[Any, ...]
    dimensions: tuple[str, ...]
    n_respondents: NDArray[np.int64]
    n_excluded: NDArray[np.int64]
    n_straightliners: NDArray[np.int64]
    n: NDArray[np.int64]
    mean: Float2D
    sd: Float2D
    ci_low: Float2D
    ci_high: Float2D
    pomp: Float2D
    dont_know_rate: Float2D
    n_complete: NDArray[np.int64]
    rwg_j: Float2D
    rwg_j_lindell: Float2D
    ad_m: Float2D
    divided_views: NDArray[np.object_]
    pmo_index: Float2D
    apo_index: Float2D
    quadrant: NDArray[np.object_]
    level_band: Float2D
    level_rubric: Float2D
    n_rubric: NDArray[np.int64]
    percentile: Float2D
    d: Float2D
    p: Float2D
    p_adjusted: Float2D
    p_adjusted_grid: Float2D
    verdict: NDArray[np.object_]
    change: Float2D
    change_ci_low: Float2D
    change_ci_high: Float2D
    change_g: Float2D
    clear_change: NDArray[np.object_]
    no_spread: NDArray[np.bool_]
    suppressed: NDArray[np.bool_]
    complementary: NDArray[np.bool_]
    spread_suppressed: NDArray[np.bool_]
    counts_suppressed: NDArray[np.bool_]

    def __post_init__(self) -> None:
        _read_only(self)

    def row(self, label: Any) -> int:
        """Row index of a group label (``ValueError`` if absent)."""
        try:
            return self.labels.index(label)
        except ValueError:
            raise ValueError(f"no group labelled {label!r}") from None

    def to_records(self, group: str = "team", *, levels: bool = True) -> list[dict[str, Any]]:
        """One JSON-safe dict per (group, dimension) cell; NaN and infinity become None.

        Levels and counts are ints. A hidden cell shows its label, dimension, ``n`` and the
        flags ``suppressed``, ``complementary`` and ``spread_suppressed``; every other field
        is None (see the class notes), and so are the per-group counts where
        `counts_suppressed`. With ``levels=False`` (an instrument without maturity levels)
        ``level_band``, ``level_rubric`` and ``n_rubric`` are None in every record (the keys
        stay, so that every campaign's records have one shape).
        """
        out = []
        cols = {name: getattr(self, name) for name in _CELL_FIELDS}
        per_group = {name: getattr(self, name) for name in _GROUP_COUNT_FIELDS}
        for g, label in enumerate(self.labels):
            counts_hidden = bool(self.counts_suppressed[g])
            for j, dim in enumerate(self.dimensions):
                hidden = bool(self.suppressed[g, j])
                rec: dict[str, Any] = {group: _json_scalar(label), "dimension": dim}
                for name, arr in per_group.items():
                    rec[name] = None if counts_hidden else int(arr[g])
                for name, arr in cols.items():
                    if (hidden and name not in _SHOWN_WHEN_HIDDEN) or (
                            not levels and name in _LEVEL_FIELDS):
                        rec[name] = None
                    else:
                        rec[name] = _json_scalar(arr[g, j], integer=name in _INT_FIELDS)
                out.append(rec)
        return out


_GROUP_COUNT_FIELDS = ("n_respondents", "n_excluded", "n_straightliners")
_CELL_FIELDS = tuple(
    f.name
    for f in fields(GroupScores)
    if f.name not in {"labels", "dimensions", "counts_suppressed", *_GROUP_COUNT_FIELDS}
)
#: Record fields and thresholds of maturity levels, empty for an instrument without levels.
_LEVEL_FIELDS = frozenset({"level_band", "level_rubric", "n_rubric"})
#: The only fields of a hidden cell an export shows (a whitelist: a new field stays hidden).
_SHOWN_WHEN_HIDDEN = frozenset({"n", "suppressed", "complementary", "spread_suppressed"})
_INT_FIELDS = frozenset({"n", "n_complete", "n_rubric", "level_band", "level_rubric"})


def _json_scalar(value: Any, integer: bool = False) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    v = float(value)
    if not math.isfinite(v):
        return None
    return round(v) if integer else v


@dataclass(frozen=True)
class ReadinessVerdicts:
    """Readiness verdicts of groups (teams, the organisation, or roles).

    Made by :func:`assess.scoring.readiness.readiness_verdicts`.

    Attributes
    ----------
    labels : tuple
        Group labels, one per row.
    factors : tuple of str
        Factor (dimension) ids, one per column of the masks.
    verdict : ndarray of object, shape (G,)
        "ready", "conditionally ready" or "not yet"; None where a factor of the group is
        hidden or has no mean (a verdict is suppressed like any other statistic).
    blocking_factor : ndarray of object, shape (G,)
        For "not yet": the lowest factor (the first in factor order on ties); else None.
    below_blocker, below_ready : ndarray of bool, shape (G, F)
        Factors whose mean is below ``blocker_below`` resp. below ``ready_at`` (False
        everywhere in a group without a verdict).
    """

    labels: tuple[Any, ...]
    factors: tuple[str, ...]
    verdict: NDArray[np.object_]
    blocking_factor: NDArray[np.object_]
    below_blocker: NDArray[np.bool_]
    below_ready: NDArray[np.bool_]

    def __post_init__(self) -> None:
        _read_only(self)

    def blocking_factors(self, row: int) -> tuple[str, ...] | None:
        """Factors of group `row` below ``blocker_below``; None without a verdict."""
        return self._named(row, self.below_blocker)

    def factors_below_ready(self, row: int) -> tuple[str, ...] | None:
        """Factors of group `row` below ``ready_at``; None without a verdict."""
        return self._named(row, self.below_ready)

    def _named(self, row: int, mask: NDArray[np.bool_]) -> tuple[str, ...] | None:
        if self.verdict[row] is None:
            return None
        return tuple(f for f, below in zip(self.factors, mask[row], strict=True) if below)

    def to_records(self, group: str = "team") -> list[dict[str, Any]]:
        """One JSON-safe dict per group: label, verdict, blocking factor(s), factors below
        ``ready_at`` (lists; None where the group has no verdict)."""
        out = []
        for i, label in enumerate(self.labels):
            blockers = self.blocking_factors(i)
            below = self.factors_below_ready(i)
            out.append({
                group: _json_scalar(label),
                "verdict": self.verdict[i],
                "blocking_factor": self.blocking_factor[i],
                "blocking_factors": None if blockers is None else list(blockers),
                "factors_below_ready": None if below is None else list(below),
            })
        return out


@dataclass(frozen=True)
class ReadinessResult:
    """Readiness verdicts of one campaign wave, for a readiness instrument.

    Attributes
    ----------
    thresholds : ReadinessThresholds
        ``ready_at`` and ``blocker_below`` of the instrument.
    teams, organisation : ReadinessVerdicts
        One verdict per team, and one for the organisation (label ``"organisation"``).
    roles : ReadinessVerdicts or None
        One verdict per role, if roles were given.
    """

    thresholds: ReadinessThresholds
    teams: ReadinessVerdicts
    organisation: ReadinessVerdicts
    roles: ReadinessVerdicts | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: thresholds, one record per team, the organisation's, one per role."""
        return {
            "thresholds": self.thresholds.to_dict(),
            "teams": self.teams.to_records("team"),
            "organisation": self.organisation.to_records("team")[0],
            "roles": None if self.roles is None else self.roles.to_records("role"),
        }


@dataclass(frozen=True)
class WaveSummary:
    """What a later wave needs of this one: visible team moments and the organisation's.

    Hidden cells are NaN, so a stored summary never carries a suppressed mean.
    """

    teams: tuple[Any, ...]
    dimensions: tuple[str, ...]
    n: NDArray[np.int64]
    mean: Float2D
    sd: Float2D
    organisation_n: NDArray[np.int64]
    organisation_mean: NDArray[np.float64]
    organisation_sd: NDArray[np.float64]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (NaN becomes None), read back by :meth:`from_dict`."""

        def grid(a: NDArray[Any]) -> list[list[Any]]:
            return [[_json_scalar(v) for v in row] for row in a]

        return {
            "teams": [_json_scalar(t) for t in self.teams],
            "dimensions": list(self.dimensions),
            "n": grid(self.n),
            "mean": grid(self.mean),
            "sd": grid(self.sd),
            "organisation_n": [int(v) for v in self.organisation_n],
            "organisation_mean": [_json_scalar(v) for v in self.organisation_mean],
            "organisation_sd": [_json_scalar(v) for v in self.organisation_sd],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WaveSummary:
        """Rebuild from :meth:`to_dict` output; ``ValueError`` on a malformed dict."""
        keys = [f.name for f in fields(cls)]
        if not isinstance(data, Mapping) or not set(keys) <= set(data):
            raise ValueError(f"data must be a mapping with the keys {keys}")
        teams = tuple(data["teams"])
        dims = tuple(data["dimensions"])
        shape = (len(teams), len(dims))

        def num(v: Any, key: str) -> NDArray[np.float64]:
            try:
                arr = np.array(
                    [[np.nan if x is None else x for x in row] for row in v]
                    if shape[0] and isinstance(v, list) and v and isinstance(v[0], list)
                    else [np.nan if x is None else x for x in v],
                    dtype=np.float64,
                )
            except (TypeError, ValueError) as exc:
                raise ValueError(f"data[{key!r}] must hold numbers or None") from exc
            return arr

        n = num(data["n"], "n").reshape(shape) if shape[0] else np.zeros(shape)
        mean = num(data["mean"], "mean").reshape(shape) if shape[0] else np.zeros(shape)
        sd = num(data["sd"], "sd").reshape(shape) if shape[0] else np.zeros(shape)
        org_n = num(data["organisation_n"], "organisation_n")
        if org_n.shape != (len(dims),):
            raise ValueError("data['organisation_n'] must have one entry per dimension")
        return cls(
            teams, dims, n.astype(np.int64), mean, sd, org_n.astype(np.int64),
            num(data["organisation_mean"], "organisation_mean"),
            num(data["organisation_sd"], "organisation_sd"),
        )


@dataclass(frozen=True)
class CampaignResult:
    """Scores of one campaign wave.

    Attributes
    ----------
    spec : InstrumentSpec
        The instrument and thresholds used.
    teams : GroupScores
        One row per team, in sorted label order.
    organisation : GroupScores
        One row, label ``"organisation"``: all included respondents.
    roles : GroupScores or None
        Organisation-wide breakdown by respondent role (no baseline comparison), if roles
        were given.
    baseline_name, baseline_kind : str or None
        The baseline compared with, if any.
    baseline_notes : tuple of (str or None)
        Per dimension, why there is no baseline comparison (None where there is one).
    previous_dimensions : tuple of str
        Dimensions matched with the previous wave.
    n_respondents, n_excluded, n_straightliners : int
        Organisation totals (None in :meth:`to_dict` where the organisation row withholds
        them, see :attr:`GroupScores.counts_suppressed`).
    readiness : ReadinessResult or None
        Readiness verdicts of the teams, the organisation and the roles, for an instrument
        with readiness thresholds (``spec.readiness``); None otherwise.

    Notes
    -----
    An instrument without maturity levels (``spec.has_levels`` False) has NaN levels in the
    arrays, and :meth:`to_dict` gives None for the level fields of every record
    (``level_band``, ``level_rubric``, ``n_rubric``) and for the level thresholds
    (``level_cuts`` and ``level_labels`` empty, ``rubric_quorum`` None): the keys of the
    JSON are the same for every instrument. ``to_dict`` has a ``readiness`` key exactly when
    the instrument has readiness thresholds.
    """

    spec: InstrumentSpec
    teams: GroupScores
    organisation: GroupScores
    roles: GroupScores | None
    baseline_name: str | None
    baseline_kind: str | None
    baseline_notes: tuple[str | None, ...]
    previous_dimensions: tuple[str, ...]
    n_respondents: int
    n_excluded: int
    n_straightliners: int
    readiness: ReadinessResult | None = None

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimension ids in report order."""
        return self.teams.dimensions

    def summary(self) -> WaveSummary:
        """Visible moments for the next wave's change and for :meth:`Baseline.from_campaign`."""
        t, o = self.teams, self.organisation
        visible = ~t.suppressed
        org_visible = ~o.suppressed[0]
        return WaveSummary(
            t.labels,
            t.dimensions,
            t.n.copy(),
            np.where(visible, t.mean, np.nan),
            np.where(visible & ~t.spread_suppressed, t.sd, np.nan),
            np.where(org_visible, o.n[0], 0),
            np.where(org_visible, o.mean[0], np.nan),
            np.where(org_visible & ~o.spread_suppressed[0], o.sd[0], np.nan),
        )

    def to_records(self) -> list[dict[str, Any]]:
        """Team rows then the organisation rows, as JSON-safe dicts (no NaN, no infinity)."""
        levels = self.spec.has_levels
        return (self.teams.to_records("team", levels=levels)
                + self.organisation.to_records("team", levels=levels))

    def to_dict(self) -> dict[str, Any]:
        """The whole result as a JSON-safe dict (``json.dumps(..., allow_nan=False)`` works)."""
        s = self.spec
        levels = s.has_levels
        thresholds: dict[str, Any] = {
            "min_n": s.min_n,
            "min_n_spread": s.min_n_spread,
            "min_n_comments": s.min_n_comments,
            "rubric_quorum": s.rubric_quorum,
            "level_cuts": list(s.level_cuts),
            "level_labels": list(s.level_labels),
            "mid": s.mid,
            "alpha": s.alpha,
            "min_effect": s.min_effect,
            "confidence": s.confidence,
        }
        if not levels:
            thresholds.update(rubric_quorum=None, level_cuts=[], level_labels=[])
        out: dict[str, Any] = {
            "dimensions": list(self.dimensions),
            "thresholds": thresholds,
            "baseline": {
                "name": self.baseline_name,
                "kind": self.baseline_kind,
                "notes": dict(zip(self.dimensions, self.baseline_notes, strict=True)),
            },
            "previous_dimensions": list(self.previous_dimensions),
            # the organisation's counts, withheld where its row withholds them
            **{name: None if self.organisation.counts_suppressed[0] else getattr(self, name)
               for name in _GROUP_COUNT_FIELDS},
            "teams": self.teams.to_records("team", levels=levels),
            "organisation": self.organisation.to_records("team", levels=levels),
            "roles": (None if self.roles is None
                      else self.roles.to_records("role", levels=levels)),
        }
        if s.readiness is not None and self.readiness is not None:
            out["readiness"] = self.readiness.to_dict()
        return out
