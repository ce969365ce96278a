"""Comparing a team with a baseline: Welch t, Hedges g, Mann-Whitney U, Cliff's delta, and
multiplicity adjustment of the resulting p-values.

Welch's test is available from raw answers (:func:`welch_test`) and from stored moments
(:func:`welch_from_moments`, vectorised over any number of comparisons), so that a baseline of
100,000 respondents needs only its mean, SD and n.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from ._intervals import t_critical
from ._validation import as_float_array, as_vector, check_choice, check_confidence
from .errors import DegenerateDataWarning, SmallSampleWarning

__all__ = [
    "MannWhitneyResult",
    "WelchResult",
    "adjust_pvalues",
    "benjamini_hochberg",
    "mann_whitney",
    "welch_from_moments",
    "welch_test",
]

FloatOrArray = float | NDArray[np.float64]


@dataclass(frozen=True)
class WelchResult:
    """Welch's unequal-variances t test of ``mean(a) - mean(b)``.

    Each field is a float, or an array when :func:`welch_from_moments` was given arrays.

    Attributes
    ----------
    t : float or ndarray
        t statistic.
    df : float or ndarray
        Welch-Satterthwaite degrees of freedom.
    p : float or ndarray
        Two-sided p-value.
    ci_low, ci_high : float or ndarray
        Confidence interval of the mean difference.
    hedges_g : float or ndarray
        Standardised mean difference with the pooled SD, bias-corrected.
    mean_difference : float or ndarray
        ``mean(a) - mean(b)``.
    """

    t: FloatOrArray
    df: FloatOrArray
    p: FloatOrArray
    ci_low: FloatOrArray
    ci_high: FloatOrArray
    hedges_g: FloatOrArray
    mean_difference: FloatOrArray


@dataclass(frozen=True)
class MannWhitneyResult:
    """Mann-Whitney U test with Cliff's delta.

    Attributes
    ----------
    u : float
        U statistic of the first sample (as ``scipy.stats.mannwhitneyu``).
    p : float
        Two-sided p-value, tie-corrected normal approximation with continuity correction.
    cliffs_delta : float
        ``P(a > b) - P(a < b) = 2U / (n_a n_b) - 1``, in [-1, 1].
    """

    u: float
    p: float
    cliffs_delta: float


def _hedges_correction(m: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exact small-sample correction J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.exp(special.gammaln(m / 2.0) - special.gammaln((m - 1.0) / 2.0)) / np.sqrt(
            m / 2.0
        )


def _welch_difference(
    mean_a: NDArray[np.float64],
    var_a: NDArray[np.float64],
    n_a: NDArray[np.float64],
    mean_b: NDArray[np.float64],
    var_b: NDArray[np.float64],
    n_b: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Welch difference, standard error and Welch-Satterthwaite df from moments, NaN-quiet.

    The one implementation behind :func:`welch_from_moments`, :func:`welch_test` and the
    campaign's comparisons. Emits no warning and checks nothing (callers validate, and a
    campaign passes NaN for cells without a test). Returns ``mean_a - mean_b``, the standard
    error (0 when neither sample varies) and the degrees of freedom, which are NaN wherever the
    test is undefined: a sample with fewer than 2 values, or a standard error of 0.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        a = var_a / n_a
        b = var_b / n_b
        se2 = a + b
        df = se2 * se2 / (a * a / (n_a - 1.0) + b * b / (n_b - 1.0))
        se = np.sqrt(se2)
    defined = (n_a >= 2) & (n_b >= 2) & (se2 > 0) & np.isfinite(df)
    return mean_a - mean_b, se, np.where(defined, df, np.nan)


def _hedges_g(
    difference: NDArray[np.float64],
    var_a: NDArray[np.float64],
    n_a: NDArray[np.float64],
    var_b: NDArray[np.float64],
    n_b: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Hedges' g of a mean difference: pooled SD and the exact correction J(n_a + n_b - 2).

    NaN-quiet and unchecked, like :func:`_welch_difference`; NaN where the pooled SD is not
    positive.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        m = n_a + n_b - 2.0
        pooled_sd = np.sqrt(((n_a - 1.0) * var_a + (n_b - 1.0) * var_b) / m)
        g = difference / pooled_sd * _hedges_correction(m)
    return np.where(pooled_sd > 0, g, np.nan)


def _welch_core(
    mean_a: NDArray[np.float64],
    sd_a: NDArray[np.float64],
    n_a: NDArray[np.float64],
    mean_b: NDArray[np.float64],
    sd_b: NDArray[np.float64],
    n_b: NDArray[np.float64],
    confidence: float,
    stacklevel: int,
) -> WelchResult:
    """The public Welch result: :func:`_welch_difference`, then p, interval, g and warnings."""
    mean_a, sd_a, n_a, mean_b, sd_b, n_b = np.broadcast_arrays(mean_a, sd_a, n_a, mean_b, sd_b, n_b)
    var_a = sd_a**2
    var_b = sd_b**2
    difference, se, df = _welch_difference(mean_a, var_a, n_a, mean_b, var_b, n_b)
    small = (n_a < 2) | (n_b < 2)  # False where n is NaN: missing stays quietly NaN
    no_spread = (se == 0) & ~small
    if small.any():
        warnings.warn(
            "Welch's test needs at least 2 observations in each sample: NaN there",
            SmallSampleWarning,
            stacklevel=stacklevel,
        )
    if no_spread.any():
        warnings.warn(
            "both samples are constant (no spread): t, p and the interval are NaN",
            DegenerateDataWarning,
            stacklevel=stacklevel,
        )
    usable = np.isfinite(df)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = difference / se
        p = 2.0 * special.stdtr(df, -np.abs(t))
        quantile = t_critical(df, confidence)
        ci_low = difference - quantile * se
        ci_high = difference + quantile * se
    hedges_g = _hedges_g(difference, var_a, n_a, var_b, n_b)
    fields = {}
    for name, value in (
        ("t", t),
        ("df", df),
        ("p", p),
        ("ci_low", ci_low),
        ("ci_high", ci_high),
        ("hedges_g", hedges_g),
    ):
        value = np.where(usable, value, np.nan)
        fields[name] = float(value) if value.ndim == 0 else value
    fields["mean_difference"] = float(difference) if difference.ndim == 0 else difference
    return WelchResult(**fields)


def welch_from_moments(
    mean_a: ArrayLike,
    sd_a: ArrayLike,
    n_a: ArrayLike,
    mean_b: ArrayLike,
    sd_b: ArrayLike,
    n_b: ArrayLike,
    *,
    confidence: float = 0.95,
) -> WelchResult:
    """Welch's t test of ``mean_a - mean_b`` from summary statistics, vectorised.

    .. math::
        t = \\frac{\\bar a - \\bar b}{\\sqrt{s_a^2/n_a + s_b^2/n_b}}, \\qquad
        \\nu = \\frac{(s_a^2/n_a + s_b^2/n_b)^2}
        {\\frac{(s_a^2/n_a)^2}{n_a - 1} + \\frac{(s_b^2/n_b)^2}{n_b - 1}}

    p is two-sided from Student's t with :math:`\\nu` degrees of freedom, the interval is
    :math:`\\bar a - \\bar b \\pm t_{\\nu, 1 - \\gamma/2}\\, SE`. The results equal
    ``scipy.stats.ttest_ind(a, b, equal_var=False)`` and its ``confidence_interval``.
    Hedges' g uses the pooled SD and the exact correction
    :math:`J(m) = \\Gamma(m/2) / (\\sqrt{m/2}\\,\\Gamma((m-1)/2))`, :math:`m = n_a + n_b - 2`
    (the approximation :math:`1 - 3/(4m - 1)` of e.g. R ``effsize`` differs by < 0.1 % for
    m >= 10).

    Parameters
    ----------
    mean_a, sd_a, n_a, mean_b, sd_b, n_b : float or array_like
        Means, standard deviations (ddof = 1) and sizes of the two samples; broadcast together.
        NaN marks a missing comparison and gives NaN.
    confidence : float, default 0.95
        Level of the interval of the difference.

    Returns
    -------
    WelchResult
        Floats when every input is scalar, otherwise arrays of the broadcast shape.

    Warns
    -----
    SmallSampleWarning
        Some sample has fewer than 2 observations (NaN there).
    DegenerateDataWarning
        Both samples of some comparison have SD 0 ("no spread": NaN t, p, interval and g).

    Raises
    ------
    ValueError
        On infinite values, negative SDs, sizes that are negative or not whole numbers,
        shapes that do not broadcast, or an invalid `confidence`.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika, 34(1-2), 28-35.
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
    estimators. Journal of Educational Statistics, 6(2), 107-128.
    """
    conf = check_confidence(confidence)
    arrays = {
        name: as_float_array(value, name)
        for name, value in (
            ("mean_a", mean_a),
            ("sd_a", sd_a),
            ("n_a", n_a),
            ("mean_b", mean_b),
            ("sd_b", sd_b),
            ("n_b", n_b),
        )
    }
    for name in ("sd_a", "sd_b"):
        if (arrays[name] < 0).any():
            raise ValueError(f"{name} must be non-negative")
    for name in ("n_a", "n_b"):
        n = arrays[name]
        if (n < 0).any() or (n != np.round(n))[~np.isnan(n)].any():
            raise ValueError(f"{name} must hold non-negative whole numbers")
    try:
        np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError as exc:
        raise ValueError(
            "mean_a, sd_a, n_a, mean_b, sd_b and n_b must broadcast to one shape, got "
            + ", ".join(str(a.shape) for a in arrays.values())
        ) from exc
    return _welch_core(
        arrays["mean_a"], arrays["sd_a"], arrays["n_a"],
        arrays["mean_b"], arrays["sd_b"], arrays["n_b"],
        confidence=conf, stacklevel=3,
    )


def _moments(x: NDArray[np.float64]) -> tuple[float, float, float]:
    n = x.size
    mean = float(x.mean()) if n else float("nan")
    sd = float(x.std(ddof=1)) if n > 1 else float("nan")
    return mean, sd, float(n)


def welch_test(a: ArrayLike, b: ArrayLike, *, confidence: float = 0.95) -> WelchResult:
    """Welch's unequal-variances t test of ``mean(a) - mean(b)`` from raw values.

    Missing values (NaN) are dropped; the rest is :func:`welch_from_moments` on the sample
    means, SDs (ddof = 1) and sizes, equal to ``scipy.stats.ttest_ind(a, b, equal_var=False)``.

    Parameters
    ----------
    a, b : array_like, 1-D
        The two samples (e.g. team scores and baseline scores).
    confidence : float, default 0.95
        Level of the interval of the difference.

    Returns
    -------
    WelchResult
        Floats.

    Warns
    -----
    SmallSampleWarning
        A sample has fewer than 2 non-missing values.
    DegenerateDataWarning
        Both samples are constant ("no spread").

    Raises
    ------
    ValueError
        If `a` or `b` is not 1-D or holds infinity, or `confidence` is invalid.

    References
    ----------
    Welch, B. L. (1947). Biometrika, 34(1-2), 28-35.
    """
    conf = check_confidence(confidence)
    xa = as_vector(a, "a")
    xb = as_vector(b, "b")
    xa = xa[~np.isnan(xa)]
    xb = xb[~np.isnan(xb)]
    mean_a, sd_a, n_a = (np.asarray(v, dtype=np.float64) for v in _moments(xa))
    mean_b, sd_b, n_b = (np.asarray(v, dtype=np.float64) for v in _moments(xb))
    return _welch_core(mean_a, sd_a, n_a, mean_b, sd_b, n_b, confidence=conf, stacklevel=3)


def mann_whitney(a: ArrayLike, b: ArrayLike) -> MannWhitneyResult:
    """Mann-Whitney U test (two-sided, normal approximation) with Cliff's delta.

    With :math:`R_a` the rank sum of `a` in the pooled sample (mid-ranks for ties),

    .. math::
        U = R_a - \\frac{n_a(n_a + 1)}{2}, \\qquad
        z = \\frac{|U - n_a n_b / 2| - 1/2}{\\sigma_U}, \\qquad
        \\sigma_U^2 = \\frac{n_a n_b}{12}\\left(n + 1 - \\frac{\\sum (t^3 - t)}{n(n - 1)}\\right)

    with *t* the sizes of the tie groups and :math:`p = \\min(1, 2\\Phi(-z))`. This equals
    ``scipy.stats.mannwhitneyu(a, b, method="asymptotic")`` and R
    ``wilcox.test(a, b, exact = FALSE, correct = TRUE)``. Cliff's delta is
    :math:`2U/(n_a n_b) - 1`.

    Parameters
    ----------
    a, b : array_like, 1-D
        The two samples; NaN are dropped.

    Returns
    -------
    MannWhitneyResult

    Warns
    -----
    SmallSampleWarning
        A sample is empty: every field is NaN.
    DegenerateDataWarning
        Every value is identical ("no spread"): p is NaN (U and delta are still reported).

    Raises
    ------
    ValueError
        If `a` or `b` is not 1-D or holds infinity.

    References
    ----------
    Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two random variables is
    stochastically larger than the other. Annals of Mathematical Statistics, 18(1), 50-60.
    Cliff, N. (1993). Dominance statistics: Ordinal analyses to answer ordinal questions.
    Psychological Bulletin, 114(3), 494-509.
    """
    xa = as_vector(a, "a")
    xb = as_vector(b, "b")
    xa = xa[~np.isnan(xa)]
    xb = xb[~np.isnan(xb)]
    n_a, n_b = xa.size, xb.size
    nan = float("nan")
    if n_a == 0 or n_b == 0:
        warnings.warn(
            f"Mann-Whitney U needs values in both samples, got {n_a} and {n_b}: NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
        return MannWhitneyResult(nan, nan, nan)
    pooled = np.concatenate([xa, xb])
    n = pooled.size
    ranks = stats.rankdata(pooled)
    u = float(ranks[:n_a].sum() - n_a * (n_a + 1) / 2.0)
    delta = 2.0 * u / (n_a * n_b) - 1.0
    _, tie_sizes = np.unique(pooled, return_counts=True)
    tie_term = float(np.sum(tie_sizes.astype(np.float64) ** 3 - tie_sizes))
    variance = n_a * n_b / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))
    if not variance > 0:
        warnings.warn(
            "every value is identical (no spread): the Mann-Whitney p-value is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return MannWhitneyResult(u, nan, delta)
    z = (abs(u - n_a * n_b / 2.0) - 0.5) / np.sqrt(variance)
    p = min(1.0, float(2.0 * special.ndtr(-z)))
    return MannWhitneyResult(u, p, delta)


def adjust_pvalues(
    p: ArrayLike, *, method: str = "bh", axis: int | None = None
) -> NDArray[np.float64] | float:
    """Adjust p-values for multiple comparisons (Benjamini-Hochberg or Holm).

    Within one family, with the m non-missing p-values sorted,
    :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:

    - ``"bh"`` (false discovery rate, the step-up procedure):
      :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)} / j)`, as
      ``scipy.stats.false_discovery_control(method="bh")`` and R ``p.adjust(method="BH")``;
    - ``"holm"`` (family-wise error rate):
      :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1)\\,p_{(j)})`, as R
      ``p.adjust(method="holm")``.

    Parameters
    ----------
    p : float or array_like
        p-values in [0, 1] of any shape. NaN marks a hidden or undefined test: it stays NaN
        and does not count in m.
    method : {"bh", "holm"}, default "bh"
    axis : int or None, default None
        None adjusts every p-value together as one family (e.g. a whole heat-map grid); an
        integer makes each slice along that axis a family of its own (``axis=1`` on a
        teams x dimensions grid adjusts within each team's report). Vectorised either way.

    Returns
    -------
    float or ndarray
        Adjusted p-values, shaped like `p` (a float for scalar `p`).

    Raises
    ------
    ValueError
        If a p-value lies outside [0, 1] or is infinite, `method` is unknown, or `axis` is
        not an axis of `p`.

    References
    ----------
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. Journal of the
    Royal Statistical Society B, 57(1), 289-300.
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian
    Journal of Statistics, 6(2), 65-70.
    """
    check_choice(method, "method", ("bh", "holm"))
    values = as_float_array(p, "p")
    present = values[~np.isnan(values)]
    if ((present < 0) | (present > 1)).any():
        raise ValueError("p must hold probabilities in [0, 1] (NaN for missing)")
    if axis is None:
        out = _adjust_last_axis(values.reshape(1, -1), method).reshape(values.shape)
        return float(out) if out.ndim == 0 else out
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be an integer or None, got {axis!r}")
    if not -values.ndim <= axis < values.ndim:
        raise ValueError(
            f"axis {axis} is out of bounds for p with {values.ndim} dimensions"
        )
    moved = np.moveaxis(values, axis, -1)
    return np.moveaxis(_adjust_last_axis(moved, method), -1, axis)


def benjamini_hochberg(p: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values along an axis, ignoring NaN.

    An alias of ``adjust_pvalues(p, method="bh", axis=axis)``: the values of
    ``scipy.stats.false_discovery_control(p, method="bh")`` on the non-NaN entries of each
    slice; NaN stays NaN and does not count as a test.

    Parameters
    ----------
    p : array_like
        p-values in [0, 1] or NaN.
    axis : int
        Axis along which the family of tests lies (default last).

    Returns
    -------
    ndarray
        Adjusted p-values, shaped like `p`.
    """
    return np.asarray(adjust_pvalues(p, method="bh", axis=axis), dtype=np.float64)


def _adjust_last_axis(p: NDArray[np.float64], method: str) -> NDArray[np.float64]:
    """Adjust each slice along the last axis as one family; NaN stays NaN and is not counted."""
    present = ~np.isnan(p)
    m = present.sum(axis=-1, keepdims=True)
    # missing values sort last, so each family's tests take the ranks 1..m
    order = np.argsort(np.where(present, p, np.inf), axis=-1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=-1)
    rank = np.arange(1, p.shape[-1] + 1, dtype=np.float64)
    missing = np.isnan(ranked)
    with np.errstate(invalid="ignore"):
        if method == "bh":
            scaled = np.where(missing, np.inf, ranked * m / rank)
            stepped = np.flip(np.minimum.accumulate(np.flip(scaled, axis=-1), axis=-1), axis=-1)
        else:
            scaled = np.where(missing, -np.inf, ranked * (m - rank + 1.0))
            stepped = np.maximum.accumulate(scaled, axis=-1)
    adjusted = np.empty_like(p)
    np.put_along_axis(adjusted, order, np.minimum(stepped, 1.0), axis=-1)
    adjusted[~present] = np.nan
    return adjusted
