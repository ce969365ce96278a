"""The team page in a real browser: on a 360 px phone and a desktop the page does not scroll
sideways, and axe-core finds no serious or critical violation with every drill-down open,
for a visible team and for a team hidden to protect a smaller one."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from .test_coach_browser import _check, _sign_in
from .test_survey_browser import PHONE

pytestmark = pytest.mark.browser


def _closed_wave(live_server) -> tuple[int, dict[str, int]]:
    from assess.extensions import db
    from assess.models import Campaign, CampaignStatus, Response, TextAnswer
    from assess.services import release

    with live_server.app.app_context():
        wave = db.session.scalar(select(Campaign).where(Campaign.name == "Maturity wave 2"))
        wave.status = CampaignStatus.CLOSED
        wave.min_n_comments = 5
        db.session.commit()
        release.results_state(wave)
        teams = {link.team.name: link.team_id for link in wave.team_links}
        atlas = next(i for name, i in teams.items() if name.startswith("Atlas"))
        # every released response of Atlas comments, one with markup and 10,000 characters,
        # one right-to-left
        responses = db.session.scalars(select(Response).where(
            Response.campaign_id == wave.id, Response.team_id == atlas,
            Response.in_results.is_(True))).all()
        for i, response in enumerate(responses):
            text = ("<b>markup</b> " + "w" * 10_000 if i == 0 else
                    "\u202e\u05e9\u05dc\u05d5\u05dd " * 50 if i == 1 else f"comment {i}")
            existing = {t.item_id: t for t in response.texts}
            if "strategy.comment" in existing:
                existing["strategy.comment"].text = text
            else:
                response.texts.append(TextAnswer(item_id="strategy.comment", text=text))
        db.session.commit()
        return wave.id, teams


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 900}])
def test_the_team_page_reads_on_a_phone_and_a_desktop(page: Page, live_server, size) -> None:
    campaign_id, teams = _closed_wave(live_server)
    page.set_viewport_size(size)
    _sign_in(page, live_server)
    atlas = next(i for name, i in teams.items() if name.startswith("Atlas"))
    page.goto(f"{live_server.url}/coach/campaigns/{campaign_id}/results/teams/{atlas}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("svg.chart-radar, svg[class*='radar']").first).to_be_attached()
    expect(page.get_by_text("comment 2", exact=True)).to_be_attached()
    _check(page)
    for summary in page.locator("details > summary").all():
        summary.click()
    _check(page)


def test_a_hidden_team_reads_on_a_phone(page: Page, live_server) -> None:
    campaign_id, teams = _closed_wave(live_server)
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server)
    for name, team_id in teams.items():
        page.goto(f"{live_server.url}/coach/campaigns/{campaign_id}/results/teams/{team_id}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _check(page)
        if name.startswith("Fjord"):
            expect(page.locator("#team-hidden")).to_be_visible()
