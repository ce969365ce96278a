"""The pages around the questions, in a real browser: sign-in, the coach's home, the review
and thank-you pages. Each is checked with axe-core (no serious or critical violation) and,
on a phone-sized screen, for horizontal scrolling of the page itself."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from assess.services import survey
from tests.conftest import demo_credentials

from .test_survey_browser import PHONE, _axe_violations, _no_horizontal_scroll

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}


def _accessible(page: Page) -> None:
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)[:2000]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_sign_in_and_the_coach_home_are_accessible(page: Page, live_server, size) -> None:
    page.set_viewport_size(size)
    page.goto(live_server.url + "/login")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert _no_horizontal_scroll(page)
    _accessible(page)

    credentials = demo_credentials(live_server.app)
    page.get_by_label("Email").fill(credentials["email"])
    page.get_by_label("Password").fill(credentials["password"])
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
    expect(page.get_by_text("Maturity wave 2").first).to_be_visible()
    assert _no_horizontal_scroll(page), "the coach's home scrolls sideways"
    _accessible(page)


def test_a_wrong_password_is_announced_accessibly(page: Page, live_server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page.get_by_text("Email or password is not right.")).to_be_visible()
    _accessible(page)


def test_review_and_thank_you_pages_are_accessible(page: Page, live_server) -> None:
    """A draft answered on another device (through the app), continued here by resume code."""
    link = live_server.team_link()
    with live_server.app.app_context():
        ctx = survey.context_for_token(link.rsplit("/", 1)[-1])
        assert ctx is not None
        new = survey.start_response(ctx, None)
        draft = survey.find_response(ctx, new.uid, new.proof)
        assert draft is not None
        for number, dimension in enumerate(ctx.definition.dimensions, start=1):
            answers = {item.id: 3 for item in dimension.items if item.type != "text"}
            survey.save_page(ctx, draft.id, answers, {}, reached=number)
    code = new.resume_code

    page.set_viewport_size(PHONE)
    page.goto(link)
    page.get_by_label("Resume code").fill(code)
    page.get_by_role("button", name=re.compile("Continue", re.I)).click()
    expect(page).to_have_url(re.compile(r"/s/review$"))
    assert _no_horizontal_scroll(page)
    _accessible(page)

    page.get_by_role("button", name=re.compile("Submit", re.I)).click()
    expect(page).to_have_url(re.compile(r"/s/thanks$"))
    assert _no_horizontal_scroll(page)
    _accessible(page)
