"""The team-level entry point: score a campaign (one wave) for every team and dimension.

:func:`score_campaign` turns an answer matrix into per-team, per-dimension statistics - mean
with t-interval, POMP, don't-know rate, agreement, orientation indices, maturity levels,
comparison with a baseline, change since the previous wave - with anonymity rules applied.
Everything is computed in arrays across teams and dimensions at once: respondents are never
looped over in Python, so scoring 50 teams of 10 takes a few milliseconds.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._exact import mean_hundredths, required_count, share_as_fraction
from ._groups import BLOCK_ROWS, factorize, group_moments, group_sums
from ._intervals import mean_interval, t_critical
from ._validation import as_item_matrix
from .agreement import (
    _rwg_j_from_variance,
    _rwg_j_lindell_from_variance,
    ad_practical_limit,
    uniform_null_variance,
)
from .baseline import Baseline
from .comparison import _hedges_g, _welch_difference, adjust_pvalues
from .errors import DegenerateDataWarning, SmallSampleWarning
from .instrument import InstrumentSpec
from .items import _pomp
from .levels import level_from_mean, rubric_levels_from_counts
from .norms import _midpoint_rank
from .suppression import suppress

__all__ = [
    "QUADRANTS",
    "VERDICTS",
    "CampaignResult",
    "GroupScores",
    "RespondentScores",
    "WaveSummary",
    "benjamini_hochberg",
    "respondent_scores",
    "score_campaign",
]

#: Verdicts against a baseline, as shown to coaches.
VERDICTS: tuple[str, ...] = ("clearly above", "in line", "clearly below")

#: Transition-map quadrants, from the PMO and APO orientation indices cut at 50.
QUADRANTS: tuple[str, ...] = ("traditional", "hybrid", "agile-enabled", "under-governed")

Float2D = NDArray[np.float64]

#: Tolerance for ties between a team mean and the baseline's team means.
_TIE = 1e-9


# =============================================================================================
# respondent level
# =============================================================================================
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


@dataclass(frozen=True)
class _Prepared:
    """Everything the group aggregation needs, computed once per answer matrix."""

    scores: Float2D
    pmo: Float2D
    apo: Float2D
    included: NDArray[np.bool_]
    straightliner: NDArray[np.bool_]
    answers: Float2D  # the validated answer matrix (n x columns), not copied
    item_col: NDArray[np.intp]  # answer column of each likert item, grouped by dimension
    item_dim: NDArray[np.intp]  # dimension of each item
    membership: Float2D  # K x D, 1 where the item belongs to the dimension
    k: NDArray[np.float64]  # items per dimension
    answered: Float2D  # n x D answered items
    dont_know: Float2D  # n x D don't-know items
    complete: NDArray[np.bool_]  # n x D: included and every item of the dimension answered
    rubric: Float2D  # n x D rubric level answers (NaN where none / no rubric)


_SHARED_FIELDS = frozenset({"item_col", "item_dim", "membership", "k"})
_ALL_FIELDS = tuple(f.name for f in fields(_Prepared))


def _validate_answers(
    values: ArrayLike, dont_know: ArrayLike | None, spec: InstrumentSpec
) -> tuple[Float2D, NDArray[np.bool_]]:
    """Check the types and shapes of the answers; the values are checked by `_check_values`."""
    if not isinstance(spec, InstrumentSpec):
        raise ValueError(f"spec must be an InstrumentSpec, got {type(spec).__name__}")
    x = as_item_matrix(values, "values", check_infinite=False)
    spec.check_columns(x.shape[1])
    if dont_know is None:
        return x, np.zeros(x.shape, dtype=bool)
    dk = np.asarray(dont_know)
    if dk.shape != x.shape:
        raise ValueError(
            f"dont_know must be a boolean matrix of the same shape as values {x.shape}, "
            f"got shape {dk.shape}"
        )
    if dk.dtype != bool:
        if not np.isin(dk, (0, 1)).all():
            raise ValueError("dont_know must be a boolean matrix (True = don't know)")
        dk = dk.astype(bool)
    if not spec.dont_know and dk.any():
        raise ValueError("dont_know has True entries but the instrument offers no don't know")
    return x, dk


def _check_values(x: Float2D, dk: NDArray[np.bool_], spec: InstrumentSpec, row0: int) -> None:
    """Check the answer values of one block of rows (row numbers in messages count from 0).

    Called block by block just before the block is scored, so that it reads the block while
    it is in the CPU cache rather than making passes of its own over the whole matrix.
    """
    if np.isinf(x).any():
        raise ValueError("values must not contain infinite values (use NaN for missing)")
    if dk.any() and not np.isnan(x[dk]).all():
        r, c = np.argwhere(dk & ~np.isnan(x))[0]
        raise ValueError(
            f"values must be NaN where dont_know is True (row {row0 + r}, column {c} has both)"
        )
    likert = list(spec.likert_columns)
    if x.shape[0] and likert:
        # fmin/fmax skip NaN without a pass to drop it (and without nanmin's all-NaN warning)
        lo = np.fmin.reduce(np.fmin.reduce(x, axis=0)[likert])
        hi = np.fmax.reduce(np.fmax.reduce(x, axis=0)[likert])
        if lo < spec.scale_min or hi > spec.scale_max:
            lik = x[:, likert]
            r, c = np.argwhere((lik < spec.scale_min) | (lik > spec.scale_max))[0]
            raise ValueError(
                f"values of likert columns must lie within the scale "
                f"[{spec.scale_min:g}, {spec.scale_max:g}], got {lik[r, c]:g} "
                f"(row {row0 + r}, column {likert[c]})"
            )
    if spec.rubric_columns:
        rub = x[:, list(spec.rubric_columns)]
        given = rub[~np.isnan(rub)]
        if given.size and (
            np.any(given != np.round(given)) or given.min() < 1 or given.max() > spec.n_levels
        ):
            raise ValueError(
                f"values of rubric columns must be whole level numbers 1..{spec.n_levels}"
            )


def _prepare(values: Float2D, dk: NDArray[np.bool_], spec: InstrumentSpec) -> _Prepared:
    """Respondent-level arrays of the whole matrix (see :func:`_prepare_rows`)."""
    return _Prepared(**_prepare_rows(values, dk, spec, _ALL_FIELDS))


def _prepare_rows(values: Float2D, dk: NDArray[np.bool_], spec: InstrumentSpec,
                  names: tuple[str, ...]) -> dict[str, Any]:
    """The `names` fields of :class:`_Prepared` for the whole matrix, block by block of rows.

    Each block's working arrays stay in the CPU cache (one pass over 100,000 x 60 answers at
    once ran 4x slower per row than over 10,000), and its results are written into the full
    arrays while they are still cached. Only the fields asked for are kept: every full-size
    array is fresh memory the operating system must map, which is a cost per byte too.
    """
    n = values.shape[0]
    if n <= BLOCK_ROWS:
        _check_values(values, dk, spec, 0)
        part = _prepare_block(values, dk, spec)
        return {name: getattr(part, name) for name in names}
    out: dict[str, Any] = {}
    for i in range(0, n, BLOCK_ROWS):
        block, block_dk = values[i:i + BLOCK_ROWS], dk[i:i + BLOCK_ROWS]
        _check_values(block, block_dk, spec, i)
        part = _prepare_block(block, block_dk, spec)
        for name in names:
            a = getattr(part, name)
            if name in _SHARED_FIELDS:
                out[name] = a
            elif name == "answers":
                out[name] = values
            else:
                if name not in out:
                    out[name] = np.empty((n, *a.shape[1:]), dtype=a.dtype)
                out[name][i:i + a.shape[0]] = a
    return out


def _prepare_block(values: Float2D, dk: NDArray[np.bool_], spec: InstrumentSpec) -> _Prepared:
    n_dims = len(spec.dimensions)
    item_col = np.array([c for d in spec.dimensions for c in d.columns], dtype=np.intp)
    item_dim = np.array(
        [j for j, d in enumerate(spec.dimensions) for _ in d.columns], dtype=np.intp
    )
    item_rev = np.array([r for d in spec.dimensions for r in d.reverse], dtype=bool)
    item_w = np.array([w for d in spec.dimensions for w in d.weights])
    item_or = np.array([o for d in spec.dimensions for o in d.orientation])
    n_items = item_col.size

    raw = values[:, item_col]
    items = raw.copy()
    items[:, item_rev] = (spec.scale_min + spec.scale_max) - items[:, item_rev]
    ans = ~np.isnan(items)
    ans_f = ans.astype(np.float64)
    filled = np.where(ans, items, 0.0)

    membership = np.zeros((n_items, n_dims))
    membership[np.arange(n_items), item_dim] = 1.0
    k = membership.sum(axis=0)

    # Respondent exclusion counts distinct likert columns answered or marked don't know:
    # an honest "don't know" is engagement, and it feeds the don't-know rate.
    lik = list(spec.likert_columns)
    engaged = (~np.isnan(values[:, lik]) | dk[:, lik]).sum(axis=1)
    q = share_as_fraction(spec.min_answered)
    included = engaged * q.denominator >= q.numerator * len(lik)

    # Items are grouped by dimension, so per-dimension sums are one reduceat along the row
    # (a memory-bound pass; a matrix product with the membership matrix was slower).
    starts = np.flatnonzero(np.r_[True, item_dim[1:] != item_dim[:-1]])
    uniform = bool(np.all(item_w == 1.0))
    weighted = filled if uniform else filled * item_w

    def per_dim(a: Float2D) -> Float2D:
        return np.add.reduceat(a, starts, axis=1)

    def weighted_scores(select: NDArray[np.bool_] | None, floor: int) -> Float2D:
        if select is None:
            count = per_dim(ans_f)
            wsum = count if uniform else per_dim(ans_f * item_w)
            total = per_dim(weighted)
            k_sub = k
        else:
            sel = select.astype(np.float64)
            count = per_dim(ans_f * sel)
            wsum = count if uniform else per_dim(ans_f * (sel * item_w))
            total = per_dim(weighted * sel)
            k_sub = np.add.reduceat(sel, starts)
        need = required_count(k_sub, spec.min_answered, floor)
        ok = included[:, None] & (count >= need) & (k_sub > 0) & (count > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ok, total / wsum, np.nan), count

    scores, answered = weighted_scores(None, spec.min_items)
    pmo, _ = weighted_scores(item_or == "pmo", 1)
    apo, _ = weighted_scores(item_or == "apo", 1)

    dont_know = per_dim(dk[:, item_col].astype(np.float64))
    complete = included[:, None] & (answered == k)

    # Straight-lining: one raw answer everywhere, although reverse-keyed items were answered
    # alongside normally keyed ones (agreeing with a statement and with its opposite).
    lo = np.where(ans, raw, np.inf).min(axis=1) if n_items else np.zeros(len(values))
    hi = np.where(ans, raw, -np.inf).max(axis=1) if n_items else np.zeros(len(values))
    mixed = (ans & item_rev).any(axis=1) & (ans & ~item_rev).any(axis=1)
    straightliner = included & mixed & (lo == hi)

    rubric = np.full((values.shape[0], n_dims), np.nan)
    for j, d in enumerate(spec.dimensions):  # per dimension bookkeeping only
        if d.rubric_column is not None:
            rubric[:, j] = values[:, d.rubric_column]
    rubric[~included] = np.nan

    return _Prepared(
        scores, pmo, apo, included, straightliner, values, item_col, item_dim, membership, k,
        answered, dont_know, complete, rubric,
    )


def respondent_scores(
    values: ArrayLike, dont_know: ArrayLike | None, spec: InstrumentSpec
) -> RespondentScores:
    r"""Person-level dimension scores (proration, exclusion, straight-liner flag).

    Parameters
    ----------
    values : array_like, shape (n_respondents, n_columns)
        Answers; NaN for missing or don't know.
    dont_know : array_like of bool or None
        True where the respondent chose "don't know" (value must then be NaN).
    spec : InstrumentSpec

    Returns
    -------
    RespondentScores

    Notes
    -----
    Score of respondent :math:`r` on dimension :math:`d` (``psych::scoreItems(impute="none")``
    with weights): :math:`\sum_{j \in A} w_j x'_{rj} / \sum_{j \in A} w_j` over the answered
    items :math:`A`, reverse-keyed as :math:`x' = \min + \max - x`; valid when
    :math:`|A| \ge \max(\min(m, k), \lceil s k \rceil)` with :math:`m` = ``min_items``,
    :math:`s` = ``min_answered`` and :math:`k` items in the dimension.
    """
    x, dk = _validate_answers(values, dont_know, spec)
    names = ("scores", "included", "straightliner", "pmo", "apo")
    p = _prepare_rows(x, dk, spec, names)
    out = RespondentScores(*(p[name] for name in names), spec.dimension_ids)
    for f in fields(out):
        v = getattr(out, f.name)
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return out


# =============================================================================================
# group level
# =============================================================================================
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
        as straight-liners.
    n : ndarray of int
        Valid dimension scores (shown even when the statistics are hidden).
    mean, sd, ci_low, ci_high : ndarray
        Mean, SD (``ddof=1``) and t-interval of the valid scores.
    pomp : ndarray
        ``(mean - scale_min) / (scale_max - scale_min) * 100``.
    dont_know_rate : ndarray
        Share of the group's item answers that were "don't know".
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

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v.flags.writeable = False

    def row(self, label: Any) -> int:
        """Row index of a group label (``ValueError`` if absent)."""
        try:
            return self.labels.index(label)
        except ValueError:
            raise ValueError(f"no group labelled {label!r}") from None

    def to_records(self, group: str = "team") -> list[dict[str, Any]]:
        """One JSON-safe dict per (group, dimension) cell; NaN and infinity become None.

        Levels and counts are ints; hidden cells keep ``n`` and their flags.
        """
        out = []
        cols = {name: getattr(self, name) for name in _CELL_FIELDS}
        per_group = {
            "n_respondents": self.n_respondents,
            "n_excluded": self.n_excluded,
            "n_straightliners": self.n_straightliners,
        }
        for g, label in enumerate(self.labels):
            for j, dim in enumerate(self.dimensions):
                rec: dict[str, Any] = {group: _json_scalar(label), "dimension": dim}
                for name, arr in per_group.items():
                    rec[name] = int(arr[g])
                for name, arr in cols.items():
                    rec[name] = _json_scalar(arr[g, j], integer=name in _INT_FIELDS)
                out.append(rec)
        return out


_CELL_FIELDS = tuple(
    f.name
    for f in fields(GroupScores)
    if f.name not in {"labels", "dimensions", "n_respondents", "n_excluded", "n_straightliners"}
)
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
    return int(round(v)) if integer else v


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
        Organisation totals.
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
        return self.teams.to_records("team") + self.organisation.to_records("team")

    def to_dict(self) -> dict[str, Any]:
        """The whole result as a JSON-safe dict (``json.dumps(..., allow_nan=False)`` works)."""
        s = self.spec
        return {
            "dimensions": list(self.dimensions),
            "thresholds": {
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
            },
            "baseline": {
                "name": self.baseline_name,
                "kind": self.baseline_kind,
                "notes": dict(zip(self.dimensions, self.baseline_notes, strict=True)),
            },
            "previous_dimensions": list(self.previous_dimensions),
            "n_respondents": self.n_respondents,
            "n_excluded": self.n_excluded,
            "n_straightliners": self.n_straightliners,
            "teams": self.teams.to_records("team"),
            "organisation": self.organisation.to_records("team"),
            "roles": None if self.roles is None else self.roles.to_records("role"),
        }


# =============================================================================================
# helpers
# =============================================================================================
def benjamini_hochberg(p: ArrayLike, axis: int = -1) -> Float2D:
    """Benjamini-Hochberg adjusted p-values along an axis, ignoring NaN.

    The same as ``adjust_pvalues(p, method="bh", axis=axis)`` (which it calls): the values of
    ``scipy.stats.false_discovery_control(p, method="bh")`` on the non-NaN entries of each
    slice; NaN stays NaN and does not count as a test.

    Parameters
    ----------
    p : array_like
        p-values in [0, 1] or NaN.
    axis : int
        Axis along which the family of tests lies (default last).
    """
    return np.asarray(adjust_pvalues(p, method="bh", axis=axis), dtype=np.float64)


def _sorted_by_group(prep: _Prepared, codes: NDArray[np.intp]
                     ) -> tuple[_Prepared, NDArray[np.intp]]:
    """Rows reordered so that each group is contiguous (a no-op if they already are)."""
    if codes.size < 2 or not np.any(codes[1:] < codes[:-1]):
        return prep, codes
    order = np.argsort(codes, kind="stable")
    rows = {
        f.name: getattr(prep, f.name) if f.name in _SHARED_FIELDS else getattr(prep, f.name)[order]
        for f in fields(_Prepared)
    }
    return _Prepared(**rows), codes[order]


def _tristate(values: NDArray[Any], defined: NDArray[np.bool_]) -> NDArray[np.object_]:
    out = np.full(values.shape, None, dtype=object)
    out[defined] = values[defined]
    return out


# =============================================================================================
# the entry point
# =============================================================================================
def _score_groups(
    prep: _Prepared,
    codes: NDArray[np.intp],
    labels: tuple[Any, ...],
    spec: InstrumentSpec,
    parent_n: dict[str, NDArray[np.int64]] | None,
) -> dict[str, Any]:
    """Descriptive statistics and suppression of one partition of respondents."""
    prep, codes = _sorted_by_group(prep, codes)
    n_groups = len(labels)
    n_dims = len(spec.dimensions)
    inc = prep.included

    def per_group_count(flag: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.bincount(codes, weights=flag, minlength=n_groups).astype(np.int64)

    valid = ~np.isnan(prep.scores)
    n_f, mean, var, _ = group_moments(codes, n_groups, prep.scores, valid)
    n = n_f.astype(np.int64)
    sd = np.sqrt(var)
    ci_low, ci_high = mean_interval(mean, sd, n_f, spec.confidence)
    pomp = _pomp(mean, spec.scale_min, spec.scale_max)

    inc2 = np.broadcast_to(inc[:, None], prep.answered.shape)
    _, dk_sum = group_sums(codes, n_groups, prep.dont_know, inc2)
    _, ans_sum = group_sums(codes, n_groups, prep.answered, inc2)
    with np.errstate(invalid="ignore", divide="ignore"):
        dk_rate = np.where(dk_sum + ans_sum > 0, dk_sum / (dk_sum + ans_sum), np.nan)

    # Agreement on complete rows only (as multilevel::rwg.j), every item of the dimension.
    # Raw answers serve: variance and absolute deviations do not change with reverse keying.
    nc_item, _, var_item, absdev_sum = group_moments(
        codes, n_groups, prep.answers, prep.complete, absolute=True,
        columns=prep.item_col, mask_columns=prep.item_dim,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        ad_item = absdev_sum / nc_item
    per_dim = prep.membership / prep.k  # K x D averaging matrix
    n_complete = np.rint(nc_item @ per_dim).astype(np.int64)
    ok = n_complete >= 2
    mean_var = np.where(ok, np.nan_to_num(var_item) @ per_dim, np.nan)
    ad_m = np.where(ok, np.nan_to_num(ad_item) @ per_dim, np.nan)
    sigma2 = uniform_null_variance(spec.scale_points)
    rwg_j = _rwg_j_from_variance(mean_var, prep.k, sigma2)
    lindell = _rwg_j_lindell_from_variance(mean_var, sigma2)
    divided = (ad_m > ad_practical_limit(spec.scale_points)) | (lindell < 0.5)

    # Orientation indices: POMP of the group mean of the PMO / APO sub-scores.
    vp = ~np.isnan(prep.pmo)
    n_pmo, pmo_sum = group_sums(codes, n_groups, prep.pmo, vp)
    va = ~np.isnan(prep.apo)
    n_apo, apo_sum = group_sums(codes, n_groups, prep.apo, va)
    with np.errstate(invalid="ignore", divide="ignore"):
        pmo_index = _pomp(pmo_sum / n_pmo, spec.scale_min, spec.scale_max)
        apo_index = _pomp(apo_sum / n_apo, spec.scale_min, spec.scale_max)

    # Rubric level from counts per (group, dimension, level).
    n_levels = spec.n_levels
    rv = ~np.isnan(prep.rubric)
    cell = (codes[:, None] * n_dims + np.arange(n_dims)) * n_levels
    lvl_idx = (cell + np.where(rv, prep.rubric, 1).astype(np.intp) - 1)[rv]
    counts = np.bincount(lvl_idx, minlength=n_groups * n_dims * n_levels).reshape(
        n_groups, n_dims, n_levels
    )
    n_rubric = counts.sum(axis=-1)
    level_rubric = rubric_levels_from_counts(counts, spec.rubric_quorum)

    # --- anonymity --------------------------------------------------------------------------
    def masks(counts_: NDArray[np.int64], key: str) -> tuple[NDArray[np.bool_], ...]:
        parent = None if parent_n is None else parent_n[key]
        s = suppress(counts_, spec.min_n, parent)
        return s.hidden, s.complementary, s.parent_hidden

    hidden, compl, parent_hidden = masks(n, "n")
    hid_p, _, ph_p = masks(n_pmo.astype(np.int64), "n_pmo")
    hid_a, _, ph_a = masks(n_apo.astype(np.int64), "n_apo")
    hid_r, _, ph_r = masks(n_rubric, "n_rubric")
    hid_p = hid_p | hidden
    hid_a = hid_a | hidden
    hid_r = hid_r | hidden
    spread_hidden = hidden | (n < spec.min_n_spread)
    no_spread = (n >= 2) & (var == 0)
    agree_hidden = hidden | (n_complete < spec.min_n_spread)


    def hide(a: Float2D, mask: NDArray[np.bool_]) -> Float2D:
        return np.where(mask, np.nan, a)

    pmo_index = hide(pmo_index, hid_p)
    apo_index = hide(apo_index, hid_a)
    both = np.isfinite(pmo_index) & np.isfinite(apo_index)
    # cut at exactly 50 on the index rounded like the displayed value (hundredths)
    pmo_hi = mean_hundredths(np.nan_to_num(pmo_index)) >= 5000
    apo_hi = mean_hundredths(np.nan_to_num(apo_index)) >= 5000
    quad = np.where(
        pmo_hi,
        np.where(apo_hi, "hybrid", "traditional"),
        np.where(apo_hi, "agile-enabled", "under-governed"),
    ).astype(object)

    mean_v = hide(mean, hidden)
    out: dict[str, Any] = {
        "n_respondents": per_group_count(inc),
        "n_excluded": per_group_count(~inc),
        "n_straightliners": per_group_count(prep.straightliner),
        "n": n,
        "mean": mean_v,
        "sd": hide(sd, spread_hidden),
        # A zero-width interval would claim certainty from identical answers: "no spread".
        "ci_low": hide(ci_low, spread_hidden | no_spread),
        "ci_high": hide(ci_high, spread_hidden | no_spread),
        "pomp": hide(pomp, hidden),
        "dont_know_rate": hide(dk_rate, hidden),
        "n_complete": n_complete,
        "rwg_j": hide(rwg_j, agree_hidden),
        "rwg_j_lindell": hide(lindell, agree_hidden),
        "ad_m": hide(ad_m, agree_hidden),
        "divided_views": _tristate(divided, ~agree_hidden & ok),
        "pmo_index": pmo_index,
        "apo_index": apo_index,
        "quadrant": _tristate(quad, both),
        "level_band": level_from_mean(mean_v, spec.level_cuts),
        "level_rubric": hide(level_rubric, hid_r),
        "n_rubric": n_rubric,
        "no_spread": no_spread & ~hidden,
        "suppressed": hidden,
        "complementary": compl,
        "spread_suppressed": spread_hidden,
        # internals for the comparisons (unhidden values are never returned)
        "_var": var,
        "_parent_hidden": {"n": parent_hidden, "n_pmo": ph_p, "n_apo": ph_a, "n_rubric": ph_r},
        "_counts": {"n": n, "n_pmo": n_pmo.astype(np.int64), "n_apo": n_apo.astype(np.int64),
                    "n_rubric": n_rubric},
        "_small": int((n < 2).sum()),
    }
    return out


def _compare_baseline(
    g: dict[str, Any], baseline: Baseline | None, spec: InstrumentSpec,
    min_respondents: int, min_teams: int,
) -> list[str | None]:
    """Add percentile, d, p and verdict to a group dict; return the per-dimension notes."""
    shape = g["mean"].shape
    percentile = np.full(shape, np.nan)
    d = np.full(shape, np.nan)
    p = np.full(shape, np.nan)
    notes: list[str | None] = []
    testable = ~g["spread_suppressed"] & ~g["no_spread"]
    for j, dim in enumerate(spec.dimension_ids):  # ragged team-mean arrays: per dimension
        if baseline is None:
            notes.append("no baseline selected")
            continue
        reason = baseline.unusable_reason(dim, min_respondents, min_teams)
        notes.append(reason)
        if reason is not None:
            continue
        ref = baseline.get(dim)
        if ref is None:  # pragma: no cover - unusable_reason reports a missing dimension
            continue
        m = g["mean"][:, j]
        # Ties within 1e-9 count as equal: a mean of exactly 4 is often computed one ulp
        # away from the stored 4.0, which would move it by a whole rank.
        percentile[:, j] = _midpoint_rank(ref.team_means, m, _TIE)
        d[:, j] = (m - ref.mean) / ref.sd
        diff, se, df = _welch_difference(
            m, g["_var"][:, j], g["n"][:, j].astype(np.float64),
            np.float64(ref.mean), np.float64(ref.sd) ** 2, np.float64(ref.n),
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            pj = 2.0 * special.stdtr(df, -np.abs(diff / se))
        p[:, j] = np.where(testable[:, j], pj, np.nan)
    g["percentile"] = percentile
    g["d"] = d
    g["p"] = p
    g["p_adjusted"] = adjust_pvalues(p, method="bh", axis=1)
    g["p_adjusted_grid"] = adjust_pvalues(p, method="bh")
    decided = np.isfinite(g["p_adjusted"]) & np.isfinite(d)
    strong = (g["p_adjusted"] < spec.alpha) & (np.round(np.abs(d), 9) >= spec.min_effect)
    verdict = np.where(strong, np.where(d > 0, "clearly above", "clearly below"), "in line")
    g["verdict"] = _tristate(verdict.astype(object), decided)
    return notes


def _compare_previous(
    g: dict[str, Any], labels: tuple[Any, ...], prev_labels: tuple[Any, ...],
    prev_n: NDArray[np.int64], prev_mean: Float2D, prev_sd: Float2D,
    prev_dims: tuple[str, ...], spec: InstrumentSpec,
) -> tuple[str, ...]:
    """Add the change since the previous wave to a group dict; return matched dimensions."""
    shape = g["mean"].shape
    pm = np.full(shape, np.nan)
    ps = np.full(shape, np.nan)
    pn = np.zeros(shape)
    dim_pos = {dim: i for i, dim in enumerate(prev_dims)}
    cur_j = [j for j, dim in enumerate(spec.dimension_ids) if dim in dim_pos]
    prev_j = [dim_pos[spec.dimension_ids[j]] for j in cur_j]
    row_pos = {lab: i for i, lab in enumerate(prev_labels)}
    cur_i = [i for i, lab in enumerate(labels) if lab in row_pos]
    prev_i = [row_pos[labels[i]] for i in cur_i]
    if cur_i and cur_j:
        ix_c = np.ix_(cur_i, cur_j)
        ix_p = np.ix_(prev_i, prev_j)
        pm[ix_c] = prev_mean[ix_p]
        ps[ix_c] = prev_sd[ix_p]
        pn[ix_c] = prev_n[ix_p]
    cur_var = np.where(g["spread_suppressed"], np.nan, g["_var"])
    n_cur = g["n"].astype(np.float64)
    raw_diff, se, df = _welch_difference(g["mean"], cur_var, n_cur, pm, ps * ps, pn)
    zero = (cur_var == 0) | (ps == 0)
    diff = np.where(np.isfinite(df) & ~zero, raw_diff, np.nan)
    half = t_critical(df, spec.confidence) * se
    hedges = _hedges_g(raw_diff, cur_var, n_cur, ps * ps, pn)
    g["change"] = diff
    g["change_ci_low"] = diff - half
    g["change_ci_high"] = diff + half
    g["change_g"] = np.where(np.isfinite(diff), hedges, np.nan)
    excludes_zero = (g["change_ci_low"] > 0) | (g["change_ci_high"] < 0)
    clear = excludes_zero & (np.round(np.abs(diff), 9) >= spec.mid)
    g["clear_change"] = _tristate(clear.astype(object), np.isfinite(diff))
    g["no_spread"] = g["no_spread"] | (zero & np.isfinite(pm) & ~g["suppressed"])
    return tuple(spec.dimension_ids[j] for j in cur_j)


def _empty_comparisons(g: dict[str, Any]) -> None:
    shape = g["mean"].shape
    for key in ("percentile", "d", "p", "p_adjusted", "p_adjusted_grid", "change",
                "change_ci_low", "change_ci_high", "change_g"):
        g.setdefault(key, np.full(shape, np.nan))
    for key in ("verdict", "clear_change"):
        g.setdefault(key, np.full(shape, None, dtype=object))


def _build(g: dict[str, Any], labels: tuple[Any, ...], dims: tuple[str, ...]) -> GroupScores:
    _empty_comparisons(g)
    kwargs = {k: v for k, v in g.items() if not k.startswith("_")}
    return GroupScores(labels=labels, dimensions=dims, **kwargs)


def _labels_and_codes(labels_in: ArrayLike, n_rows: int, name: str,
                      universe: Sequence[Any] | None = None
                      ) -> tuple[tuple[Any, ...], NDArray[np.intp]]:
    arr = np.asarray(labels_in)
    if arr.ndim != 1 or arr.shape[0] != n_rows:
        raise ValueError(
            f"{name} must be a 1-D array with one label per row of values ({n_rows}), "
            f"got shape {arr.shape}"
        )
    if arr.dtype == object and any(v is None for v in arr):
        raise ValueError(f"{name} must not contain None")
    if arr.dtype.kind == "f":
        raise ValueError(f"{name} must hold strings or integers, got floats")
    try:
        uniq, codes = factorize(arr)
    except TypeError as exc:
        raise ValueError(f"{name} must be labels of one type (all strings or all ints)") from exc
    labels = tuple(v.item() if isinstance(v, np.generic) else v for v in uniq)
    if universe is not None:
        try:
            full = np.unique(np.asarray(list(universe)))
        except TypeError as exc:
            raise ValueError("team_labels must be labels of one type") from exc
        full_labels = tuple(v.item() if isinstance(v, np.generic) else v for v in full)
        missing = set(labels) - set(full_labels)
        if missing:
            raise ValueError(f"{name} has labels not in team_labels: {sorted(map(str, missing))}")
        pos = {lab: i for i, lab in enumerate(full_labels)}
        remap = np.array([pos[lab] for lab in labels], dtype=np.intp)
        return full_labels, remap[codes] if codes.size else codes.astype(np.intp)
    return labels, codes.astype(np.intp)


def score_campaign(
    values: ArrayLike,
    dont_know: ArrayLike | None,
    teams: ArrayLike,
    spec: InstrumentSpec,
    *,
    baseline: Baseline | None = None,
    previous: CampaignResult | WaveSummary | None = None,
    roles: ArrayLike | None = None,
    team_labels: Sequence[Any] | None = None,
    baseline_min_respondents: int = 30,
    baseline_min_teams: int = 5,
) -> CampaignResult:
    r"""Score one campaign wave for every team and dimension, and for the organisation.

    Parameters
    ----------
    values : array_like, shape (n_respondents, n_columns)
        Answers: likert items on ``[spec.scale_min, spec.scale_max]``, rubric items as level
        numbers; NaN for missing or don't know.
    dont_know : array_like of bool, same shape, or None
        True where the respondent chose "don't know" (the value must be NaN there).
    teams : array_like, shape (n_respondents,)
        Team label (str or int) of each respondent.
    spec : InstrumentSpec
        Dimensions, scale and thresholds.
    baseline : Baseline, optional
        Reference for percentile, d, Welch p and verdict. A dimension whose baseline has
        fewer than `baseline_min_respondents` respondents or `baseline_min_teams` teams gets no
        comparison, and ``baseline_notes`` says why.
    previous : CampaignResult or WaveSummary, optional
        The earlier wave, matched by team label and dimension id (dimensions both share).
    roles : array_like, shape (n_respondents,), optional
        Respondent roles, for an organisation-wide breakdown by role.
    team_labels : sequence, optional
        Every team of the campaign, so that teams without responses appear (n = 0).

    Returns
    -------
    CampaignResult

    Warns
    -----
    SmallSampleWarning
        Some group has fewer than 2 valid scores on a dimension (mean/SD/interval NaN).
    DegenerateDataWarning
        Some visible group has no spread (all scores equal): its interval, p-value and change
        interval are NaN rather than a misleading number.

    Notes
    -----
    Team mean :math:`\bar x` with t-interval :math:`\bar x \pm t_{n-1, .975}\, s/\sqrt n`.
    Agreement on complete rows with uniform null variance :math:`\sigma^2 = (A^2-1)/12`:
    :math:`r_{wg(J)} = J(1-\bar s^2/\sigma^2) / (J(1-\bar s^2/\sigma^2) + \bar s^2/\sigma^2)`
    (0 when :math:`\bar s^2 > \sigma^2`; James, Demaree & Wolf 1984; R ``multilevel::rwg.j``),
    Lindell's :math:`r^*_{wg(J)} = 1 - \bar s^2/\sigma^2` (Lindell, Brandt & Whitney 1999) and
    :math:`AD_{M(J)}` (Burke, Finkelstein & Dusig 1999). Welch's t from moments against the
    baseline, Benjamini-Hochberg (1995) within each row and over the grid; Hedges' g of the
    change with the exact correction
    :math:`J(m) = \Gamma(m/2) / (\sqrt{m/2}\,\Gamma((m-1)/2))`, :math:`m = n_1 + n_2 - 2`.
    These are the implementations of :mod:`assess.scoring.comparison`. Item weights affect
    scores, not agreement. The organisation is compared with a baseline that may contain it
    (e.g. its own teams), so its test is descriptive. Thresholds and references:
    docs/scoring.md.
    """
    x, dk = _validate_answers(values, dont_know, spec)
    for name, v in (("baseline_min_respondents", baseline_min_respondents),
                    ("baseline_min_teams", baseline_min_teams)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    if baseline is not None and not isinstance(baseline, Baseline):
        raise ValueError(f"baseline must be a Baseline or None, got {type(baseline).__name__}")
    if previous is not None and not isinstance(previous, (CampaignResult, WaveSummary)):
        raise ValueError(
            f"previous must be a CampaignResult or WaveSummary, got {type(previous).__name__}"
        )
    n_rows = x.shape[0]
    labels, codes = _labels_and_codes(teams, n_rows, "teams", team_labels)
    role_labels: tuple[Any, ...] | None = None
    role_codes = None
    if roles is not None:
        role_labels, role_codes = _labels_and_codes(roles, n_rows, "roles")

    prep = _prepare(x, dk, spec)
    dims = spec.dimension_ids

    org = _score_groups(prep, np.zeros(n_rows, dtype=np.intp), ("organisation",), spec, None)
    org_counts = {k: v[0] for k, v in org["_counts"].items()}
    team = _score_groups(prep, codes, labels, spec, org_counts)
    role = None
    if role_labels is not None and role_codes is not None:
        role = _score_groups(prep, role_codes, role_labels, spec, org_counts)

    # A parent total that would reveal a lone hidden child is hidden itself.
    parent_hidden = team["_parent_hidden"]["n"]
    if role is not None:
        parent_hidden = parent_hidden | role["_parent_hidden"]["n"]
    if parent_hidden.any():
        for key in ("mean", "sd", "ci_low", "ci_high", "pomp", "dont_know_rate", "rwg_j",
                    "rwg_j_lindell", "ad_m", "level_band"):
            org[key] = np.where(parent_hidden[None, :], np.nan, org[key])
        for key in ("divided_views", "quadrant"):
            org[key] = np.where(parent_hidden[None, :], None, org[key])
        org["suppressed"] = org["suppressed"] | parent_hidden[None, :]
        org["spread_suppressed"] = org["spread_suppressed"] | parent_hidden[None, :]
        org["complementary"] = org["complementary"] | parent_hidden[None, :]
    for key, field_ in (("n_pmo", "pmo_index"), ("n_apo", "apo_index"),
                        ("n_rubric", "level_rubric")):
        ph = team["_parent_hidden"][key]
        if role is not None:
            ph = ph | role["_parent_hidden"][key]
        org[field_] = np.where(ph[None, :], np.nan, org[field_])
    org["quadrant"] = np.where(
        np.isfinite(org["pmo_index"]) & np.isfinite(org["apo_index"]), org["quadrant"], None
    )

    notes = _compare_baseline(team, baseline, spec, baseline_min_respondents, baseline_min_teams)
    _compare_baseline(org, baseline, spec, baseline_min_respondents, baseline_min_teams)

    matched: tuple[str, ...] = ()
    if previous is not None:
        summary = previous.summary() if isinstance(previous, CampaignResult) else previous
        matched = _compare_previous(team, labels, summary.teams, summary.n, summary.mean,
                                    summary.sd, summary.dimensions, spec)
        _compare_previous(org, ("organisation",), ("organisation",),
                          summary.organisation_n[None, :], summary.organisation_mean[None, :],
                          summary.organisation_sd[None, :], summary.dimensions, spec)

    small = team["_small"] + org["_small"]
    if small:
        warnings.warn(
            f"{small} group-dimension cells have fewer than 2 valid scores; their SD, "
            "interval and tests are NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
    flat = int(team["no_spread"].sum() + org["no_spread"].sum())
    if flat:
        warnings.warn(
            f"{flat} group-dimension cells have no spread (all scores equal); their intervals, "
            "p-values and change intervals are NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )

    return CampaignResult(
        spec=spec,
        teams=_build(team, labels, dims),
        organisation=_build(org, ("organisation",), dims),
        roles=None if role is None or role_labels is None else _build(role, role_labels, dims),
        baseline_name=None if baseline is None else baseline.name,
        baseline_kind=None if baseline is None else baseline.kind,
        baseline_notes=tuple(notes),
        previous_dimensions=matched,
        n_respondents=int(prep.included.sum()),
        n_excluded=int((~prep.included).sum()),
        n_straightliners=int(prep.straightliner.sum()),
    )
