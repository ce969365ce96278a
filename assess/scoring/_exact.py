"""Exact arithmetic for thresholds: shares as fractions, means and cut points in hundredths.

Every rule that compares a count with a share (a quorum, "at least half of the items") or a mean
with a cut point (maturity levels, readiness verdicts, the transition-map quadrants) goes through
here, so that all of them agree with the numbers people read. In floating point ``0.7 * 10`` is
7.000000000000001 and a mean shown as 2.60 is often 2.5999999999999996; here shares become
fractions and means become whole hundredths before anything is compared
(docs/scoring.md, "Maturity levels").
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "cut_hundredths",
    "mean_hundredths",
    "required_count",
    "share_as_fraction",
]


def share_as_fraction(share: float) -> Fraction:
    """Return a share such as 0.7 as the exact fraction a person means by it (7/10).

    Shares are compared with integer arithmetic (``count * den >= num * total``), because
    ``0.7 * 10`` is 7.000000000000001 in floating point and would make 7 of 10 miss a 70% quorum.
    """
    return Fraction(repr(float(share))).limit_denominator(1_000_000)


def required_count(
    k: NDArray[np.float64] | int, share: float, floor: int
) -> NDArray[np.float64]:
    r"""Answers needed out of `k`: :math:`\max(\min(\max(f, 1), k), \lceil s k \rceil)`, exactly.

    The rule for a valid prorated score: at least the share `s` of the `k` items and at least
    `floor` items (:math:`f`), but never more than the `k` there are, and at least one.

    Parameters
    ----------
    k : int or ndarray of integer-valued float
        Items available (per dimension).
    share : float
        The share in [0, 1], compared as an exact fraction (:func:`share_as_fraction`).
    floor : int
        Minimum number of items (capped at `k`).

    Returns
    -------
    ndarray of float
        Integer-valued, shaped like `k`.
    """
    q = share_as_fraction(share)
    k_int = np.asarray(k).astype(np.int64)
    need_share = -((-q.numerator * k_int) // q.denominator)  # integer ceiling
    return np.maximum(np.minimum(max(floor, 1), k_int), need_share).astype(np.float64)


def mean_hundredths(means: ArrayLike) -> NDArray[np.float64]:
    """Round means half-up to whole hundredths, returned as integer-valued floats (NaN kept).

    ``x * 100`` is first rounded to 6 decimals, which removes binary noise such as
    ``2.5999999999999996 * 100 = 259.99999999999997`` while leaving genuine differences (means
    of at most a few thousand answers differ by far more than 1e-6 hundredths).

    Examples
    --------
    >>> mean_hundredths([2.5999999999999996, 2.595, 1.0]).tolist()
    [260.0, 260.0, 100.0]
    """
    x = np.asarray(means, dtype=np.float64)
    return np.floor(np.round(x * 100.0, 6) + 0.5)


def cut_hundredths(cuts: Sequence[float], name: str = "cuts") -> tuple[int, ...]:
    """Validate strictly increasing cut points of at most 2 decimals; return them in hundredths.

    Parameters
    ----------
    cuts : sequence of float
        Cut points on the mean, e.g. ``(1.8, 2.6, 3.4, 4.2)``.
    name : str
        Name of the argument, for the error messages.

    Returns
    -------
    tuple of int
        ``round(100 * c)`` for each cut point.

    Raises
    ------
    ValueError
        If `cuts` is empty, holds something other than finite numbers, has a cut point with
        more than 2 decimals, or is not strictly increasing.
    """
    try:
        arr = np.asarray(cuts, dtype=np.float64)
    except (TypeError, ValueError):
        arr = np.empty(0)
    if (
        arr.ndim != 1
        or arr.size == 0
        or not np.all(np.isfinite(arr))
        or any(isinstance(c, bool) for c in cuts)
    ):
        raise ValueError(
            f"{name} must be a non-empty sequence of finite numbers, got {tuple(cuts)!r}"
        )
    hundredths = np.round(arr * 100.0)
    if np.any(np.abs(hundredths - arr * 100.0) > 1e-6):
        raise ValueError(f"{name} must have at most 2 decimals, got {tuple(cuts)!r}")
    if np.any(np.diff(hundredths) <= 0):
        raise ValueError(f"{name} must be strictly increasing, got {tuple(cuts)!r}")
    return tuple(int(h) for h in hundredths)
