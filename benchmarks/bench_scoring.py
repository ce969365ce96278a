"""Benchmark of campaign scoring and baseline building (vectorised vs a per-respondent loop).

Run ``python benchmarks/bench_scoring.py`` (add ``--json out.json`` to save the figures).
Every figure is the median of several runs on synthetic data (seeded), measured in one process:

a) scoring 50 teams x 10 respondents x 60 items (10 dimensions, rubric items, don't know,
   missing answers) against a stored baseline and a previous wave, with everything the entry
   point computes;
b) building a baseline from 100,000 respondents x 60 items (respondent scores, moments, team
   means);
c) the straightforward per-respondent Python loop (``tests/scoring/_reference.py``) for both,
   giving the speed-up;
d) linearity: 10x the respondents should take 8-12x the time.

Loading answers from the database is measured elsewhere.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.scoring import (  # noqa: E402 - the repository root is put on the path first
    Baseline,
    DimensionSpec,
    InstrumentSpec,
    ScoringWarning,
    respondent_scores,
    score_campaign,
)

N_DIMS = 10
ITEMS_PER_DIM = 6
N_ITEMS = N_DIMS * ITEMS_PER_DIM

TARGETS = {"campaign_ms": 50.0, "baseline_s": 3.0, "speedup": 30.0, "linearity": (8.0, 12.0)}


def _load_reference() -> Any:
    path = ROOT / "tests" / "scoring" / "_reference.py"
    spec = importlib.util.spec_from_file_location("scoring_reference", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is in the repo
        raise SystemExit(f"cannot load the loop reference from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_spec() -> InstrumentSpec:
    """10 dimensions of 6 items (2 reverse-keyed, PMO/APO/neutral) plus one rubric item each."""
    dims = []
    for j in range(N_DIMS):
        cols = tuple(range(j * ITEMS_PER_DIM, (j + 1) * ITEMS_PER_DIM))
        dims.append(
            DimensionSpec(
                f"area{j + 1}",
                cols,
                reverse=(False, False, False, False, True, True),
                orientation=("pmo", "pmo", "apo", "apo", "neutral", "neutral"),
                rubric_column=N_ITEMS + j,
            )
        )
    return InstrumentSpec(tuple(dims))


def make_answers(n_teams: int, team_size: int, seed: int) -> tuple[np.ndarray, ...]:
    """Likert answers with person and team effects, 4% don't know, 3% skipped."""
    rng = np.random.default_rng(seed)
    n = n_teams * team_size
    team_effect = rng.normal(0, 0.4, size=(n_teams, 1)).repeat(team_size, axis=0)
    latent = 3.4 + team_effect + rng.normal(0, 0.6, size=(n, 1))
    likert = np.clip(np.rint(latent + rng.normal(0, 0.9, size=(n, N_ITEMS))), 1, 5)
    likert[:, [c for j in range(N_DIMS) for c in (j * 6 + 4, j * 6 + 5)]] = (
        6 - likert[:, [c for j in range(N_DIMS) for c in (j * 6 + 4, j * 6 + 5)]]
    )
    rubric = np.clip(np.rint(latent - 0.4 + rng.normal(0, 0.8, size=(n, N_DIMS))), 1, 5)
    values = np.hstack([likert, rubric])
    dont_know = rng.random(values.shape) < 0.04
    values[dont_know | (rng.random(values.shape) < 0.03)] = np.nan
    teams = np.repeat(np.array([f"team-{i:05d}" for i in range(n_teams)]), team_size)
    return values, dont_know, teams


def median_time(func: Callable[[], Any], repeats: int) -> float:
    """Median wall time of `repeats` calls, in seconds (after one warm-up call)."""
    func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_baseline(values: np.ndarray, dont_know: np.ndarray, teams: np.ndarray,
                   spec: InstrumentSpec) -> Baseline:
    rs = respondent_scores(values, dont_know, spec)
    return Baseline.from_scores(rs.scores, teams, spec.dimension_ids, name="bench")


def run(repeats: int, loop_repeats: int) -> dict[str, Any]:
    ref = _load_reference()
    spec = make_spec()
    warnings.simplefilter("ignore", ScoringWarning)  # small synthetic teams may warn

    # a stored baseline (as read back from the database) and a previous wave
    big_values, big_dk, big_teams = make_answers(10_000, 10, seed=1)
    stored = Baseline.from_dict(
        json.loads(json.dumps(build_baseline(big_values, big_dk, big_teams, spec).to_dict()))
    )
    values, dk, teams = make_answers(50, 10, seed=2)
    prev_values, prev_dk, _ = make_answers(50, 10, seed=3)
    previous = score_campaign(prev_values, prev_dk, teams, spec).summary()

    def campaign() -> Any:
        return score_campaign(values, dk, teams, spec, baseline=stored, previous=previous)

    out: dict[str, Any] = {}
    out["campaign_s"] = median_time(campaign, repeats)
    out["campaign_loop_s"] = median_time(
        lambda: ref.score_loop(values, dk, teams, spec, stored), loop_repeats
    )

    base_values, base_dk, base_teams = make_answers(10_000, 10, seed=4)  # 100,000 respondents
    out["baseline_s"] = median_time(
        lambda: build_baseline(base_values, base_dk, base_teams, spec), repeats
    )
    out["baseline_loop_s"] = median_time(
        lambda: ref.baseline_loop(base_values, base_dk, base_teams, spec), loop_repeats
    )

    # linearity: 10x the respondents
    small = make_answers(500, 10, seed=5)
    large = make_answers(5_000, 10, seed=6)
    out["campaign_5k_s"] = median_time(lambda: score_campaign(*small, spec), repeats)
    out["campaign_50k_s"] = median_time(lambda: score_campaign(*large, spec), repeats)
    tenth = (base_values[:10_000], base_dk[:10_000], base_teams[:10_000])
    out["baseline_10k_s"] = median_time(lambda: build_baseline(*tenth, spec), repeats)
    out["baseline_100k_s"] = out["baseline_s"]

    out["campaign_speedup"] = out["campaign_loop_s"] / out["campaign_s"]
    out["baseline_speedup"] = out["baseline_loop_s"] / out["baseline_s"]
    out["campaign_linearity"] = out["campaign_50k_s"] / out["campaign_5k_s"]
    out["baseline_linearity"] = out["baseline_100k_s"] / out["baseline_10k_s"]
    out["repeats"] = repeats
    out["loop_repeats"] = loop_repeats
    out["python"] = platform.python_version()
    out["numpy"] = np.__version__
    out["machine"] = platform.machine()
    return out


def report(r: dict[str, Any]) -> str:
    lo, hi = TARGETS["linearity"]

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    fast = r["campaign_s"] * 1e3 < TARGETS["campaign_ms"]
    quick = r["baseline_s"] < TARGETS["baseline_s"]
    sp_c = r["campaign_speedup"] >= TARGETS["speedup"]
    sp_b = r["baseline_speedup"] >= TARGETS["speedup"]
    rows = [
        ("(a) score 50 teams x 10 x 60 items", f"{r['campaign_s'] * 1e3:9.2f} ms",
         f"< {TARGETS['campaign_ms']:.0f} ms", mark(fast)),
        ("(c) same, per-respondent loop", f"{r['campaign_loop_s'] * 1e3:9.1f} ms",
         f"x{r['campaign_speedup']:.0f} (>= x30)", mark(sp_c)),
        ("(b) baseline from 100,000 x 60 items", f"{r['baseline_s']:9.3f} s",
         f"< {TARGETS['baseline_s']:.0f} s", mark(quick)),
        ("(c) same, per-respondent loop", f"{r['baseline_loop_s']:9.2f} s",
         f"x{r['baseline_speedup']:.0f} (>= x30)", mark(sp_b)),
        ("(d) scoring 5,000 -> 50,000 respondents",
         f"{r['campaign_5k_s'] * 1e3:.1f} -> {r['campaign_50k_s'] * 1e3:.1f} ms",
         f"x{r['campaign_linearity']:.1f} (8-12)", mark(lo <= r["campaign_linearity"] <= hi)),
        ("(d) baseline 10,000 -> 100,000 respondents",
         f"{r['baseline_10k_s'] * 1e3:.1f} -> {r['baseline_100k_s'] * 1e3:.1f} ms",
         f"x{r['baseline_linearity']:.1f} (8-12)", mark(lo <= r["baseline_linearity"] <= hi)),
    ]
    width = max(len(row[0]) for row in rows)
    lines = [f"median of {r['repeats']} runs ({r['loop_repeats']} for loops); "
             f"Python {r['python']}, numpy {r['numpy']}, {r['machine']}"]
    for name, value, target, status in rows:
        lines.append(f"{name:<{width}}  {value:>22}  {target:<18} {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs per vectorised figure")
    parser.add_argument("--loop-repeats", type=int, default=5, help="runs per loop figure")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.loop_repeats < 1:
        parser.error("--repeats and --loop-repeats must be >= 1")
    result = run(args.repeats, args.loop_repeats)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
