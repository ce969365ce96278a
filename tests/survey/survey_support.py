"""Helpers of the respondent-journey tests: a respondent, database reads, an HTML tree.

A ``Respondent`` is one browser (one test client) holding a team link of "Maturity wave 2".
It drives the journey through the real routes and reads its own response back from the
database (the packed answers through ``answer_codec.decode``), so tests can check what was
stored, not only what was shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from werkzeug.test import TestResponse

from assess import answer_codec
from assess.definitions import Dimension, Item, Questionnaire

CAMPAIGN = "Maturity wave 2"
TEAM = "Atlas (portfolio office)"
OTHER_TEAM = "Beacon (platform team)"

# Answers that are valid for every item of the maturity questionnaire.
LIKERT_ANSWER = "4"
RUBRIC_ANSWER = "3"


# --- reading the database --------------------------------------------------------------

def team_link_path(app: Flask, team: str = TEAM, campaign: str = CAMPAIGN) -> str | None:
    """The path (``/s/<token>``) of a team's current link, or None when it is revoked."""
    from assess.services.links import link_rows
    from assess.services.lookup import campaign_by_ref

    with app.app_context():
        rows = link_rows(campaign_by_ref(campaign))
    url = next(row["url"] for row in rows if row["team"] == team)
    return None if url is None else urlsplit(str(url)).path


def campaign_definition(app: Flask, campaign: str = CAMPAIGN) -> Questionnaire:
    from assess.services.lookup import campaign_by_ref
    from assess.services.questionnaires import definition_of

    with app.app_context():
        return definition_of(campaign_by_ref(campaign).questionnaire_version)


def set_campaign_window(app: Flask, *, opens_at: dt.datetime | None = None,
                        closes_at: dt.datetime | None = None,
                        campaign: str = CAMPAIGN) -> None:
    """Move the wave's window in the database (as a coach editing it would)."""
    from assess.extensions import db
    from assess.services.lookup import campaign_by_ref

    with app.app_context():
        row = campaign_by_ref(campaign)
        if opens_at is not None:
            row.opens_at = opens_at
        if closes_at is not None:
            row.closes_at = closes_at
        db.session.commit()


def database_snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for "nothing changed" comparisons."""
    from assess.extensions import db

    with app.app_context():
        snapshot: dict[str, list[tuple[Any, ...]]] = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            snapshot[table.name] = sorted((tuple(row) for row in rows), key=repr)
        return snapshot


def row_counts(app: Flask) -> dict[str, int]:
    from assess.extensions import db

    with app.app_context():
        return {table.name: db.session.scalar(
                    text(f'SELECT count(*) FROM "{table.name}"'))  # names from the metadata
                for table in db.metadata.sorted_tables}


# --- reading HTML ----------------------------------------------------------------------

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}


class Element:
    """A parsed HTML element: enough of a DOM to check structure and attributes."""

    def __init__(self, tag: str, attrs: dict[str, str | None],
                 parent: Element | None = None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Descendants by tag and attribute values (``class_`` matches one CSS class)."""
        found = []
        for element in self.iter():
            if element is self or (tag is not None and element.tag != tag):
                continue
            if all(self._matches(element, name, value) for name, value in attrs.items()):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Element | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    @staticmethod
    def _matches(element: Element, name: str, value: str) -> bool:
        if name == "class_":
            return value in (element.attrs.get("class") or "").split()
        return element.attrs.get(name) == value

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(response: TestResponse | str) -> Element:
    builder = _TreeBuilder()
    builder.feed(response if isinstance(response, str) else response.get_data(as_text=True))
    builder.close()
    return builder.root


def checked_value(document: Element, name: str) -> str | None:
    """The value of the checked radio button of a group, if any."""
    for element in document.find_all("input", name=name):
        if "checked" in element.attrs:
            return element.attrs.get("value")
    return None


# --- answers for a page ----------------------------------------------------------------

def field(item: Item | str) -> str:
    return "q_" + (item if isinstance(item, str) else item.id)


def valid_answer(item: Item) -> str:
    if item.type == "text":
        return ""
    return RUBRIC_ANSWER if item.type == "rubric" else LIKERT_ANSWER


def page_answers(dimension: Dimension, overrides: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """Form data answering every question of a page validly, some fields replaced."""
    data: dict[str, Any] = {field(item): valid_answer(item) for item in dimension.items}
    data.update(overrides or {})
    return data


def expected_answers(dimension: Dimension) -> dict[str, answer_codec.Answer]:
    """What ``page_answers(dimension)`` stores for the page's scored and rubric items."""
    return {item.id: int(valid_answer(item)) for item in dimension.items
            if item.type != "text"}


# --- a respondent ----------------------------------------------------------------------

class Respondent:
    """One browser on a team link."""

    def __init__(self, app: Flask, client: FlaskClient, link: str) -> None:
        self.app = app
        self.client = client
        self.link = link
        self.definition = campaign_definition(app)

    # journey
    def open(self) -> TestResponse:
        return self.client.get(self.link)

    def start(self, role: str | None = None) -> TestResponse:
        data = {} if role is None else {"role": role}
        return self.client.post("/s/start", data=data)

    def dimension(self, number: int) -> Dimension:
        return self.definition.dimensions[number - 1]

    def page_data(self, number: int, overrides: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
        """Valid answers to every question of the page, with ``overrides`` (by field name)."""
        return page_answers(self.dimension(number), overrides)

    def expected(self, number: int, **changes: answer_codec.Answer) -> dict[str, Any]:
        """The stored answers after ``page_data(number)`` was saved (changes by item id)."""
        return {**expected_answers(self.dimension(number)), **changes}

    @property
    def pages(self) -> int:
        return len(self.definition.dimensions)

    def post_page(self, number: int, data: dict[str, Any] | None = None, *, nav: str = "next",
                  autosave: bool = False, **kwargs: Any) -> TestResponse:
        body = dict(page_answers(self.dimension(number)) if data is None else data)
        body.setdefault("nav", nav)
        headers = {"X-Assess-Autosave": "1"} if autosave else {}
        return self.client.post(f"/s/page/{number}", data=body, headers=headers, **kwargs)

    def answer_pages(self, upto: int | None = None) -> None:
        """Answer pages 1..upto (all pages by default) validly, in order."""
        for number in range(1, (upto or self.pages) + 1):
            result = self.post_page(number)
            assert result.status_code == 302, (number, result.status_code)

    def review(self) -> TestResponse:
        return self.client.get("/s/review")

    def submit(self, submit_key: str | None = None) -> TestResponse:
        key = self.submit_key() if submit_key is None else submit_key
        return self.client.post("/s/submit", data={"submit_key": key})

    # browser session
    def session_state(self) -> dict[str, Any]:
        """The browser session's entry for the link this respondent is using."""
        with self.client.session_transaction() as session:
            value = session.get("survey", {})
        entries = value.get("links", {}) if isinstance(value, dict) else {}
        return dict(entries.get(str(value.get("current")), {}))

    @property
    def uid(self) -> str:
        return str(self.session_state()["uid"])

    @property
    def resume_code(self) -> str:
        return str(self.session_state()["code"])

    # database
    def row(self) -> dict[str, Any]:
        """The stored Response row as a column -> value mapping."""
        from assess.extensions import db
        from assess.models import Response

        with self.app.app_context():
            response = db.session.scalar(select(Response).where(Response.uid == self.uid))
            assert response is not None
            return {column.key: getattr(response, column.key)
                    for column in Response.__table__.columns}

    def answers(self) -> dict[str, answer_codec.Answer]:
        ids = [item.id for item in self.definition.answer_items]
        return answer_codec.decode(ids, self.row()["values"])

    def texts(self) -> dict[str, str]:
        from assess.extensions import db
        from assess.models import TextAnswer

        response_id = self.row()["id"]
        with self.app.app_context():
            rows = db.session.scalars(
                select(TextAnswer).where(TextAnswer.response_id == response_id))
            return {row.item_id: row.text for row in rows}

    def submit_key(self) -> str:
        return str(self.row()["submit_key"])


