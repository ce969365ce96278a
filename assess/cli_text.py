"""Plain-text renderings of results for the command line (``assess score`` without --json)."""

from __future__ import annotations

import numpy as np

from .scoring import CampaignResult, GroupScores
from .text import shown


def describe_result(result: CampaignResult) -> str:
    """A plain-text table: one line per team and dimension, hidden cells stated as such.

    The teams come first, then the organisation row, then the readiness verdicts of an
    instrument that has them. Counts the result withholds are not printed.
    """
    lines = []
    anyone = result.n_respondents + result.n_excluded > 0
    if result.organisation.counts_suppressed[0] and anyone:
        lines.append("Respondent counts are withheld: too few responses to show them.")
    else:
        lines.append(f"{result.n_respondents} respondents scored ({result.n_excluded} excluded "
                     f"for answering too little).")
    if result.baseline_name is not None:
        lines.append(f"Compared with the baseline '{shown(result.baseline_name)}'.")
    if result.previous_dimensions:
        lines.append("Change since the previous wave on "
                     f"{len(result.previous_dimensions)} dimensions.")
    lines += _group_lines(result, result.teams)
    if result.organisation.suppressed.all():
        lines.append("organisation: hidden on every dimension (too few responses)")
    else:
        lines += _group_lines(result, result.organisation)
    lines += _readiness_lines(result)
    return "\n".join(lines)


def _group_lines(result: CampaignResult, groups: GroupScores) -> list[str]:
    spec = result.spec
    names = _dimension_names(result)
    lines = []
    for i, label in enumerate(groups.labels):
        lines.append(f"{shown(str(label))}:")
        for j, dim in enumerate(groups.dimensions):
            if groups.suppressed[i, j]:
                why = ("hidden to protect a smaller group" if groups.complementary[i, j]
                       else "not enough responses")
                lines.append(f"  {names[dim]}: {why}")
                continue
            interval = (f" [{groups.ci_low[i, j]:.2f}, {groups.ci_high[i, j]:.2f}]"
                        if np.isfinite(groups.ci_low[i, j]) else "")
            notes = []
            if spec.has_levels:
                band = groups.level_band[i, j]
                notes.append(spec.level_labels[int(band) - 1] if np.isfinite(band) else "-")
            notes += [groups.verdict[i, j] or "",
                      "no spread" if groups.no_spread[i, j] else "",
                      "divided views" if groups.divided_views[i, j] else "",
                      _change(groups, i, j)]
            lines.append(f"  {names[dim]}: n={groups.n[i, j]} "
                         f"mean {groups.mean[i, j]:.2f}{interval} "
                         + " ".join(n for n in notes if n))
    return lines


def _dimension_names(result: CampaignResult) -> dict[str, str]:
    """Each dimension as a reader knows it: its title, with its id in brackets to type."""
    return {d.id: f"{shown(d.label)} [{d.id}]" if d.label else d.id
            for d in result.spec.dimensions}


def _change(groups: GroupScores, i: int, j: int) -> str:
    change = groups.change[i, j]
    if not np.isfinite(change):
        return ""
    word = "clear change" if groups.clear_change[i, j] else "no clear change"
    return (f"{word} {change:+.2f} [{groups.change_ci_low[i, j]:+.2f}, "
            f"{groups.change_ci_high[i, j]:+.2f}] since the previous wave")


def _readiness_lines(result: CampaignResult) -> list[str]:
    readiness, rules = result.readiness, result.spec.readiness
    if readiness is None or rules is None:
        return []
    lines = [f"Readiness (ready at {rules.ready_at:.2f}, blocked below "
             f"{rules.blocker_below:.2f}):"]
    for verdicts in (readiness.teams, readiness.organisation):
        for i, label in enumerate(verdicts.labels):
            verdict = verdicts.verdict[i]
            if verdict is None:
                text = "not enough responses"
            elif verdict == "not yet":
                text = f"not yet, blocked by {verdicts.blocking_factor[i]}"
            elif verdict == "conditionally ready":
                text = ("conditionally ready, below the ready mark: "
                        + ", ".join(verdicts.factors_below_ready(i) or ()))
            else:
                text = str(verdict)
            lines.append(f"- {shown(str(label))}: {text}")
    return lines
