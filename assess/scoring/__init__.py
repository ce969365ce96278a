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
from .baseline import BASELINE_KINDS, Baseline, BaselineDimension, baseline_from_csv
from .campaign import (
    QUADRANTS,
    VERDICTS,
    CampaignResult,
    GroupScores,
    RespondentScores,
    WaveSummary,
    benjamini_hochberg,
    respondent_scores,
    score_campaign,
)
from .instrument import DEFAULT_LEVEL_CUTS, DimensionSpec, InstrumentSpec
from .levels import level_from_mean, mean_hundredths, rubric_level, rubric_levels_from_counts
from .suppression import Suppression, suppress

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
    # instrument, baselines and the team-level entry point
    "BASELINE_KINDS",
    "DEFAULT_LEVEL_CUTS",
    "QUADRANTS",
    "VERDICTS",
    "Baseline",
    "BaselineDimension",
    "CampaignResult",
    "DimensionSpec",
    "GroupScores",
    "InstrumentSpec",
    "RespondentScores",
    "Suppression",
    "WaveSummary",
    "baseline_from_csv",
    "benjamini_hochberg",
    "level_from_mean",
    "mean_hundredths",
    "respondent_scores",
    "rubric_level",
    "rubric_levels_from_counts",
    "score_campaign",
    "suppress",
]
