"""The team-level entry point: score a campaign (one wave) for every team and dimension.

:func:`score_campaign` turns an answer matrix into per-team, per-dimension statistics - mean
with t-interval, POMP, don't-know rate, agreement, orientation indices, maturity levels (for
an instrument that has them), comparison with a baseline, change since the previous wave, and
readiness verdicts for a readiness instrument - with anonymity rules applied.
Everything is computed in arrays across teams and dimensions at once: respondents are never
looped over in Python, so scoring 50 teams of 10 takes a few milliseconds.

This module holds the entry point and its argument checks; the work is done by
:mod:`assess.scoring.respondents` (respondent level) and :mod:`assess.scoring.aggregation`
(groups, anonymity, comparisons), and the result types are in :mod:`assess.scoring.results`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._groups import factorize
from .aggregation import (
    _build,
    _compare_baseline,
    _compare_previous,
    _hide_parent,
    _score_groups,
)
from .baseline import Baseline
from .comparison import benjamini_hochberg
from .errors import DegenerateDataWarning, SmallSampleWarning
from .instrument import InstrumentSpec
from .readiness import readiness_verdicts
from .respondents import _prepare, _validate_answers, respondent_scores
from .results import (
    QUADRANTS,
    VERDICTS,
    CampaignResult,
    GroupScores,
    ReadinessResult,
    ReadinessVerdicts,
    RespondentScores,
    WaveSummary,
)

# The result types, respondent_scores and benjamini_hochberg live in their own modules; they
# stay importable from here, where they were first defined.
__all__ = [
    "QUADRANTS",
    "VERDICTS",
    "CampaignResult",
    "GroupScores",
    "RespondentScores",
    "WaveSummary",
    "benjamini_hochberg",
    "respondent_scores",
    "score_campaign",
]


def _labels_and_codes(labels_in: ArrayLike, n_rows: int, name: str,
                      universe: Sequence[Any] | None = None
                      ) -> tuple[tuple[Any, ...], NDArray[np.intp]]:
    arr = np.asarray(labels_in)
    if arr.ndim != 1 or arr.shape[0] != n_rows:
        raise ValueError(
            f"{name} must be a 1-D array with one label per row of values ({n_rows}), "
            f"got shape {arr.shape}"
        )
    if arr.dtype == object and any(v is None for v in arr):
        raise ValueError(f"{name} must not contain None")
    if arr.dtype.kind == "f":
        raise ValueError(f"{name} must hold strings or integers, got floats")
    try:
        uniq, codes = factorize(arr)
    except TypeError as exc:
        raise ValueError(f"{name} must be labels of one type (all strings or all ints)") from exc
    labels = tuple(v.item() if isinstance(v, np.generic) else v for v in uniq)
    if universe is not None:
        try:
            full = np.unique(np.asarray(list(universe)))
        except TypeError as exc:
            raise ValueError("team_labels must be labels of one type") from exc
        full_labels = tuple(v.item() if isinstance(v, np.generic) else v for v in full)
        missing = set(labels) - set(full_labels)
        if missing:
            raise ValueError(f"{name} has labels not in team_labels: {sorted(map(str, missing))}")
        pos = {lab: i for i, lab in enumerate(full_labels)}
        remap = np.array([pos[lab] for lab in labels], dtype=np.intp)
        return full_labels, remap[codes] if codes.size else codes.astype(np.intp)
    return labels, codes.astype(np.intp)


def score_campaign(
    values: ArrayLike,
    dont_know: ArrayLike | None,
    teams: ArrayLike,
    spec: InstrumentSpec,
    *,
    baseline: Baseline | None = None,
    previous: CampaignResult | WaveSummary | None = None,
    roles: ArrayLike | None = None,
    team_labels: Sequence[Any] | None = None,
    baseline_min_respondents: int = 30,
    baseline_min_teams: int = 5,
) -> CampaignResult:
    r"""Score one campaign wave for every team and dimension, and for the organisation.

    Parameters
    ----------
    values : array_like, shape (n_respondents, n_columns)
        Answers: likert items on ``[spec.scale_min, spec.scale_max]``, rubric items as level
        numbers; NaN for missing or don't know.
    dont_know : array_like of bool, same shape, or None
        True where the respondent chose "don't know" (the value must be NaN there).
    teams : array_like, shape (n_respondents,)
        Team label (str or int) of each respondent.
    spec : InstrumentSpec
        Dimensions, scale and thresholds.
    baseline : Baseline, optional
        Reference for percentile, d, Welch p and verdict. A dimension whose baseline has
        fewer than `baseline_min_respondents` respondents or `baseline_min_teams` teams gets no
        comparison, and ``baseline_notes`` says why.
    previous : CampaignResult or WaveSummary, optional
        The earlier wave, matched by team label and dimension id (dimensions both share).
    roles : array_like, shape (n_respondents,), optional
        Respondent roles, for an organisation-wide breakdown by role.
    team_labels : sequence, optional
        Every team of the campaign, so that teams without responses appear (n = 0).

    Returns
    -------
    CampaignResult
        Without maturity levels (``spec.has_levels`` False) the levels are NaN and left out
        of the JSON; with readiness thresholds (``spec.readiness``) the result carries the
        verdicts of every team, the organisation and every role
        (:attr:`CampaignResult.readiness`), a verdict suppressed wherever one of its group's
        factors is hidden.

    Warns
    -----
    SmallSampleWarning
        Some group has fewer than 2 valid scores on a dimension (mean/SD/interval NaN).
    DegenerateDataWarning
        Some visible group has no spread (all scores equal): its interval, p-value and change
        interval are NaN rather than a misleading number.

    Notes
    -----
    Team mean :math:`\bar x` with t-interval :math:`\bar x \pm t_{n-1, .975}\, s/\sqrt n`.
    Agreement on complete rows with uniform null variance :math:`\sigma^2 = (A^2-1)/12`:
    :math:`r_{wg(J)} = J(1-\bar s^2/\sigma^2) / (J(1-\bar s^2/\sigma^2) + \bar s^2/\sigma^2)`
    (0 when :math:`\bar s^2 > \sigma^2`; James, Demaree & Wolf 1984; R ``multilevel::rwg.j``),
    Lindell's :math:`r^*_{wg(J)} = 1 - \bar s^2/\sigma^2` (Lindell, Brandt & Whitney 1999) and
    :math:`AD_{M(J)}` (Burke, Finkelstein & Dusig 1999). Welch's t from moments against the
    baseline, Benjamini-Hochberg (1995) within each row and over the grid; Hedges' g of the
    change with the exact correction
    :math:`J(m) = \Gamma(m/2) / (\sqrt{m/2}\,\Gamma((m-1)/2))`, :math:`m = n_1 + n_2 - 2`.
    These are the implementations of :mod:`assess.scoring.comparison`. Item weights affect
    scores, not agreement. The organisation is compared with a baseline that may contain it
    (e.g. its own teams), so its test is descriptive. Thresholds and references:
    docs/scoring.md.
    """
    x, dk = _validate_answers(values, dont_know, spec)
    for name, v in (("baseline_min_respondents", baseline_min_respondents),
                    ("baseline_min_teams", baseline_min_teams)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    if baseline is not None and not isinstance(baseline, Baseline):
        raise ValueError(f"baseline must be a Baseline or None, got {type(baseline).__name__}")
    if previous is not None and not isinstance(previous, (CampaignResult, WaveSummary)):
        raise ValueError(
            f"previous must be a CampaignResult or WaveSummary, got {type(previous).__name__}"
        )
    n_rows = x.shape[0]
    labels, codes = _labels_and_codes(teams, n_rows, "teams", team_labels)
    role_labels: tuple[Any, ...] | None = None
    role_codes = None
    if roles is not None:
        role_labels, role_codes = _labels_and_codes(roles, n_rows, "roles")

    prep = _prepare(x, dk, spec)
    dims = spec.dimension_ids

    org = _score_groups(prep, np.zeros(n_rows, dtype=np.intp), ("organisation",), spec, None)
    org_counts = {k: v[0] for k, v in org["_counts"].items()}
    team = _score_groups(prep, codes, labels, spec, org_counts)
    role = None
    if role_labels is not None and role_codes is not None:
        role = _score_groups(prep, role_codes, role_labels, spec, org_counts)

    _hide_parent(org, team, role)

    notes = _compare_baseline(team, baseline, spec, baseline_min_respondents, baseline_min_teams)
    _compare_baseline(org, baseline, spec, baseline_min_respondents, baseline_min_teams)

    matched: tuple[str, ...] = ()
    if previous is not None:
        summary = previous.summary() if isinstance(previous, CampaignResult) else previous
        matched = _compare_previous(team, labels, summary.teams, summary.n, summary.mean,
                                    summary.sd, summary.dimensions, spec)
        _compare_previous(org, ("organisation",), ("organisation",),
                          summary.organisation_n[None, :], summary.organisation_mean[None, :],
                          summary.organisation_sd[None, :], summary.dimensions, spec)

    small = team["_small"] + org["_small"]
    if small:
        warnings.warn(
            f"{small} group-dimension cells have fewer than 2 valid scores; their SD, "
            "interval and tests are NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
    flat = int(team["no_spread"].sum() + org["no_spread"].sum())
    if flat:
        warnings.warn(
            f"{flat} group-dimension cells have no spread (all scores equal); their intervals, "
            "p-values and change intervals are NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )

    teams_out = _build(team, labels, dims)
    org_out = _build(org, ("organisation",), dims)
    roles_out = None if role is None or role_labels is None else _build(role, role_labels, dims)
    return CampaignResult(
        spec=spec,
        teams=teams_out,
        organisation=org_out,
        roles=roles_out,
        baseline_name=None if baseline is None else baseline.name,
        baseline_kind=None if baseline is None else baseline.kind,
        baseline_notes=tuple(notes),
        previous_dimensions=matched,
        n_respondents=int(prep.included.sum()),
        n_excluded=int((~prep.included).sum()),
        n_straightliners=int(prep.straightliner.sum()),
        readiness=_readiness(spec, teams_out, org_out, roles_out),
    )


def _readiness(spec: InstrumentSpec, teams: GroupScores, organisation: GroupScores,
               roles: GroupScores | None) -> ReadinessResult | None:
    """Readiness verdicts of every partition, for an instrument with readiness thresholds."""
    thresholds = spec.readiness
    if thresholds is None:
        return None

    def verdicts(g: GroupScores) -> ReadinessVerdicts:
        return readiness_verdicts(g.mean, thresholds, g.dimensions, hidden=g.suppressed,
                                  labels=g.labels)

    return ReadinessResult(thresholds, verdicts(teams), verdicts(organisation),
                           None if roles is None else verdicts(roles))
