"""Errors appear where the eye is: a wrong resume code or an invalid answer puts the focus on
a summary at the top of the page that links to the field (as GOV.UK's error summary does)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_a_wrong_resume_code_focuses_a_summary_at_the_top(page: Page, live_server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.team_link())
    page.get_by_label("Resume code").fill("WRONG-CODE-0000")
    page.get_by_role("button", name="Continue my answers").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert box is not None
    assert box["y"] < PHONE["height"]
    expect(summary).to_contain_text("does not match")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Resume code")).to_be_focused()
