"""Argument checks shared by the scoring modules.

Every public function of :mod:`assess.scoring` validates its input here, so that bad input fails
early with a ``ValueError`` naming the argument and what was expected, instead of surfacing as a
shape error or a silent NaN from deep inside NumPy or SciPy. NaN is allowed wherever the data may
be missing; infinity never is.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_float_array",
    "as_item_matrix",
    "as_vector",
    "check_choice",
    "check_confidence",
    "check_positive_number",
    "check_scale",
    "check_scale_points",
    "check_within_scale",
]


def as_float_array(values: ArrayLike, name: str, *, check_infinite: bool = True
                   ) -> NDArray[np.float64]:
    """Return `values` as a float array of any shape, NaN allowed, infinity rejected.

    With ``check_infinite=False`` the caller checks for infinity itself (campaign scoring does
    it block by block, while each block is in the CPU cache).
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric (NaN for missing values)") from exc
    if check_infinite and np.isinf(arr).any():
        raise ValueError(f"{name} must not contain infinite values (use NaN for missing)")
    return arr


def as_vector(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """Return `values` as a 1-D float array (NaN allowed, infinity rejected)."""
    arr = as_float_array(values, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got an array with {arr.ndim} dimensions")
    return arr


def as_item_matrix(items: ArrayLike, name: str = "items", *, check_infinite: bool = True
                   ) -> NDArray[np.float64]:
    """Return `items` as a 2-D float array, rows = respondents, columns = items.

    Raises
    ------
    ValueError
        If `items` is not numeric, not two-dimensional, or contains an infinite value.
    """
    arr = as_float_array(items, name, check_infinite=check_infinite)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (rows = respondents, columns = items), "
            f"got an array with {arr.ndim} dimensions"
        )
    return arr


def check_scale(scale_min: float, scale_max: float) -> tuple[float, float]:
    """Check that ``scale_min < scale_max`` are finite numbers and return them as floats."""
    for name, value in (("scale_min", scale_min), ("scale_max", scale_max)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be a real number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if not scale_min < scale_max:
        raise ValueError(
            f"scale_min must be less than scale_max, got scale_min={scale_min!r}, "
            f"scale_max={scale_max!r}"
        )
    return float(scale_min), float(scale_max)


def check_within_scale(
    values: NDArray[np.float64], scale_min: float, scale_max: float, name: str
) -> None:
    """Raise ``ValueError`` if any non-missing value lies outside ``[scale_min, scale_max]``."""
    answered = values[~np.isnan(values)]
    if answered.size and (answered.min() < scale_min or answered.max() > scale_max):
        raise ValueError(
            f"{name} must lie within the scale [{scale_min:g}, {scale_max:g}], "
            f"got values from {answered.min():g} to {answered.max():g}"
        )


def check_scale_points(scale_points: Any) -> int:
    """Check that the number of response options is an integer of at least 2."""
    if (
        isinstance(scale_points, bool)
        or not isinstance(scale_points, numbers.Integral)
        or scale_points < 2
    ):
        raise ValueError(f"scale_points must be an integer >= 2, got {scale_points!r}")
    return int(scale_points)


def check_positive_number(value: Any, name: str) -> float:
    """Check that `value` is a finite real number greater than zero."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_confidence(confidence: Any) -> float:
    """Check that a confidence level lies strictly between 0 and 1."""
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, numbers.Real)
        or not 0 < float(confidence) < 1
    ):
        raise ValueError(
            f"confidence must be a number strictly between 0 and 1, got {confidence!r}"
        )
    return float(confidence)


def check_choice(value: Any, name: str, choices: Collection[str]) -> str:
    """Check that `value` is one of the allowed option strings."""
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value
