"""Per-group counts, sums and moments over group-sorted rows, computed in cache-sized blocks.

Scoring a campaign aggregates respondent rows by team, by role and over the whole
organisation. Each aggregation here walks the rows in blocks of about :data:`BLOCK_ROWS`
rows, so that the temporaries of a block (masked copies, deviations) stay in the CPU cache:
a single pass over 50,000 rows at once ran 1.6x slower per row than over 5,000, which made
the cost grow faster than the number of respondents.

Rows must be sorted by group code (each group one contiguous run). Small groups are kept
whole within a block, so their two-pass moments run while the block is in cache; a group
longer than a block (the organisation, a large role) is split across blocks and its
deviations are summed in a second pass, once its mean is known.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import NDArray

Float2D = NDArray[np.float64]

#: Rows per block (60 float64 columns of 4,096 rows are about 2 MB, the size of the L2 cache).
BLOCK_ROWS = 4096


def factorize(labels: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """Sorted distinct labels and each row's code, as ``np.unique(..., return_inverse=True)``.

    Rows already sorted by label (answers are loaded team by team) take a linear pass instead
    of a sort. Raises ``TypeError`` for labels of mixed types, as ``np.unique`` does.
    """
    if labels.size > 1:
        try:
            with np.errstate(invalid="ignore"):
                changes = labels[1:] != labels[:-1]
                grouped = bool(np.all(labels[1:] >= labels[:-1]))
        except TypeError:
            grouped = False  # mixed types: np.unique below says so
        if grouped:
            starts = np.flatnonzero(np.r_[True, changes])
            codes = np.zeros(labels.size, dtype=np.intp)
            codes[starts[1:]] = 1
            return labels[starts], np.cumsum(codes, out=codes)
    uniq, codes = np.unique(labels, return_inverse=True)
    return uniq, codes.astype(np.intp).reshape(-1)


@dataclass(frozen=True)
class Block:
    """Rows ``r0:r1`` of group-sorted data, cut into runs of one group each."""

    r0: int
    r1: int
    segments: NDArray[np.intp]  # start of each run, relative to r0
    groups: NDArray[np.intp]  # group code of each run (distinct within the block)
    whole: bool  # every run is a whole group (none continues in another block)

    def local_codes(self) -> NDArray[np.intp]:
        """Run index (0 .. len(segments) - 1) of each row of the block."""
        sizes = np.diff(np.r_[self.segments, self.r1 - self.r0])
        return np.repeat(np.arange(self.segments.size), sizes)


def blocks(codes: NDArray[np.intp]) -> Iterator[Block]:
    """Blocks of about :data:`BLOCK_ROWS` rows of group-sorted `codes`.

    A block starts where the group holding every ``BLOCK_ROWS``-th row starts, so small groups
    are never cut; a group longer than ``BLOCK_ROWS`` is cut at those rows instead.
    """
    n = codes.size
    if not n:
        return
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], n]
    marks = np.arange(0, n, BLOCK_ROWS)
    holder = np.searchsorted(starts, marks, side="right") - 1
    long_group = ends[holder] - starts[holder] > BLOCK_ROWS
    bounds = np.unique(np.where(long_group, marks, starts[holder]))
    is_start = np.zeros(n + 1, dtype=bool)
    is_start[starts] = True
    is_start[n] = True
    bounds_end: NDArray[np.intp] = np.append(bounds[1:], n)
    first = np.searchsorted(starts, bounds, side="right")
    last = np.searchsorted(starts, bounds_end, side="left")
    for r0, r1, a, b in zip(bounds.tolist(), bounds_end.tolist(), first.tolist(),
                            last.tolist(), strict=True):
        segments = np.r_[0, starts[a:b] - r0].astype(np.intp)
        yield Block(r0, r1, segments, codes[r0 + segments],
                    bool(is_start[r0] and is_start[r1]))


def group_sums(codes: NDArray[np.intp], n_groups: int, data: Float2D,
               mask: NDArray[np.bool_]) -> tuple[Float2D, Float2D]:
    """Per group and column: count and sum of `data` where `mask`."""
    n_cols = data.shape[1]
    count = np.zeros((n_groups, n_cols))
    total = np.zeros((n_groups, n_cols))
    for blk in blocks(codes):
        m = mask[blk.r0:blk.r1]
        # counted as int32 straight from the booleans: no float copy of the mask
        count[blk.groups] += np.add.reduceat(m, blk.segments, axis=0, dtype=np.int32)
        total[blk.groups] += np.add.reduceat(np.where(m, data[blk.r0:blk.r1], 0.0),
                                             blk.segments, axis=0)
    return count, total


@overload
def group_moments(codes: NDArray[np.intp], n_groups: int, data: Float2D,
                  mask: NDArray[np.bool_], *, absolute: Literal[True],
                  columns: NDArray[np.intp] | None = None,
                  mask_columns: NDArray[np.intp] | None = None,
                  ) -> tuple[Float2D, Float2D, Float2D, Float2D]: ...


@overload
def group_moments(codes: NDArray[np.intp], n_groups: int, data: Float2D,
                  mask: NDArray[np.bool_], *, absolute: Literal[False] = False,
                  columns: NDArray[np.intp] | None = None,
                  mask_columns: NDArray[np.intp] | None = None,
                  ) -> tuple[Float2D, Float2D, Float2D, None]: ...


def group_moments(codes: NDArray[np.intp], n_groups: int, data: Float2D,
                  mask: NDArray[np.bool_], *, absolute: bool = False,
                  columns: NDArray[np.intp] | None = None,
                  mask_columns: NDArray[np.intp] | None = None,
                  ) -> tuple[Float2D, Float2D, Float2D, Float2D | None]:
    """Count, mean and variance (ddof=1) per group and column of `data` where `mask`.

    `columns` picks (and orders) the columns of `data` to aggregate, and `mask_columns` the
    column of `mask` that applies to each of them; both are gathered block by block, so no
    full-size copy of the selection is made.

    Two passes (mean first, then squared deviations from it), which avoids the cancellation of
    ``sum(x^2) - n mean^2``. With `absolute`, also the sum of absolute deviations from the
    group mean (for the AD index). A block of whole groups runs both passes while it is in
    cache; blocks of a split group run the second pass after every block has been summed.
    """
    n_cols = data.shape[1] if columns is None else columns.size
    count = np.zeros((n_groups, n_cols))
    total = np.zeros((n_groups, n_cols))
    ss = np.zeros((n_groups, n_cols))
    abs_sum = np.zeros((n_groups, n_cols)) if absolute else None
    deferred: list[Block] = []

    def rows(blk: Block) -> tuple[Float2D, NDArray[np.bool_]]:
        d = data[blk.r0:blk.r1]
        m = mask[blk.r0:blk.r1]
        if columns is not None:
            d = d[:, columns]
        if mask_columns is not None:
            m = m[:, mask_columns]
        return np.where(m, d, 0.0), m

    def deviations(blk: Block, d: Float2D, m: NDArray[np.bool_], mu: Float2D) -> None:
        dev = np.where(m, d - mu[blk.local_codes()], 0.0)
        ss[blk.groups] += np.add.reduceat(dev * dev, blk.segments, axis=0)
        if abs_sum is not None:
            abs_sum[blk.groups] += np.add.reduceat(np.abs(dev), blk.segments, axis=0)

    for blk in blocks(codes):
        d, m = rows(blk)
        c = np.add.reduceat(m, blk.segments, axis=0, dtype=np.int32)
        s = np.add.reduceat(d, blk.segments, axis=0)
        count[blk.groups] += c
        total[blk.groups] += s
        if blk.whole:
            with np.errstate(invalid="ignore", divide="ignore"):
                deviations(blk, d, m, np.nan_to_num(s / c))
        else:
            deferred.append(blk)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    for blk in deferred:
        deviations(blk, *rows(blk), np.nan_to_num(mean[blk.groups]))
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(count > 1, ss / (count - 1), np.nan)
    return count, mean, var, abs_sum
