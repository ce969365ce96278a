"""Pure statistics for Assess: numpy arrays in, numbers or frozen result dataclasses out.

Nothing here imports Flask, SQLAlchemy, WTForms or WeasyPrint, and nothing does I/O.
Conventions: NaN means missing; rows are respondents, columns are items.

Two layers:

* The item-level library (:mod:`~assess.scoring.items`, :mod:`~assess.scoring.reliability`,
  :mod:`~assess.scoring.agreement`, :mod:`~assess.scoring.norms`,
  :mod:`~assess.scoring.comparison`): instrument-quality and reference statistics on one
  array at a time - Cronbach's alpha and omega, item-rest correlations, r_wg and AD for one
  group, ICC(1)/ICC(2), percentile ranks, Welch and Mann-Whitney tests, p-value adjustment.
  They serve the organisation and baseline level (is the instrument reliable, is aggregating
  to teams justified) and are validated against published values (R ``psych``,
  ``multilevel``, SciPy). Each statistic is implemented once; the campaign uses the same
  implementations, vectorised.
* The campaign entry point used by the application: :func:`score_campaign` scores one wave
  for every team, the organisation and the roles at once, with anonymity rules, baseline
  comparison, change since the previous wave, maturity levels or readiness verdicts, from an
  :class:`InstrumentSpec` (the scoring view of a questionnaire). Its result types are in
  :mod:`~assess.scoring.results`, the respondent-level preparation in
  :mod:`~assess.scoring.respondents`, the group aggregation in
  :mod:`~assess.scoring.aggregation`, the readiness verdicts in
  :mod:`~assess.scoring.readiness`.

The rules and formulas are described in docs/scoring.md.
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
    benjamini_hochberg,
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
from .campaign import score_campaign
from .instrument import (
    DEFAULT_LEVEL_CUTS,
    DEFAULT_LEVEL_LABELS,
    DimensionSpec,
    InstrumentSpec,
    ReadinessThresholds,
)
from .levels import level_from_mean, mean_hundredths, rubric_level, rubric_levels_from_counts
from .readiness import readiness_verdicts
from .respondents import respondent_scores
from .results import (
    QUADRANTS,
    READINESS_VERDICTS,
    VERDICTS,
    CampaignResult,
    GroupScores,
    ReadinessResult,
    ReadinessVerdicts,
    RespondentScores,
    WaveSummary,
)
from .suppression import Suppression, suppress

__all__ = [
    # instrument, baselines and the team-level entry point
    "BASELINE_KINDS",
    "DEFAULT_LEVEL_CUTS",
    "DEFAULT_LEVEL_LABELS",
    # item- and group-level statistics
    "ITEM_REST_FLAG_THRESHOLD",
    "QUADRANTS",
    "READINESS_VERDICTS",
    "VERDICTS",
    "AlphaResult",
    "Baseline",
    "BaselineDimension",
    "CampaignResult",
    "DegenerateDataWarning",
    "DimensionSpec",
    "GroupScores",
    "InstrumentSpec",
    "MannWhitneyResult",
    "ReadinessResult",
    "ReadinessThresholds",
    "ReadinessVerdicts",
    "RespondentScores",
    "ScoringWarning",
    "SmallSampleWarning",
    "Suppression",
    "WaveSummary",
    "WelchResult",
    "ad_index",
    "ad_practical_limit",
    "adjust_pvalues",
    "alpha_if_deleted",
    "baseline_from_csv",
    "benjamini_hochberg",
    "cronbach_alpha",
    "feldt_interval",
    "icc1",
    "icc2",
    "item_rest_correlations",
    "level_from_mean",
    "mann_whitney",
    "mean_hundredths",
    "omega_total",
    "percentile_rank",
    "pomp",
    "readiness_verdicts",
    "respondent_scores",
    "reverse_key",
    "rubric_level",
    "rubric_levels_from_counts",
    "rwg",
    "rwg_j",
    "rwg_j_lindell",
    "score_campaign",
    "score_respondents",
    "stanine",
    "suppress",
    "t_score",
    "uniform_null_variance",
    "welch_from_moments",
    "welch_test",
]
