"""Respondent scores from item answers: reverse keying, proration and POMP.

Answers arrive as a respondents x items array with NaN for "don't know", "not applicable" or no
answer. Missing answers are never imputed with the midpoint; a respondent's score is the weighted
mean of the items they did answer, provided they answered enough of them.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._exact import required_count
from ._validation import (
    as_float_array,
    as_item_matrix,
    as_vector,
    check_scale,
    check_within_scale,
)

__all__ = ["pomp", "reverse_key", "score_respondents"]


def _reverse_mask(reverse: ArrayLike | None, k: int) -> NDArray[np.bool_]:
    """Turn `reverse` (boolean mask of length k, or integer column indices) into a mask."""
    mask = np.zeros(k, dtype=bool)
    if reverse is None:
        return mask
    arr = np.asarray(reverse)
    if arr.ndim != 1:
        raise ValueError(
            "reverse must be a 1-D boolean mask or a 1-D array of column indices, "
            f"got an array with {arr.ndim} dimensions"
        )
    if arr.size == 0:
        return mask
    if arr.dtype == np.bool_:
        if arr.size != k:
            raise ValueError(
                f"reverse as a boolean mask must have one entry per item ({k}), got {arr.size}"
            )
        return arr.copy()
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"reverse must be booleans or integer column indices, got dtype {arr.dtype}"
        )
    if arr.min() < -k or arr.max() >= k:
        raise ValueError(f"reverse contains a column index outside 0..{k - 1}")
    mask[arr] = True
    return mask


def reverse_key(
    items: ArrayLike,
    *,
    scale_min: float,
    scale_max: float,
    reverse: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Reverse-key the selected items: ``x' = (scale_min + scale_max) - x``.

    Parameters
    ----------
    items : array_like, shape (n, k)
        Answers, NaN for missing.
    scale_min, scale_max : float
        Lowest and highest possible answer (e.g. 1 and 5).
    reverse : array_like, optional
        Boolean mask of length k, or integer column indices, of the negatively worded items.

    Returns
    -------
    ndarray, shape (n, k)
        A new array; reversing twice returns the original answers.

    Raises
    ------
    ValueError
        If `items` is not 2-D, the scale is invalid, an answer lies outside it, or `reverse`
        does not match the number of items.
    """
    x = as_item_matrix(items)
    lo, hi = check_scale(scale_min, scale_max)
    check_within_scale(x, lo, hi, "items")
    mask = _reverse_mask(reverse, x.shape[1])
    out = x.copy()
    out[:, mask] = (lo + hi) - out[:, mask]
    return out


def score_respondents(
    items: ArrayLike,
    *,
    scale_min: float,
    scale_max: float,
    reverse: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    min_answered: float = 0.5,
    min_items: int = 2,
) -> NDArray[np.float64]:
    """Score each respondent as the weighted mean of their answered items.

    Reverse-keyed items are flipped first (``x' = scale_min + scale_max - x``). Missing answers
    (NaN) are skipped, i.e. the score is prorated over the answered items as in
    ``psych::scoreItems(impute="none")``:

    .. math:: s_i = \\frac{\\sum_j w_j m_{ij} x_{ij}}{\\sum_j w_j m_{ij}}

    where :math:`m_{ij}` is 1 if respondent *i* answered item *j*. A score is valid only when
    the respondent answered at least ``min(k, max(min_items, ceil(min_answered * k)))`` items;
    otherwise it is NaN. The requirement is capped at *k* so that a dimension with a single item
    is scored from that item instead of being NaN for everyone.

    Parameters
    ----------
    items : array_like, shape (n, k)
        Answers on the scale, NaN for missing or "don't know".
    scale_min, scale_max : float
        Lowest and highest possible answer.
    reverse : array_like, optional
        Boolean mask of length k, or integer column indices, of reverse-keyed items.
    weights : array_like, shape (k,), optional
        Non-negative item weights, not all zero. Default: equal weights.
    min_answered : float, default 0.5
        Minimum fraction of the k items that must be answered, in [0, 1].
    min_items : int, default 2
        Minimum number of answered items.

    Returns
    -------
    ndarray, shape (n,)
        Score per respondent on the original scale, NaN where too few items were answered (or
        where every answered item has weight 0).

    Raises
    ------
    ValueError
        On a non-2-D `items`, an invalid scale, answers outside the scale, infinite values,
        bad `weights` (wrong length, negative, non-finite, all zero), `min_answered` outside
        [0, 1] or `min_items` not a non-negative integer.

    References
    ----------
    Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality Research,
    function ``scoreItems`` (``impute = "none"``).
    """
    x = reverse_key(items, scale_min=scale_min, scale_max=scale_max, reverse=reverse)
    n, k = x.shape
    if (
        isinstance(min_answered, bool)
        or not isinstance(min_answered, numbers.Real)
        or not 0 <= min_answered <= 1
    ):
        raise ValueError(f"min_answered must be a fraction in [0, 1], got {min_answered!r}")
    if isinstance(min_items, bool) or not isinstance(min_items, numbers.Integral) or min_items < 0:
        raise ValueError(f"min_items must be a non-negative integer, got {min_items!r}")
    if weights is None:
        w = np.ones(k)
    else:
        w = as_vector(weights, "weights")
        if w.size != k:
            raise ValueError(f"weights must have one entry per item ({k}), got {w.size}")
        if np.isnan(w).any():
            raise ValueError("weights must not contain NaN")
        if (w < 0).any():
            raise ValueError("weights must be non-negative")
        if k and not (w > 0).any():
            raise ValueError("weights must not all be zero")
    if k == 0:
        return np.full(n, np.nan)

    answered = ~np.isnan(x)
    n_answered = answered.sum(axis=1)
    weight_sum = answered @ w
    weighted_total = np.where(answered, x, 0.0) @ w
    # The share is compared as an exact fraction (0.3 of 10 items is 3, not 3.0000000000000004
    # rounded up to 4), and a scale never demands more items than it has.
    need = required_count(k, float(min_answered), int(min_items))
    valid = (n_answered >= need) & (weight_sum > 0)
    scores = np.full(n, np.nan)
    np.divide(weighted_total, weight_sum, out=scores, where=valid)
    return scores


def pomp(scores: ArrayLike, *, scale_min: float, scale_max: float) -> NDArray[np.float64] | float:
    """Percent of maximum possible: ``100 * (score - scale_min) / (scale_max - scale_min)``.

    Parameters
    ----------
    scores : float or array_like
        Scores on the original scale, NaN for missing.
    scale_min, scale_max : float
        Lowest and highest possible score.

    Returns
    -------
    float or ndarray
        0-100, NaN where the score is missing; a float for scalar input.

    References
    ----------
    Cohen, P., Cohen, J., Aiken, L. S., & West, S. G. (1999). The problem of units and the
    circumstance for POMP. Multivariate Behavioral Research, 34(3), 315-346.
    """
    lo, hi = check_scale(scale_min, scale_max)
    s = as_float_array(scores, "scores")
    check_within_scale(s, lo, hi, "scores")
    out = _pomp(s, lo, hi)
    return float(out) if out.ndim == 0 else out


def _pomp(scores: NDArray[np.float64], scale_min: float, scale_max: float) -> NDArray[np.float64]:
    """POMP without argument checks (the campaign's means and indices are on the scale)."""
    return 100.0 * (scores - scale_min) / (scale_max - scale_min)
