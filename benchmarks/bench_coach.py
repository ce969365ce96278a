"""Server CPU of the coach's results pages, against loading and scoring the same campaign.

Creates a throwaway SQLite database through the application (real migrations, real packed
answer storage), inserts a closed campaign of synthetic complete responses of the maturity
instrument, signs a coach in through the real form, then reports the median CPU time
(``time.process_time``) of several runs of

* ``load``: :func:`assess.services.answers.load_answers` (one query, one decode),
* ``score``: :func:`assess.scoring.score_campaign` on the loaded arrays (the team-mean
  baseline of the campaign and no previous wave, as on the dashboard of a first wave),
* ``dashboard``: ``GET /coach/campaigns/<id>/results``, the whole request, and
* ``team``: ``GET /coach/campaigns/<id>/results/teams/<team>``, the whole request,

at 50 teams x 10 respondents and at 1,000 teams x 20. Targets: at 50 teams each page costs at
most 2x (load + score); the 1,000-team dashboard at most 25x the 50-team one.

Usage: python benchmarks/bench_coach.py [--runs 5] [--json FILE] [--small-only]
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EMAIL = "bench.coach@example.org"
PASSWORD = "benchmark-password-not-for-production"


def _median_cpu_ms(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def _populate(app: Any, n_teams: int, per_team: int) -> tuple[int, int]:
    """A closed campaign of ``n_teams`` teams of ``per_team`` complete, released responses."""
    from sqlalchemy import insert, select

    from assess import answer_codec
    from assess.extensions import db
    from assess.models import Campaign, Organisation, Response, Team, TeamLink
    from assess.services.accounts import create_coach
    from assess.services.questionnaires import definition_of, latest_version, load_into_database

    with app.app_context():
        load_into_database([ROOT / "questionnaires"])
        organisation = f"Benchmark {n_teams}x{per_team}"
        create_coach(EMAIL, organisation, PASSWORD)
        org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        version = latest_version("pmo-apo-maturity")
        definition = definition_of(version)
        teams = [Team(organisation=org, name=f"Team {i:04d}") for i in range(n_teams)]
        campaign = Campaign(organisation=org, questionnaire_version=version, name="Bench",
                            status="closed")
        db.session.add_all([campaign, *teams])
        db.session.flush()
        db.session.add_all([TeamLink(campaign=campaign, team=t) for t in teams])
        db.session.flush()
        rng = np.random.default_rng(1)
        n_items = len(definition.answer_items)
        n = n_teams * per_team
        # Team effects, so that verdicts, levels and agreement vary as in real waves.
        team_effect = rng.normal(0, 0.6, size=n_teams).repeat(per_team)[:, None]
        raw = 3 + team_effect + rng.normal(0, 0.9, size=(n, n_items))
        codes = np.clip(np.rint(raw), 1, 5).astype(np.int8)
        codes[rng.random((n, n_items)) < 0.03] = answer_codec.DONT_KNOW
        rows = [
            {"uid": secrets.token_hex(16), "campaign_id": campaign.id,
             "team_id": teams[i // per_team].id, "questionnaire_version_id": version.id,
             "status": "complete", "browser_key_hash": secrets.token_hex(32),
             "submit_key": secrets.token_hex(16), "page": 9, "values": codes[i].tobytes(),
             "answered": n_items, "in_results": True}
            for i in range(n)
        ]
        for start in range(0, n, 20000):
            db.session.execute(insert(Response), rows[start:start + 20000])
        db.session.commit()
        return campaign.id, teams[n_teams // 2].id


def measure(n_teams: int, per_team: int, runs: int) -> dict[str, float]:
    from assess import create_app
    from assess.extensions import db
    from assess.models import Campaign
    from assess.scoring import score_campaign
    from assess.services.answers import instrument_spec, load_answers
    from assess.services.questionnaires import definition_of

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "benchmark-secret-key-not-for-production",
                          "INSTANCE_PATH": f"{tmp}/instance",
                          "WTF_CSRF_ENABLED": False,
                          "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8,
                          "ARGON2_PARALLELISM": 1})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
        campaign_id, team_id = _populate(app, n_teams, per_team)
        client = app.test_client()
        signed_in = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        if signed_in.status_code != 302:
            raise SystemExit(f"signing in failed: {signed_in.status_code}")

        def get(url: str) -> Callable[[], None]:
            def fetch() -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"GET {url}: {response.status_code}")
            return fetch

        dashboard = get(f"/coach/campaigns/{campaign_id}/results")
        team = get(f"/coach/campaigns/{campaign_id}/results/teams/{team_id}")
        with app.app_context():
            campaign = db.session.get(Campaign, campaign_id)
            spec = instrument_spec(definition_of(campaign.questionnaire_version), campaign)
            answers = load_answers(campaign)

            def load() -> None:
                db.session.expire_all()
                load_answers(campaign)

            def score() -> None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    score_campaign(answers.values, answers.dont_know, answers.team_ids, spec)

            for warm_up in (load, score):
                warm_up()
            load_ms = _median_cpu_ms(load, runs)
            score_ms = _median_cpu_ms(score, runs)
        for warm_up in (dashboard, team):
            warm_up()
        dashboard_ms = _median_cpu_ms(dashboard, runs)
        team_ms = _median_cpu_ms(team, runs)
        with app.app_context():
            db.engine.dispose()
    base = load_ms + score_ms
    return {"teams": n_teams, "per_team": per_team, "load_ms": load_ms, "score_ms": score_ms,
            "dashboard_ms": dashboard_ms, "team_ms": team_ms,
            "dashboard_ratio": dashboard_ms / base, "team_ratio": team_ms / base}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--small-only", action="store_true",
                        help="Only the 50-team campaign (no 1,000-team figures).")
    args = parser.parse_args()
    sizes = [(50, 10)] if args.small_only else [(50, 10), (1000, 20)]
    results = [measure(t, p, args.runs) for t, p in sizes]
    print(f"{'teams x n':>11} {'load ms':>9} {'score ms':>9} {'dashboard ms':>13} "
          f"{'team ms':>9} {'dash/(l+s)':>11} {'team/(l+s)':>11}")
    for r in results:
        print(f"{r['teams']:>6} x {r['per_team']:<2} {r['load_ms']:>9.1f} {r['score_ms']:>9.1f} "
              f"{r['dashboard_ms']:>13.1f} {r['team_ms']:>9.1f} {r['dashboard_ratio']:>11.2f} "
              f"{r['team_ratio']:>11.2f}")
    print("targets: at 50 teams each page <= 2x (load + score)")
    if len(results) == 2:
        growth = results[1]["dashboard_ms"] / results[0]["dashboard_ms"]
        print(f"1,000-team dashboard / 50-team dashboard: {growth:.1f}x (target <= 25x)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
