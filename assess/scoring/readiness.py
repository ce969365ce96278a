"""Readiness verdicts: is a group ready for the change, on the means of its readiness factors.

A readiness instrument (questionnaire kind ``readiness``) has no maturity levels; each of its
dimensions is a readiness factor, and :class:`~assess.scoring.instrument.ReadinessThresholds`
turn the factor means of a group into a verdict (docs/scoring.md, "Readiness"):

* every factor mean at or above ``ready_at``: "ready";
* any factor mean below ``blocker_below``: "not yet", the lowest factor named as the blocker;
* anything between: "conditionally ready", the factors below ``ready_at`` named.

Means are cut as exact quantities, rounded half-up to whole hundredths like the mean shown
(:func:`~assess.scoring.levels.mean_hundredths`): a mean of 3.6 is ready at ``ready_at: 3.6``,
one of 2.6 is no blocker at ``blocker_below: 2.6``, whatever binary noise the float carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._exact import mean_hundredths
from ._validation import as_float_array
from .instrument import ReadinessThresholds
from .results import READINESS_VERDICTS, ReadinessVerdicts

__all__ = ["READINESS_VERDICTS", "ReadinessVerdicts", "readiness_verdicts"]


def readiness_verdicts(
    means: ArrayLike,
    thresholds: ReadinessThresholds,
    factors: Sequence[str],
    *,
    hidden: ArrayLike | None = None,
    labels: Sequence[Any] | None = None,
) -> ReadinessVerdicts:
    r"""Readiness verdict of each group from its factor means, vectorised over groups.

    With :math:`h_{gf} = \lfloor 100\,\bar x_{gf} + 1/2 \rfloor` the mean of group *g* on
    factor *f* in whole hundredths, and *R*, *B* the thresholds in hundredths:

    .. math::
        \text{verdict}_g = \begin{cases}
        \text{"not yet"} & \exists f: h_{gf} < B \\
        \text{"conditionally ready"} & \text{else, } \exists f: h_{gf} < R \\
        \text{"ready"} & \text{otherwise}
        \end{cases}

    Parameters
    ----------
    means : array_like, shape (G, F)
        Factor means of each group; NaN where a mean is missing or hidden.
    thresholds : ReadinessThresholds
        ``ready_at`` and ``blocker_below``.
    factors : sequence of str
        Factor (dimension) ids, one per column of `means`.
    hidden : array_like of bool, shape (G, F), optional
        Cells hidden under the anonymity rules. A verdict is a statistic of every factor of
        its group, so a group with any hidden (or missing) factor gets no verdict.
    labels : sequence, optional
        Group labels, one per row (default ``0 .. G-1``).

    Returns
    -------
    ReadinessVerdicts
        Per group: the verdict (None without one), the blocking factor (the lowest factor
        below ``blocker_below``, the first in factor order on ties; None unless "not yet"),
        and the masks of the factors below ``blocker_below`` and below ``ready_at``.

    Raises
    ------
    ValueError
        If `means` is not 2-D or holds infinity, `factors` does not name each column once,
        `hidden` or `labels` does not match `means`, or `thresholds` is not a
        ``ReadinessThresholds``.

    Examples
    --------
    >>> from assess.scoring import ReadinessThresholds
    >>> v = readiness_verdicts([[3.6, 4.1], [3.0, 3.9], [2.59, 4.0]],
    ...                        ReadinessThresholds(ready_at=3.6, blocker_below=2.6), ("a", "b"))
    >>> v.verdict.tolist()
    ['ready', 'conditionally ready', 'not yet']
    >>> v.blocking_factor.tolist()
    [None, None, 'a']
    """
    if not isinstance(thresholds, ReadinessThresholds):
        raise ValueError(
            f"thresholds must be a ReadinessThresholds, got {type(thresholds).__name__}"
        )
    m = as_float_array(means, "means")
    if m.ndim != 2:
        raise ValueError(f"means must be a 2-D array (groups x factors), got {m.ndim} dims")
    ids = tuple(factors)
    if not ids or len(ids) != m.shape[1] or len(set(ids)) != len(ids) or not all(
        isinstance(f, str) for f in ids
    ):
        raise ValueError(
            f"factors must name each of the {m.shape[1]} columns of means once (at least "
            f"one), got {ids!r}"
        )
    if hidden is None:
        mask = np.zeros(m.shape, dtype=bool)
    else:
        mask = np.asarray(hidden)
        if mask.shape != m.shape or mask.dtype != bool:
            raise ValueError(
                f"hidden must be a boolean array of the shape of means {m.shape}, got "
                f"{mask.dtype} of shape {mask.shape}"
            )
    groups = tuple(range(m.shape[0])) if labels is None else tuple(labels)
    if len(groups) != m.shape[0]:
        raise ValueError(
            f"labels must have one entry per row of means ({m.shape[0]}), got {len(groups)}"
        )

    ready, blocker = thresholds.hundredths()
    h = mean_hundredths(m)
    defined = np.asarray(~(mask | np.isnan(h)).any(axis=1))
    with np.errstate(invalid="ignore"):
        below_ready = (h < ready) & defined[:, None]
        below_blocker = (h < blocker) & defined[:, None]
    blocked = below_blocker.any(axis=1)
    conditional = below_ready.any(axis=1)
    verdict = np.full(m.shape[0], None, dtype=object)
    verdict[defined] = "ready"
    verdict[defined & conditional] = "conditionally ready"
    verdict[defined & blocked] = "not yet"
    # the lowest factor (in shown hundredths), the first in factor order on ties
    lowest = np.argmin(np.where(defined[:, None], h, np.inf), axis=1)
    blocking = np.full(m.shape[0], None, dtype=object)
    blocking[blocked] = np.asarray(ids, dtype=object)[lowest[blocked]]
    return ReadinessVerdicts(
        labels=groups,
        factors=ids,
        verdict=verdict,
        blocking_factor=blocking,
        below_blocker=below_blocker,
        below_ready=below_ready,
    )
