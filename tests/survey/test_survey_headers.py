"""Every respondent response carries the security headers, and its HTML needs no inline code.

The app promises (assess/security.py) a Content-Security-Policy without inline script or
style, framing refused (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``),
``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
``Cross-Origin-Opener-Policy: same-origin`` and ``Cache-Control: no-store``. Here each step of
the respondent journey (link, welcome, start, question page, autosave JSON, review, submit,
thank-you) and each page shown instead of one (refused input, page not reached, already
answered, campaign closed, invalid link, unknown page, expired form) is checked for those
headers; the HTML ones also for what the policy would block: inline ``<script>`` bodies,
``<style>`` elements, ``style=`` attributes, ``on...=`` event handlers and ``javascript:`` URLs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.survey.survey_support import (
    Element,
    Respondent,
    field,
    parse_html,
    set_campaign_window,
    team_link_path,
)

# What assess/security.py sends: each directive with exactly these sources.
REQUIRED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:",
                  "http:", "https:", "blob:"}

NewRespondent = Callable[..., Respondent]


# --- checks ----------------------------------------------------------------------------------

def csp_directives(response: TestResponse) -> dict[str, list[str]]:
    policies = response.headers.getlist("Content-Security-Policy")
    assert len(policies) == 1, policies
    directives: dict[str, list[str]] = {}
    for part in policies[0].split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"{words[0]} given twice"
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response: TestResponse, *, static: bool = False) -> None:
    """The promised headers; and no caching of anything but static files (pages carry
    answers, resume codes and team links)."""
    csp = csp_directives(response)
    for directive, sources in REQUIRED_CSP.items():
        assert csp.get(directive) == sources, (directive, csp.get(directive))
    for directive in ("script-src", "style-src", "default-src"):
        assert not UNSAFE_SOURCES & set(csp[directive]), (directive, csp[directive])
    assert "report-only" not in " ".join(response.headers.keys()).lower()
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    if not static:
        assert response.headers.get("Cache-Control") == "no-store"


_TAG = re.compile(r"<[a-zA-Z][^>]*>")


def inline_code(html: str) -> list[str]:
    """What the policy would block, found in the parsed page and in its raw tags."""
    found: list[str] = []
    document = parse_html(html)
    for element in document.iter():
        if element.tag == "script":
            src = element.attrs.get("src") or ""
            if not src.startswith("/") or src.startswith("//"):
                found.append(f"script without a same-site src: {element!r}")
            if element.text.strip():
                found.append(f"inline script body: {element.text.strip()[:60]!r}")
        if element.tag == "style":
            found.append("<style> element")
        for name, value in element.attrs.items():
            if name == "style":
                found.append(f"style attribute on <{element.tag}>")
            if name.startswith("on"):
                found.append(f"event handler {name} on <{element.tag}>")
            if value and re.sub(r"\s", "", value).lower().startswith("javascript:"):
                found.append(f"javascript: URL in {name} of <{element.tag}>")
    # The raw tags too, in case the parser and a browser read a tag differently.
    for tag in _TAG.findall(html):
        if re.search(r"\son[a-z]+\s*=", tag, re.I) or re.search(r"\sstyle\s*=", tag, re.I):
            found.append(f"raw tag with inline code: {tag[:80]}")
    return found


def assert_html_page(response: TestResponse) -> Element:
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert inline_code(html) == []
    return parse_html(html)


def assert_json(response: TestResponse) -> dict[str, object]:
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, dict)
    return body


# --- the journey -----------------------------------------------------------------------------

def completed(new_respondent: NewRespondent) -> Respondent:
    person = new_respondent()
    person.answer_pages()
    assert person.submit().status_code == 302
    return person


def invalid_page_one(person: Respondent) -> dict[str, str]:
    first = person.dimension(1).items[0]
    return person.page_data(1, {field(first): "99"})


def step_link(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent(started=False).open()


def step_welcome(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent(started=False)
    person.open()
    return person.client.get("/s/")


def step_start(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent(started=False)
    person.open()
    return person.start()


def step_start_refused(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent(started=False)
    person.open()
    return person.start(role="99")


def step_page(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().client.get("/s/page/1")


def step_page_saved(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().post_page(1)


def step_page_refused(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent()
    return person.post_page(1, invalid_page_one(person))


def step_page_not_reached(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().post_page(3)


def step_autosave(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().post_page(1, autosave=True)


def step_autosave_refused(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent()
    return person.post_page(1, invalid_page_one(person), autosave=True)


def step_autosave_not_reached(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().post_page(3, autosave=True)


def step_autosave_not_started(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent(started=False)
    person.open()
    return person.post_page(1, autosave=True)


def step_review(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent()
    person.answer_pages()
    return person.review()


def step_submit(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent()
    person.answer_pages()
    return person.submit()


def step_submit_refused(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    person = new_respondent()
    person.answer_pages()
    return person.submit("0" * 32)


def step_thanks(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return completed(new_respondent).client.get("/s/thanks")


def step_already_answered(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return completed(new_respondent).client.get("/s/page/1")


def step_write_after_submit(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return completed(new_respondent).post_page(1)


def step_autosave_after_submit(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return completed(new_respondent).post_page(1, autosave=True)


def close_the_wave(app: Flask) -> None:
    set_campaign_window(app, closes_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))


def step_closed(new_respondent: NewRespondent, app: Flask) -> TestResponse:
    person = new_respondent(started=False)
    person.open()
    close_the_wave(app)
    return person.client.get("/s/")


def step_autosave_closed(new_respondent: NewRespondent, app: Flask) -> TestResponse:
    person = new_respondent()
    close_the_wave(app)
    return person.post_page(1, autosave=True)


def step_invalid_link(_new_respondent: NewRespondent, app: Flask) -> TestResponse:
    return app.test_client().get("/s/" + "C" * 32)


def step_no_session(_new_respondent: NewRespondent, app: Flask) -> TestResponse:
    return app.test_client().get("/s/page/1")


def step_unknown_page(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().client.get("/s/page/99")


def step_unknown_path(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().client.get("/s/page/1/nothing-here")


def step_wrong_method(new_respondent: NewRespondent, _app: Flask) -> TestResponse:
    return new_respondent().client.post("/s/review")


# name: (step, status, kind); kind is "html", "json" or "redirect"
STEPS: dict[str, tuple[Callable[[NewRespondent, Flask], TestResponse], int, str]] = {
    "team link": (step_link, 302, "redirect"),
    "welcome": (step_welcome, 200, "html"),
    "start": (step_start, 302, "redirect"),
    "start refused": (step_start_refused, 400, "html"),
    "question page": (step_page, 200, "html"),
    "page saved": (step_page_saved, 302, "redirect"),
    "page refused": (step_page_refused, 400, "html"),
    "page not reached": (step_page_not_reached, 409, "html"),
    "autosave": (step_autosave, 200, "json"),
    "autosave refused": (step_autosave_refused, 400, "json"),
    "autosave not reached": (step_autosave_not_reached, 409, "json"),
    "autosave not started": (step_autosave_not_started, 409, "json"),
    "review": (step_review, 200, "html"),
    "submit": (step_submit, 302, "redirect"),
    "submit refused": (step_submit_refused, 400, "html"),
    "thank-you": (step_thanks, 200, "html"),
    "already answered": (step_already_answered, 200, "html"),
    "write after submit": (step_write_after_submit, 409, "html"),
    "autosave after submit": (step_autosave_after_submit, 409, "json"),
    "campaign closed": (step_closed, 403, "html"),
    "autosave closed": (step_autosave_closed, 403, "json"),
    "invalid link": (step_invalid_link, 404, "html"),
    "no survey session": (step_no_session, 404, "html"),
    "unknown page number": (step_unknown_page, 404, "html"),
    "unknown path": (step_unknown_path, 404, "html"),
    "wrong method": (step_wrong_method, 405, "html"),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_every_respondent_response_carries_the_security_headers(
        name: str, new_respondent: NewRespondent, demo_app: Flask) -> None:
    step, status, kind = STEPS[name]
    response = step(new_respondent, demo_app)
    assert response.status_code == status, (name, response.status_code)
    assert_security_headers(response)
    if kind == "html":
        assert_html_page(response)
    elif kind == "json":
        body = assert_json(response)
        assert "saved" in body
    else:
        assert response.headers["Location"].startswith("/s/")


def test_the_journey_pages_load_their_code_and_style_from_files(
        new_respondent: NewRespondent) -> None:
    """With inline code forbidden, the pages' behaviour and look come from same-site files:
    each one is served with the headers and a content type nosniff lets the browser use."""
    person = new_respondent(started=False)
    person.open()
    pages = [person.client.get("/s/")]
    person.start()
    pages.append(person.client.get("/s/page/1"))
    person.answer_pages()
    pages.append(person.review())
    person.submit()
    pages.append(person.client.get("/s/thanks"))

    expected = {"script": "text/javascript", "stylesheet": "text/css"}
    seen: dict[str, set[str]] = {"script": set(), "stylesheet": set()}
    for page in pages:
        assert page.status_code == 200
        document = assert_html_page(page)
        for element in document.find_all("script"):
            seen["script"].add(element.attrs["src"] or "")
        for element in document.find_all("link", rel="stylesheet"):
            seen["stylesheet"].add(element.attrs["href"] or "")
    assert seen["script"] == {"/static/survey.js"}
    assert seen["stylesheet"] == {"/static/assess.css"}
    for kind, urls in seen.items():
        for url in urls:
            with person.client.get(url) as response:
                assert response.status_code == 200, url
                assert response.mimetype == expected[kind], (url, response.mimetype)
                assert_security_headers(response, static=True)


def test_the_question_page_and_review_forms_post_to_this_site(
        new_respondent: NewRespondent) -> None:
    """``form-action 'self'``: every form of the journey posts to a same-site path."""
    person = new_respondent(started=False)
    person.open()
    forms = parse_html(person.client.get("/s/")).find_all("form")
    person.start()
    forms += parse_html(person.client.get("/s/page/1")).find_all("form")
    person.answer_pages()
    forms += parse_html(person.review()).find_all("form")
    assert len(forms) == 4  # start, resume, page, submit
    for form in forms:
        action = form.attrs.get("action") or ""
        assert action.startswith("/s/"), action
        assert not action.startswith("//"), action
        assert form.attrs.get("method") == "post"


# --- with CSRF on, as in production ----------------------------------------------------------

def test_an_expired_form_page_carries_the_headers_and_no_inline_code(
        csrf_demo_app: Flask) -> None:
    person = Respondent(csrf_demo_app, csrf_demo_app.test_client(),
                        str(team_link_path(csrf_demo_app)))
    assert person.open().status_code == 302

    refused_start = person.client.post("/s/start", data={})
    assert refused_start.status_code == 400
    assert_security_headers(refused_start)
    welcome = assert_html_page(person.client.get("/s/"))
    token = welcome.find("input", name="csrf_token")
    assert token is not None
    started = person.client.post("/s/start", data={"csrf_token": token.attrs["value"]})
    assert started.status_code == 302
    assert_security_headers(started)

    expired = person.post_page(1, person.page_data(1, {"csrf_token": "stale"}))
    assert expired.status_code == 400
    assert "security token expired" in expired.get_data(as_text=True)
    assert_security_headers(expired)
    assert_html_page(expired)

    autosave = person.post_page(1, person.page_data(1, {"csrf_token": "stale"}),
                                autosave=True)
    assert autosave.status_code == 400
    assert_security_headers(autosave)
    assert assert_json(autosave) == {"saved": False, "reason": "expired"}
