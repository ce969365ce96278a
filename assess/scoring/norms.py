"""Norm-referenced scores: percentile rank in a reference distribution, T scores, stanines."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_float_array, as_vector
from .errors import SmallSampleWarning

__all__ = ["percentile_rank", "stanine", "t_score"]


def _scalar_or_array(out: NDArray[np.float64]) -> NDArray[np.float64] | float:
    return float(out) if out.ndim == 0 else out


def percentile_rank(
    norm: ArrayLike, x: ArrayLike, *, presorted: bool = False, tie_tolerance: float = 0.0
) -> NDArray[np.float64] | float:
    """Percentile rank of `x` in the reference distribution `norm`, midpoint convention.

    .. math:: PR(x) = 100 \\cdot \\frac{\\#\\{v < x\\} + \\tfrac12 \\#\\{v = x\\}}{N}

    equal to ``scipy.stats.percentileofscore(norm, x, kind="mean")``, computed with two
    :func:`numpy.searchsorted` calls so that many `x` against a large norm cost
    O(N log N + m log N) (O(m log N) when `presorted`). The campaign ranks team means among a
    baseline's team means with this same function (and a tie tolerance of 1e-9).

    Parameters
    ----------
    norm : array_like, shape (N,)
        Reference values (e.g. the stored team means of a baseline); NaN are ignored.
    x : float or array_like
        Values to rank; NaN gives NaN.
    presorted : bool, default False
        Promise that `norm` is sorted ascending (as a stored baseline is); the promise is
        checked in O(N) and a ``ValueError`` raised if it is false.
    tie_tolerance : float, default 0.0
        Reference values within this distance of `x` count as equal to it. A mean of exactly 4
        is often computed one ulp away from a stored 4.0, which would move it by a whole rank;
        a tolerance of 1e-9 keeps such ties.

    Returns
    -------
    float or ndarray
        0-100, shaped like `x` (a float for scalar `x`); NaN everywhere when the norm is empty.

    Warns
    -----
    SmallSampleWarning
        The norm has no non-missing values.

    Raises
    ------
    ValueError
        If `norm` is not 1-D, `norm` or `x` holds infinity, `presorted` is true but `norm`
        is not sorted, or `tie_tolerance` is negative or not finite.

    References
    ----------
    Crocker, L., & Algina, J. (1986). Introduction to classical and modern test theory,
    ch. 19 (percentile ranks with the midpoint convention).
    """
    values = as_vector(norm, "norm")
    xs = as_float_array(x, "x")
    if (
        isinstance(tie_tolerance, bool)
        or not isinstance(tie_tolerance, (int, float))
        or not 0 <= tie_tolerance < np.inf
    ):
        raise ValueError(f"tie_tolerance must be a finite number >= 0, got {tie_tolerance!r}")
    values = values[~np.isnan(values)]
    if presorted:
        if values.size > 1 and not np.all(values[1:] >= values[:-1]):
            raise ValueError("norm is not sorted ascending although presorted=True")
    else:
        values = np.sort(values)
    n = values.size
    if n == 0:
        warnings.warn(
            "the norm has no values: percentile rank is NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
        return _scalar_or_array(np.full(xs.shape, np.nan))
    return _scalar_or_array(_midpoint_rank(values, xs, float(tie_tolerance)))


def _midpoint_rank(
    sorted_norm: NDArray[np.float64], x: NDArray[np.float64], tie_tolerance: float
) -> NDArray[np.float64]:
    """Midpoint percentile rank of `x` in a sorted, non-empty, NaN-free norm; NaN for NaN."""
    with np.errstate(invalid="ignore"):
        below = np.searchsorted(sorted_norm, x - tie_tolerance, side="left")
        below_or_equal = np.searchsorted(sorted_norm, x + tie_tolerance, side="right")
    out = 50.0 * (below + below_or_equal) / sorted_norm.size
    return np.where(np.isnan(x), np.nan, out)


def t_score(z: ArrayLike) -> NDArray[np.float64] | float:
    """T score ``50 + 10 z``.

    Parameters
    ----------
    z : float or array_like
        Standard scores, NaN for missing.

    Returns
    -------
    float or ndarray
        Shaped like `z`.

    References
    ----------
    McCall, W. A. (1922). How to measure in education. Macmillan.
    """
    zs = as_float_array(z, "z")
    return _scalar_or_array(50.0 + 10.0 * zs)


def stanine(z: ArrayLike) -> NDArray[np.float64] | float:
    """Stanine ("standard nine") of a standard score.

    .. math:: \\text{stanine} = \\min(9, \\max(1, \\lfloor 2z + 5.5 \\rfloor))

    Stanine 5 covers ``-0.25 <= z < 0.25``, each further band is half a standard deviation
    wide, and stanines 1 and 9 are open-ended (z < -1.75 and z >= 1.75). A z on a boundary
    goes to the upper band. Under normality the bands hold 4, 7, 12, 17, 20, 17, 12, 7, 4 %.

    Parameters
    ----------
    z : float or array_like
        Standard scores, NaN for missing.

    Returns
    -------
    float or ndarray
        Integer values 1..9 as floats (so that NaN can mark a missing score), shaped like `z`.

    References
    ----------
    Anastasi, A., & Urbina, S. (1997). Psychological testing (7th ed.), ch. 3 (normalized
    standard scores: stanines). Prentice Hall.
    """
    zs = as_float_array(z, "z")
    out = np.clip(np.floor(2.0 * zs + 5.5), 1.0, 9.0)
    return _scalar_or_array(out)
