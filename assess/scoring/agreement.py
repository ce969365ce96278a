"""Agreement within one group, and whether aggregating persons to groups is justified.

The within-group indices follow the definitions of the R package ``multilevel`` (Bliese):
``rwg``, ``rwg.j``, ``rwg.j.lindell`` and ``ad.m``, each computed here for ONE group (the caller
splits by team). ``icc1``/``icc2`` follow ``multilevel::ICC1``/``ICC2`` on a one-way ANOVA.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    as_float_array,
    as_item_matrix,
    as_vector,
    check_choice,
    check_positive_number,
    check_scale_points,
)
from .errors import DegenerateDataWarning, SmallSampleWarning

__all__ = [
    "ad_index",
    "ad_practical_limit",
    "icc1",
    "icc2",
    "rwg",
    "rwg_j",
    "rwg_j_lindell",
    "uniform_null_variance",
]


def uniform_null_variance(scale_points: int) -> float:
    """Variance of the uniform ("rectangular") null distribution: ``(A^2 - 1) / 12``.

    Parameters
    ----------
    scale_points : int
        Number of response options A (5 for a 1..5 Likert item).

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. Journal of Applied Psychology, 69(1), 85-98.
    """
    a = check_scale_points(scale_points)
    return (a * a - 1.0) / 12.0


def ad_practical_limit(scale_points: int) -> float:
    """Burke & Dunlap's practical upper limit for AD: ``A / 6`` (0.83 on a 5-point scale).

    References
    ----------
    Burke, M. J., & Dunlap, W. P. (2002). Estimating interrater agreement with the average
    deviation index: A user's guide. Organizational Research Methods, 5(2), 159-172.
    """
    return check_scale_points(scale_points) / 6.0


def _null_variance(scale_points: int, null_variance: float | None) -> float:
    check_scale_points(scale_points)
    if null_variance is None:
        return uniform_null_variance(scale_points)
    return check_positive_number(null_variance, "null_variance")


def _check_span(x: NDArray[np.float64], scale_points: int, name: str) -> None:
    """Answers on an A-point scale cannot lie more than A - 1 apart."""
    answered = x[~np.isnan(x)]
    if answered.size and answered.max() - answered.min() > scale_points - 1:
        raise ValueError(
            f"{name} span {answered.max() - answered.min():g} points, more than a "
            f"{scale_points}-point scale allows ({scale_points - 1})"
        )


def _complete_rows(items: ArrayLike, scale_points: int) -> NDArray[np.float64]:
    x = as_item_matrix(items)
    if x.shape[1] == 0:
        raise ValueError("items must have at least one column (item)")
    _check_span(x, scale_points, "items")
    return x[~np.isnan(x).any(axis=1)]


def _too_few(n: int, what: str) -> float:
    warnings.warn(
        f"{what} needs at least 2 respondents with complete answers, got {n}: NaN",
        SmallSampleWarning,
        stacklevel=3,
    )
    return float("nan")


def rwg(values: ArrayLike, scale_points: int, *, null_variance: float | None = None) -> float:
    """Within-group agreement on a single item, r_wg (James, Demaree & Wolf 1984).

    .. math:: r_{wg} = 1 - \\frac{\\min(s^2, \\sigma^2_E)}{\\sigma^2_E}

    with :math:`s^2` the variance of the answers (ddof = 1) and :math:`\\sigma^2_E` the null
    variance, by default the uniform :math:`(A^2 - 1)/12`. The truncation at
    :math:`\\sigma^2_E` keeps r_wg in [0, 1], as ``multilevel::rwg``.

    Parameters
    ----------
    values : array_like, shape (n,)
        One group's answers to one item, NaN for missing (dropped).
    scale_points : int
        Number of response options A.
    null_variance : float, optional
        Expected variance under no agreement; default ``(A^2 - 1) / 12``.

    Returns
    -------
    float
        r_wg; 1.0 when everyone gave the same answer; NaN with fewer than 2 answers.

    Warns
    -----
    SmallSampleWarning
        Fewer than 2 non-missing answers.

    Raises
    ------
    ValueError
        If `values` is not 1-D, holds infinity, spans more than ``A - 1`` points, or
        `scale_points` / `null_variance` is invalid.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Journal of Applied Psychology, 69(1), 85-98.
    Bliese, P. D. multilevel: Multilevel Functions, R package, function ``rwg``.
    """
    x = as_vector(values, "values")
    null_var = _null_variance(scale_points, null_variance)
    _check_span(x, scale_points, "values")
    x = x[~np.isnan(x)]
    if x.size < 2:
        return _too_few(x.size, "rwg")
    variance = min(float(np.var(x, ddof=1)), null_var)
    return 1.0 - variance / null_var


def _mean_item_variance(x: NDArray[np.float64]) -> float:
    return float(np.mean(np.var(x, axis=0, ddof=1)))


def _rwg_j_from_variance(
    mean_variance: ArrayLike, j: float | NDArray[np.float64], null_variance: float
) -> NDArray[np.float64]:
    """r_wg(J) from the mean item variance, vectorised (the one formula, also for campaigns).

    The variance ratio is truncated at 1, as ``multilevel::rwg.j``; NaN stays NaN.
    """
    ratio = np.minimum(np.asarray(mean_variance, dtype=np.float64) / null_variance, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(j * (1.0 - ratio) / (j * (1.0 - ratio) + ratio), dtype=np.float64)


def _rwg_j_lindell_from_variance(
    mean_variance: ArrayLike, null_variance: float
) -> NDArray[np.float64]:
    """Lindell's r*_wg(J) from the mean item variance, vectorised; not truncated."""
    return 1.0 - np.asarray(mean_variance, dtype=np.float64) / null_variance


def rwg_j(items: ArrayLike, scale_points: int, *, null_variance: float | None = None) -> float:
    """Within-group agreement on a J-item scale, r_wg(J) (James, Demaree & Wolf 1984).

    .. math:: r_{wg(J)} = \\frac{J (1 - \\bar s^2/\\sigma^2_E)}
        {J (1 - \\bar s^2/\\sigma^2_E) + \\bar s^2/\\sigma^2_E}

    with :math:`\\bar s^2` the mean of the item variances (ddof = 1) over complete rows,
    truncated at :math:`\\sigma^2_E`, exactly as ``multilevel::rwg.j``; the result is in [0, 1].
    r_wg(J) rises with J for the same item variances (see :func:`rwg_j_lindell`).

    Parameters
    ----------
    items : array_like, shape (n, J)
        One group's answers, NaN for missing; rows with any missing answer are dropped.
    scale_points : int
        Number of response options A.
    null_variance : float, optional
        Expected variance under no agreement; default ``(A^2 - 1) / 12``.

    Returns
    -------
    float
        NaN with fewer than 2 complete rows.

    Warns
    -----
    SmallSampleWarning
        Fewer than 2 complete rows.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Journal of Applied Psychology, 69(1), 85-98.
    Bliese, P. D. multilevel: Multilevel Functions, R package, function ``rwg.j``.
    """
    null_var = _null_variance(scale_points, null_variance)
    x = _complete_rows(items, scale_points)
    if x.shape[0] < 2:
        return _too_few(x.shape[0], "rwg_j")
    return float(_rwg_j_from_variance(_mean_item_variance(x), x.shape[1], null_var))


def rwg_j_lindell(
    items: ArrayLike, scale_points: int, *, null_variance: float | None = None
) -> float:
    """Lindell, Brandt & Whitney's r*_wg(J) for a J-item scale.

    .. math:: r^*_{wg(J)} = 1 - \\frac{\\bar s^2}{\\sigma^2_E}

    with :math:`\\bar s^2` the mean item variance (ddof = 1) over complete rows, NOT truncated
    (it is negative when the answers spread more than the null distribution), as
    ``multilevel::rwg.j.lindell``. Unlike r_wg(J) it does not grow with the number of items.

    Parameters
    ----------
    items : array_like, shape (n, J)
        One group's answers, NaN for missing; rows with any missing answer are dropped.
    scale_points : int
        Number of response options A.
    null_variance : float, optional
        Expected variance under no agreement; default ``(A^2 - 1) / 12``.

    Returns
    -------
    float
        NaN with fewer than 2 complete rows.

    Warns
    -----
    SmallSampleWarning
        Fewer than 2 complete rows.

    References
    ----------
    Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of interrater
    agreement for multi-item ratings of a single target. Applied Psychological Measurement,
    23(2), 127-135.
    Bliese, P. D. multilevel, function ``rwg.j.lindell``.
    """
    null_var = _null_variance(scale_points, null_variance)
    x = _complete_rows(items, scale_points)
    if x.shape[0] < 2:
        return _too_few(x.shape[0], "rwg_j_lindell")
    return float(_rwg_j_lindell_from_variance(_mean_item_variance(x), null_var))


def ad_index(items: ArrayLike, *, center: str = "mean") -> float:
    """Average deviation index AD_M(J) (Burke, Finkelstein & Dusig 1999).

    .. math:: AD_{M(J)} = \\frac{1}{J}\\sum_{j=1}^{J} \\frac{1}{n}\\sum_{i=1}^{n}
        \\lvert x_{ij} - c_j \\rvert

    where :math:`c_j` is the mean (AD_M) or median (AD_Md) of item j over the complete rows,
    as ``multilevel::ad.m(type = "mean" | "median")``. Compare with
    :func:`ad_practical_limit` (A / 6).

    Parameters
    ----------
    items : array_like, shape (n,) or (n, J)
        One group's answers to one item (1-D) or J items; rows with any missing answer are
        dropped.
    center : {"mean", "median"}, default "mean"
        Centre from which deviations are taken.

    Returns
    -------
    float
        In the units of the scale; 0 when everyone gave the same answers; NaN with fewer than
        2 complete rows.

    Warns
    -----
    SmallSampleWarning
        Fewer than 2 complete rows.

    References
    ----------
    Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation indices for
    estimating interrater agreement. Organizational Research Methods, 2(1), 49-68.
    Bliese, P. D. multilevel, function ``ad.m``.
    """
    check_choice(center, "center", ("mean", "median"))
    x = as_float_array(items, "items")
    if x.ndim == 1:
        x = x[:, np.newaxis]
    if x.ndim != 2:
        raise ValueError(
            f"items must be 1-D (one item) or 2-D (rows = respondents), got {x.ndim} dimensions"
        )
    if x.shape[1] == 0:
        raise ValueError("items must have at least one column (item)")
    x = x[~np.isnan(x).any(axis=1)]
    if x.shape[0] < 2:
        return _too_few(x.shape[0], "ad_index")
    centre = np.mean(x, axis=0) if center == "mean" else np.median(x, axis=0)
    return float(np.mean(np.abs(x - centre)))


def _one_way_anova(
    scores: ArrayLike, groups: ArrayLike, what: str
) -> tuple[float, float, float, float] | None:
    """One-way ANOVA of scores on groups: (MSB, MSW, k = N / G, rounding floor of MSB).

    Returns None (after a warning) when the ANOVA is undefined. The last value is the size a
    mean square can reach from floating-point rounding alone when the true value is 0.
    """
    y = as_vector(scores, "scores")
    g = np.asarray(groups)
    if g.ndim != 1:
        raise ValueError(f"groups must be one-dimensional, got {g.ndim} dimensions")
    if g.shape[0] != y.shape[0]:
        raise ValueError(
            f"groups must have one label per score: got {g.shape[0]} labels for {y.shape[0]} scores"
        )
    keep = ~np.isnan(y)
    y, g = y[keep], g[keep]
    _, codes = np.unique(g, return_inverse=True)
    codes = codes.ravel()
    n_total = y.size
    n_groups = int(codes.max()) + 1 if n_total else 0
    if n_groups < 2 or n_total - n_groups < 1:
        warnings.warn(
            f"{what} needs at least 2 groups and more scores than groups, got "
            f"{n_total} scores in {n_groups} groups: NaN",
            SmallSampleWarning,
            stacklevel=3,
        )
        return None
    sizes = np.bincount(codes, minlength=n_groups).astype(np.float64)
    group_means = np.bincount(codes, weights=y, minlength=n_groups) / sizes
    grand_mean = y.mean()
    ss_between = float(np.sum(sizes * (group_means - grand_mean) ** 2))
    ss_within = float(np.sum((y - group_means[codes]) ** 2))
    ms_between = ss_between / (n_groups - 1)
    ms_within = ss_within / (n_total - n_groups)
    rounding_floor = (64.0 * np.finfo(np.float64).eps * float(np.abs(y).max())) ** 2
    return ms_between, ms_within, n_total / n_groups, rounding_floor


def icc1(scores: ArrayLike, groups: ArrayLike) -> float:
    """ICC(1): share of person-level variance due to group membership (Bliese 2000).

    From a one-way ANOVA of person scores on group,

    .. math:: ICC(1) = \\frac{MSB - MSW}{MSB + (k - 1)\\,MSW}, \\qquad k = N / G

    exactly as ``multilevel::ICC1`` (which uses the mean group size N / G). With equal group
    sizes this is Shrout & Fleiss's ICC(1,1).

    Parameters
    ----------
    scores : array_like, shape (N,)
        Person scores, NaN for missing (dropped with their label).
    groups : array_like, shape (N,)
        Group label of each score (any sortable type).

    Returns
    -------
    float
        ICC(1), between ``-1/(k-1)`` and 1; NaN when undefined.

    Warns
    -----
    SmallSampleWarning
        Fewer than 2 groups, or no group with 2 or more scores.
    DegenerateDataWarning
        Every score identical (no spread).

    Raises
    ------
    ValueError
        If `scores` or `groups` is not 1-D, their lengths differ, or `scores` holds infinity.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), Multilevel theory, research, and methods in
    organizations (pp. 349-381). Jossey-Bass.
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
    reliability. Psychological Bulletin, 86(2), 420-428.
    """
    anova = _one_way_anova(scores, groups, "icc1")
    if anova is None:
        return float("nan")
    msb, msw, k, rounding_floor = anova
    denom = msb + (k - 1.0) * msw
    if not denom > k * rounding_floor:
        warnings.warn(
            "every score is identical (no spread): icc1 is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return float("nan")
    return (msb - msw) / denom


def icc2(scores: ArrayLike, groups: ArrayLike) -> float:
    """ICC(2): reliability of the group means (Bliese 2000).

    .. math:: ICC(2) = \\frac{MSB - MSW}{MSB}

    from a one-way ANOVA of person scores on group, as ``multilevel::ICC2``. With equal group
    sizes this is Shrout & Fleiss's ICC(1,k).

    Parameters
    ----------
    scores : array_like, shape (N,)
        Person scores, NaN for missing (dropped with their label).
    groups : array_like, shape (N,)
        Group label of each score.

    Returns
    -------
    float
        ICC(2) (at most 1, unbounded below); NaN when undefined.

    Warns
    -----
    SmallSampleWarning
        Fewer than 2 groups, or no group with 2 or more scores.
    DegenerateDataWarning
        The group means are all equal (MSB = 0).

    Raises
    ------
    ValueError
        As :func:`icc1`.

    References
    ----------
    Bliese, P. D. (2000), as :func:`icc1`; ``multilevel::ICC2``.
    """
    anova = _one_way_anova(scores, groups, "icc2")
    if anova is None:
        return float("nan")
    msb, msw, _, rounding_floor = anova
    if not msb > rounding_floor:
        warnings.warn(
            "the group means do not differ (between-group mean square is 0): icc2 is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return float("nan")
    return (msb - msw) / msb
