"""The administration pages and the set-password page in Debian's Chromium: an administrator
invites a coach, copies the link with the button, the coach sets a password and lands in the
workspace. Each page has no serious or critical axe-core violation and does not scroll
sideways on a phone."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser as PlaywrightBrowser
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from assess import create_app
from assess.services.accounts import ADMIN, create_coach
from tests.browser.test_survey_browser import PHONE, _axe_violations, _no_horizontal_scroll
from tests.conftest import close_database, copy_demo, make_config

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ADMIN_EMAIL = "admin@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    return {
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    return None  # absolute URLs of the live server; the plugin's own fixture warns


@pytest.fixture
def server(tmp_path: Path, demo_db: tuple[Path, Path]) -> Iterator[tuple[Flask, str]]:
    database, instance = copy_demo(tmp_path, demo_db)
    app = create_app(make_config(instance, database))
    with app.app_context():
        create_coach(ADMIN_EMAIL, None, PASSWORD, role=ADMIN)
    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{live.server_port}"
    finally:
        live.shutdown()
        thread.join(timeout=5)
        live.server_close()
        close_database(app)


def accessible(page: Page) -> None:
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)[:2000]
    assert _no_horizontal_scroll(page), page.url


def sign_in(page: Page, url: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_invite_copy_and_set_a_password(browser: PlaywrightBrowser,
                                        server: tuple[Flask, str]) -> None:
    _app, url = server
    context = browser.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    sign_in(page, url)
    page.goto(url + "/admin/")
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    accessible(page)

    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Name (optional)").fill("Nia New")
    page.get_by_label("Northwind Demo (demo data)").check()
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("heading", name="Invitation created")).to_be_visible()
    accessible(page)
    copy = page.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()  # shown by copy.js
    copy.click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    link = page.get_by_label("Set-password link").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link
    # Links use the configured public address (BASE_URL); the test server is elsewhere.
    assert re.fullmatch(r"http://localhost/invite/[A-Za-z0-9_-]{43,}", link)
    link = url + link.removeprefix("http://localhost")

    page.goto(url + "/admin/")
    page.get_by_role("link", name="nia@example.org").click()
    expect(page.get_by_text("open until")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Northwind Demo (demo data)").first.click()
    expect(page.get_by_role("heading", name="Delete")).to_be_visible()
    accessible(page)
    context.close()

    coach = browser.new_context(viewport=PHONE).new_page()
    coach.goto(link)
    expect(coach).to_have_url(re.compile(r"/invite/$"))  # the token left the address bar
    expect(coach.get_by_role("heading", name="Set your password")).to_be_visible()
    accessible(coach)
    coach.get_by_label("New password", exact=True).fill("a brand new password")
    coach.get_by_label("The same password again").fill("a brand new password")
    coach.get_by_role("button", name="Set password and sign in").click()
    expect(coach.get_by_role("heading", name="Your organisations")).to_be_visible()
    expect(coach.get_by_text("Your password is set and you are signed in.")).to_be_visible()

    again = browser.new_context().new_page()
    again.goto(link)
    expect(again.get_by_text("This link is not valid any more.")).to_be_visible()
    accessible(again)
