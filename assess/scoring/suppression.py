"""Anonymity: which group statistics must be hidden.

Primary suppression hides every statistic of a group with fewer than ``min_n`` valid responses.
Complementary suppression closes the subtraction attack: when a parent total (the organisation)
and all but one child group (teams) are visible, the hidden child's sum is the parent sum minus
the visible sums, so one more child - the smallest visible one - is hidden as well. With two or
more hidden children the parent total fixes only their combined sum, not either mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .instrument import MIN_N_FLOOR

__all__ = ["Suppression", "suppress"]


@dataclass(frozen=True)
class Suppression:
    """Which cells of a (groups x statistics) grid to hide.

    Attributes
    ----------
    hidden : ndarray of bool, shape (G, D)
        Cells to hide (primary or complementary).
    primary : ndarray of bool, shape (G, D)
        Cells hidden because the group has fewer than ``min_n`` valid responses (or because
        they were given as already hidden).
    complementary : ndarray of bool, shape (G, D)
        Cells hidden only to protect another hidden cell.
    parent_hidden : ndarray of bool, shape (D,)
        Whether the parent total must be hidden (too small, or no child could protect the one
        hidden child).
    """

    hidden: NDArray[np.bool_]
    primary: NDArray[np.bool_]
    complementary: NDArray[np.bool_]
    parent_hidden: NDArray[np.bool_]


def suppress(
    n: ArrayLike,
    min_n: int,
    parent_n: ArrayLike | None = None,
    *,
    hidden: ArrayLike | None = None,
) -> Suppression:
    """Primary and complementary suppression of a grid of group counts.

    Parameters
    ----------
    n : array_like of int, shape (G, D)
        Valid responses of each child group (rows) for each statistic (columns), e.g. teams x
        dimensions.
    min_n : int
        Anonymity threshold (>= 3): cells with ``0 < n < min_n`` are hidden; a cell with
        ``n == 0`` has nothing to hide but is also not shown.
    parent_n : array_like of int, shape (D,), optional
        Valid responses of the parent group; defaults to the column sums of `n` (the children
        partition the parent).
    hidden : array_like of bool, shape (G, D), optional
        Cells already hidden for another reason, which count as primary. A statistic with a
        count of its own (the don't-know rate, an orientation index, the rubric level) is
        hidden wherever the cell is, and protected by its own count: where a cell is hidden
        but still holds data for the statistic, the parent total of that statistic must not
        isolate it.

    Returns
    -------
    Suppression
        The masks.

    Notes
    -----
    Per column, after primary suppression: if the parent is visible and exactly one child with
    data (``n > 0``) is hidden, the visible child with data with the fewest responses (first
    one on ties) is hidden too. One extra cell is enough for a single-level partition: the
    parent sum then determines only the sum of two unknown means.
    """
    counts = np.asarray(n)
    if counts.ndim != 2:
        raise ValueError(f"n must be a 2-D array (groups x statistics), got {counts.ndim} dims")
    if counts.size and (not np.issubdtype(counts.dtype, np.integer) or counts.min() < 0):
        raise ValueError("n must hold non-negative integer counts")
    if (
        isinstance(min_n, bool)
        or not isinstance(min_n, (int, np.integer))
        or min_n < MIN_N_FLOOR
    ):
        raise ValueError(f"min_n must be an integer >= {MIN_N_FLOOR}, got {min_n!r}")
    if parent_n is None:
        parent = counts.sum(axis=0)
    else:
        parent = np.asarray(parent_n)
        if parent.shape != (counts.shape[1],):
            raise ValueError(
                f"parent_n must have shape ({counts.shape[1]},), got {parent.shape}"
            )
    primary = counts < min_n
    if hidden is not None:
        already = np.asarray(hidden)
        if already.shape != counts.shape or already.dtype != bool:
            raise ValueError(
                f"hidden must be a boolean array of the shape of n {counts.shape}, got "
                f"{already.dtype} of shape {already.shape}"
            )
        primary = primary | already
    parent_hidden = parent < min_n
    has_data = counts > 0
    lone = ((primary & has_data).sum(axis=0) == 1) & ~parent_hidden
    candidates = np.where(~primary & has_data, counts, np.iinfo(np.int64).max)
    complementary = np.zeros_like(primary)
    if counts.shape[0] and lone.any():
        pick = np.argmin(candidates, axis=0)
        cols = np.arange(counts.shape[1])
        pickable = lone & (candidates[pick, cols] != np.iinfo(np.int64).max)
        complementary[pick[pickable], cols[pickable]] = True
        # No visible child to hide: the parent itself would give the hidden child away.
        parent_hidden = parent_hidden | (lone & ~pickable)
    hidden = primary | complementary
    for arr in (hidden, primary, complementary, parent_hidden):
        arr.flags.writeable = False
    return Suppression(hidden, primary, complementary, parent_hidden)
