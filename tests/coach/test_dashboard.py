"""The campaign dashboard: every number is the engine's, and nothing hidden reaches the HTML.

The page is parsed (every ``data-field`` element of each grid row, the organisation and the
method tables) and compared with :func:`assess.services.results.campaign_result`, with
:func:`assess.scoring.score_campaign` on merged teams for the roll-ups, and with SciPy's
Benjamini-Hochberg over the whole grid for the verdicts, on the same data.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings

import numpy as np
import pytest
from flask import Flask
from scipy.stats import false_discovery_control
from sqlalchemy import select

from assess.extensions import db
from assess.models import BaselineRecord, Campaign, CampaignStatus, Team
from assess.scoring import ScoringWarning, score_campaign
from assess.services import baselines
from assess.services.answers import instrument_spec, load_answers, team_names
from assess.services.questionnaires import definition_of
from assess.services.results import campaign_result
from tests.coach.dashboard_support import read, set_parents
from tests.coach.team_page_support import TeamSpec, build, signed_in
from tests.coach.test_team_page import _demo_client, _demo_wave2_closed


def _url(campaign_id: int, query: str = "") -> str:
    return f"/coach/campaigns/{campaign_id}/results" + (f"?{query}" if query else "")


def _grid_verdicts(p: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg over every finite p of the grid (SciPy), then the verdict rule."""
    flat = p.ravel()
    ok = np.isfinite(flat)
    adjusted = np.full(flat.shape, np.nan)
    if ok.any():
        adjusted[ok] = false_discovery_control(flat[ok], method="bh")
    adjusted = adjusted.reshape(p.shape)
    out = np.full(p.shape, None, dtype=object)
    for idx in np.ndindex(p.shape):
        if math.isfinite(adjusted[idx]) and math.isfinite(d[idx]):
            strong = adjusted[idx] < 0.05 and round(abs(d[idx]), 9) >= 0.2
            out[idx] = (("clearly above" if d[idx] > 0 else "clearly below") if strong
                        else "in line")
    return out


def _close(shown: str | None, expected: float) -> bool:
    return shown is not None and math.isclose(float(shown), expected, rel_tol=0, abs_tol=1e-9)


def _check_row(row, scores, g: int, verdicts: np.ndarray, value: str, reference=None,
               level_labels=()) -> None:
    for j, dim in enumerate(scores.dimensions):
        n = row.get(dim, "n")
        assert n is not None, (row.label, dim)
        assert int(n.text) == int(scores.n[g, j]), (row.label, dim)
        if bool(scores.suppressed[g, j]):
            hidden = row.get(dim, "hidden")
            assert hidden is not None
            assert hidden.text == ("hidden to protect a smaller team"
                                   if bool(scores.complementary[g, j])
                                   else "not enough responses")
            names = {f.name for f in row.cells[dim]}
            assert names == {"hidden", "n"}, (row.label, dim, names)
            continue
        mean = float(scores.mean[g, j])
        fields = [f for f in row.cells[dim] if f.name == "mean"]
        assert fields
        assert all(_close(f.value, mean) for f in fields)
        assert all(f.text == f"{mean:.2f}" for f in fields)
        lo, hi = scores.ci_low[g, j], scores.ci_high[g, j]
        if math.isfinite(lo):
            assert _close(row.get(dim, "ci_low").value, float(lo))
            assert _close(row.get(dim, "ci_high").value, float(hi))
        else:
            assert row.get(dim, "ci_low") is None
        verdict = row.get(dim, "verdict")
        expected = verdicts[g, j]
        assert (verdict.text.lstrip("▲▼ ") if verdict else None) == expected, (row.label, dim)
        divided = scores.divided_views[g, j]
        assert (row.get(dim, "divided") is not None) == (divided is True
                                                          or divided is np.True_)
        if value == "level":
            level = round(float(scores.level_band[g, j]))
            assert int(row.get(dim, "level").value) == level
            assert level_labels[level - 1] in row.cell_text[dim]
        if value == "difference":
            ref = reference.get(dim)
            diff = row.get(dim, "difference")
            if math.isfinite(scores.d[g, j]):
                assert _close(diff.value, mean - ref.mean)
                assert diff.text == f"{mean - ref.mean:+.2f}"
            else:
                assert diff is None


# --- every number is the engine's --------------------------------------------------------------

@pytest.mark.parametrize("value", ["level", "mean", "difference"])
def test_every_number_on_the_demo_dashboard_is_the_engines(demo_app: Flask, value: str) -> None:
    campaign_id = _demo_wave2_closed(demo_app)
    client = _demo_client(demo_app)
    response = client.get(_url(campaign_id, f"value={value}"))
    assert response.status_code == 200
    page = read(response.get_data(as_text=True))
    with demo_app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        result = campaign_result(campaign, with_previous=False)
        record = db.session.get(BaselineRecord, campaign.baseline_id)
        reference = baselines.baseline_of(record)
        labels = result.spec.level_labels
        t = result.teams
        verdicts = _grid_verdicts(np.where(t.suppressed, np.nan, t.p), t.d)
        assert [r.label for r in page.rows] == list(t.labels)
        assert all(r.kind == "team" for r in page.rows)
        assert any(v is not None and v != "in line" for v in verdicts.ravel())
        for g, row in enumerate(page.rows):
            _check_row(row, t, g, verdicts, value, reference, labels)
        o = result.organisation
        for j, dim in enumerate(o.dimensions):
            fields = {f.name: f for f in page.org[dim]}
            assert int(fields["n"].text) == int(o.n[0, j])
            if bool(o.suppressed[0, j]):
                assert set(fields) == {"hidden", "n"}
                continue
            assert _close(fields["mean"].value, float(o.mean[0, j]))
            assert _close(fields["ci_low"].value, float(o.ci_low[0, j]))
            assert _close(fields["ci_high"].value, float(o.ci_high[0, j]))
            assert int(fields["level"].value) == int(o.level_band[0, j])
            assert fields["verdict"].text.lstrip("▲▼ ") == o.verdict[0, j]


def test_the_grid_adjustment_is_not_the_per_team_one(demo_app: Flask) -> None:
    """The verdicts are adjusted over the whole grid: where the per-team adjustment would
    call a cell clearly different and the grid's does not, the page follows the grid."""
    campaign_id = _demo_wave2_closed(demo_app)
    page = read(_demo_client(demo_app).get(_url(campaign_id, "value=mean")).get_data(
        as_text=True))
    with demo_app.app_context():
        t = campaign_result(db.session.get(Campaign, campaign_id), with_previous=False).teams
        grid = _grid_verdicts(np.where(t.suppressed, np.nan, t.p), t.d)
        for g, row in enumerate(page.rows):
            for j, dim in enumerate(t.dimensions):
                verdict = row.get(dim, "verdict")
                assert (verdict.text.lstrip("▲▼ ") if verdict else None) == grid[g, j]


# --- anonymity ---------------------------------------------------------------------------------

def _unsuppressed_means(app: Flask, campaign_id: int, merge: dict[str, str] | None = None
                        ) -> dict[str, np.ndarray]:
    """The means every team (or merged group) would have with a threshold of 3 and no
    complementary suppression: the values that must never reach the page where hidden."""
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        spec = instrument_spec(definition_of(campaign.questionnaire_version), campaign)
        answers = load_answers(campaign)
        names = team_names(campaign)
        labels = np.array([names[int(t)] for t in answers.team_ids], dtype=object)
        if merge:
            labels = np.array([merge.get(x, x) for x in labels], dtype=object)
        out = {}
        loose = dataclasses.replace(spec, min_n=3, min_n_spread=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            for label in sorted(set(labels.tolist())):
                mine = labels == label
                alone = score_campaign(answers.values[mine], answers.dont_know[mine],
                                       np.array(["x"] * int(mine.sum()), dtype=object), loose)
                out[label] = alone.teams.mean[0]
        return out


def _assert_absent(html: str, means: np.ndarray) -> None:
    """No representation of these means anywhere in the HTML (attributes, SVG, tables)."""
    page = read(html)
    shown = {f.value for r in page.rows for fs in r.cells.values() for f in fs}
    shown |= {f.value for fs in page.org.values() for f in fs}
    for m in means:
        # a short value (2.95) may well be another number of the page, and so may a visible
        # cell's mean equal to the hidden one (17/6 of a team of six); nothing else may
        if not math.isfinite(m) or len(repr(float(m))) < 8 or repr(float(m)) in shown:
            continue
        assert repr(float(m)) not in html


def _rows_html(html: str, label: str) -> list[str]:
    """The grid row and every SVG title about one row label."""
    found = [m.group(0) for m in re.finditer(r'<tr class="row-[^"]*".*?</tr>', html, re.S)
             if f">{label}</bdi>" in m.group(0)]
    found += [m.group(0) for m in re.finditer(r"<title>[^<]*</title>", html)
              if m.group(0).startswith(f"<title>{label} ·")]
    return found


def test_a_team_just_under_the_threshold_shows_nothing_but_its_count(app: Flask) -> None:
    built = build(app, {"Four": TeamSpec([None] * 4), "Four too": TeamSpec([None] * 4),
                        "Five": TeamSpec([None] * 5), "Big": TeamSpec([None] * 9)})
    html = signed_in(app).get(_url(built.campaign_id, "baseline=wave&value=mean")).get_data(
        as_text=True)
    page = read(html)
    rows = {r.label: r for r in page.rows}
    for name in ("Four", "Four too"):
        for dim, fields in rows[name].cells.items():
            assert {f.name for f in fields} == {"hidden", "n"}, dim
            assert rows[name].get(dim, "hidden").text == "not enough responses"
            assert int(rows[name].get(dim, "n").text) <= 4
    # just over: shown, with its numbers
    assert all(rows["Five"].get(dim, "mean") is not None for dim in rows["Five"].cells
               if int(rows["Five"].get(dim, "n").text) >= 5)
    hidden = _unsuppressed_means(app, built.campaign_id)
    for name in ("Four", "Four too"):
        _assert_absent(html, hidden[name])
        for part in _rows_html(html, name):
            for m in hidden[name]:
                if math.isfinite(m):
                    assert f"{m:.2f}" not in part
    assert "Four</bdi>: fewer than 5 responses, on every focus area." in html


def test_a_team_hidden_to_protect_a_smaller_one_says_so(app: Flask) -> None:
    built = build(app, {"Three": TeamSpec([None] * 3), "Six": TeamSpec([None] * 6),
                        "Nine": TeamSpec([None] * 9)})
    html = signed_in(app).get(_url(built.campaign_id, "value=mean")).get_data(as_text=True)
    rows = {r.label: r for r in read(html).rows}
    for dim in rows["Six"].cells:
        assert rows["Six"].get(dim, "hidden").text == "hidden to protect a smaller team"
        assert rows["Three"].get(dim, "hidden").text == "not enough responses"
    hidden = _unsuppressed_means(app, built.campaign_id)
    _assert_absent(html, hidden["Six"])
    _assert_absent(html, hidden["Three"])
    assert "hidden to protect a smaller team: with the totals shown" in html


# --- roll-ups ----------------------------------------------------------------------------------

ROLLUP_TEAMS = {"Tribe": TeamSpec([None] * 5), "Apollo": TeamSpec([None] * 6, level=3.8),
                "Artemis": TeamSpec([None] * 7), "Small": TeamSpec([None] * 3),
                "Tiny": TeamSpec([None] * 3),
                "Hermes": TeamSpec([None] * 8, level=2.4), "Zeus": TeamSpec([None] * 9)}


def test_parent_teams_roll_their_children_up(app: Flask) -> None:
    built = build(app, ROLLUP_TEAMS)
    # Tribe (with its own link) over Apollo and Artemis; Guild (no link) over Small and
    # Hermes: its region holds one hidden team, so Guild hides itself; Tiny (hidden, so the
    # organisation's region holds two hidden teams) and Zeus stay on top.
    ids = set_parents(app, built.organisation_id, {"Apollo": "Tribe", "Artemis": "Tribe",
                                                   "Small": "Guild", "Hermes": "Guild"})
    client = signed_in(app)
    html = client.get(_url(built.campaign_id, "baseline=wave&value=mean")).get_data(
        as_text=True)
    page = read(html)
    order = [(r.kind, r.label) for r in page.rows]
    assert order == [("rollup", "Guild"), ("team", "Hermes"), ("team", "Small"),
                     ("team", "Tiny"), ("rollup", "Tribe"), ("team", "Tribe"), ("team", "Apollo"),
                     ("team", "Artemis"), ("team", "Zeus")]
    merge = {"Tribe": "Tribe", "Apollo": "Tribe", "Artemis": "Tribe",
             "Small": "Guild", "Hermes": "Guild"}
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        spec = instrument_spec(definition_of(campaign.questionnaire_version), campaign)
        answers = load_answers(campaign)
        names = team_names(campaign)
        labels = np.array([merge.get(names[int(t)], "rest " + names[int(t)])
                           for t in answers.team_ids], dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            merged = score_campaign(answers.values, answers.dont_know, labels, spec).teams
    tribe = next(r for r in page.rows if r.kind == "rollup" and r.label == "Tribe")
    g = merged.row("Tribe")
    for j, dim in enumerate(merged.dimensions):
        assert int(tribe.get(dim, "n").text) == int(merged.n[g, j])
        assert _close(tribe.get(dim, "mean").value, float(merged.mean[g, j]))
        assert _close(tribe.get(dim, "ci_low").value, float(merged.ci_low[g, j]))
        assert _close(tribe.get(dim, "ci_high").value, float(merged.ci_high[g, j]))
    guild = next(r for r in page.rows if r.kind == "rollup")
    assert guild.label == "Guild"
    for dim, fields in guild.cells.items():
        assert {f.name for f in fields} == {"hidden", "n"}
        assert guild.get(dim, "hidden").text == "hidden to protect a smaller team"
    hidden = _unsuppressed_means(app, built.campaign_id, merge)
    _assert_absent(html, hidden["Guild"])
    for part in _rows_html(html, "Guild (all 2 teams)"):
        for m in hidden["Guild"]:
            assert f"{m:.2f}" not in part
    assert ids["Guild"] not in {r.get("x", "y") for r in page.rows}  # no link for a roll-up
    assert 'data-suppressed="rollup"' in html


def test_a_rollup_over_two_hidden_teams_shows_at_the_threshold(app: Flask) -> None:
    built = build(app, {"Two": TeamSpec([None] * 2), "Three": TeamSpec([None] * 3),
                        "Big": TeamSpec([None] * 9), "Other": TeamSpec([None] * 8)})
    set_parents(app, built.organisation_id, {"Two": "Pair", "Three": "Pair"})
    html = signed_in(app).get(_url(built.campaign_id, "value=mean")).get_data(as_text=True)
    pair = next(r for r in read(html).rows if r.kind == "rollup")
    shown = [dim for dim in pair.cells if pair.get(dim, "mean") is not None]
    for dim in pair.cells:
        n = int(pair.get(dim, "n").text)
        assert (dim in shown) == (n >= 5)
    assert shown  # 5 people answered enough on most areas


def test_a_rollup_under_the_threshold_is_hidden(app: Flask) -> None:
    built = build(app, {"Two": TeamSpec([None] * 2), "Other two": TeamSpec([None] * 2),
                        "Big": TeamSpec([None] * 9), "Other": TeamSpec([None] * 8)})
    set_parents(app, built.organisation_id, {"Two": "Pair", "Other two": "Pair"})
    html = signed_in(app).get(_url(built.campaign_id, "value=mean")).get_data(as_text=True)
    pair = next(r for r in read(html).rows if r.kind == "rollup")
    for dim in pair.cells:
        assert pair.get(dim, "hidden").text == "not enough responses"
    _assert_absent(html, _unsuppressed_means(app, built.campaign_id,
                                             {"Two": "Pair", "Other two": "Pair"})["Pair"])


# --- hostile names -----------------------------------------------------------------------------

def test_hostile_team_names_appear_literally(app: Flask) -> None:
    markup = '"><img src=x onerror=alert(1)>'
    rtl = "\u202eevil \u05e9\u05dc\u05d5\u05dd"
    long = "n" * 10_000
    built = build(app, {markup: TeamSpec([None] * 6), rtl: TeamSpec([None] * 6),
                        long: TeamSpec([None] * 6)},
                  campaign='<script>alert("wave")</script>')
    set_parents(app, built.organisation_id, {rtl: "<b>parent</b>", long: "<b>parent</b>"})
    response = signed_in(app).get(_url(built.campaign_id))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    assert "<b>parent" not in html
    assert "&lt;script&gt;alert(&#34;wave&#34;)&lt;/script&gt;" in html
    page = read(html)
    labels = {r.label for r in page.rows}
    assert {markup, rtl, long, "<b>parent</b>"} <= labels
    # every name in the table is isolated (bdi) and the long one is drawn short in the SVG
    assert html.count(f"<bdi data-field=\"team\">{'n' * 10_000}</bdi>") == 1
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "n" * 200 not in re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    assert "\u202e" not in svg


# --- access, GET, visibility ------------------------------------------------------------------

def test_access(app: Flask) -> None:
    from assess.services.accounts import ADMIN, create_coach
    from tests.coach.conftest import make_workspace
    from tests.survey.survey_support import database_snapshot

    built = build(app, {"Apollo": TeamSpec([None] * 6), "Hermes": TeamSpec([None] * 6)})
    build(app, {"Gemini": TeamSpec([None] * 5)}, email="globex@example.org",
          organisation="Globex", campaign="Globex wave")
    with app.app_context():
        create_coach("admin@example.org", None, "correct horse battery", role=ADMIN)
        create_coach("member.admin@example.org", "Acme", "correct horse battery", role=ADMIN)
    owner, other = signed_in(app), signed_in(app, "globex@example.org")
    admins = [signed_in(app, e) for e in ("admin@example.org", "member.admin@example.org")]
    anonymous = app.test_client()
    respondent = app.test_client()
    wave = make_workspace(app, "open@example.org", "Open org", "Open wave", ["Ares"])
    assert respondent.get(f"/s/{wave.tokens['Ares']}").status_code == 302
    before = database_snapshot(app)
    url = _url(built.campaign_id)
    assert owner.get(url).status_code == 200
    assert owner.get(_url(999_999)).status_code == 404
    assert other.get(url).status_code == 404
    # administrators: exactly as the campaign's own page treats them
    for client in admins:
        campaign_page = client.get(f"/coach/campaigns/{built.campaign_id}").status_code
        assert client.get(url).status_code == campaign_page
    # anonymous visitors and respondents: never the page, the same answer as the campaign's
    for client in (anonymous, respondent):
        got = client.get(url)
        assert got.status_code in (302, 404)
        assert got.status_code == client.get(f"/coach/campaigns/{built.campaign_id}").status_code
        assert b"data-field" not in got.data
    assert owner.post(url).status_code == 405
    assert database_snapshot(app) == before


def test_a_get_changes_nothing(app: Flask) -> None:
    from tests.survey.survey_support import database_snapshot

    built = build(app, ROLLUP_TEAMS)
    set_parents(app, built.organisation_id, {"Apollo": "Tribe", "Artemis": "Tribe"})
    client = signed_in(app)
    before = database_snapshot(app)
    for query in ("", "value=mean", "value=difference&baseline=wave", "baseline=none",
                  "value=nonsense"):
        assert client.get(_url(built.campaign_id, query)).status_code == 200
    assert database_snapshot(app) == before


def test_unknown_baseline_keys_are_not_found(app: Flask) -> None:
    built = build(app, {"Apollo": TeamSpec([None] * 6)})
    client = signed_in(app)
    for bad in ("nonsense", "stored-99999", "x" * 100):
        assert client.get(_url(built.campaign_id, f"baseline={bad}")).status_code == 404


def test_before_release_the_page_says_why_and_shows_no_number(app: Flask) -> None:
    from tests.coach.conftest import make_workspace

    wave = make_workspace(app, "coach@example.org", "Acme", "Open wave", ["Apollo", "Hermes"],
                          status=CampaignStatus.OPEN)
    html = signed_in(app).get(_url(wave.campaign_id)).get_data(as_text=True)
    assert 'id="results-state"' in html
    assert "data-field" not in html
    assert "<svg" not in html


def test_the_value_switch_and_its_default(app: Flask) -> None:
    built = build(app, {"Apollo": TeamSpec([None] * 6), "Hermes": TeamSpec([None] * 7)})
    client = signed_in(app)
    default = client.get(_url(built.campaign_id)).get_data(as_text=True)
    assert re.search(r'value="level" checked', default)
    assert 'data-field="level"' in default
    assert 'name="value"' in default
    assert 'id="value-switch"' in default
    nonsense = client.get(_url(built.campaign_id, "value=<x>")).get_data(as_text=True)
    assert re.search(r'value="level" checked', nonsense)
    # no baseline: the difference falls back to the mean and says so
    diff = client.get(_url(built.campaign_id, "value=difference&baseline=none")).get_data(
        as_text=True)
    assert 'id="value-note"' in diff
    assert 'data-field="difference"' not in diff
    wave = client.get(_url(built.campaign_id, "value=difference&baseline=wave")).get_data(
        as_text=True)
    assert re.search(r'value="difference" checked', wave)
    assert "no comparison" in wave  # two teams are too few for a comparison


def test_team_names_link_to_the_team_page(app: Flask) -> None:
    built = build(app, {"Apollo": TeamSpec([None] * 6), "Hermes": TeamSpec([None] * 7)})
    set_parents(app, built.organisation_id, {"Apollo": "Tribe", "Hermes": "Tribe"})
    html = signed_in(app).get(_url(built.campaign_id, "baseline=wave")).get_data(as_text=True)
    with app.app_context():
        if "coach.team_results" not in app.view_functions:
            pytest.skip("no team page")
        tribe = db.session.scalar(select(Team).where(Team.name == "Tribe"))
        assert tribe is not None
    for name, team_id in built.team_ids.items():
        assert (f'href="/coach/campaigns/{built.campaign_id}/results/teams/{team_id}'
                f'?baseline=wave"><bdi data-field="team">{name}</bdi>') in html
    assert f"/results/teams/{tribe.id}" not in html  # a roll-up without a link of its own


def test_interim_results_say_so_and_how_many_responses_wait(app: Flask) -> None:
    import datetime as dt

    from assess.models import Response, utcnow

    built = build(app, {"Apollo": TeamSpec([None] * 6), "Hermes": TeamSpec([None] * 7),
                        "Zeus": TeamSpec([None] * 8)})
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        campaign.status = CampaignStatus.OPEN
        campaign.closes_at = utcnow() + dt.timedelta(days=7)
        campaign.interim_results = True
        waiting = db.session.scalars(select(Response).where(
            Response.campaign_id == campaign.id,
            Response.team_id == built.team_ids["Zeus"]).limit(2)).all()
        for response in waiting:
            response.in_results = False
        db.session.commit()
    html = signed_in(app).get(_url(built.campaign_id, "value=mean")).get_data(as_text=True)
    assert "Interim results: the campaign is still open" in html
    assert "2 responses are not yet included" in html
    page = read(html)
    with app.app_context():
        t = campaign_result(db.session.get(Campaign, built.campaign_id),
                            with_previous=False).teams
        verdicts = _grid_verdicts(np.where(t.suppressed, np.nan, t.p), t.d)
        for g, row in enumerate(page.rows):
            _check_row(row, t, g, verdicts, "mean")


def test_the_map_colours_exactly_the_cells_with_a_clear_grid_verdict(demo_app: Flask) -> None:
    campaign_id = _demo_wave2_closed(demo_app)
    html = _demo_client(demo_app).get(_url(campaign_id, "value=level")).get_data(as_text=True)
    svg = re.search(r'<svg[^>]*chart-heat-map.*?</svg>', html, re.S).group(0)
    page = read(html)
    table = {"above": 0, "below": 0, "hidden": 0}
    for row in page.rows:
        for dim in row.cells:
            verdict = row.get(dim, "verdict")
            if row.get(dim, "hidden") is not None:
                table["hidden"] += 1
            elif verdict is not None and verdict.text.endswith("clearly above"):
                table["above"] += 1
            elif verdict is not None and verdict.text.endswith("clearly below"):
                table["below"] += 1
    assert svg.count('class="chart-cell chart-cell-above"') == table["above"]
    assert svg.count('class="chart-cell chart-cell-below"') == table["below"]
    assert svg.count('class="chart-cell chart-cell-missing"') == table["hidden"]
    assert table["below"] > 0
    # a hidden cell is hatched, never filled with a verdict colour
    for cell in re.findall(r'<g class="chart-cell chart-cell-missing">.*?</g>', svg, re.S):
        assert "#56B4E9" not in cell
        assert "#E69F00" not in cell
        assert "not enough" in cell or "protect" in cell


def test_a_readiness_wave_shows_its_verdicts_without_levels(app: Flask) -> None:
    built = build(app, {"Apollo": TeamSpec([None] * 6, level=4.2),
                        "Hermes": TeamSpec([None] * 7, level=2.0)},
                  key="transformation-readiness")
    html = signed_in(app).get(_url(built.campaign_id, "value=level")).get_data(as_text=True)
    assert 'value="level"' not in html
    assert re.search(r'value="mean" checked', html)
    page = read(html)
    with app.app_context():
        result = campaign_result(db.session.get(Campaign, built.campaign_id),
                                 with_previous=False)
        verdicts = result.readiness.teams
    for row in page.rows:
        field = row.get("readiness", "readiness")
        expected = verdicts.verdict[verdicts.labels.index(row.label)]
        assert (field.text if field else None) == expected


@pytest.mark.parametrize("query", ["", "value=mean", "value=difference",
                                   "baseline=wave&value=difference", "baseline=none",
                                   "baseline=previous"])
def test_no_none_nan_or_infinity_reaches_the_page(demo_app: Flask, query: str) -> None:
    campaign_id = _demo_wave2_closed(demo_app)
    html = _demo_client(demo_app).get(_url(campaign_id, query)).get_data(as_text=True)
    for bad in (r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"\binf\b", r"\bInfinity\b"):
        assert re.search(bad, html) is None, bad


def test_demo_results_pages_say_they_are_demo_data(demo_app: Flask) -> None:
    from tests.conftest import demo_credentials

    client = demo_app.test_client()
    owner = demo_credentials(demo_app)
    client.post("/login", data={"email": owner["email"], "password": owner["password"]})
    home = client.get("/coach/").get_data(as_text=True)
    start = home.index('href="/coach/campaigns/') + len('href="')
    campaign_page = home[start:home.index('"', start)]
    results = client.get(campaign_page.rstrip("/") + "/results")
    assert results.status_code == 200
    page = results.get_data(as_text=True)
    heading = page[page.index("<h1"):page.index("</h1>")]
    assert "Demo data" in heading
    team_start = page.index('href="', page.index("/results/teams/") - 60)
    team_href = page[team_start + 6:page.index('"', team_start + 6)]
    team_page = client.get(team_href).get_data(as_text=True)
    assert "Demo data" in team_page[team_page.index("<h1"):team_page.index("</h1>")]
