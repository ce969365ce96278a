"""Plain-text renderings of results for the command line (``assess score`` without --json)."""

from __future__ import annotations

import numpy as np

from .scoring import CampaignResult
from .text import shown


def describe_result(result: CampaignResult) -> str:
    """A plain-text table: one line per team and dimension, hidden cells stated as such."""
    t = result.teams
    lines = [f"{result.n_respondents} respondents scored ({result.n_excluded} excluded for "
             f"answering too little)."]
    for i, team in enumerate(t.labels):
        lines.append(f"{shown(str(team))}:")
        for j, dim in enumerate(t.dimensions):
            if t.suppressed[i, j]:
                lines.append(f"  {dim}: not enough responses")
                continue
            interval = (f" [{t.ci_low[i, j]:.2f}, {t.ci_high[i, j]:.2f}]"
                        if np.isfinite(t.ci_low[i, j]) else "")
            level = result.spec.level_labels[int(t.level_band[i, j]) - 1] \
                if np.isfinite(t.level_band[i, j]) else "-"
            notes = [level, t.verdict[i, j] or "",
                     "no spread" if t.no_spread[i, j] else "",
                     "divided views" if t.divided_views[i, j] else ""]
            lines.append(f"  {dim}: n={t.n[i, j]} mean {t.mean[i, j]:.2f}{interval} "
                         + " ".join(n for n in notes if n))
    return "\n".join(lines)
