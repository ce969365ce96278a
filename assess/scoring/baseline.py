"""Baselines: reference populations a team is compared with.

A baseline stores, per dimension, two levels (docs/scoring.md, "Baselines"):

* individual moments - respondent count, mean and SD of person-level dimension scores - for
  effect sizes and the Welch test;
* the sorted team means (teams with enough respondents), for percentile ranks. Ranking a team
  mean among individuals overstates it, so the team distribution is kept separately.

Builders are pure: from person-level scores, from a scored campaign, by pooling several
baselines (aggregates only), or from the text of an imported CSV file.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._groups import factorize, group_moments, group_sums

__all__ = [
    "BASELINE_KINDS",
    "Baseline",
    "BaselineDimension",
    "baseline_from_csv",
]

#: Allowed values of :attr:`Baseline.kind`.
BASELINE_KINDS: tuple[str, ...] = ("organisation", "previous_wave", "pool", "import")

#: Default size limits of an imported CSV text (a baseline is a summary, not a data lake).
MAX_CSV_CHARS = 20_000_000
MAX_CSV_ROWS = 250_000


def _finite_or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True)
class BaselineDimension:
    """Reference values of one dimension.

    Attributes
    ----------
    id : str
        Dimension id.
    n : int
        Respondents with a valid score.
    mean, sd : float
        Mean and SD (``ddof=1``) of the person-level scores; NaN when undefined.
    team_means : ndarray of float
        Sorted means of the teams that met the team-size threshold (read-only).
    """

    id: str
    n: int
    mean: float
    sd: float
    team_means: NDArray[np.float64]

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"dimension id must be a non-empty string, got {self.id!r}")
        if isinstance(self.n, bool) or not isinstance(self.n, numbers.Integral) or self.n < 0:
            raise ValueError(f"dimension {self.id!r}: n must be an integer >= 0, got {self.n!r}")
        tm = np.sort(np.asarray(self.team_means, dtype=np.float64).ravel())
        if not np.all(np.isfinite(tm)):
            raise ValueError(f"dimension {self.id!r}: team_means must be finite numbers")
        tm.flags.writeable = False
        object.__setattr__(self, "team_means", tm)
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "mean", float(self.mean))
        object.__setattr__(self, "sd", float(self.sd))
        if self.n > 0 and not math.isfinite(self.mean):
            raise ValueError(f"dimension {self.id!r}: mean must be finite when n > 0")
        if not (math.isnan(self.sd) or self.sd >= 0):
            raise ValueError(f"dimension {self.id!r}: sd must be >= 0 or NaN, got {self.sd!r}")

    @property
    def team_count(self) -> int:
        """Number of team means in the reference distribution."""
        return int(self.team_means.size)


@dataclass(frozen=True)
class Baseline:
    """A named reference population, per dimension (see :class:`BaselineDimension`).

    Attributes
    ----------
    name : str
        Display name ("All teams, spring 2025").
    kind : str
        ``"organisation"``, ``"previous_wave"``, ``"pool"`` or ``"import"``.
    dimensions : tuple of BaselineDimension
        Reference values, one per dimension id.
    """

    name: str
    kind: str
    dimensions: tuple[BaselineDimension, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        if self.kind not in BASELINE_KINDS:
            raise ValueError(f"kind must be one of {BASELINE_KINDS}, got {self.kind!r}")
        dims = tuple(self.dimensions)
        if not all(isinstance(d, BaselineDimension) for d in dims):
            raise ValueError("dimensions must be a sequence of BaselineDimension")
        ids = [d.id for d in dims]
        if len(set(ids)) != len(ids):
            raise ValueError(f"dimension ids must be unique, got {ids!r}")
        object.__setattr__(self, "dimensions", dims)

    # -- access -------------------------------------------------------------------------------
    @property
    def dimension_ids(self) -> tuple[str, ...]:
        """Ids of the dimensions the baseline covers."""
        return tuple(d.id for d in self.dimensions)

    def get(self, dimension_id: str) -> BaselineDimension | None:
        """The reference values of one dimension, or None if the baseline lacks it."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        return None

    def unusable_reason(
        self, dimension_id: str, min_respondents: int = 30, min_teams: int = 5
    ) -> str | None:
        """Why the baseline cannot serve comparisons on a dimension, or None if it can.

        A baseline needs at least `min_respondents` valid scores with a positive SD (for d and
        the Welch test) and `min_teams` team means (for a percentile among teams).
        """
        d = self.get(dimension_id)
        if d is None:
            return f"baseline {self.name!r} has no data for dimension {dimension_id!r}"
        if d.n < min_respondents:
            return (
                f"baseline {self.name!r} has {d.n} respondents for {dimension_id!r}; "
                f"at least {min_respondents} are needed for a comparison"
            )
        if d.team_count < min_teams:
            return (
                f"baseline {self.name!r} has {d.team_count} teams for {dimension_id!r}; "
                f"at least {min_teams} are needed for a percentile among teams"
            )
        if not (math.isfinite(d.sd) and d.sd > 0):
            return f"baseline {self.name!r} has no spread on {dimension_id!r}"
        return None

    def is_usable(
        self,
        min_respondents: int = 30,
        min_teams: int = 5,
        dimension_ids: Iterable[str] | None = None,
    ) -> bool:
        """Whether every (or every given) dimension can serve comparisons."""
        ids = self.dimension_ids if dimension_ids is None else tuple(dimension_ids)
        return bool(ids) and all(
            self.unusable_reason(i, min_respondents, min_teams) is None for i in ids
        )

    # -- builders -----------------------------------------------------------------------------
    @classmethod
    def from_scores(
        cls,
        scores: ArrayLike,
        teams: ArrayLike,
        dimension_ids: Sequence[str],
        *,
        name: str,
        kind: str = "organisation",
        min_team_n: int = 5,
    ) -> Baseline:
        """Build a baseline from person-level dimension scores.

        Parameters
        ----------
        scores : array_like, shape (n_respondents, n_dimensions)
            Dimension scores, NaN where a respondent has no valid score.
        teams : array_like, shape (n_respondents,)
            Team label of each respondent.
        dimension_ids : sequence of str
            Id of each score column.
        name, kind : str
            See :class:`Baseline`.
        min_team_n : int
            Teams with fewer valid scores on a dimension are left out of its team means
            (default 5, the anonymity threshold).

        Returns
        -------
        Baseline

        Notes
        -----
        Vectorised: sums over team-contiguous rows in cache-sized blocks, so 100,000
        respondents take milliseconds. SD uses two passes (mean first) to avoid the
        cancellation of ``sum(x^2) - n mean^2``.
        """
        x = np.asarray(scores, dtype=np.float64)
        if x.ndim != 2:
            raise ValueError(
                f"scores must be a 2-D array (respondents x dimensions), got {x.ndim} dims"
            )
        if np.isinf(x).any():
            raise ValueError("scores must not contain infinite values (use NaN for missing)")
        ids = tuple(dimension_ids)
        if len(ids) != x.shape[1]:
            raise ValueError(
                f"dimension_ids must name each of the {x.shape[1]} score columns, got {len(ids)}"
            )
        labels = np.asarray(teams)
        if labels.ndim != 1 or labels.shape[0] != x.shape[0]:
            raise ValueError(
                f"teams must be a 1-D array with one label per row of scores ({x.shape[0]}), "
                f"got shape {labels.shape}"
            )
        if isinstance(min_team_n, bool) or not isinstance(min_team_n, int) or min_team_n < 1:
            raise ValueError(f"min_team_n must be an integer >= 1, got {min_team_n!r}")
        try:
            _, codes = factorize(labels)
        except TypeError as exc:
            raise ValueError("teams must be labels of one type (all strings or all ints)") from exc
        n_teams = int(codes.max()) + 1 if codes.size else 0
        if codes.size > 1 and np.any(codes[1:] < codes[:-1]):
            order = np.argsort(codes, kind="stable")  # the group sums want teams contiguous
            x, codes = x[order], codes[order]
        valid = ~np.isnan(x)
        # individual moments: one group of every row (two-pass, blocked like the team sums)
        n_f, mean_1, var_1, _ = group_moments(np.zeros(x.shape[0], dtype=np.intp), 1, x, valid)
        n, mean = n_f[0].astype(np.int64), mean_1[0]
        sd = np.sqrt(var_1[0])
        t_n, t_sum = group_sums(codes, n_teams, x, valid)
        keep = t_n >= min_team_n
        with np.errstate(invalid="ignore", divide="ignore"):
            t_mean = t_sum / t_n
        dims = tuple(
            BaselineDimension(ids[j], int(n[j]), float(mean[j]), float(sd[j]),
                              t_mean[keep[:, j], j])
            for j in range(x.shape[1])
        )
        return cls(name=name, kind=kind, dimensions=dims)

    @classmethod
    def from_campaign(
        cls, result: Any, *, name: str, kind: str = "previous_wave"
    ) -> Baseline:
        """Build a baseline from a scored campaign (a ``CampaignResult`` or its ``WaveSummary``).

        Only what the campaign shows is used: the organisation's moments and the means of the
        teams that were not suppressed, so a baseline never carries a hidden team's mean.
        """
        summary = result.summary() if hasattr(result, "summary") else result
        dims = []
        for j, dim_id in enumerate(summary.dimensions):
            tm = summary.mean[:, j]
            dims.append(
                BaselineDimension(
                    dim_id,
                    int(summary.organisation_n[j]),
                    float(summary.organisation_mean[j]),
                    float(summary.organisation_sd[j]),
                    tm[np.isfinite(tm)],
                )
            )
        return cls(name=name, kind=kind, dimensions=tuple(dims))

    @classmethod
    def merge(
        cls, baselines: Sequence[Baseline], *, name: str, kind: str = "pool"
    ) -> Baseline:
        r"""Pool several baselines (e.g. organisations) using their aggregates only.

        Per dimension present in any input: :math:`N = \sum n_i`,
        :math:`M = \sum n_i m_i / N`,
        :math:`S^2 = \left[\sum (n_i - 1) s_i^2 + \sum n_i (m_i - M)^2\right] / (N - 1)`
        (the exact pooled SD of the union), and the union of the team means.
        """
        items = list(baselines)
        if not items or not all(isinstance(b, Baseline) for b in items):
            raise ValueError("baselines must be a non-empty sequence of Baseline")
        order: list[str] = []
        for b in items:
            order.extend(i for i in b.dimension_ids if i not in order)
        dims = []
        for dim_id in order:
            parts = [d for b in items if (d := b.get(dim_id)) is not None and d.n > 0]
            if not parts:
                dims.append(BaselineDimension(dim_id, 0, np.nan, np.nan, np.empty(0)))
                continue
            n = np.array([p.n for p in parts], dtype=np.float64)
            m = np.array([p.mean for p in parts])
            s = np.array([p.sd if math.isfinite(p.sd) else 0.0 for p in parts])
            total = n.sum()
            grand = float((n * m).sum() / total)
            ss = float(((n - 1) * s * s).sum() + (n * (m - grand) ** 2).sum())
            pooled_sd = math.sqrt(ss / (total - 1)) if total > 1 else math.nan
            team_means = np.concatenate([p.team_means for p in parts])
            dims.append(BaselineDimension(dim_id, int(total), grand, pooled_sd, team_means))
        return cls(name=name, kind=kind, dimensions=tuple(dims))

    # -- storage ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (NaN becomes None) that :meth:`from_dict` reads back."""
        return {
            "name": self.name,
            "kind": self.kind,
            "dimensions": [
                {
                    "id": d.id,
                    "n": d.n,
                    "mean": _finite_or_none(d.mean),
                    "sd": _finite_or_none(d.sd),
                    "team_means": [float(v) for v in d.team_means],
                }
                for d in self.dimensions
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Baseline:
        """Rebuild a baseline from :meth:`to_dict` output; ``ValueError`` on a malformed dict."""
        if not isinstance(data, Mapping):
            raise ValueError("data must be a mapping produced by Baseline.to_dict()")
        for key in ("name", "kind", "dimensions"):
            if key not in data:
                raise ValueError(f"data lacks the key {key!r}")
        if not isinstance(data["dimensions"], list):
            raise ValueError("data['dimensions'] must be a list")
        dims = []
        for i, d in enumerate(data["dimensions"]):
            if not isinstance(d, Mapping) or not {"id", "n", "mean", "sd", "team_means"} <= set(d):
                raise ValueError(
                    f"data['dimensions'][{i}] must have the keys id, n, mean, sd, team_means"
                )
            try:
                mean = math.nan if d["mean"] is None else float(d["mean"])
                sd = math.nan if d["sd"] is None else float(d["sd"])
                team_means = np.asarray(d["team_means"], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"data['dimensions'][{i}] has a non-numeric value") from exc
            dims.append(BaselineDimension(d["id"], d["n"], mean, sd, team_means))
        return cls(name=data["name"], kind=data["kind"], dimensions=tuple(dims))


#: A plain decimal number in ASCII: ``3``, ``-2.5``, ``.5``, ``4e0``. Python's ``float`` also takes
#: other scripts' digits (``"٣"``, ``"３"``), ``"1_0"`` and ``"nan"``/``"inf"``; an imported score  # noqa: RUF003
#: should be what a person reading the file sees.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_decimal(text: str) -> float | None:
    """The number a CSV cell holds, or None when it is not a plain decimal number."""
    if not _DECIMAL.fullmatch(text):
        return None
    return float(text)


def baseline_from_csv(
    text: str,
    *,
    name: str,
    kind: str = "import",
    scale: tuple[float, float] | None = None,
    min_team_n: int = 5,
    max_chars: int = MAX_CSV_CHARS,
    max_rows: int = MAX_CSV_ROWS,
) -> Baseline:
    """Build a baseline from the text of a CSV file of respondent-level dimension scores.

    Parameters
    ----------
    text : str
        CSV text. Header ``team,<dimension id>,<dimension id>,...``; then one row per
        respondent: a non-empty team label and one number per dimension (empty for no score).
        Blank lines are ignored.
    name, kind : str
        See :class:`Baseline` (kind defaults to ``"import"``).
    scale : (float, float), optional
        If given, every score must lie within ``[scale[0], scale[1]]``.
    min_team_n : int
        Team-size threshold for the team means (default 5).
    max_chars, max_rows : int
        Size limits; longer input is refused.

    Returns
    -------
    Baseline

    Raises
    ------
    ValueError
        On an oversized text, a bad header, or a bad row (the message names the line number).
    """
    if not isinstance(text, str):
        raise ValueError("text must be the CSV file decoded to str")
    if len(text) > max_chars:
        raise ValueError(f"text is {len(text)} characters; at most {max_chars} are accepted")
    if scale is not None:
        lo, hi = (float(scale[0]), float(scale[1]))
        if not lo < hi:
            raise ValueError(f"scale must be (min, max) with min < max, got {scale!r}")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: list[str] | None = None
    teams: list[str] = []
    rows: list[list[float]] = []
    for cells in reader:
        line = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            if header[0].lower() != "team":
                raise ValueError(
                    f"line {line}: the header must start with 'team', got {header[0]!r}"
                )
            ids = header[1:]
            if not ids or any(not i for i in ids):
                raise ValueError(f"line {line}: the header must name one or more dimension ids")
            if len(set(ids)) != len(ids):
                raise ValueError(f"line {line}: the header repeats a dimension id")
            continue
        if len(cells) != len(header):
            raise ValueError(
                f"line {line}: expected {len(header)} fields (team and {len(header) - 1} "
                f"scores), got {len(cells)}"
            )
        team = cells[0].strip()
        if not team:
            raise ValueError(f"line {line}: the team label is empty")
        values = []
        for col, cell in zip(header[1:], cells[1:], strict=True):
            cell = cell.strip()
            if not cell:
                values.append(math.nan)
                continue
            v = parse_decimal(cell)
            if v is None:
                raise ValueError(
                    f"line {line}: {col!r} must be a number or empty, got {cell!r}"
                )
            if not math.isfinite(v):
                raise ValueError(f"line {line}: {col!r} must be a finite number, got {cell!r}")
            if scale is not None and not lo <= v <= hi:
                raise ValueError(
                    f"line {line}: {col!r} = {v:g} lies outside the scale [{lo:g}, {hi:g}]"
                )
            values.append(v)
        teams.append(team)
        rows.append(values)
        if len(rows) > max_rows:
            raise ValueError(f"line {line}: more than {max_rows} data rows; split the file")
    if header is None:
        raise ValueError("text is empty: expected a header 'team,<dimension id>,...'")
    if not rows:
        raise ValueError("text has a header but no data rows")
    return Baseline.from_scores(
        np.array(rows, dtype=np.float64),
        np.array(teams, dtype=object),
        header[1:],
        name=name,
        kind=kind,
        min_team_n=min_team_n,
    )
