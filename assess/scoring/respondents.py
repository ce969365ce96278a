"""Respondent-level preparation: validated answers to dimension scores and their by-products.

:func:`respondent_scores` is the public view (proration, exclusion, straight-liner flag); the
campaign's group aggregation takes the fuller :class:`_Prepared` arrays (answer counts,
don't-know counts, complete rows, rubric answers), computed once per answer matrix, block by
block of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._exact import required_count, share_as_fraction
from ._groups import BLOCK_ROWS
from ._validation import as_item_matrix
from .instrument import InstrumentSpec
from .results import RespondentScores

__all__ = ["respondent_scores"]

Float2D = NDArray[np.float64]


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
    item_rev = np.array([r for d in spec.dimensions for r in d.reverse], dtype=np.bool_)
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

    def weighted_scores(select: NDArray[np.bool_] | None, floor: int) -> tuple[Float2D, Float2D]:
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
    return RespondentScores(scores=p["scores"], included=p["included"],
                            straightliner=p["straightliner"], pmo=p["pmo"], apo=p["apo"],
                            dimension_ids=spec.dimension_ids)


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
