"""Keyboard and header behaviour a respondent relies on: Enter in a question moves forward,
never back; the product name in the header leads to their own survey, not the coach sign-in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_enter_in_a_question_moves_forward(page: Page, live_server, viewport) -> None:
    page.set_viewport_size(viewport)
    page.goto(live_server.team_link())
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Page 2 of 9")).to_be_visible()
    radio = page.locator("fieldset.question input[type=radio]").first
    radio.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Page 3 of 9")).to_be_visible()
    # Back is still there, and still on the left of the forward button.
    back = page.get_by_role("button", name="Back").bounding_box()
    forward = page.get_by_role("button", name="Save and continue").bounding_box()
    assert back is not None
    assert forward is not None
    assert back["x"] < forward["x"]


def test_the_header_name_leads_to_the_survey(page: Page, live_server) -> None:
    page.goto(live_server.team_link())
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()
    page.locator(".site-header .brand").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()  # back in their own survey
