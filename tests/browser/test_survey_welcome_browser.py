"""The welcome page on a phone leads with what matters and the Start button above the fold."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_start_is_on_the_first_phone_screen(page: Page, live_server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.team_link())
    start = page.get_by_role("button", name="Start")
    box = start.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"]
    # The essentials come before it: how long, and that answers are anonymous.
    lead = page.locator(".lead")
    expect(lead).to_contain_text("minutes")
    expect(lead).to_contain_text("anonymous")
    lead_box = lead.bounding_box()
    assert lead_box is not None
    assert lead_box["y"] < box["y"]
    # The details still follow on the page.
    expect(page.get_by_text("Your coach sees results only for groups of at least")).to_be_attached()
