"""The respondent journey in a real browser: a phone-sized screen, keyboard only, autosave."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import AXE

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _axe_violations(page: Page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP (rightly) blocks injected tags.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_sized_journey_is_readable_and_accessible(page: Page, live_server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.team_link())
    expect(page).to_have_url(re.compile(r"/s/$"))  # the token left the address bar
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Your answers are anonymous.")).to_be_visible()
    assert _no_horizontal_scroll(page)
    assert _axe_violations(page) == []

    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()
    assert _no_horizontal_scroll(page)
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)[:2000]


def test_keyboard_only_answering_with_visible_focus(page: Page, live_server) -> None:
    page.goto(live_server.team_link())
    page.get_by_role("button", name="Start").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()

    first_radio = page.locator("fieldset.question input[type=radio]").first
    first_radio.focus()
    outline = page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "keyboard focus must be visible"
    page.keyboard.press("ArrowRight")  # moves to, and selects, the second option
    page.keyboard.press("ArrowRight")
    checked = page.locator("fieldset.question").first.locator("input:checked")
    expect(checked).to_have_count(1)
    chosen = checked.get_attribute("value")

    save = page.get_by_role("button", name="Save and continue")
    save.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Page 2 of 9")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()
    expect(page.locator("fieldset.question").first.locator("input:checked")).to_have_attribute(
        "value", chosen)


def test_autosave_keeps_an_answer_without_pressing_a_button(page: Page, live_server) -> None:
    page.goto(live_server.team_link())
    page.get_by_role("button", name="Start").click()
    first_group = page.locator("fieldset.question").first
    first_group.locator("input[type=radio]").nth(3).check()
    expect(page.locator(".autosave-status")).to_have_text("Saved.", timeout=15_000)

    # Closing the tab and opening the link again on the same device resumes with the answer.
    link = live_server.team_link()
    page.goto("about:blank")
    page.goto(link)
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()
    expect(page.locator("fieldset.question").first.locator("input:checked")).to_have_attribute(
        "value", "4")


def test_quick_successive_changes_keep_the_last_answer(page: Page, live_server) -> None:
    page.goto(live_server.team_link())
    page.get_by_role("button", name="Start").click()
    radios = page.locator("fieldset.question").first.locator("input[type=radio]")
    for index in (1, 2, 3, 4, 0, 3):  # faster than the saves come back
        radios.nth(index).check()
    expect(page.locator(".autosave-status")).to_have_text("Saved.", timeout=15_000)
    page.wait_for_load_state("networkidle")
    page.reload()
    expect(page.locator("fieldset.question").first.locator("input:checked")).to_have_attribute(
        "value", "4")

