"""Pure statistics for Assess: numpy arrays in, numbers or frozen result dataclasses out.

Nothing here imports Flask, SQLAlchemy, WTForms or WeasyPrint, and nothing does I/O.
Conventions: NaN means missing; rows are respondents, columns are items.
"""

from .errors import DegenerateDataWarning, ScoringWarning, SmallSampleWarning

# --- item- and group-level statistics (items, reliability, agreement, norms, comparison) ---
# isort: split
from .agreement import (
    ad_index,
    ad_practical_limit,
    icc1,
    icc2,
    rwg,
    rwg_j,
    rwg_j_lindell,
    uniform_null_variance,
)
from .comparison import (
    MannWhitneyResult,
    WelchResult,
    adjust_pvalues,
    mann_whitney,
    welch_from_moments,
    welch_test,
)
from .items import pomp, reverse_key, score_respondents
from .norms import percentile_rank, stanine, t_score
from .reliability import (
    ITEM_REST_FLAG_THRESHOLD,
    AlphaResult,
    alpha_if_deleted,
    cronbach_alpha,
    feldt_interval,
    item_rest_correlations,
    omega_total,
)

# isort: split

# --- instrument, baselines and the team-level entry point ---
# (exports added below by those modules' author)

__all__ = [
    "DegenerateDataWarning",
    "ScoringWarning",
    "SmallSampleWarning",
    # item- and group-level statistics
    "ITEM_REST_FLAG_THRESHOLD",
    "AlphaResult",
    "MannWhitneyResult",
    "WelchResult",
    "ad_index",
    "ad_practical_limit",
    "adjust_pvalues",
    "alpha_if_deleted",
    "cronbach_alpha",
    "feldt_interval",
    "icc1",
    "icc2",
    "item_rest_correlations",
    "mann_whitney",
    "omega_total",
    "percentile_rank",
    "pomp",
    "reverse_key",
    "rwg",
    "rwg_j",
    "rwg_j_lindell",
    "score_respondents",
    "stanine",
    "t_score",
    "uniform_null_variance",
    "welch_from_moments",
    "welch_test",
]
