"""Straightforward per-respondent reference implementation of campaign scoring.

Plain Python loops over respondents, items and teams, written to follow docs/scoring.md line
by line rather than to be fast. The tests check the vectorised :func:`score_campaign` against it,
and ``benchmarks/bench_scoring.py`` times it as the "loop" baseline.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
from scipy import stats

from assess.scoring.instrument import InstrumentSpec


def _share(x: float) -> Fraction:
    return Fraction(repr(float(x))).limit_denominator(1_000_000)


def respondent_row(row, dk_row, spec: InstrumentSpec):
    """Score one respondent: (included, straightliner, {dim: (score, pmo, apo, answered,
    dont_know, complete, rubric)})."""
    lik = spec.likert_columns
    engaged = sum(1 for c in lik if not math.isnan(row[c]) or dk_row[c])
    q = _share(spec.min_answered)
    included = engaged * q.denominator >= q.numerator * len(lik)
    lo, hi = math.inf, -math.inf
    any_rev = any_fwd = False
    out = {}
    for dim in spec.dimensions:
        k = len(dim.columns)
        sums = {"all": [0.0, 0.0, 0], "pmo": [0.0, 0.0, 0], "apo": [0.0, 0.0, 0]}
        n_or = {"pmo": 0, "apo": 0}
        dk = 0
        for col, rev, w, orient in zip(
            dim.columns, dim.reverse, dim.weights, dim.orientation, strict=True
        ):
            if orient in n_or:
                n_or[orient] += 1
            x = row[col]
            if dk_row[col]:
                dk += 1
            if math.isnan(x):
                continue
            lo, hi = min(lo, x), max(hi, x)
            if rev:
                any_rev = True
            else:
                any_fwd = True
            if rev:
                x = spec.scale_min + spec.scale_max - x
            for key in ("all", orient):
                if key in sums:
                    sums[key][0] += w * x
                    sums[key][1] += w
                    sums[key][2] += 1

        def score(key, k_sub, floor, sums=sums):
            total, wsum, cnt = sums[key]
            need = max(min(floor, k_sub), math.ceil(_share(spec.min_answered) * k_sub))
            if not included or k_sub == 0 or cnt == 0 or cnt < need:
                return math.nan
            return total / wsum

        rub = math.nan
        if dim.rubric_column is not None and included:
            rub = row[dim.rubric_column]
        out[dim.id] = (
            score("all", k, spec.min_items),
            score("pmo", n_or["pmo"], 1),
            score("apo", n_or["apo"], 1),
            sums["all"][2],
            dk,
            included and sums["all"][2] == k,
            rub,
        )
    straight = included and any_rev and any_fwd and lo == hi
    return included, straight, out


def _hide(n_by_team: dict, min_n: int, parent_n: int, already: frozenset = frozenset()):
    """Primary and complementary suppression of one column, by loops.

    Teams in `already` (hidden for another reason) count as primary: a statistic with a count
    of its own is hidden with the cell and protected by its own count.
    """
    hidden = {t for t, n in n_by_team.items() if n < min_n} | set(already)
    hidden_with_data = [t for t in hidden if n_by_team[t] > 0]
    if parent_n >= min_n and len(hidden_with_data) == 1:
        visible = [(n, i, t) for i, (t, n) in enumerate(n_by_team.items())
                   if t not in hidden and n > 0]
        if visible:
            hidden.add(min(visible)[2])
    return hidden


def _level_band(mean: float, cuts) -> float:
    if math.isnan(mean):
        return math.nan
    shown = Decimal(repr(round(float(mean), 8))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(1 + sum(1 for c in cuts if shown >= Decimal(repr(c))))


def _rubric(answers, n_levels, quorum):
    if not answers:
        return math.nan
    q = _share(quorum)
    best = 1
    for level in range(1, n_levels + 1):
        reach = sum(1 for a in answers if a >= level)
        if reach * q.denominator >= q.numerator * len(answers):
            best = level
    return float(best)


def score_loop(values, dont_know, teams, spec: InstrumentSpec, baseline=None):
    """Score a campaign with loops; returns {(team, dim): dict of statistics}.

    Covers what the equivalence test compares: n, mean, sd, interval, POMP, don't-know rate,
    agreement, orientation indices, levels, suppression, percentile, d, p and the row-wise BH
    adjustment.
    """
    n_rows = len(values)
    rows = [respondent_row(values[i], dont_know[i], spec) for i in range(n_rows)]
    labels = sorted(set(teams.tolist()))
    by_team = {t: [] for t in labels}
    for i in range(n_rows):
        by_team[teams[i]].append(rows[i])
    sigma2 = (spec.scale_points ** 2 - 1) / 12
    result = {}
    for dim in spec.dimensions:
        k = len(dim.columns)
        n_by_team = {}
        for t in labels:
            n_by_team[t] = sum(1 for r in by_team[t] if not math.isnan(r[2][dim.id][0]))
        hidden = frozenset(_hide(n_by_team, spec.min_n, sum(n_by_team.values())))
        hidden_sub = {}
        for pos in (1, 2, 6):
            counts = {
                t: sum(1 for r in by_team[t] if not math.isnan(r[2][dim.id][pos]))
                for t in labels
            }
            hidden_sub[pos] = _hide(counts, spec.min_n, sum(counts.values()), hidden)
        # the don't-know rate counts included respondents with an answer or a don't know
        dk_counts = {
            t: sum(1 for r in by_team[t] if r[0] and r[2][dim.id][3] + r[2][dim.id][4] > 0)
            for t in labels
        }
        hidden_dk = _hide(dk_counts, spec.min_n, sum(dk_counts.values()), hidden)
        for t in labels:
            members = by_team[t]
            xs = [r[2][dim.id][0] for r in members if not math.isnan(r[2][dim.id][0])]
            n = len(xs)
            rec = {"n": n}
            mean = sum(xs) / n if n else math.nan
            sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else math.nan
            is_hidden = t in hidden
            spread_hidden = is_hidden or n < spec.min_n_spread
            rec["mean"] = math.nan if is_hidden else mean
            rec["sd"] = math.nan if spread_hidden else sd
            if n > 1 and not spread_hidden and sd > 0:
                half = stats.t.ppf(0.5 + spec.confidence / 2, n - 1) * sd / math.sqrt(n)
                rec["ci_low"], rec["ci_high"] = mean - half, mean + half
            else:
                rec["ci_low"] = rec["ci_high"] = math.nan
            rec["pomp"] = (rec["mean"] - spec.scale_min) / (spec.scale_max - spec.scale_min) * 100
            dk = sum(r[2][dim.id][4] for r in members if r[0])
            ans = sum(r[2][dim.id][3] for r in members if r[0])
            rate = dk / (dk + ans) if dk + ans else math.nan
            rec["dont_know_rate"] = math.nan if t in hidden_dk else rate
            # agreement on complete rows, from the respondents' item answers
            complete_rows = []
            for i in range(n_rows):
                if teams[i] == t and rows[i][2][dim.id][5]:
                    item_vals = []
                    for col, rev in zip(dim.columns, dim.reverse, strict=True):
                        x = values[i][col]
                        item_vals.append(spec.scale_min + spec.scale_max - x if rev else x)
                    complete_rows.append(item_vals)
            nc = len(complete_rows)
            if nc >= 2 and not is_hidden and nc >= spec.min_n_spread:
                variances, ads = [], []
                for j in range(k):
                    col = [row[j] for row in complete_rows]
                    m = sum(col) / nc
                    variances.append(sum((x - m) ** 2 for x in col) / (nc - 1))
                    ads.append(sum(abs(x - m) for x in col) / nc)
                mv = sum(variances) / k
                ratio = min(mv / sigma2, 1.0)
                rec["rwg_j"] = k * (1 - ratio) / (k * (1 - ratio) + ratio)
                rec["rwg_j_lindell"] = 1 - mv / sigma2
                rec["ad_m"] = sum(ads) / k
            else:
                rec["rwg_j"] = rec["rwg_j_lindell"] = rec["ad_m"] = math.nan
            for key, pos in (("pmo_index", 1), ("apo_index", 2)):
                sub = [r[2][dim.id][pos] for r in members if not math.isnan(r[2][dim.id][pos])]
                value = math.nan
                if sub and t not in hidden_sub[pos]:
                    value = (sum(sub) / len(sub) - spec.scale_min) / (
                        spec.scale_max - spec.scale_min
                    ) * 100
                rec[key] = value
            rec["level_band"] = _level_band(rec["mean"], spec.level_cuts)
            rub = [r[2][dim.id][6] for r in members if not math.isnan(r[2][dim.id][6])]
            rec["level_rubric"] = (
                math.nan if t in hidden_sub[6]
                else _rubric(rub, spec.n_levels, spec.rubric_quorum)
            )
            rec["percentile"] = rec["d"] = rec["p"] = math.nan
            if baseline is not None and not math.isnan(rec["mean"]):
                ref = baseline.get(dim.id)
                below = sum(1 for m in ref.team_means if m < rec["mean"] - 1e-9)
                equal = sum(1 for m in ref.team_means if abs(m - rec["mean"]) <= 1e-9)
                rec["percentile"] = 100 * (below + equal / 2) / len(ref.team_means)
                rec["d"] = (rec["mean"] - ref.mean) / ref.sd
                if not spread_hidden and sd > 0:
                    rec["p"] = float(
                        stats.ttest_ind_from_stats(
                            mean, sd, n, ref.mean, ref.sd, ref.n, equal_var=False
                        ).pvalue
                    )
            result[(t, dim.id)] = rec
    # Benjamini-Hochberg within each team's report
    for t in labels:
        keys = [(t, d.id) for d in spec.dimensions if not math.isnan(result[(t, d.id)]["p"])]
        adjusted = (
            stats.false_discovery_control([result[key]["p"] for key in keys]) if keys else []
        )
        for d in spec.dimensions:
            result[(t, d.id)]["p_adjusted"] = math.nan
        for key, p in zip(keys, adjusted, strict=True):
            result[key]["p_adjusted"] = float(p)
    return result


def baseline_loop(values, dont_know, teams, spec: InstrumentSpec, min_team_n: int = 5):
    """Baseline moments by loops: {dim: (n, mean, sd, sorted team means)}."""
    per_team: dict = {}
    all_scores: dict = {d.id: [] for d in spec.dimensions}
    for i in range(len(values)):
        _, _, dims = respondent_row(values[i], dont_know[i], spec)
        for dim_id, rec in dims.items():
            if not math.isnan(rec[0]):
                all_scores[dim_id].append(rec[0])
                per_team.setdefault((teams[i], dim_id), []).append(rec[0])
    out = {}
    for dim in spec.dimensions:
        xs = all_scores[dim.id]
        n = len(xs)
        mean = sum(xs) / n if n else math.nan
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else math.nan
        team_means = sorted(
            sum(v) / len(v)
            for (_, d), v in per_team.items()
            if d == dim.id and len(v) >= min_team_n
        )
        out[dim.id] = (n, mean, sd, np.array(team_means))
    return out
