"""The coach sets up a wave in a real browser: a new team, a new campaign, opening it, copying
a team link and printing its invitation sheet. Every page is checked with axe-core (no
serious or critical violation) and, on a 360 px phone, for sideways scrolling of the page."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.conftest import demo_credentials

from .test_survey_browser import PHONE, _axe_violations, _no_horizontal_scroll

pytestmark = pytest.mark.browser

LONG_TEAM = "Platform" * 25  # 200 characters without a space
RTL_TEAM = "\u05e6\u05d5\u05d5\u05ea \u05e4\u05dc\u05d8\u05e4\u05d5\u05e8\u05de\u05d4"
MARKUP_TEAM = '<img src=x onerror=alert(1)> "Ops"'


def _check(page: Page) -> None:
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !(e.parentElement && e.parentElement.closest('.table-scroll')))
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert _no_horizontal_scroll(page), f"{page.url} scrolls sideways: {wide}"
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)[:2000]


def _sign_in(page: Page, live_server) -> None:
    credentials = demo_credentials(live_server.app)
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(credentials["email"])
    page.get_by_label("Password").fill(credentials["password"])
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()


def test_a_coach_sets_up_opens_and_shares_a_campaign(page: Page, live_server) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server)
    _check(page)

    # A new team, with the keyboard only.
    page.get_by_role("link", name=re.compile("^New team")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New team")
    _check(page)
    page.get_by_label("Team name").fill("Nova")
    page.get_by_label("Headcount (optional)").fill("6")
    page.get_by_label("Headcount (optional)").press("Enter")
    expect(page.get_by_text("Team Nova was added.")).to_be_visible()
    _check(page)

    # A wrong value is announced next to its field.
    page.goto(page.url.split("#")[0].replace("/teams", "/teams/new"))
    page.get_by_label("Team name").fill("Nova")
    page.get_by_role("button", name="Add team").click()
    expect(page.get_by_text("Please check the form")).to_be_visible()
    _check(page)

    # A new campaign over the new team.
    page.goto(live_server.url + "/coach/")
    page.get_by_role("link", name=re.compile("^New campaign")).first.click()
    _check(page)
    page.get_by_label("Campaign name").fill("Nova wave")
    readiness = page.locator("#questionnaire option", has_text="transformation-readiness")
    page.get_by_label("Questionnaire").select_option(readiness.get_attribute("value"))
    page.get_by_label("Nova").check()
    page.get_by_label("Closes at the end of (optional)").fill("2099-01-31")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Campaign Nova wave was created as a draft.")).to_be_visible()
    expect(page.get_by_text("This campaign is a draft")).to_be_visible()
    _check(page)

    page.get_by_role("button", name="Open campaign").click()
    expect(page.get_by_text("Campaign Nova wave is open")).to_be_visible()
    _check(page)

    # The link: selectable text, and a copy button (shown by the script) that copies it.
    link = page.locator("code.link").first
    url = link.inner_text().strip()
    assert re.fullmatch(r"https?://[^/]+/s/[A-Za-z0-9_-]{32}", url)  # BASE_URL's host
    assert link.evaluate("e => getComputedStyle(e).userSelect") in ("all", "auto", "text")
    copy = page.get_by_role("button", name=re.compile("^Copy link"))
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == url

    # The invitation sheet: the link, its QR code as inline SVG, the promise, print styles.
    page.get_by_role("link", name=re.compile("^Invitation sheet")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your team's view")
    qr = page.locator("svg.qr[role=img]")
    expect(qr).to_be_visible()
    assert "QR code of the survey link for Nova" in qr.locator("title").text_content()
    expect(page.get_by_text(url)).to_be_visible()
    expect(page.get_by_text("groups of at least 5 people")).to_be_visible()
    expect(page.get_by_text("about 5 minutes", exact=False)).to_be_visible()
    _check(page)
    page.emulate_media(media="print")
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).display") == "none"
    page.emulate_media(media="screen")

    # A new link asks first, then lands back on the team's row.
    page.get_by_role("link", name=re.compile("^Back to")).click()
    page.get_by_role("link", name=re.compile("^New link")).first.click()
    expect(page.get_by_text("continue with their resume code")).to_be_visible()
    _check(page)
    page.get_by_role("button", name="Yes, make a new link").click()
    expect(page).to_have_url(re.compile(r"/coach/campaigns/\d+#team-\d+$"))
    assert page.locator("code.link").first.inner_text().strip() != url

    # The respondent's side: the new link works.
    respondent = page.context.new_page()
    new_url = page.locator("code.link").first.inner_text().strip()
    respondent.goto(live_server.url + new_url[new_url.index("/s/"):])
    expect(respondent).to_have_url(re.compile(r"/s/$"))
    respondent.close()


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_hostile_names_wrap_and_stay_literal(page: Page, live_server, size) -> None:
    from assess.extensions import db
    from assess.models import Organisation
    from assess.services import setup
    from assess.services.questionnaires import latest_version

    with live_server.app.app_context():
        org = db.session.scalar(select(Organisation))
        assert org is not None
        team_ids = [setup.create_team(org, name, headcount="12").id
                    for name in (LONG_TEAM, RTL_TEAM, MARKUP_TEAM)]
        wave = setup.create_campaign(org, setup.CampaignSettings(
            name="W" * 200, questionnaire_id=latest_version("pmo-apo-maturity").id), team_ids)
        campaign_id, org_id, team_id = wave.id, org.id, team_ids[0]

    page.set_viewport_size(size)
    _sign_in(page, live_server)
    for path in (f"/coach/campaigns/{campaign_id}", f"/coach/organisations/{org_id}/teams",
                 f"/coach/campaigns/{campaign_id}/teams/{team_id}/invitation",
                 f"/coach/campaigns/{campaign_id}/teams/{team_id}/link/revoke",
                 f"/coach/teams/{team_id}/edit", "/coach/"):
        page.goto(live_server.url + path)
        _check(page)
    page.goto(live_server.url + f"/coach/campaigns/{campaign_id}")
    expect(page.get_by_role("row", name=re.compile(re.escape(MARKUP_TEAM)))).to_be_visible()
    expect(page.get_by_text(RTL_TEAM).first).to_be_visible()
    assert page.evaluate("document.querySelectorAll('img').length") == 0
