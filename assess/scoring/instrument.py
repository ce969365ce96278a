"""The scoring view of a questionnaire: which answer columns form which dimension, and the defaults.

The application builds an :class:`InstrumentSpec` from a questionnaire definition; the scoring
package never reads questionnaire files itself. Both classes are frozen and validate themselves on
construction, so a spec that exists is a spec that can be scored.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

# The questionnaire format and the scoring share these definitions; they are made once, in the
# (pure, numpy-free) definitions package: default cut points, rubric quorum, anonymity
# thresholds and the orientation tags.
from ..definitions.model import (
    DEFAULT_LEVEL_CUTS,
    DEFAULT_MIN_N,
    DEFAULT_MIN_N_COMMENTS,
    DEFAULT_MIN_N_SPREAD,
    DEFAULT_RUBRIC_QUORUM,
    MIN_N_FLOOR,
    ORIENTATIONS,
)
from ._exact import cut_hundredths, share_as_fraction

__all__ = [
    "DEFAULT_LEVEL_CUTS",
    "DEFAULT_LEVEL_LABELS",
    "DEFAULT_RUBRIC_QUORUM",
    "MIN_N_FLOOR",
    "ORIENTATIONS",
    "DimensionSpec",
    "InstrumentSpec",
    "ReadinessThresholds",
    "share_as_fraction",
]

#: Labels of the five default maturity levels (docs/scoring.md, "Maturity levels").
DEFAULT_LEVEL_LABELS: tuple[str, ...] = ("Ad hoc", "Emerging", "Defined", "Measured", "Adaptive")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _check_share(value: Any, name: str, *, allow_zero: bool = False) -> float:
    ok = _is_real(value) and (0 <= value <= 1 if allow_zero else 0 < value <= 1)
    if not ok:
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return float(value)


def _check_count(value: Any, name: str, minimum: int) -> int:
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class DimensionSpec:
    """One scored dimension (a focus area) of the instrument.

    Parameters
    ----------
    id : str
        Stable identifier of the dimension, used to match waves and baselines.
    columns : tuple of int
        Columns of the answer matrix holding this dimension's likert items.
    reverse : tuple of bool, optional
        Per item, whether it is reverse-keyed (``x' = scale_min + scale_max - x``).
        Empty (the default) or None: no reverse-keyed item.
    weights : tuple of float, optional
        Per item, a positive weight for the respondent's weighted mean. Empty (the default)
        or None: 1 each.
    orientation : tuple of str, optional
        Per item, ``"pmo"``, ``"apo"`` or ``"neutral"``: which orientation index the item feeds.
        Empty (the default) or None: ``"neutral"`` each.
    rubric_column : int or None, optional
        Column of the anchored rubric item ("the highest level whose description, and all
        below, are true"), whose answers are level numbers 1..number of levels.
    label : str, optional
        Human-readable name (not used in computations).
    """

    id: str
    columns: tuple[int, ...]
    reverse: tuple[bool, ...] = ()
    weights: tuple[float, ...] = ()
    orientation: tuple[str, ...] = ()
    rubric_column: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValueError(f"DimensionSpec.id must be a non-empty string, got {self.id!r}")
        where = f"dimension {self.id!r}"
        columns = tuple(self.columns)
        if not columns:
            raise ValueError(f"{where}: columns must name at least one likert item column")
        if not all(_is_int(c) and c >= 0 for c in columns):
            raise ValueError(f"{where}: columns must be non-negative integers, got {columns!r}")
        if len(set(columns)) != len(columns):
            raise ValueError(f"{where}: columns must not repeat a column, got {columns!r}")
        k = len(columns)
        # None is accepted for the defaults as well (the fields' former default)
        reverse = tuple(self.reverse) if self.reverse else (False,) * k
        weights = tuple(self.weights) if self.weights else (1.0,) * k
        orientation = tuple(self.orientation) if self.orientation else ("neutral",) * k
        for name, seq in (("reverse", reverse), ("weights", weights), ("orientation", orientation)):
            if len(seq) != k:
                raise ValueError(
                    f"{where}: {name} must have one entry per column ({k}), got {len(seq)}"
                )
        if not all(isinstance(r, bool) for r in reverse):
            raise ValueError(f"{where}: reverse must hold booleans, got {reverse!r}")
        if not all(_is_real(w) and w > 0 for w in weights):
            raise ValueError(f"{where}: weights must be finite numbers > 0, got {weights!r}")
        if not all(o in ORIENTATIONS for o in orientation):
            raise ValueError(
                f"{where}: orientation entries must be one of {ORIENTATIONS}, got {orientation!r}"
            )
        if self.rubric_column is not None:
            if not _is_int(self.rubric_column) or self.rubric_column < 0:
                raise ValueError(
                    f"{where}: rubric_column must be a non-negative integer or None, "
                    f"got {self.rubric_column!r}"
                )
            if self.rubric_column in columns:
                raise ValueError(f"{where}: rubric_column must not also be a likert column")
        object.__setattr__(self, "columns", tuple(int(c) for c in columns))
        object.__setattr__(self, "reverse", reverse)
        object.__setattr__(self, "weights", tuple(float(w) for w in weights))
        object.__setattr__(self, "orientation", orientation)


def _hundredths_of(value: Any, name: str) -> int:
    """A finite number of at most 2 decimals, as whole hundredths (``ValueError`` otherwise)."""
    if not _is_real(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return cut_hundredths((float(value),), name)[0]


@dataclass(frozen=True)
class ReadinessThresholds:
    """Verdict thresholds of a readiness instrument, on the factor (dimension) means.

    Every factor mean at or above `ready_at`: "ready"; any factor mean below `blocker_below`:
    "not yet"; anything between: "conditionally ready" (docs/scoring.md, "Readiness").
    Means are compared as shown, rounded to whole hundredths, so both thresholds may have at
    most 2 decimals.

    Parameters
    ----------
    ready_at : float
        Lowest factor mean that counts as ready.
    blocker_below : float
        A factor mean below this blocks; ``blocker_below < ready_at``.

    Raises
    ------
    ValueError
        If a threshold is not a finite number of at most 2 decimals, or
        ``blocker_below >= ready_at``. :class:`InstrumentSpec` also checks both against the
        scale.
    """

    ready_at: float
    blocker_below: float

    def __post_init__(self) -> None:
        ready = _hundredths_of(self.ready_at, "ready_at")
        blocker = _hundredths_of(self.blocker_below, "blocker_below")
        if not blocker < ready:
            raise ValueError(
                f"blocker_below must be less than ready_at, got blocker_below="
                f"{self.blocker_below!r}, ready_at={self.ready_at!r}"
            )
        object.__setattr__(self, "ready_at", float(self.ready_at))
        object.__setattr__(self, "blocker_below", float(self.blocker_below))

    def hundredths(self) -> tuple[int, int]:
        """``(ready_at, blocker_below)`` as exact integers in hundredths of a scale point."""
        return (round(self.ready_at * 100), round(self.blocker_below * 100))

    def to_dict(self) -> dict[str, float]:
        """``{"ready_at": ..., "blocker_below": ...}``."""
        return {"ready_at": self.ready_at, "blocker_below": self.blocker_below}


@dataclass(frozen=True)
class InstrumentSpec:
    """How to score a questionnaire: scale, dimensions and every threshold used downstream.

    Parameters
    ----------
    dimensions : tuple of DimensionSpec
        The scored dimensions, in report order; ids must be unique.
    scale_min, scale_max : int
        Lowest and highest answer of the likert items (integers, ``scale_min < scale_max``).
    dont_know : bool
        Whether the questionnaire offers "don't know"; if False, no don't-know flag is accepted.
    level_cuts : tuple of float
        Strictly increasing lower edges of levels 2..L on the mean, at most 2 decimals each,
        inside ``(scale_min, scale_max]``. Default ``(1.8, 2.6, 3.4, 4.2)``.
    level_labels : tuple of str
        One label per level (``len(level_cuts) + 1``). An instrument without maturity
        levels (a readiness or pulse questionnaire without ``levels``) has
        ``level_cuts=()`` and ``level_labels=()``: it is scored without levels, and its
        results carry none (:attr:`has_levels` is False). It cannot have rubric items.
    rubric_quorum : float
        Share of a team's rubric answers that must reach a level for the team to be there.
    min_n : int
        Anonymity threshold: fewer valid responses hide a group's statistics (never below 3).
    min_n_comments : int
        Threshold for showing free-text comments (carried for the application; not used here).
    min_n_spread : int
        Threshold for spread, agreement and everything derived from the SD (intervals, tests);
        at least `min_n`.
    min_answered : float
        Share of a dimension's items a respondent must answer for a valid dimension score; a
        respondent who answered under this share of all likert items is excluded.
    min_items : int
        Minimum answered items for a valid dimension score (capped at the dimension's size).
    mid : float
        Minimal important difference for a "clear change" between waves, in scale points.
    alpha : float
        Significance level for the verdict against a baseline (after Benjamini-Hochberg).
    min_effect : float
        Minimum ``|d|`` for a "clearly above/below" verdict.
    confidence : float
        Confidence level of team intervals and change intervals.
    readiness : ReadinessThresholds or None
        Verdict thresholds of a readiness instrument (dimensions are its factors), each
        inside ``(scale_min, scale_max]``; None (the default) for an instrument without
        readiness verdicts.
    """

    dimensions: tuple[DimensionSpec, ...]
    scale_min: int = 1
    scale_max: int = 5
    dont_know: bool = True
    level_cuts: tuple[float, ...] = DEFAULT_LEVEL_CUTS
    level_labels: tuple[str, ...] = DEFAULT_LEVEL_LABELS
    rubric_quorum: float = DEFAULT_RUBRIC_QUORUM
    min_n: int = DEFAULT_MIN_N
    min_n_comments: int = DEFAULT_MIN_N_COMMENTS
    min_n_spread: int = DEFAULT_MIN_N_SPREAD
    min_answered: float = 0.5
    min_items: int = 2
    mid: float = 0.25
    alpha: float = 0.05
    min_effect: float = 0.2
    confidence: float = 0.95
    readiness: ReadinessThresholds | None = None
    _level_cuts_hundredths: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dims = tuple(self.dimensions)
        if not dims or not all(isinstance(d, DimensionSpec) for d in dims):
            raise ValueError("dimensions must be a non-empty sequence of DimensionSpec")
        ids = [d.id for d in dims]
        if len(set(ids)) != len(ids):
            raise ValueError(f"dimensions must have unique ids, got {ids!r}")
        object.__setattr__(self, "dimensions", dims)
        for name in ("scale_min", "scale_max"):
            if not _is_int(getattr(self, name)):
                raise ValueError(f"{name} must be an integer, got {getattr(self, name)!r}")
        if not self.scale_min < self.scale_max:
            raise ValueError(
                f"scale_min must be less than scale_max, got scale_min={self.scale_min!r}, "
                f"scale_max={self.scale_max!r}"
            )
        if not isinstance(self.dont_know, bool):
            raise ValueError(f"dont_know must be a bool, got {self.dont_know!r}")
        self._check_levels()
        _check_share(self.rubric_quorum, "rubric_quorum")
        _check_count(self.min_n, "min_n", MIN_N_FLOOR)
        _check_count(self.min_n_comments, "min_n_comments", self.min_n)
        _check_count(self.min_n_spread, "min_n_spread", self.min_n)
        _check_share(self.min_answered, "min_answered")
        _check_count(self.min_items, "min_items", 1)
        if not _is_real(self.mid) or self.mid < 0:
            raise ValueError(f"mid must be a finite number >= 0, got {self.mid!r}")
        if not _is_real(self.alpha) or not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be a number strictly between 0 and 1, got {self.alpha!r}")
        if not _is_real(self.min_effect) or self.min_effect < 0:
            raise ValueError(f"min_effect must be a finite number >= 0, got {self.min_effect!r}")
        if not _is_real(self.confidence) or not 0 < self.confidence < 1:
            raise ValueError(
                f"confidence must be a number strictly between 0 and 1, got {self.confidence!r}"
            )
        if self.readiness is not None:
            self._check_readiness(self.readiness)

    def _check_levels(self) -> None:
        cuts = tuple(self.level_cuts)
        labels = tuple(self.level_labels)
        if not cuts and not labels:  # no maturity levels
            with_rubric = [d.id for d in self.dimensions if d.rubric_column is not None]
            if with_rubric:
                raise ValueError(
                    f"dimensions {with_rubric!r} have a rubric item, which needs maturity "
                    "levels; the instrument has none (level_cuts=() and level_labels=())"
                )
            hundredths: tuple[int, ...] = ()
        else:
            hundredths = cut_hundredths(cuts, "level_cuts")
            if not (
                self.scale_min * 100 < hundredths[0] and hundredths[-1] <= self.scale_max * 100
            ):
                raise ValueError(
                    f"level_cuts must lie within (scale_min, scale_max] = "
                    f"({self.scale_min}, {self.scale_max}], got {cuts!r}"
                )
            if len(labels) != len(cuts) + 1 or not all(isinstance(s, str) for s in labels):
                raise ValueError(
                    f"level_labels must hold {len(cuts) + 1} strings (one per level), got "
                    f"{labels!r}; an instrument without maturity levels has level_cuts=() and "
                    "level_labels=()"
                )
        object.__setattr__(self, "level_cuts", tuple(float(c) for c in cuts))
        object.__setattr__(self, "_level_cuts_hundredths", hundredths)
        object.__setattr__(self, "level_labels", labels)

    def _check_readiness(self, readiness: Any) -> None:
        if not isinstance(readiness, ReadinessThresholds):
            raise ValueError(
                f"readiness must be a ReadinessThresholds or None, got {type(readiness).__name__}"
            )
        ready, blocker = readiness.hundredths()
        if not (self.scale_min * 100 < blocker and ready <= self.scale_max * 100):
            raise ValueError(
                f"readiness thresholds must lie within (scale_min, scale_max] = "
                f"({self.scale_min}, {self.scale_max}], got blocker_below="
                f"{readiness.blocker_below:g}, ready_at={readiness.ready_at:g}"
            )

    # ----------------------------------------------------------------------------------------
    @property
    def has_levels(self) -> bool:
        """Whether the instrument has maturity levels (False for ``level_labels=()``)."""
        return bool(self.level_labels)

    @property
    def n_levels(self) -> int:
        """Number of maturity levels (``len(level_cuts) + 1``; 0 without levels)."""
        return len(self.level_labels)

    @property
    def scale_points(self) -> int:
        """Number of answer options of a likert item, ``scale_max - scale_min + 1``."""
        return self.scale_max - self.scale_min + 1

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        """Ids of the dimensions in report order."""
        return tuple(d.id for d in self.dimensions)

    @property
    def likert_columns(self) -> tuple[int, ...]:
        """Sorted distinct answer columns used by any dimension's likert items."""
        return tuple(sorted({c for d in self.dimensions for c in d.columns}))

    @property
    def rubric_columns(self) -> tuple[int, ...]:
        """Sorted distinct rubric columns."""
        return tuple(
            sorted({d.rubric_column for d in self.dimensions if d.rubric_column is not None})
        )

    @property
    def max_column(self) -> int:
        """Highest answer column the spec refers to."""
        return max(self.likert_columns + self.rubric_columns)

    def level_cuts_hundredths(self) -> tuple[int, ...]:
        """The level cut points as exact integers in hundredths of a scale point."""
        return self._level_cuts_hundredths

    def check_columns(self, n_columns: int) -> None:
        """Raise ``ValueError`` if the spec refers to a column beyond an ``n_columns`` matrix."""
        if self.max_column >= n_columns:
            bad = [
                d.id
                for d in self.dimensions
                if max(d.columns) >= n_columns
                or (d.rubric_column is not None and d.rubric_column >= n_columns)
            ]
            raise ValueError(
                f"values has {n_columns} columns but the instrument refers to column "
                f"{self.max_column} (dimensions {bad!r}); columns are 0-based"
            )
        overlap = set(self.likert_columns) & set(self.rubric_columns)
        if overlap:
            raise ValueError(
                f"columns {sorted(overlap)} are used both as likert items and as rubric items"
            )
