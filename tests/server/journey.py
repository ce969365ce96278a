"""The respondent journey over real HTTP, and what the database holds afterwards.

A :class:`Respondent` is one browser: a ``requests.Session`` (its own cookie jar) that opens a
team link, starts, answers the pages by parsing each page's form, reviews and submits. It
remembers what it sent and which requests the server acknowledged, so tests can compare the
database with the client's own record. :func:`stored_responses` reads the responses back
through the application's models, decoding the packed answers with ``answer_codec``.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests

CAMPAIGN = "Maturity wave 2"
TIMEOUT = 60  # seconds per request: generous, a loaded 2-core machine queues requests

_CODE = re.compile(r'<strong class="code">([0-9A-Z-]+)</strong>')


class JourneyError(AssertionError):
    """The server answered a step of the journey in an unexpected way."""


# --- HTML forms ------------------------------------------------------------------------

@dataclass
class Form:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)  # name -> offered values
    checked: dict[str, str] = field(default_factory=dict)  # name -> checked value
    textareas: dict[str, str] = field(default_factory=dict)  # name -> current text


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", "")))
        elif not self.forms:
            return
        elif tag == "input":
            form, name = self.forms[-1], a.get("name", "")
            if a.get("type") == "hidden":
                form.hidden[name] = a.get("value", "")
            elif a.get("type") == "radio":
                form.radios.setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    form.checked[name] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            self.forms[-1].textareas[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            form = self.forms[-1]
            text = form.textareas[self._textarea] + data
            form.textareas[self._textarea] = text

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            form = self.forms[-1]
            text = form.textareas[self._textarea]
            # HTML drops one line break right after <textarea> (WTForms writes "\r\n").
            for newline in ("\r\n", "\n"):
                if text.startswith(newline):
                    text = text[len(newline):]
                    break
            form.textareas[self._textarea] = text
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with_action(html: str, action: str) -> Form:
    for form in forms_of(html):
        if form.action == action:
            return form
    raise JourneyError(f"no form posting to {action} in the page:\n{html[:2000]}")


def resume_code_of(html: str) -> str:
    match = _CODE.search(html)
    if match is None:
        raise JourneyError("no resume code on the page")
    return match.group(1)


# --- one respondent --------------------------------------------------------------------

@dataclass
class PageSent:
    answers: dict[str, int | str]  # item id -> value sent ("dk" or an integer)
    texts: dict[str, str]  # item id -> comment sent (empty strings included)


class Respondent:
    """One browser going through the journey; ``sent`` records every page POST it made."""

    def __init__(self, base_url: str, link: str, seed: int, *, dk_share: float = 0.1,
                 comment_share: float = 0.5) -> None:
        self.base_url = base_url.rstrip("/")
        self.link = link
        self.rng = random.Random(seed)
        self.dk_share = dk_share
        self.comment_share = comment_share
        self.session = requests.Session()
        self.code: str | None = None
        # Page number -> what the last POST of that page carried, and whether it was answered.
        self.sent: dict[int, PageSent] = {}
        self.acknowledged: set[int] = set()
        self.in_flight: int | None = None  # page number, or 0 for the final submit
        self.submitted = False
        self.submit_key: str | None = None
        self.csrf: str | None = None
        self.statuses: list[int] = []
        self.bodies_with_locked = 0

    def close(self) -> None:
        self.session.close()

    # -- transport --

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def _record(self, response: requests.Response) -> requests.Response:
        for r in (*response.history, response):
            self.statuses.append(r.status_code)
        if "database is locked" in response.text:
            self.bodies_with_locked += 1
        return response

    def get(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", TIMEOUT)
        return self._record(self.session.get(self._url(path), **kw))

    def post(self, path: str, data: dict[str, Any], **kw: Any) -> requests.Response:
        kw.setdefault("timeout", TIMEOUT)
        return self._record(self.session.post(self._url(path), data=data, **kw))

    @staticmethod
    def expect(response: requests.Response, status: int, path_end: str | None = None) -> None:
        if response.status_code != status:
            raise JourneyError(f"{response.request.method} {response.request.url}: expected "
                               f"{status}, got {response.status_code}\n{response.text[:1500]}")
        if path_end is not None and not response.url.endswith(path_end):
            raise JourneyError(f"expected to land on {path_end}, landed on {response.url}")

    # -- journey steps --

    def open(self) -> requests.Response:
        """Open the team link: the token is swapped for a session cookie and a redirect."""
        response = self.get(self.link)
        self.expect(response, 200)
        return response

    def start(self, role: str | None = None) -> requests.Response:
        welcome = self.open()
        form = form_with_action(welcome.text, "/s/start")
        self.csrf = form.hidden["csrf_token"]
        data = {"csrf_token": self.csrf}
        if role is not None:
            data["role"] = role
        response = self.post("/s/start", data)
        self.expect(response, 200, "/s/page/1")
        self.code = resume_code_of(response.text)
        return response

    def resume(self, code: str) -> requests.Response:
        """A second device: open the link, then continue the draft with its resume code."""
        welcome = self.open()
        form = form_with_action(welcome.text, "/s/resume")
        self.csrf = form.hidden["csrf_token"]
        response = self.post("/s/resume", {"csrf_token": self.csrf, "code": code})
        self.code = code
        return response

    def choose(self, form: Form) -> tuple[dict[str, int | str], dict[str, str]]:
        """Random answers for every question of a page form (a few "don't know", comments)."""
        answers: dict[str, int | str] = {}
        for name, values in form.radios.items():
            numeric = [v for v in values if v != "dk"]
            if "dk" in values and self.rng.random() < self.dk_share:
                answers[name[2:]] = "dk"
            else:
                answers[name[2:]] = int(self.rng.choice(numeric))
        texts: dict[str, str] = {}
        for name in form.textareas:
            if self.rng.random() < self.comment_share:
                texts[name[2:]] = f"Comment {self.rng.randrange(10**6)}: ça marche, «ok» ✓"
            else:
                texts[name[2:]] = ""
        return answers, texts

    def page_form(self, number: int, html: str | None = None) -> Form:
        if html is None:
            response = self.get(f"/s/page/{number}")
            self.expect(response, 200, f"/s/page/{number}")
            html = response.text
        form = form_with_action(html, f"/s/page/{number}")
        self.csrf = form.hidden["csrf_token"]
        if self.code is None:
            self.code = resume_code_of(html)
        return form

    def page_data(self, number: int, form: Form) -> dict[str, str]:
        answers, texts = self.choose(form)
        self.sent[number] = PageSent(answers, texts)
        data = {"csrf_token": form.hidden["csrf_token"], "nav": "next"}
        data.update({f"q_{k}": str(v) for k, v in answers.items()})
        data.update({f"q_{k}": v for k, v in texts.items()})
        return data

    def save_page(self, number: int, form: Form, *, follow: bool = True) -> requests.Response:
        data = self.page_data(number, form)
        self.in_flight = number
        response = self.post(f"/s/page/{number}", data, allow_redirects=follow)
        if (follow and response.status_code == 200) or (
                not follow and response.status_code == 302):
            self.acknowledged.add(number)
        self.in_flight = None
        return response

    def answer_pages(self, first: int, last: int, html: str | None = None) -> requests.Response:
        """Answer pages ``first..last`` in order; ``html`` is page ``first`` when known."""
        response = None
        for number in range(first, last + 1):
            form = self.page_form(number, html)
            response = self.save_page(number, form)
            self.expect(response, 200)
            html = response.text
        assert response is not None
        return response

    def review(self) -> Form:
        response = self.get("/s/review")
        self.expect(response, 200, "/s/review")
        form = form_with_action(response.text, "/s/submit")
        self.submit_key = form.hidden["submit_key"]
        self.csrf = form.hidden["csrf_token"]
        return form

    def submit(self, *, follow: bool = True) -> requests.Response:
        assert self.submit_key is not None
        assert self.csrf is not None
        self.in_flight = 0
        response = self.post("/s/submit", {"csrf_token": self.csrf,
                                           "submit_key": self.submit_key},
                             allow_redirects=follow)
        ok = (response.status_code == 200 and response.url.endswith("/s/thanks")) if follow \
            else (response.status_code == 302
                  and response.headers.get("Location", "").endswith("/s/thanks"))
        if ok:
            self.submitted = True
        self.in_flight = None
        return response

    # -- what this respondent sent --

    def expected_answers(self, pages: set[int] | None = None) -> dict[str, int | str]:
        answers: dict[str, int | str] = {}
        for number, page in self.sent.items():
            if pages is None or number in pages:
                answers.update(page.answers)
        return answers

    def expected_texts(self, pages: set[int] | None = None) -> dict[str, str]:
        texts: dict[str, str] = {}
        for number, page in self.sent.items():
            if pages is None or number in pages:
                texts.update({k: v for k, v in page.texts.items() if v})
        return texts


# --- the database ----------------------------------------------------------------------

@dataclass(frozen=True)
class StoredResponse:
    id: int
    status: str
    page: int
    answered: int
    answers: dict[str, int | str]
    texts: dict[str, str]
    resume_code_hash: str | None
    submit_key: str
    item_pages: dict[str, int]  # item id -> page number (1-based), answer and text items
    answer_item_ids: tuple[str, ...]  # the packed answers' order


def code_hash(secret_key: str, code: str) -> str:
    """The stored hash of a resume code (HMAC-SHA256 of the code without separators)."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(secret_key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def stored_responses(database_url: str, secret_key: str, instance: Path,
                     campaign: str = CAMPAIGN) -> list[StoredResponse]:
    """Every response of the campaign, its packed answers decoded in ``answer_items`` order."""
    from sqlalchemy import select

    from assess import answer_codec, create_app
    from assess.extensions import db
    from assess.models import Response
    from assess.services.lookup import campaign_by_ref
    from assess.services.questionnaires import definition_of

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret_key,
                      "INSTANCE_PATH": str(instance), "TESTING": True})
    try:
        with app.app_context():
            target = campaign_by_ref(campaign)
            definition = definition_of(target.questionnaire_version)
            ids = [item.id for item in definition.answer_items]
            item_pages = {item.id: number
                          for number, dim in enumerate(definition.dimensions, start=1)
                          for item in dim.items}
            rows = db.session.scalars(select(Response).where(
                Response.campaign_id == target.id).order_by(Response.id))
            result = [StoredResponse(
                id=row.id, status=row.status, page=row.page, answered=row.answered,
                answers=answer_codec.decode(ids, row.values),
                texts={t.item_id: t.text for t in row.texts},
                resume_code_hash=row.resume_code_hash, submit_key=row.submit_key,
                item_pages=item_pages, answer_item_ids=tuple(ids)) for row in rows]
            db.session.remove()
        return result
    finally:
        with app.app_context():
            db.engine.dispose()
