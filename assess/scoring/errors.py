"""Warning classes of the scoring package.

Degenerate data (one respondent, constant answers, an empty team) never raises from deep inside
SciPy: the affected statistic is NaN and one of these warnings says why.
"""


class ScoringWarning(UserWarning):
    """Base class of every warning the scoring package emits."""


class DegenerateDataWarning(ScoringWarning):
    """The data cannot support the statistic (no spread, too few values): the result is NaN."""


class SmallSampleWarning(ScoringWarning):
    """The sample is too small for the statistic to be meaningful: the result is NaN."""
