"""The campaign dashboard in a real browser: on a 360 px phone the page does not scroll
sideways (the map and the table scroll inside their own boxes), axe-core finds no serious or
critical violation with the method section open or closed, and the keyboard alone reaches
the value switch and changes what the map shows."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from .test_coach_browser import _check, _sign_in
from .test_survey_browser import PHONE

pytestmark = pytest.mark.browser


def _closed_wave(live_server) -> int:
    from assess.extensions import db
    from assess.models import Campaign, CampaignStatus, Team

    with live_server.app.app_context():
        wave = db.session.scalar(select(Campaign).where(Campaign.name == "Maturity wave 2"))
        wave.status = CampaignStatus.CLOSED
        # a parent team over two of the wave's teams, for a roll-up row
        teams = sorted((link.team for link in wave.team_links), key=lambda t: t.name)
        parent = Team(organisation_id=wave.organisation_id, name="Tribe " + "\u05e6" * 3)
        db.session.add(parent)
        db.session.flush()
        for team in teams[:2]:
            team.parent_id = parent.id
        db.session.commit()
        return wave.id


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 900}])
def test_the_dashboard_reads_on_a_phone_and_a_desktop(page: Page, live_server, size) -> None:
    campaign_id = _closed_wave(live_server)
    page.set_viewport_size(size)
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/coach/campaigns/{campaign_id}/results")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("svg.chart-heat-map, svg[class*='heat']").first).to_be_attached()
    _check(page)
    page.locator("details.method > summary").click()
    expect(page.get_by_role("heading", name="Instrument quality")).to_be_visible()
    _check(page)


def test_the_keyboard_reaches_the_value_switch(page: Page, live_server) -> None:
    campaign_id = _closed_wave(live_server)
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/coach/campaigns/{campaign_id}/results")
    focused = []
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate("() => [document.activeElement.name || '', "
                             "document.activeElement.value || '']")
        focused.append(info)
        if info[0] == "value":
            break
    assert focused[-1][0] == "value", json.dumps(focused)
    # arrows move between the radio buttons; Tab then Enter on "Show" submits the form
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("() => document.activeElement.value")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**value={chosen}**")
    expect(page.locator(f"input[type=radio][name=value][value={chosen}]")).to_be_checked()
    _check(page)


def test_hostile_team_names_stay_literal_and_short(page: Page, live_server) -> None:
    from assess.extensions import db
    from assess.models import Campaign

    campaign_id = _closed_wave(live_server)
    names = ["<img src=x onerror=alert(1)> " + "Platform" * 1250,
             "\u202e\u05e6\u05d5\u05d5\u05ea \u05e4\u05dc\u05d8\u05e4\u05d5\u05e8\u05de\u05d4"]
    with live_server.app.app_context():
        wave = db.session.get(Campaign, campaign_id)
        teams = sorted((link.team for link in wave.team_links), key=lambda t: t.name)
        for team, name in zip(teams[-2:], names, strict=True):
            team.name = name
        db.session.commit()
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server)
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{live_server.url}/coach/campaigns/{campaign_id}/results")
    long_cell = page.locator("th.team-name", has_text="Platform").first
    expect(long_cell).to_be_visible()
    assert long_cell.bounding_box()["height"] < 160
    assert page.locator("th.team-name bdi", has_text="<img src=x").count() == 1
    _check(page)
