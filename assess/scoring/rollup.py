"""Roll-ups of teams into their parent teams, and verdicts adjusted over a whole heat map.

A parent team (a tribe, a department) scores the respondents of every team below it, and of
its own link where it has one. :func:`score_rollups` scores these groups with the engine's own
group statistics (:mod:`assess.scoring.aggregation`, the same code as the teams), against the
same baseline, and hides what a coach could otherwise work out by subtraction.

Anonymity. The teams' own cells are those of the campaign result (every page shows them the
same way), so a roll-up never hides another team: it hides itself. The visible groups of one
dimension - the organisation, the visible roll-ups and the visible teams - are nested sets of
teams. Any difference of them is a sum over the *regions* of the nesting: a visible group
minus the visible groups directly inside it. A lone hidden team can be computed exactly when
some region holds exactly one hidden team with responses. So, per dimension, from the deepest
roll-up up:

* a roll-up with fewer than ``min_n`` valid scores is hidden (primary);
* a visible roll-up whose region holds exactly one hidden team with responses is hidden too
  (``complementary``); its region then joins the region of the group above it;
* where the organisation's region (the organisation minus the visible top-level roll-ups and
  teams) holds exactly one hidden team with responses, every roll-up is hidden on that
  dimension: the organisation minus the visible teams then isolates no team, which the
  campaign's own suppression guarantees.

Roll-ups show the statistics of their scores: n, mean, SD, interval, POMP, band level,
agreement, and the comparison with the baseline. Statistics with counts of their own (the
don't-know rate, the PMO and APO indices and their quadrant, the rubric level) are not
rolled up: they are NaN (or None) in every roll-up cell, so their counts need no protection.

:func:`verdict_of` (from :mod:`.aggregation`, where the campaign's verdicts use it too) is
the verdict rule ("clearly above" / "clearly below" need an adjusted p < alpha and
``|d| >= min_effect``; "in line" otherwise; None without a test), and :func:`grid_verdicts`
applies it to p-values adjusted (Benjamini-Hochberg) over every cell of a heat map at once:
teams and roll-ups together, as STATISTICS.md asks for heat maps.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._groups import factorize
from .aggregation import _build, _compare_baseline, _hide_cells, _score_groups, verdict_of
from .baseline import Baseline
from .comparison import adjust_pvalues
from .instrument import InstrumentSpec
from .respondents import _SHARED_FIELDS, _prepare, _Prepared, _validate_answers
from .results import GroupScores

__all__ = ["Rollups", "grid_verdicts", "score_rollups", "verdict_of"]

#: Fields of a roll-up cell that are not rolled up (they have counts of their own).
NOT_ROLLED_UP: tuple[str, ...] = ("dont_know_rate", "pmo_index", "apo_index", "quadrant",
                                  "level_rubric")


@dataclass(frozen=True)
class Rollups:
    """The scores of the roll-up groups of one campaign wave.

    Attributes
    ----------
    scores : GroupScores
        One row per roll-up, in the order of the labels given; ``suppressed`` and
        ``complementary`` as described in the module notes.
    teams : tuple of tuple
        The team labels each roll-up contains (its own team, where it has one, and every
        team below it), in the order of the teams' result.
    depth : tuple of int
        0 for a top-level roll-up, 1 for one inside it, and so on.
    """

    scores: GroupScores
    teams: tuple[tuple[Any, ...], ...]
    depth: tuple[int, ...]


def grid_verdicts(grids: Sequence[GroupScores], spec: InstrumentSpec
                  ) -> tuple[list[NDArray[np.float64]], list[NDArray[np.object_]]]:
    """p-values adjusted over every cell of all `grids` as one family (Benjamini-Hochberg),
    and the verdicts from them; one array of each per grid, shaped like it.

    Hidden and untested cells have no p-value, so they neither count in the family nor get
    a verdict.
    """
    if not grids:
        return [], []
    dims = grids[0].dimensions
    if any(g.dimensions != dims for g in grids):
        raise ValueError("every grid must have the same dimensions")
    p = np.concatenate([np.where(g.suppressed, np.nan, g.p) for g in grids], axis=0)
    adjusted = np.asarray(adjust_pvalues(p, method="bh"), dtype=np.float64).reshape(p.shape)
    cuts = np.cumsum([0] + [len(g.labels) for g in grids])
    p_out = [adjusted[a:b] for a, b in itertools.pairwise(cuts)]
    verdicts = [verdict_of(pa, np.where(g.suppressed, np.nan, g.d), spec.alpha,
                           spec.min_effect) for pa, g in zip(p_out, grids, strict=True)]
    return p_out, verdicts


def _ancestors(team_parent: Mapping[Any, Any], rollup_parent: Mapping[Any, Any],
               labels: Sequence[Any]) -> tuple[dict[Any, list[Any]], dict[Any, int]]:
    """Each team's roll-ups, nearest first, and each roll-up's depth (cycles refused)."""
    rollups = set(labels)
    depth: dict[Any, int] = {}

    def chain(start: Any) -> list[Any]:
        out: list[Any] = []
        node = start
        while node is not None:
            if node not in rollups:
                raise ValueError(f"unknown roll-up {node!r}")
            if node in out:
                raise ValueError(f"roll-ups form a cycle at {node!r}")
            out.append(node)
            node = rollup_parent.get(node)
        return out

    for label in labels:
        depth[label] = len(chain(label)) - 1
    team_chain = {team: chain(parent) for team, parent in team_parent.items()
                  if parent is not None}
    return team_chain, depth


def _rows(prep: _Prepared, index: NDArray[np.intp]) -> _Prepared:
    """The prepared arrays of the rows `index` (rows may repeat)."""
    return _Prepared(**{
        name: value if name in _SHARED_FIELDS else value[index]
        for name, value in ((f.name, getattr(prep, f.name)) for f in fields(prep))
    })


def score_rollups(
    values: ArrayLike,
    dont_know: ArrayLike | None,
    teams: ArrayLike,
    spec: InstrumentSpec,
    team_scores: GroupScores,
    organisation: GroupScores,
    labels: Sequence[Any],
    team_parent: Mapping[Any, Any],
    rollup_parent: Mapping[Any, Any] | None = None,
    *,
    baseline: Baseline | None = None,
    baseline_min_respondents: int = 30,
    baseline_min_teams: int = 5,
) -> Rollups:
    """Score the roll-ups `labels` of a campaign wave.

    Parameters
    ----------
    values, dont_know, teams, spec
        What :func:`~assess.scoring.score_campaign` was given for the wave (team labels per
        respondent).
    team_scores, organisation : GroupScores
        The wave's result (``CampaignResult.teams`` and ``.organisation``): whose cells are
        hidden, which the roll-ups must not give away.
    labels : sequence
        The roll-ups, each a distinct label (the parent team's name, say).
    team_parent : mapping
        The roll-up directly above each team label (a parent team's own link maps to its
        own roll-up); teams absent or mapped to None are at the top level.
    rollup_parent : mapping, optional
        The roll-up directly above each roll-up (absent or None: top level).
    baseline, baseline_min_respondents, baseline_min_teams
        As for :func:`~assess.scoring.score_campaign`.

    Returns
    -------
    Rollups
    """
    x, dk = _validate_answers(values, dont_know, spec)
    labels = tuple(labels)
    if len(set(labels)) != len(labels):
        raise ValueError("roll-up labels must be distinct")
    team_of = np.asarray(teams)
    if team_of.ndim != 1 or team_of.shape[0] != x.shape[0]:
        raise ValueError(f"teams must hold one label per row of values ({x.shape[0]})")
    if team_scores.dimensions != spec.dimension_ids:
        raise ValueError("team_scores must be of the spec's dimensions")
    chains, depth = _ancestors(team_parent, rollup_parent or {}, labels)
    position = {label: i for i, label in enumerate(labels)}
    n_roll, n_dims = len(labels), len(spec.dimensions)

    # Every respondent once for each roll-up above their team.
    if x.shape[0]:
        uniq, codes = factorize(team_of)
        uniq_labels = [v.item() if isinstance(v, np.generic) else v for v in uniq]
    else:
        uniq_labels, codes = [], np.zeros(0, dtype=np.intp)
    longest = max((len(c) for c in chains.values()), default=0)
    index_parts, code_parts = [], []
    for level in range(longest):
        at_level = np.array([position[chains[t][level]] if len(chains.get(t, ())) > level
                             else -1 for t in uniq_labels], dtype=np.intp)
        roll = at_level[codes] if codes.size else np.zeros(0, dtype=np.intp)
        keep = np.flatnonzero(roll >= 0)
        index_parts.append(keep)
        code_parts.append(roll[keep])
    index = np.concatenate(index_parts) if index_parts else np.zeros(0, dtype=np.intp)
    roll_codes = (np.concatenate(code_parts) if code_parts
                  else np.zeros(0, dtype=np.intp)).astype(np.intp)
    prep = _rows(_prepare(x, dk, spec), index.astype(np.intp))
    # No parent total among roll-ups (they overlap): primary suppression only here, the
    # protection of hidden teams follows below.
    no_parent = {key: np.zeros(n_dims, dtype=np.int64)
                 for key in ("n", "n_pmo", "n_apo", "n_rubric", "n_dk")}
    no_parent["responses"] = np.zeros(1, dtype=np.int64)
    g = _score_groups(prep, roll_codes, labels, spec, no_parent)

    # --- protection of the hidden teams, region by region --------------------------------------
    team_labels = team_scores.labels
    t_hidden = np.asarray(team_scores.suppressed) & (np.asarray(team_scores.n) > 0)
    direct = np.zeros((n_roll, len(team_labels)), dtype=bool)
    top_teams = np.ones(len(team_labels), dtype=bool)
    members: list[list[Any]] = [[] for _ in labels]
    for t, label in enumerate(team_labels):
        chain = chains.get(label, [])
        if chain:
            direct[position[chain[0]], t] = True
            top_teams[t] = False
            for r in chain:
                members[position[r]].append(label)
    rp = rollup_parent or {}
    children: list[list[int]] = [[] for _ in labels]
    top_rollups: list[int] = []
    for i, label in enumerate(labels):
        parent = rp.get(label)
        (children[position[parent]] if parent is not None else top_rollups).append(i)

    hidden = np.asarray(g["suppressed"]).copy()
    extra = np.zeros_like(hidden)
    lone_hidden = t_hidden.astype(np.int64)  # per team: 1 where hidden with responses
    region_hidden = np.zeros((n_roll, n_dims), dtype=np.int64)
    for i in sorted(range(n_roll), key=lambda k: -depth[labels[k]]):
        count = lone_hidden[direct[i]].sum(axis=0)
        for c in children[i]:
            count = count + np.where(hidden[c], region_hidden[c], 0)
        lone = (count == 1) & ~hidden[i]
        extra[i] |= lone
        hidden[i] |= lone
        region_hidden[i] = count
    org_count = lone_hidden[top_teams].sum(axis=0)
    for c in top_rollups:
        org_count = org_count + np.where(hidden[c], region_hidden[c], 0)
    org_lone = (org_count == 1) & ~np.asarray(organisation.suppressed)[0]
    extra |= org_lone[None, :] & ~hidden
    hidden |= org_lone[None, :]

    _hide_cells(g, extra, complementary=True)
    for name in NOT_ROLLED_UP:
        g[name] = np.full(hidden.shape, None if name == "quadrant" else np.nan,
                          dtype=object if name == "quadrant" else np.float64)
    _compare_baseline(g, baseline, spec, baseline_min_respondents, baseline_min_teams)
    scores = _build(g, labels, spec.dimension_ids)
    scores = replace(scores, counts_suppressed=np.asarray(scores.counts_suppressed)
                     | np.asarray(scores.suppressed).all(axis=1))
    return Rollups(scores, tuple(tuple(m) for m in members),
                   tuple(depth[label] for label in labels))
