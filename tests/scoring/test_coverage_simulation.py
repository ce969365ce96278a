"""Seeded simulation: do the team t-intervals of :func:`score_campaign` cover the true mean?

Respondents answer 6 items of a 5-point scale generated from a latent trait (person effect plus
item noise, cut at fixed thresholds), so the true mean of the dimension score is known exactly:
``1 + sum_k Phi((mu - tau_k) / sqrt(s_person^2 + s_item^2))``. Every team size is scored as
10,000 teams in one call. Teams whose answers are all identical get no interval ("no spread");
coverage is measured over the teams that get one, and that share is checked separately.

Measured with these seeds (coverage of the 95% t-interval):

===========================  =====  =====  =====  =====  =====  =====  =====
team size                      3      4      5      8     12     20     40
===========================  =====  =====  =====  =====  =====  =====  =====
moderate skew (-0.3)         .946   .947   .945   .945   .948   .947   .948
strong skew (-0.7)           .930   .929   .931   .938   .945   .946   .949
===========================  =====  =====  =====  =====  =====  =====  =====

The t-interval meets the 94% target on moderately skewed data (the usual shape of maturity
answers) at every size from 3 to 40; on strongly skewed data it under-covers by 1-2 points at
small sizes, which the second test pins down so that a change to the interval is noticed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import special, stats

from assess.scoring import DimensionSpec, InstrumentSpec, ScoringWarning, score_campaign

pytestmark = pytest.mark.slow  # 140,000 simulated teams

TEAM_SIZES = (3, 4, 5, 8, 12, 20, 40)
N_TEAMS = 10_000
N_ITEMS = 6
THRESHOLDS = np.array([-1.5, -0.5, 0.5, 1.5])
SPEC = InstrumentSpec(
    (DimensionSpec("d", tuple(range(N_ITEMS))),), min_n=3, min_n_spread=3
)


def _coverage(mu, s_person, s_item, size, rng):
    true_mean = 1 + special.ndtr((mu - THRESHOLDS) / np.hypot(s_person, s_item)).sum()
    rows = N_TEAMS * size
    latent = (mu + s_person * rng.standard_normal((rows, 1))
              + s_item * rng.standard_normal((rows, N_ITEMS)))
    values = 1.0 + (latent[..., None] > THRESHOLDS).sum(axis=-1)
    teams = np.repeat(np.arange(N_TEAMS), size)
    with warnings.catch_warnings():
        # teams of 3 with identical answers are expected: no interval, a warning
        warnings.simplefilter("ignore", ScoringWarning)
        result = score_campaign(values, None, teams, SPEC)
    low, high = result.teams.ci_low[:, 0], result.teams.ci_high[:, 0]
    shown = np.isfinite(low)
    covered = (low[shown] <= true_mean) & (true_mean <= high[shown])
    skew = stats.skew(values.mean(axis=1))
    return covered.mean(), shown.mean(), skew


@pytest.mark.parametrize("size", TEAM_SIZES)
def test_t_interval_covers_on_moderately_skewed_likert_data(size):
    rng = np.random.default_rng(1000 + size)
    coverage, shown, skew = _coverage(0.8, 0.6, 0.8, size, rng)
    assert -0.45 < skew < -0.2
    assert shown > 0.98
    assert coverage >= 0.94, f"coverage {coverage:.4f} at team size {size}"


@pytest.mark.parametrize("size", TEAM_SIZES)
def test_t_interval_on_strongly_skewed_data_stays_within_two_points(size):
    rng = np.random.default_rng(2000 + size)
    coverage, shown, skew = _coverage(1.2, 0.8, 0.7, size, rng)
    assert skew < -0.6
    assert shown > 0.98
    # under-coverage of the t-interval for skewed data at small n (documented above)
    assert coverage >= 0.92, f"coverage {coverage:.4f} at team size {size}"
