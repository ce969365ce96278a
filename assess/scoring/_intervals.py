"""Student-t intervals: the one quantile and the one interval of a mean used everywhere.

The team interval, the interval of a Welch difference and the interval of the change between
waves all take their quantile from :func:`t_critical`; none of them checks its arguments (the
callers validate, or pass NaN for "no interval").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = ["mean_interval", "t_critical"]


def t_critical(df: NDArray[np.float64], confidence: float) -> NDArray[np.float64]:
    r"""Two-sided Student-t quantile :math:`t_{\nu, (1 + \gamma)/2}`, NaN where `df` is NaN.

    ``scipy.special.stdtrit`` on the whole array at once (one call, not one per cell).
    """
    with np.errstate(invalid="ignore"):
        return np.asarray(special.stdtrit(df, 0.5 + confidence / 2.0), dtype=np.float64)


def mean_interval(
    mean: NDArray[np.float64],
    sd: NDArray[np.float64],
    n: NDArray[np.float64],
    confidence: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""t-interval of a mean, :math:`\bar x \pm t_{n-1, (1+\gamma)/2}\, s / \sqrt n`.

    Vectorised; NaN where ``n < 2`` (no degrees of freedom) or the SD is NaN.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t_critical(np.where(n > 1, n - 1, np.nan), confidence) * sd / np.sqrt(n)
    return mean - half, mean + half
