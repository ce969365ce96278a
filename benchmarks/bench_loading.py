"""Loading a campaign's answers from the database, against scoring them (same run).

Creates a throwaway SQLite database through the application (real migrations, real packed
answer storage), inserts a campaign of synthetic complete responses, then reports the median
of several runs of

* ``load``: :func:`assess.services.answers.load_answers` (one query, one decode), and
* ``score``: :func:`assess.scoring.score_campaign` on the loaded arrays,

and their ratio (target: loading at most 10 times the scoring time). Sizes: the scoring
benchmark's 50 teams x 10 respondents, and 100,000 respondents (the baseline-building size).

Usage: python benchmarks/bench_loading.py [--runs 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_seconds(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _populate(app, n_teams: int, per_team: int) -> int:
    from sqlalchemy import insert

    from assess import answer_codec
    from assess.extensions import db
    from assess.models import Campaign, Organisation, Response, Team, TeamLink
    from assess.services.questionnaires import definition_of, latest_version, load_into_database

    with app.app_context():
        load_into_database([ROOT / "questionnaires"])
        version = latest_version("pmo-apo-maturity")
        definition = definition_of(version)
        org = Organisation(name=f"Benchmark {n_teams}x{per_team}")
        teams = [Team(organisation=org, name=f"Team {i:03d}") for i in range(n_teams)]
        campaign = Campaign(organisation=org, questionnaire_version=version, name="Bench",
                            status="closed")
        db.session.add_all([org, campaign, *teams])
        db.session.flush()
        db.session.add_all([TeamLink(campaign=campaign, team=t) for t in teams])
        db.session.flush()
        rng = np.random.default_rng(1)
        n_items = len(definition.answer_items)
        n = n_teams * per_team
        codes = rng.integers(1, 6, size=(n, n_items)).astype(np.int8)
        codes[rng.random((n, n_items)) < 0.03] = answer_codec.DONT_KNOW
        rows = [
            {"uid": secrets.token_hex(16), "campaign_id": campaign.id,
             "team_id": teams[i // per_team].id, "questionnaire_version_id": version.id,
             "status": "complete", "browser_key_hash": secrets.token_hex(32),
             "submit_key": secrets.token_hex(16), "page": 9, "values": codes[i].tobytes(),
             "answered": n_items}
            for i in range(n)
        ]
        for start in range(0, n, 20000):
            db.session.execute(insert(Response), rows[start:start + 20000])
        db.session.commit()
        return campaign.id


def measure(n_teams: int, per_team: int, runs: int) -> dict[str, float]:
    from assess import create_app
    from assess.extensions import db
    from assess.models import Campaign
    from assess.scoring import score_campaign
    from assess.services.answers import instrument_spec, load_answers
    from assess.services.questionnaires import definition_of

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "benchmark-secret-key-not-for-production"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
        campaign_id = _populate(app, n_teams, per_team)
        with app.app_context():
            campaign = db.session.get(Campaign, campaign_id)
            spec = instrument_spec(definition_of(campaign.questionnaire_version), campaign)
            answers = load_answers(campaign)
            labels = answers.team_ids

            def load() -> None:
                db.session.expire_all()
                load_answers(campaign)

            def score() -> None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    score_campaign(answers.values, answers.dont_know, labels, spec)

            load()
            score()  # warm-up
            load_s = _median_seconds(load, runs)
            score_s = _median_seconds(score, runs)
            db.engine.dispose()
    return {"respondents": n_teams * per_team, "load_ms": load_s * 1000,
            "score_ms": score_s * 1000, "ratio": load_s / score_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = [measure(50, 10, args.runs), measure(1000, 100, args.runs)]
    print(f"{'respondents':>12} {'load ms':>10} {'score ms':>10} {'load/score':>11}")
    for r in results:
        print(f"{r['respondents']:>12} {r['load_ms']:>10.2f} {r['score_ms']:>10.2f} "
              f"{r['ratio']:>11.2f}")
    print("target: load/score <= 10")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
