"""Group aggregation of a campaign: statistics of each partition, anonymity, comparisons.

A partition is the teams, the organisation (one group of everyone) or the roles. For each,
:func:`_score_groups` computes every cell (group x dimension) in arrays across groups and
dimensions at once, with the blocked group sums of :mod:`assess.scoring._groups`, and applies
primary and complementary suppression; :func:`_hide_parent` hides organisation cells that
would reveal a lone hidden team or role; :func:`_compare_baseline` and :func:`_compare_previous`
add the comparisons, hidden cells staying NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._exact import mean_hundredths
from ._groups import group_moments, group_sums
from ._intervals import mean_interval, t_critical
from .agreement import (
    _rwg_j_from_variance,
    _rwg_j_lindell_from_variance,
    ad_practical_limit,
    uniform_null_variance,
)
from .baseline import Baseline
from .comparison import _hedges_g, _welch_difference, adjust_pvalues
from .instrument import InstrumentSpec
from .items import _pomp
from .levels import level_from_mean, rubric_levels_from_counts
from .norms import _midpoint_rank
from .respondents import _Prepared, _sorted_by_group
from .results import GroupScores
from .suppression import suppress

Float2D = NDArray[np.float64]

#: Tolerance for ties between a team mean and the baseline's team means.
_TIE = 1e-9


def _tristate(values: NDArray[Any], defined: NDArray[np.bool_]) -> NDArray[np.object_]:
    out = np.full(values.shape, None, dtype=object)
    out[defined] = values[defined]
    return out


def verdict_of(p_adjusted: ArrayLike, d: ArrayLike, alpha: float, min_effect: float
               ) -> NDArray[np.object_]:
    """The verdict against a baseline per cell: "clearly above" or "clearly below" where the
    adjusted p is below `alpha` and ``|d| >= min_effect`` (|d| rounded to 9 decimals, so
    that 0.2 computed as 0.19999999999999998 counts), by the sign of d; "in line" where both
    are finite otherwise; None without a test. The one implementation of the rule: the
    campaign's per-team verdicts and the heat map's grid-wide ones both call it."""
    p = np.asarray(p_adjusted, dtype=np.float64)
    effect = np.asarray(d, dtype=np.float64)
    if p.shape != effect.shape:
        raise ValueError(f"p_adjusted and d must have one shape, got {p.shape} and {effect.shape}")
    decided = np.isfinite(p) & np.isfinite(effect)
    with np.errstate(invalid="ignore"):
        strong = (p < alpha) & (np.round(np.abs(effect), 9) >= min_effect)
    verdict = np.where(strong, np.where(effect > 0, "clearly above", "clearly below"),
                       "in line").astype(object)
    return _tristate(verdict, decided)


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
    # respondents inside the don't-know rate: included, with an answer or a don't know
    n_dk, _ = group_sums(codes, n_groups, prep.dont_know,
                         inc2 & ((prep.answered + prep.dont_know) > 0))
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

    # Rubric level from counts per (group, dimension, level); an instrument without maturity
    # levels has no rubric items, and no level of either kind.
    n_levels = spec.n_levels
    if spec.has_levels:
        rv = ~np.isnan(prep.rubric)
        cell = (codes[:, None] * n_dims + np.arange(n_dims)) * n_levels
        lvl_idx = (cell + np.where(rv, prep.rubric, 1).astype(np.intp) - 1)[rv]
        level_counts = np.bincount(lvl_idx, minlength=n_groups * n_dims * n_levels).reshape(
            n_groups, n_dims, n_levels
        )
        n_rubric = level_counts.sum(axis=-1)
        level_rubric = rubric_levels_from_counts(level_counts, spec.rubric_quorum)
    else:
        n_rubric = np.zeros((n_groups, n_dims), dtype=np.int64)
        level_rubric = np.full((n_groups, n_dims), np.nan)

    # --- anonymity --------------------------------------------------------------------------
    counts: dict[str, NDArray[np.int64]] = {
        "n": n,
        "n_pmo": n_pmo.astype(np.int64),
        "n_apo": n_apo.astype(np.int64),
        "n_rubric": n_rubric,
        "n_dk": n_dk.astype(np.int64),
    }

    def masks(key: str, already: NDArray[np.bool_] | None = None
              ) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
        parent = None if parent_n is None else parent_n[key]
        s = suppress(counts[key], spec.min_n, parent, hidden=already)
        return s.hidden, s.complementary, s.parent_hidden

    hidden, compl, parent_hidden = masks("n")
    # Statistics with counts of their own are hidden with the cell and protected by their own
    # count (a hidden team may have don't-knows, sub-scores or rubric answers without n).
    hid_p, _, ph_p = masks("n_pmo", hidden)
    hid_a, _, ph_a = masks("n_apo", hidden)
    hid_r, _, ph_r = masks("n_rubric", hidden)
    hid_dk, _, ph_dk = masks("n_dk", hidden)
    spread_hidden = hidden | (n < spec.min_n_spread)
    no_spread = (n >= 2) & (var == 0)
    agree_hidden = hidden | (n_complete < spec.min_n_spread)

    # The counts of respondents, excluded respondents and straight-liners of a group hidden on
    # every dimension are hidden too, with complementary suppression over the groups (the
    # organisation's counts minus the visible groups' would give a lone hidden group's).
    responses = per_group_count(np.ones(codes.size, dtype=bool))
    counts["responses"] = responses[:, None]
    all_hidden = np.asarray(hidden.all(axis=1))
    counts_hidden, _, counts_ph = masks("responses", all_hidden[:, None])

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
        "dont_know_rate": hide(dk_rate, hid_dk),
        "n_complete": n_complete,
        "rwg_j": hide(rwg_j, agree_hidden),
        "rwg_j_lindell": hide(lindell, agree_hidden),
        "ad_m": hide(ad_m, agree_hidden),
        "divided_views": _tristate(divided, ~agree_hidden & ok),
        "pmo_index": pmo_index,
        "apo_index": apo_index,
        "quadrant": _tristate(quad, both),
        "level_band": (level_from_mean(mean_v, spec.level_cuts) if spec.has_levels
                       else np.full(mean_v.shape, np.nan)),
        "level_rubric": hide(level_rubric, hid_r),
        "n_rubric": n_rubric,
        "no_spread": no_spread & ~hidden,
        "suppressed": hidden,
        "complementary": compl,
        "spread_suppressed": spread_hidden,
        "counts_suppressed": counts_hidden[:, 0],
        # internals for the comparisons (unhidden values are never returned)
        "_var": var,
        "_parent_hidden": {"n": parent_hidden, "n_pmo": ph_p, "n_apo": ph_a, "n_rubric": ph_r,
                           "n_dk": ph_dk, "responses": counts_ph},
        "_counts": counts,
        "_small": int((n < 2).sum()),
    }
    _hide_cells(out, hidden)
    return out


#: Fields of a group dict that a hidden cell keeps: its count and the flags saying why.
#: Counts of answers (n_complete, n_rubric) stay in the arrays for the engine's own use and
#: are withheld from every export by :meth:`GroupScores.to_records`.
_KEPT_WHEN_HIDDEN = frozenset({
    "n", "n_complete", "n_rubric", "suppressed", "complementary", "spread_suppressed",
    "n_respondents", "n_excluded", "n_straightliners", "counts_suppressed",
})


def _hide_cells(g: dict[str, Any], mask: NDArray[np.bool_], *,
                complementary: bool = False) -> None:
    """Hide every statistic of the masked cells of a group dict, in place.

    Floats become NaN and tri-state values None; ``no_spread`` (a statement about the
    answers) becomes False; the cells are flagged ``suppressed`` and ``spread_suppressed``,
    and ``complementary`` when they are hidden only to protect another group.
    """
    for key, value in list(g.items()):
        if key.startswith("_") or key in _KEPT_WHEN_HIDDEN:
            continue
        if key == "no_spread":
            g[key] = value & ~mask
        elif value.dtype == object:
            g[key] = np.where(mask, None, value)
        else:
            g[key] = np.where(mask, np.nan, value)
    g["suppressed"] = g["suppressed"] | mask
    g["spread_suppressed"] = g["spread_suppressed"] | mask
    if complementary:
        g["complementary"] = g["complementary"] | mask


def _hide_parent(
    org: dict[str, Any], team: dict[str, Any], role: dict[str, Any] | None
) -> None:
    """Hide the organisation's cells where its total would reveal a lone hidden team or role.

    Suppression of each partition (teams, roles) reports where its parent must be hidden
    because no other child could protect the one hidden child; this applies it to the
    organisation's group dict, in place.
    """
    def parent_hidden(key: str) -> NDArray[np.bool_]:
        ph: NDArray[np.bool_] = team["_parent_hidden"][key]
        if role is not None:
            ph = ph | role["_parent_hidden"][key]
        return ph

    _hide_cells(org, parent_hidden("n")[None, :], complementary=True)
    for key, field_ in (("n_pmo", "pmo_index"), ("n_apo", "apo_index"),
                        ("n_rubric", "level_rubric"), ("n_dk", "dont_know_rate")):
        org[field_] = np.where(parent_hidden(key)[None, :], np.nan, org[field_])
    org["quadrant"] = np.where(
        np.isfinite(org["pmo_index"]) & np.isfinite(org["apo_index"]), org["quadrant"], None
    )
    org["counts_suppressed"] = (
        org["counts_suppressed"] | parent_hidden("responses") | org["suppressed"].all(axis=1)
    )


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
            np.asarray(ref.mean, dtype=np.float64), np.asarray(ref.sd, dtype=np.float64) ** 2,
            np.asarray(ref.n, dtype=np.float64),
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            pj = 2.0 * special.stdtr(df, -np.abs(diff / se))
        p[:, j] = np.where(testable[:, j], pj, np.nan)
    g["percentile"] = percentile
    g["d"] = d
    g["p"] = p
    g["p_adjusted"] = adjust_pvalues(p, method="bh", axis=1)
    g["p_adjusted_grid"] = adjust_pvalues(p, method="bh")
    g["verdict"] = verdict_of(g["p_adjusted"], d, spec.alpha, spec.min_effect)
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
