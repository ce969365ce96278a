"""Maturity levels: bands on the mean, and the rubric quorum.

Cut points are applied to exact quantities. A float mean that "is" 2.6 is often
2.5999999999999996, and ``np.digitize`` then puts it in the band below; here a mean is first
rounded half-up to whole hundredths (an integer) and compared with integer thresholds, so the
level always agrees with the mean shown to two decimals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._exact import cut_hundredths, mean_hundredths, share_as_fraction
from .instrument import DEFAULT_LEVEL_CUTS

__all__ = [
    "level_from_mean",
    "mean_hundredths",
    "rubric_level",
    "rubric_levels_from_counts",
]


def level_from_mean(
    means: ArrayLike, cuts: Sequence[float] = DEFAULT_LEVEL_CUTS
) -> NDArray[np.float64]:
    r"""Maturity level (1, 2, ...) of each mean by bands, NaN where the mean is NaN.

    .. math:: \text{level} = 1 + \#\{c_i : \lfloor 100\,\bar x + 1/2 \rfloor \ge 100\,c_i\}

    Parameters
    ----------
    means : array_like
        Means on the answer scale, any shape; NaN for "no mean".
    cuts : sequence of float
        Lower edges of levels 2..L, strictly increasing, at most 2 decimals.
        Default ``(1.8, 2.6, 3.4, 4.2)``: 1.00-1.79 Ad hoc, 1.80-2.59 Emerging, 2.60-3.39
        Defined, 3.40-4.19 Measured, 4.20-5.00 Adaptive.

    Returns
    -------
    ndarray of float
        Levels as integer-valued floats (NaN cannot be an integer), same shape as `means`.

    Notes
    -----
    See docs/scoring.md, "Maturity levels": cutting float means with ``np.digitize`` misplaced
    0.8% of levels at the boundaries.

    Examples
    --------
    >>> level_from_mean([2.5999999999999996, 2.59, 4.2, float("nan")]).tolist()
    [3.0, 2.0, 5.0, nan]
    """
    thresholds = np.asarray(cut_hundredths(cuts), dtype=np.float64)
    h = mean_hundredths(means)
    level = 1.0 + (h[..., None] >= thresholds).sum(axis=-1)
    return np.where(np.isnan(h), np.nan, level)


def rubric_levels_from_counts(counts: ArrayLike, quorum: float = 0.7) -> NDArray[np.float64]:
    r"""Rubric level from counts of answers per level, vectorised over leading axes.

    The level is the highest :math:`L` with :math:`\#\{a \ge L\} \ge q \cdot N`, where
    :math:`N` is the number of rubric answers; compared exactly in integers.

    Parameters
    ----------
    counts : array_like of int, shape (..., n_levels)
        ``counts[..., j]`` answers chose level ``j + 1``.
    quorum : float
        The share `q` in (0, 1] (default 0.7).

    Returns
    -------
    ndarray of float, shape (...)
        The level (integer-valued), NaN where there is no answer.
    """
    c = np.asarray(counts)
    if c.ndim < 1 or c.shape[-1] < 1:
        raise ValueError("counts must have a last axis of one entry per level")
    if not np.issubdtype(c.dtype, np.integer) or np.any(c < 0):
        raise ValueError("counts must be non-negative integers")
    if not (isinstance(quorum, (int, float)) and 0 < quorum <= 1):
        raise ValueError(f"quorum must be a number in (0, 1], got {quorum!r}")
    q = share_as_fraction(quorum)
    c = c.astype(np.int64)
    at_least = np.flip(np.cumsum(np.flip(c, axis=-1), axis=-1), axis=-1)  # answers >= level j+1
    total = at_least[..., :1]
    reached = at_least * q.denominator >= q.numerator * total
    # reached is monotone (True for low levels, False above); the level is its True count.
    level = reached.sum(axis=-1).astype(np.float64)
    return np.where(total[..., 0] > 0, level, np.nan)


def rubric_level(answers: ArrayLike, n_levels: int = 5, quorum: float = 0.7) -> float:
    """Rubric level of one group: the highest level that a quorum chose or exceeded.

    Parameters
    ----------
    answers : array_like
        The group's rubric answers, level numbers 1..`n_levels`; NaN (don't know) is ignored.
    n_levels : int
        Number of levels (default 5).
    quorum : float
        Share of answers that must reach the level (default 0.7).

    Returns
    -------
    float
        The level, or NaN if there is no answer.

    Examples
    --------
    >>> rubric_level([3, 3, 3, 3, 3, 3, 3, 2, 2, 1])   # 7 of 10 reach level 3
    3.0
    """
    a = np.asarray(answers, dtype=np.float64).ravel()
    a = a[~np.isnan(a)]
    if isinstance(n_levels, bool) or not isinstance(n_levels, int) or n_levels < 1:
        raise ValueError(f"n_levels must be an integer >= 1, got {n_levels!r}")
    if a.size and (np.any(a != np.round(a)) or a.min() < 1 or a.max() > n_levels):
        raise ValueError(f"answers must be whole level numbers 1..{n_levels}")
    counts = np.bincount(a.astype(np.int64) - 1, minlength=n_levels) if a.size else np.zeros(
        n_levels, dtype=np.int64
    )
    return float(rubric_levels_from_counts(counts, quorum))
