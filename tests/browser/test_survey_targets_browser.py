"""Every answer option is a large target (WCAG 2.5.5: at least 44 x 44 px), tapping anywhere
on its row selects it, and "Don't know" stands apart from the scale."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
MIN_TARGET = 44


def start(page: Page, live_server, viewport) -> None:
    page.set_viewport_size(viewport)
    page.goto(live_server.team_link())
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Page 1 of 9")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_option_is_a_target_of_44_px(page: Page, live_server, viewport) -> None:
    start(page, live_server, viewport)
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('.option')).map(o => {
        const r = o.getBoundingClientRect(); return [r.width, r.height]; })""")
    assert boxes
    small = [box for box in boxes if box[0] < MIN_TARGET or box[1] < MIN_TARGET]
    assert small == []


def test_tapping_the_empty_end_of_a_row_selects_it(page: Page, live_server) -> None:
    start(page, live_server, PHONE)
    option = page.locator("fieldset.question .option").nth(1)
    box = option.bounding_box()
    assert box is not None
    container = page.locator("fieldset.question .options").first.bounding_box()
    assert container is not None
    assert box["width"] >= container["width"] - 1  # the whole row
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] / 2)
    expect(option.locator("input")).to_be_checked()


def test_dont_know_stands_apart(page: Page, live_server) -> None:
    start(page, live_server, DESKTOP)
    group = page.locator("fieldset.question").filter(
        has=page.locator("input[value=dk]")).first
    dont_know = group.locator(".option.dont-know")
    expect(dont_know).to_have_count(1)
    last_scale = group.locator(".option:not(.dont-know)").last.bounding_box()
    apart = dont_know.bounding_box()
    assert last_scale is not None
    assert apart is not None
    gap = apart["x"] - (last_scale["x"] + last_scale["width"])
    assert gap >= 12 or apart["y"] >= last_scale["y"] + last_scale["height"] + 8
