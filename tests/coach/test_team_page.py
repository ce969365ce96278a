"""The team page: every number is the engine's, and nothing hidden reaches the HTML.

The page is parsed (every ``data-field`` element of each focus area, role and chart) and
compared with :func:`assess.services.results.campaign_result` and, for roles, with
:func:`assess.scoring.score_campaign` on the team's own responses, on the same data.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select

from assess.extensions import db
from assess.models import Campaign, CampaignStatus
from assess.scoring import ScoringWarning, score_campaign
from assess.services import release
from assess.services.answers import instrument_spec, load_answers
from assess.services.questionnaires import definition_of
from assess.services.results import campaign_result
from tests.coach.team_page_support import (
    Built,
    TeamSpec,
    build,
    shown_values,
    signed_in,
)
from tests.conftest import demo_credentials

FLOAT_FIELDS = ("mean", "ci_low", "ci_high", "pomp", "percentile", "d", "p_adjusted",
                "rwg_j_lindell", "ad_m", "dont_know_rate", "pmo_index", "apo_index", "change",
                "change_ci_low", "change_ci_high")
DECIMALS = {"pomp": 1, "percentile": 0, "pmo_index": 0, "apo_index": 0, "p_adjusted": 3}


def _demo_wave2_closed(app: Flask) -> int:
    with app.app_context():
        wave = db.session.scalar(select(Campaign).where(Campaign.name == "Maturity wave 2"))
        assert wave is not None
        wave.status = CampaignStatus.CLOSED
        db.session.commit()
        release.results_state(wave)  # the close's release, as the page would record it
        return wave.id


def _demo_client(app: Flask):
    client = app.test_client()
    creds = demo_credentials(app)
    assert client.post("/login", data={"email": creds["email"],
                                       "password": creds["password"]}).status_code == 302
    return client


def _shown_text(field: str, value: float) -> str:
    if field == "dont_know_rate":
        return f"{value * 100:.0f}"
    if field == "change":
        return f"{value:+.2f}"
    if field == "p_adjusted" and value < 0.001:
        return "< 0.001"
    return f"{value:.{DECIMALS.get(field, 2)}f}"


def _check_page_against_result(html: str, result, team: str) -> int:
    """Every value on the page equals the engine's, and every visible value is on the page.
    Returns the number of values compared."""
    t = result.teams
    g = t.row(team)
    values = [v for v in shown_values(html) if v.dimension is not None and v.role is None]
    by_cell = {(v.dimension, v.field): v for v in values}
    assert len(by_cell) == len(values), "one value per field and focus area"
    compared = 0
    for j, dim in enumerate(t.dimensions):
        hidden = bool(t.suppressed[g, j])
        shown_n = by_cell[(dim, "n")]
        assert int(shown_n.text) == int(t.n[g, j])
        for field in FLOAT_FIELDS:
            engine = float(getattr(t, field)[g, j])
            cell = by_cell.get((dim, field))
            if hidden or not math.isfinite(engine):
                if field == "d" and cell is None:
                    continue
                assert cell is None, (dim, field)
                continue
            if field in ("change", "change_ci_low", "change_ci_high") and not math.isfinite(
                    float(t.change_ci_low[g, j])):
                assert cell is None
                continue
            if field in ("rwg_j_lindell", "ad_m") and t.divided_views[g, j] is None:
                assert cell is None
                continue
            if field == "p_adjusted" and t.verdict[g, j] is None:
                assert cell is None
                continue
            assert cell is not None, (dim, field)
            assert cell.value is not None
            assert float(cell.value) == pytest.approx(engine, rel=1e-12, abs=1e-12), (dim, field)
            assert cell.text == _shown_text(field, engine), (dim, field)
            compared += 1
        if hidden:
            for field in ("level_band", "level_rubric", "verdict", "quadrant", "agreement",
                          "clear_change"):
                assert (dim, field) not in by_cell
            continue
        for field in ("level_band", "level_rubric"):
            engine = float(getattr(t, field)[g, j])
            if math.isfinite(engine):
                assert int(by_cell[(dim, field)].text) == round(engine)
                compared += 1
        verdict = t.verdict[g, j]
        if verdict is not None:
            assert by_cell[(dim, "verdict")].text.endswith(verdict)
        quadrant = t.quadrant[g, j]
        if quadrant is not None:
            assert by_cell[(dim, "quadrant")].text == quadrant
        divided = t.divided_views[g, j]
        if divided is not None:
            assert by_cell[(dim, "agreement")].text == (
                "divided views" if divided else "aligned")
        assert ((dim, "clear_change") in by_cell) == (t.clear_change[g, j] is True)
    return compared


def test_every_number_on_the_page_is_the_engines(demo_app: Flask) -> None:
    campaign_id = _demo_wave2_closed(demo_app)
    client = _demo_client(demo_app)
    with demo_app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        result = campaign_result(campaign)
        teams = [(link.team_id, link.team.name) for link in campaign.team_links]
    assert result.baseline_name is not None
    total = 0
    verdicts = changes = 0
    for team_id, name in teams:
        response = client.get(f"/coach/campaigns/{campaign_id}/results/teams/{team_id}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        total += _check_page_against_result(html, result, name)
        verdicts += html.count('data-field="verdict"')
        changes += html.count('data-field="change"')
    assert total > 300
    assert verdicts > 0
    assert changes > 0


def test_the_radar_shows_the_baselines_quartiles_of_team_means(demo_app: Flask) -> None:
    campaign_id = _demo_wave2_closed(demo_app)
    client = _demo_client(demo_app)
    with demo_app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        from assess.services import baselines
        from assess.services.results import choose_baseline

        record = choose_baseline(campaign)
        assert record is not None
        reference = baselines.baseline_of(record)
        team_id = campaign.team_links[0].team_id
        titles = [str(d.title.get("en")) for d in definition_of(
            campaign.questionnaire_version).dimensions]
        dims = [d.id for d in definition_of(campaign.questionnaire_version).dimensions]
    html = client.get(f"/coach/campaigns/{campaign_id}/results/teams/{team_id}").get_data(
        as_text=True)
    table = re.search(r"<summary>Profile as a table</summary>(.*?)</details>", html, re.S)
    assert table is not None
    for dim, title in zip(dims, titles, strict=True):
        ref = reference.get(dim)
        assert ref is not None
        q1, med, q3 = np.percentile(ref.team_means, [25, 50, 75])
        assert title in table.group(1)
        assert f"{med:.2f}" in table.group(1)
        assert f"{q1:.2f}" in table.group(1)
        assert f"{q3:.2f}" in table.group(1)


# --- anonymity ---------------------------------------------------------------------------------

_GEOMETRY = re.compile(
    r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|d|points|width|height|viewBox|transform|'
    r'font-size|stroke-width|stroke-dasharray|dx|dy|opacity|fill-opacity)="[^"]*"')


def _hidden_values(app: Flask, built: Built, team: str) -> set[str]:
    """The team's statistics as a lower threshold would show them: none may be on its page."""
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert campaign is not None
        definition = definition_of(campaign.questionnaire_version)
        spec = dataclasses.replace(instrument_spec(definition, campaign), min_n=3,
                                   min_n_spread=3)
        answers = load_answers(campaign)
        mine = answers.team_ids == built.team_ids[team]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            alone = score_campaign(answers.values[mine], answers.dont_know[mine],
                                   np.array([team] * int(mine.sum()), dtype=object), spec)
    t = alone.teams
    out = set()
    for field in ("mean", "ci_low", "ci_high", "sd", "rwg_j_lindell", "ad_m"):
        out |= {f"{v:.2f}" for v in getattr(t, field)[0] if math.isfinite(v)}
    for field in ("pomp", "pmo_index", "apo_index"):
        out |= {f"{v:.1f}" for v in getattr(t, field)[0] if math.isfinite(v)}
    return out


def _numbers_outside_geometry(html: str) -> set[str]:
    stripped = _GEOMETRY.sub("", html)
    return set(re.findall(r"(?<![\d.])\d+\.\d+(?![\d])", stripped))


def _four_five(app: Flask, small: int) -> Built:
    return build(app, {"Small": TeamSpec([None] * small, dont_know=0.0),
                       "Middle": TeamSpec([None] * 7, dont_know=0.0, level=3.5),
                       "Large": TeamSpec([None] * 9, dont_know=0.0, level=2.5)})


def test_a_team_just_under_the_threshold_shows_nothing(app: Flask) -> None:
    built = _four_five(app, 4)
    client = signed_in(app)
    html = client.get(built.url("Small")).get_data(as_text=True)
    assert "Not enough responses: this team's results need at least 5" in html
    assert not [v for v in shown_values(html) if v.field not in ("n", "hidden")]
    assert "data-value" not in html
    leaked = _hidden_values(app, built, "Small") & _numbers_outside_geometry(html)
    assert not leaked
    assert "<svg" not in html  # no chart of a team hidden everywhere


def test_the_team_protecting_it_says_so(app: Flask) -> None:
    built = _four_five(app, 4)
    client = signed_in(app)
    html = client.get(built.url("Middle")).get_data(as_text=True)
    assert "hidden to protect a smaller team" in html
    assert "Not enough responses" not in html
    assert not [v for v in shown_values(html) if v.field not in ("n", "hidden")]
    assert not _hidden_values(app, built, "Middle") & _numbers_outside_geometry(html)
    large = client.get(built.url("Large")).get_data(as_text=True)
    assert 'data-field="mean"' in large


def test_a_team_just_at_the_threshold_is_shown(app: Flask) -> None:
    built = _four_five(app, 5)
    client = signed_in(app)
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        result = campaign_result(campaign)
    assert set(result.teams.n[result.teams.row("Small")]) == {5}
    for team in ("Small", "Middle", "Large"):
        html = client.get(built.url(team)).get_data(as_text=True)
        assert _check_page_against_result(html, result, team) > 50
        assert "hidden to protect" not in html


# --- comments ----------------------------------------------------------------------------------

HOSTILE = ['<script>alert("x")</script>', "\u202eevil \u05e9\u05dc\u05d5\u05dd",
           "=cmd|' /C calc'!A0", "<b>bold</b> & <i>more</i>", "x" * 10_000]


def _comments(n: int) -> list[str]:
    return [HOSTILE[i] if i < len(HOSTILE) else f"comment number {i}" for i in range(n)]


@pytest.mark.parametrize(("commenters", "shown"), [(9, False), (10, True)])
def test_comments_only_at_the_comment_threshold(app: Flask, commenters: int,
                                                shown: bool) -> None:
    built = build(app, {"Team": TeamSpec([None] * 12, comments=_comments(commenters)),
                        "Other": TeamSpec([None] * 6)})
    html = signed_in(app).get(built.url("Team")).get_data(as_text=True)
    if not shown:
        assert "Comments are shown when at least 10 people" in html
        for text in _comments(commenters):
            assert text not in html
        assert "comment number" not in html
        return
    from markupsafe import escape

    for text in _comments(commenters):
        assert str(escape(text)) in html
    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    for day in re.findall(r"\d{4}-\d{2}-\d{2}", html):  # no dates of answers
        pytest.fail(f"a date on the page: {day}")


def test_comments_come_in_random_order(app: Flask) -> None:
    built = build(app, {"Team": TeamSpec([None] * 12, comments=[f"c{i:02d}" for i in
                                                                 range(12)])})
    client = signed_in(app)
    orders = set()
    for _ in range(6):
        html = client.get(built.url("Team")).get_data(as_text=True)
        orders.add(tuple(re.findall(r'class="comment">(c\d\d)<', html)))
    assert len(orders) > 1
    assert all(sorted(o) == [f"c{i:02d}" for i in range(12)] for o in orders)


# --- roles -------------------------------------------------------------------------------------

def _role_cells(html: str) -> dict[tuple[str, str], dict[str, str]]:
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for v in shown_values(html):
        if v.role is not None and v.dimension is not None:
            cells.setdefault((v.dimension, v.role), {})[v.field] = v.value or v.text
    return cells


def _engine_roles(app: Flask, built: Built, team: str):
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert campaign is not None
        spec = instrument_spec(definition_of(campaign.questionnaire_version), campaign)
        answers = load_answers(campaign)
        mine = answers.team_ids == built.team_ids[team]
        roles = np.array([r or "not given" for r in answers.roles[mine]], dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            return score_campaign(answers.values[mine], answers.dont_know[mine],
                                  np.array([team] * int(mine.sum()), dtype=object), spec,
                                  roles=roles).roles


def test_roles_at_the_threshold_are_compared_with_the_engines_numbers(app: Flask) -> None:
    built = build(app, {"Team": TeamSpec(["lead"] * 5 + ["member"] * 5, dont_know=0.0),
                        "Other": TeamSpec([None] * 6)})
    html = signed_in(app).get(built.url("Team")).get_data(as_text=True)
    roles = _engine_roles(app, built, "Team")
    assert roles is not None
    cells = _role_cells(html)
    compared = 0
    for k, role in enumerate(roles.labels):
        for j, dim in enumerate(roles.dimensions):
            if bool(roles.suppressed[k, j]):
                assert (dim, role) not in cells
                continue
            for field in ("mean", "ci_low", "ci_high"):
                assert float(cells[(dim, role)][field]) == pytest.approx(
                    float(getattr(roles, field)[k, j]), rel=1e-12)
                compared += 1
    assert compared >= 2 * 9 * 3 - 6


def test_a_small_role_hides_the_other_too(app: Flask) -> None:
    built = build(app, {"Team": TeamSpec(["lead"] * 2 + ["member"] * 5, dont_know=0.0),
                        "Other": TeamSpec([None] * 6)})
    html = signed_in(app).get(built.url("Team")).get_data(as_text=True)
    assert 'data-field="mean"' in html  # the team itself is shown
    assert not _role_cells(html)
    assert "No role is compared" in html
    # the members' mean would be the team minus the leads: not on the page either
    roles = _engine_roles(app, built, "Team")
    assert roles is not None
    assert bool(np.all(roles.suppressed))


def test_three_roles_one_small_hides_one_more(app: Flask) -> None:
    built = build(app, {"Team": TeamSpec(["a"] * 5 + ["b"] * 6 + ["c"] * 2, dont_know=0.0),
                        "Other": TeamSpec([None] * 6)})
    html = signed_in(app).get(built.url("Team")).get_data(as_text=True)
    cells = _role_cells(html)
    shown_roles = {role for _, role in cells}
    assert shown_roles == {"b"}  # c is too small, a (the smaller of the rest) protects it
    assert "hidden to protect a smaller role group" in html


# --- hostile names -----------------------------------------------------------------------------

def test_hostile_team_names_appear_literally(app: Flask) -> None:
    name = '"><img src=x onerror=alert(1)> \u202e\u05e6\u05d5\u05d5\u05ea ' + "n" * 3000
    built = build(app, {name: TeamSpec([None] * 6), "Other": TeamSpec([None] * 6)},
                  campaign='<script>alert("wave")</script>')
    response = signed_in(app).get(built.url(name))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;wave&#34;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
