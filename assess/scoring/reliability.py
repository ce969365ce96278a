"""Internal consistency of a multi-item scale: Cronbach's alpha, item diagnostics, omega.

These are instrument-quality statistics, computed on an organisation or baseline sample rather
than per team. Items are expected to be reverse-keyed already (see
:func:`assess.scoring.items.reverse_key`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from ._validation import as_item_matrix, check_choice, check_confidence
from .errors import DegenerateDataWarning, SmallSampleWarning

__all__ = [
    "ITEM_REST_FLAG_THRESHOLD",
    "AlphaResult",
    "alpha_if_deleted",
    "cronbach_alpha",
    "feldt_interval",
    "item_rest_correlations",
    "omega_total",
]

#: Items whose item-rest correlation falls below this value are flagged for review
#: (a common rule of thumb, e.g. Nunnally & Bernstein 1994; Field 2013).
ITEM_REST_FLAG_THRESHOLD = 0.30

_MISSING = ("pairwise", "listwise")


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its Feldt confidence interval.

    Attributes
    ----------
    alpha : float
        Coefficient alpha (NaN when the data cannot support it).
    ci_low, ci_high : float
        Feldt confidence interval for alpha.
    n : int
        Number of respondents used (see :func:`cronbach_alpha`).
    k : int
        Number of items.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int


def _min_items(x: NDArray[np.float64], minimum: int, what: str) -> None:
    if x.shape[1] < minimum:
        raise ValueError(
            f"items must have at least {minimum} columns (items) for {what}, got {x.shape[1]}"
        )


def _pairwise_covariance(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Covariance matrix from pairwise-complete observations, as R ``cov(use="pairwise")``.

    Entry (i, j) uses the rows where both items i and j were answered (ddof = 1); it is NaN where
    fewer than 2 rows qualify.
    """
    answered = ~np.isnan(x)
    m = answered.astype(np.float64)
    # Centre each column on its own mean first: covariance is shift-invariant, and the one-pass
    # formula below loses precision on uncentred data.
    filled = np.where(answered, x, 0.0)
    col_counts = m.sum(axis=0)
    col_means = np.divide(
        filled.sum(axis=0), col_counts, out=np.zeros(x.shape[1]), where=col_counts > 0
    )
    z = np.where(answered, x - col_means, 0.0)
    count = m.T @ m  # rows answering both i and j
    sum_i_over_j = z.T @ m  # [i, j]: sum of item i over the rows where j is answered too
    cross = z.T @ z
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (cross - sum_i_over_j * sum_i_over_j.T / count) / (count - 1)
    cov[count < 2] = np.nan
    return cov


def _covariance(x: NDArray[np.float64], missing: str) -> tuple[NDArray[np.float64], int]:
    """Item covariance matrix and the number of respondents it rests on."""
    if missing == "listwise":
        complete = x[~np.isnan(x).any(axis=1)]
        n = complete.shape[0]
        if n < 2:
            return np.full((x.shape[1], x.shape[1]), np.nan), n
        return np.cov(complete, rowvar=False, ddof=1), n
    n = int((~np.isnan(x)).any(axis=1).sum())
    return _pairwise_covariance(x), n


def feldt_interval(
    alpha: float, n: int, k: int, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Feldt confidence interval for coefficient alpha.

    .. math::
        \\left[1 - (1 - \\alpha) F_{1-\\gamma/2},\\; 1 - (1 - \\alpha) F_{\\gamma/2}\\right],
        \\quad F \\sim F(n - 1, (n - 1)(k - 1))

    with :math:`\\gamma = 1 - \\text{confidence}`, as ``psych::alpha.ci``.

    Parameters
    ----------
    alpha : float
        Coefficient alpha.
    n : int
        Number of respondents.
    k : int
        Number of items.
    confidence : float, default 0.95
        Confidence level.

    Returns
    -------
    (float, float)
        Lower and upper bound; NaN when ``n < 2``, ``k < 2`` or `alpha` is NaN.

    References
    ----------
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
    coefficient twenty. Psychometrika, 30(3), 357-370.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. Applied Psychological Measurement, 11(1), 93-103.
    """
    conf = check_confidence(confidence)
    if n < 2 or k < 2 or not np.isfinite(alpha):
        return float("nan"), float("nan")
    df1 = n - 1.0
    df2 = (n - 1.0) * (k - 1.0)
    tail = (1.0 - conf) / 2.0
    # fdtri(d1, d2, p) is the p-quantile of F(d1, d2), the same as scipy.stats.f.ppf.
    f_upper = special.fdtri(df1, df2, 1.0 - tail)
    f_lower = special.fdtri(df1, df2, tail)
    return float(1.0 - (1.0 - alpha) * f_upper), float(1.0 - (1.0 - alpha) * f_lower)


def _alpha_formula(
    k: float | NDArray[np.float64],
    trace: float | NDArray[np.float64],
    total: float | NDArray[np.float64],
) -> NDArray[np.float64]:
    """``k / (k - 1) * (1 - trace(C) / sum(C))``, vectorised (alpha and alpha-if-deleted)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(k / (k - 1.0) * (1.0 - trace / total), dtype=np.float64)


def _alpha_from_cov(cov: NDArray[np.float64]) -> float:
    return float(_alpha_formula(cov.shape[0], np.trace(cov), cov.sum()))


def _without_each_item(
    cov: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Item variances, item-total covariances and the variance of each rest score.

    The rest score of item j is the sum of the other items; its variance is
    ``sum(C) - 2 sum_i C_ij + C_jj``.
    """
    diag = np.diag(cov)
    col_sums = cov.sum(axis=0)
    return diag, col_sums, cov.sum() - 2.0 * col_sums + diag


def _usable_covariance(
    x: NDArray[np.float64], missing: str, what_needs: str
) -> NDArray[np.float64] | None:
    """The item covariance matrix, or None (after a warning) with fewer than 2 respondents.

    `what_needs` starts the warning: ``"item-rest correlations need"``.
    """
    cov, n = _covariance(x, missing)
    if n < 2:
        warnings.warn(
            f"{what_needs} at least 2 respondents, got {n}: NaN",
            SmallSampleWarning,
            stacklevel=3,
        )
        return None
    return cov


def cronbach_alpha(
    items: ArrayLike, *, missing: str = "pairwise", confidence: float = 0.95
) -> AlphaResult:
    """Cronbach's coefficient alpha with a Feldt confidence interval.

    .. math:: \\alpha = \\frac{k}{k - 1}\\left(1 - \\frac{\\operatorname{tr} C}{\\sum_{ij} C_{ij}}
        \\right)

    where *C* is the k x k item covariance matrix (ddof = 1).

    Parameters
    ----------
    items : array_like, shape (n, k)
        Reverse-keyed answers, NaN for missing; ``k >= 2``.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"``: each covariance from the rows answering both items, as the default of
        ``psych::alpha`` (``use = "pairwise"``). ``"listwise"``: complete rows only.
    confidence : float, default 0.95
        Level of the Feldt interval (see :func:`feldt_interval`).

    Returns
    -------
    AlphaResult
        `n` is the number of complete rows (listwise) or of rows with at least one answer
        (pairwise; ``psych::alpha`` counts every row, which is the same when no row is empty).

    Warns
    -----
    SmallSampleWarning
        Fewer than 2 usable respondents: every field but `n` and `k` is NaN.
    DegenerateDataWarning
        The total score has no variance (e.g. everyone gave the same answers), or a pair of
        items was answered together by fewer than 2 respondents: alpha is NaN.

    Raises
    ------
    ValueError
        If `items` is not 2-D with at least 2 columns, contains infinity, or `missing` or
        `confidence` is invalid.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16(3), 297-334.
    Revelle, W. psych: ``alpha`` and ``alpha.ci``.
    """
    x = as_item_matrix(items)
    check_choice(missing, "missing", _MISSING)
    check_confidence(confidence)
    _min_items(x, 2, "coefficient alpha")
    k = x.shape[1]
    cov, n = _covariance(x, missing)
    nan = float("nan")
    if n < 2:
        warnings.warn(
            f"coefficient alpha needs at least 2 respondents, got {n}: result is NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
        return AlphaResult(nan, nan, nan, n, k)
    if np.isnan(cov).any():
        warnings.warn(
            "some pair of items was answered together by fewer than 2 respondents: alpha is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return AlphaResult(nan, nan, nan, n, k)
    if not cov.sum() > 0:
        warnings.warn(
            "the total score has no variance (no spread): alpha is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return AlphaResult(nan, nan, nan, n, k)
    alpha = _alpha_from_cov(cov)
    low, high = feldt_interval(alpha, n, k, confidence=confidence)
    return AlphaResult(alpha, low, high, n, k)


def alpha_if_deleted(items: ArrayLike, *, missing: str = "pairwise") -> NDArray[np.float64]:
    """Coefficient alpha of the scale with each item left out in turn.

    From the full covariance matrix *C* (so the pairwise covariances are those of
    ``psych::alpha``'s ``alpha.drop``):

    .. math:: \\alpha_{-j} = \\frac{k - 1}{k - 2}\\left(1 - \\frac{\\operatorname{tr} C - C_{jj}}
        {\\sum C - 2\\sum_i C_{ij} + C_{jj}}\\right)

    Parameters
    ----------
    items : array_like, shape (n, k)
        Reverse-keyed answers, NaN for missing; ``k >= 2``.
    missing : {"pairwise", "listwise"}, default "pairwise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    ndarray, shape (k,)
        Alpha without item j at position j; NaN where it is undefined.

    Warns
    -----
    DegenerateDataWarning
        With only 2 items (one item left has no alpha) or when a reduced scale has no variance.
    SmallSampleWarning
        Fewer than 2 usable respondents.

    References
    ----------
    Revelle, W. psych: ``alpha`` (``alpha.drop``).
    """
    x = as_item_matrix(items)
    check_choice(missing, "missing", _MISSING)
    _min_items(x, 2, "alpha if item deleted")
    k = x.shape[1]
    result = np.full(k, np.nan)
    if k == 2:
        warnings.warn(
            "alpha if item deleted is undefined for a 2-item scale (one item remains): NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return result
    cov = _usable_covariance(x, missing, "alpha if item deleted needs")
    if cov is None:
        return result
    diag, _, reduced_total = _without_each_item(cov)
    reduced_trace = np.trace(cov) - diag
    ok = reduced_total > 0  # False also where NaN
    if not ok.all():
        warnings.warn(
            "some reduced scale has no variance or too few joint answers: NaN there",
            DegenerateDataWarning,
            stacklevel=2,
        )
    values = _alpha_formula(k - 1.0, reduced_trace, reduced_total)
    result[ok] = values[ok]
    return result


def item_rest_correlations(items: ArrayLike, *, missing: str = "pairwise") -> NDArray[np.float64]:
    """Correlation of each item with the sum of the other items (corrected item-total r).

    From the item covariance matrix *C*, as ``r.drop`` in ``psych::alpha``:

    .. math:: r_{j,\\text{rest}} = \\frac{\\sum_i C_{ij} - C_{jj}}
        {\\sqrt{C_{jj}\\,(\\sum C - 2\\sum_i C_{ij} + C_{jj})}}

    With complete data this equals the Pearson correlation of item j with the row sum of the
    remaining items. Items below :data:`ITEM_REST_FLAG_THRESHOLD` (0.30) deserve review.

    Parameters
    ----------
    items : array_like, shape (n, k)
        Reverse-keyed answers, NaN for missing; ``k >= 2``.
    missing : {"pairwise", "listwise"}, default "pairwise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    ndarray, shape (k,)
        NaN where the item or the rest of the scale has no variance.

    Warns
    -----
    DegenerateDataWarning
        An item or the rest score has no variance (or too few joint answers).
    SmallSampleWarning
        Fewer than 2 usable respondents.

    References
    ----------
    Revelle, W. psych: ``alpha`` (``item.stats$r.drop``).
    """
    x = as_item_matrix(items)
    check_choice(missing, "missing", _MISSING)
    _min_items(x, 2, "item-rest correlations")
    k = x.shape[1]
    result = np.full(k, np.nan)
    cov = _usable_covariance(x, missing, "item-rest correlations need")
    if cov is None:
        return result
    diag, col_sums, rest_variance = _without_each_item(cov)
    denom = diag * rest_variance
    ok = denom > 0
    if not ok.all():
        warnings.warn(
            "some item or rest score has no variance (no spread): its correlation is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        values = (col_sums - diag) / np.sqrt(denom)
    result[ok] = values[ok]
    return result


def _one_factor_minres(corr: NDArray[np.float64]) -> NDArray[np.float64]:
    """Loadings of a one-factor MINRES fit to a correlation matrix."""
    k = corr.shape[0]
    upper_i, upper_j = np.triu_indices(k, 1)
    r = corr[upper_i, upper_j]

    def residuals(loadings: NDArray[np.float64]) -> NDArray[np.float64]:
        return r - loadings[upper_i] * loadings[upper_j]

    def jacobian(loadings: NDArray[np.float64]) -> NDArray[np.float64]:
        jac = np.zeros((r.size, k))
        rows = np.arange(r.size)
        jac[rows, upper_i] = -loadings[upper_j]
        jac[rows, upper_j] = -loadings[upper_i]
        return jac

    # Start from the first principal component, which is close to the MINRES solution.
    eigenvalues, eigenvectors = np.linalg.eigh(corr)
    start = eigenvectors[:, -1] * np.sqrt(max(eigenvalues[-1], 0.0))
    if start.sum() < 0:
        start = -start
    start = np.clip(start, -0.99, 0.99)
    fit = optimize.least_squares(
        residuals,
        start,
        jac=jacobian,
        bounds=(-1.0, 1.0),
        xtol=1e-14,
        ftol=1e-14,
        gtol=1e-14,
        method="trf",
    )
    loadings = fit.x
    return loadings if loadings.sum() >= 0 else -loadings


def omega_total(items: ArrayLike) -> float:
    """McDonald's omega total from a one-factor MINRES fit.

    The loadings *l* minimise the sum of squared off-diagonal residuals of the complete-case
    correlation matrix *R* (Harman's MINRES, the ``fm = "minres"`` criterion of
    ``psych::fa``, here solved with :func:`scipy.optimize.least_squares` under
    ``-1 <= l <= 1``):

    .. math:: \\min_l \\sum_{i < j} (R_{ij} - l_i l_j)^2, \\qquad
        \\omega_t = \\frac{(\\sum l)^2}{(\\sum l)^2 + \\sum (1 - l^2)}

    Other estimators (maximum likelihood, psych's ``omega`` with a Schmid-Leiman bifactor
    solution) typically differ in the third decimal.

    Parameters
    ----------
    items : array_like, shape (n, k)
        Reverse-keyed answers, NaN for missing; only complete rows are used; ``k >= 2``.

    Returns
    -------
    float
        Omega total, NaN when it cannot be estimated.

    Warns
    -----
    SmallSampleWarning
        Fewer than 3 complete rows.
    DegenerateDataWarning
        An item has no variance among complete rows, or ``k == 2`` (a one-factor model of two
        items is not identified).

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals (minres).
    Psychometrika, 31(3), 351-368.
    """
    x = as_item_matrix(items)
    _min_items(x, 2, "omega")
    k = x.shape[1]
    if k == 2:
        warnings.warn(
            "a one-factor model of 2 items is not identified: omega is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return float("nan")
    complete = x[~np.isnan(x).any(axis=1)]
    if complete.shape[0] < 3:
        warnings.warn(
            f"omega needs at least 3 complete rows, got {complete.shape[0]}: NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
        return float("nan")
    sd = complete.std(axis=0, ddof=1)
    if not (sd > 0).all():
        warnings.warn(
            "some item has no variance (no spread) among complete rows: omega is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return float("nan")
    corr = np.atleast_2d(np.corrcoef(complete, rowvar=False))
    loadings = _one_factor_minres(corr)
    common = loadings.sum() ** 2
    unique = np.sum(1.0 - loadings**2)
    return float(common / (common + unique))
