"""Hostile names and questionnaire texts are shown as text, never run as markup or templates.

An organisation, campaign and team are named with markup (``<script>``, a broken-out
attribute, ``</title>``) and template syntax (``{{7*7}}``, ``{{config.SECRET_KEY}}``), through
the same services the coach tests use (``make_workspace``). The questionnaire is a new version
of the shipped readiness instrument, loaded with ``load_into_database``, whose title,
description, roles, scale labels, page titles and descriptions, question texts, help and
comment label all carry markup. A respondent then walks the whole journey (welcome, every
page, review, thank-you and the pages shown instead of them) and each page must show every
hostile string escaped: the raw markup never appears, the escaped text does, no template
expression is evaluated, and the only script on a page is the app's own file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from assess.definitions import Questionnaire
from assess.extensions import db
from assess.models import Response
from assess.services.questionnaires import load_into_database
from tests.coach.conftest import Workspace, make_workspace
from tests.conftest import QUESTIONNAIRES
from tests.survey.survey_support import (
    Element,
    campaign_definition,
    field,
    parse_html,
    set_campaign_window,
)

# --- the hostile data ------------------------------------------------------------------------

ORG = '<script>alert("org")</script> & Co'
CAMPAIGN = "</title><script>alert('wave')</script> wave {{7*7}}w"
TEAM = '"><img src=x onerror=alert(1)> team {{config.SECRET_KEY}}'

Q_TITLE = '</title><script>alert("title")</script>'
Q_DESCRIPTION = "<p onclick=\"alert('desc')\">{{7*7}}q</p>"
ROLE = "<img src=x onerror=alert('role')>"
SCALE_LABEL = "<script>alert('scale')</script>"
DONT_KNOW_LABEL = "'><svg onload=alert('dk')>"
HELP = "<iframe src=javascript:alert('help')></iframe>"
COMMENT_LABEL = "</textarea><script>alert('comment')</script>"
TYPED_COMMENT = "</textarea><script>alert('typed')</script> {{7*7}}t"

# Evaluated template expressions would put these on a page.
EVALUATED = ("49w", "49q", "49t", "49d")

READINESS = QUESTIONNAIRES / "transformation-readiness" / "questionnaire.yaml"
COACH = "hostile.names@example.org"


def dimension_title(number: int) -> str:
    return f"</title><script>alert('dim{number}')</script>"


def dimension_description(number: int) -> str:
    return f"\"><img src=x onerror=alert('about{number}')> {{{{7*7}}}}d{number}"


def item_text(item_id: str) -> str:
    return f"<b>{item_id}</b>\"><img src=x onerror=alert('{item_id}')>"


def hostile_questionnaire(folder: Path) -> None:
    """Version 2 of the readiness questionnaire with markup in every text a respondent sees."""
    data: dict[str, Any] = yaml.safe_load(READINESS.read_text(encoding="utf-8"))
    data["version"] = 2
    data["title"] = Q_TITLE
    data["description"] = Q_DESCRIPTION
    data["roles"] = [ROLE, "team lead"]
    scale = data["scales"]["agree5"]
    scale["labels"] = [SCALE_LABEL, *scale["labels"][1:]]
    scale["dont_know_label"] = DONT_KNOW_LABEL
    for number, dimension in enumerate(data["dimensions"], start=1):
        dimension["title"] = dimension_title(number)
        dimension["description"] = dimension_description(number)
        for item in dimension["items"]:
            item["text"] = COMMENT_LABEL if item.get("type") == "text" else item_text(item["id"])
    data["dimensions"][0]["items"][0]["help"] = HELP
    folder.mkdir(parents=True)
    (folder / "questionnaire.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def hostile(app: Flask, tmp_path: Path) -> Workspace:
    folder = tmp_path / "hostile-readiness"
    hostile_questionnaire(folder)
    with app.app_context():
        load_into_database([folder])
    # make_workspace loads the shipped files too and uses the latest readiness version: ours.
    return make_workspace(app, COACH, ORG, CAMPAIGN, [TEAM])


@pytest.fixture
def definition(app: Flask, hostile: Workspace) -> Questionnaire:
    definition = campaign_definition(app, str(hostile.campaign_id))
    assert definition.title.get() == Q_TITLE  # the campaign really uses the hostile version
    return definition


# --- checks ----------------------------------------------------------------------------------

def shown_as_text(html: str, *texts: str) -> None:
    """Each text is on the page escaped, and its raw markup is not."""
    for text in texts:
        assert str(escape(text)) in html, text
        if str(escape(text)) != text:
            assert text not in html, text


def no_injected_markup(app: Flask, html: str) -> Element:
    """Nothing from the hostile data became markup, and no template expression ran."""
    document = parse_html(html)
    for element in document.iter():
        assert element.tag not in ("img", "svg", "iframe", "b"), element
        assert not [name for name in element.attrs if name.startswith("on")], element
        if element.tag == "script":
            assert element.attrs.get("src") == "/static/survey.js", element
            assert element.text.strip() == "", element
    for evaluated in EVALUATED:
        assert evaluated not in html
    assert app.config["SECRET_KEY"] not in html
    return document


def title_of(document: Element) -> str:
    title = document.find("title")
    assert title is not None
    return title.text


def heading_of(document: Element) -> str:
    heading = document.find("h1")
    assert heading is not None
    return heading.text.strip()


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def started(app: Flask, workspace: Workspace, role: str | None = "0") -> FlaskClient:
    """A respondent's browser that opened the team link and started a draft."""
    client = app.test_client()
    assert client.get(f"/s/{workspace.tokens[TEAM]}").status_code == 302
    data = {} if role is None else {"role": role}
    assert client.post("/s/start", data=data).status_code == 302
    return client


def comment_item(definition: Questionnaire) -> tuple[int, str]:
    for number, dimension in enumerate(definition.dimensions, start=1):
        for item in dimension.items:
            if item.type == "text":
                return number, item.id
    raise AssertionError("the readiness questionnaire has a comment question")


# --- the respondent journey ------------------------------------------------------------------

@pytest.mark.usefixtures("definition")
def test_welcome_page_escapes_every_name_and_text(app: Flask, hostile: Workspace) -> None:
    client = app.test_client()
    assert client.get(f"/s/{hostile.tokens[TEAM]}").status_code == 302
    html = page(client, "/s/")
    shown_as_text(html, ORG, CAMPAIGN, TEAM, Q_TITLE, Q_DESCRIPTION, ROLE)
    assert "{{7*7}}w" in html
    assert "{{config.SECRET_KEY}}" in html
    assert "{{7*7}}q" in html
    document = no_injected_markup(app, html)
    assert title_of(document) == f"{Q_TITLE} · Assess"
    assert heading_of(document) == Q_TITLE
    role = document.find("input", name="role", value="0")
    assert role is not None
    label = document.find("label", **{"for": role.attrs["id"]})
    assert label is not None
    assert label.text == ROLE


@pytest.mark.usefixtures("definition")
def test_a_hostile_role_is_stored_as_plain_text_not_pre_escaped(
        app: Flask, hostile: Workspace) -> None:
    """Escaping happens when a page is written, not on the way into the database."""
    started(app, hostile, role="0")
    with app.app_context():
        roles = list(db.session.scalars(select(Response.role)))
    assert roles == [ROLE]


def test_every_question_page_escapes_its_texts(app: Flask, hostile: Workspace,
                                               definition: Questionnaire) -> None:
    client = started(app, hostile)
    for number, dimension in enumerate(definition.dimensions, start=1):
        html = page(client, f"/s/page/{number}")
        shown_as_text(html, ORG, dimension_title(number), dimension_description(number))
        assert f"{{{{7*7}}}}d{number}" in html
        document = no_injected_markup(app, html)
        assert title_of(document) == (f"{dimension_title(number)} ({number} of "
                                      f"{len(definition.dimensions)}) · Assess")
        assert heading_of(document) == dimension_title(number)
        for item in dimension.items:
            if item.type == "text":
                shown_as_text(html, COMMENT_LABEL)
                label = document.find("label", **{"for": field(item)})
                assert label is not None
                assert label.text == COMMENT_LABEL
                continue
            shown_as_text(html, item_text(item.id), SCALE_LABEL, DONT_KNOW_LABEL)
            legends = [e.text for e in document.find_all("legend")]
            assert item_text(item.id) in legends
            first = document.find("input", name=field(item), value="1")
            assert first is not None
            label = document.find("label", **{"for": first.attrs["id"]})
            assert label is not None
            assert label.text == SCALE_LABEL
        if number == 1:
            shown_as_text(html, HELP)
        # Nothing answered: every question stays missing for the review page.
        moved = client.post(f"/s/page/{number}", data={"nav": "next"})
        assert moved.status_code == 302, (number, moved.status_code)
    assert moved.headers["Location"] == "/s/review"


def test_a_typed_comment_with_markup_comes_back_as_text(app: Flask, hostile: Workspace,
                                                        definition: Questionnaire) -> None:
    client = started(app, hostile)
    number, item_id = comment_item(definition)
    for earlier in range(1, number):
        assert client.post(f"/s/page/{earlier}", data={"nav": "next"}).status_code == 302
    dimension = definition.dimensions[number - 1]
    likert = next(item for item in dimension.items if item.type != "text")

    # Refused for a bad answer: the page comes back with the typed comment, escaped.
    refused = client.post(f"/s/page/{number}", data={
        "nav": "next", field(item_id): TYPED_COMMENT, field(likert): "99"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    shown_as_text(html, TYPED_COMMENT, ORG, dimension_title(number))
    document = no_injected_markup(app, html)
    textarea = document.find("textarea", name=field(item_id))
    assert textarea is not None
    assert textarea.text.strip() == TYPED_COMMENT

    # Saved, then shown again from the database.
    saved = client.post(f"/s/page/{number}", data={"nav": "next",
                                                   field(item_id): TYPED_COMMENT})
    assert saved.status_code == 302
    html = page(client, f"/s/page/{number}")
    shown_as_text(html, TYPED_COMMENT)
    textarea = no_injected_markup(app, html).find("textarea", name=field(item_id))
    assert textarea is not None
    assert textarea.text.strip() == TYPED_COMMENT


def test_review_thank_you_and_after_pages_escape_the_texts(app: Flask, hostile: Workspace,
                                                          definition: Questionnaire) -> None:
    client = started(app, hostile)
    for number in range(1, len(definition.dimensions) + 1):
        assert client.post(f"/s/page/{number}", data={"nav": "next"}).status_code == 302

    html = page(client, "/s/review")
    shown_as_text(html, ORG)
    document = no_injected_markup(app, html)
    for number, dimension in enumerate(definition.dimensions, start=1):
        shown_as_text(html, dimension_title(number))
        for item in dimension.items:
            if item.type != "text":  # every question is unanswered, so listed by its text
                shown_as_text(html, item_text(item.id))
    links = [a.text for a in document.find_all("a") if a.attrs.get("href", "").startswith(
        "/s/page/")]
    assert links == [f"{n}. {dimension_title(n)}"
                     for n in range(1, len(definition.dimensions) + 1)]

    key = document.find("input", name="submit_key")
    assert key is not None
    assert client.post("/s/submit", data={"submit_key": key.attrs["value"]}).status_code == 302
    html = page(client, "/s/thanks")
    shown_as_text(html, ORG)
    no_injected_markup(app, html)

    # After submitting, a page visit shows "already answered"; a write is refused with 409.
    html = page(client, "/s/page/1")
    assert "Already answered" in html
    shown_as_text(html, ORG)
    no_injected_markup(app, html)
    refused = client.post("/s/page/1", data={"nav": "next"})
    assert refused.status_code == 409
    shown_as_text(refused.get_data(as_text=True), ORG)
    no_injected_markup(app, refused.get_data(as_text=True))


@pytest.mark.usefixtures("definition")
def test_a_page_not_reached_yet_escapes_the_names(app: Flask, hostile: Workspace) -> None:
    client = started(app, hostile)
    result = client.post("/s/page/3", data={"nav": "next"})
    assert result.status_code == 409
    html = result.get_data(as_text=True)
    assert "Page not reached yet" in html
    shown_as_text(html, ORG)
    no_injected_markup(app, html)


@pytest.mark.usefixtures("definition")
def test_a_closed_campaign_escapes_its_name_in_the_title(app: Flask,
                                                         hostile: Workspace) -> None:
    client = app.test_client()
    assert client.get(f"/s/{hostile.tokens[TEAM]}").status_code == 302
    set_campaign_window(app, closes_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
                        campaign=str(hostile.campaign_id))
    html = page(client, "/s/", status=403)
    assert "This assessment is closed." in html
    shown_as_text(html, CAMPAIGN, ORG)
    document = no_injected_markup(app, html)
    assert title_of(document) == f"{CAMPAIGN} · Assess"
    assert heading_of(document) == CAMPAIGN


# --- the coach home --------------------------------------------------------------------------

@pytest.mark.usefixtures("definition")
def test_coach_home_escapes_names_and_the_questionnaire_title(app: Flask,
                                                              hostile: Workspace) -> None:
    client = app.test_client()
    assert client.post("/login", data=hostile.login).status_code == 302
    html = page(client, "/coach/")
    shown_as_text(html, ORG, CAMPAIGN, TEAM, Q_TITLE)
    assert "{{7*7}}w" in html
    assert "{{config.SECRET_KEY}}" in html
    document = no_injected_markup(app, html)
    assert document.find("script") is None
    headings = [e.text for e in document.find_all("h2")]
    assert any(h.strip() == ORG for h in headings), headings
    teams = [e.text for e in document.find_all("th", scope="row")]
    assert teams == [TEAM]
    buttons = [e.attrs.get("aria-label") for e in document.find_all("button")
               if e.attrs.get("name") == "action"]
    assert f"New link for {TEAM}" in buttons
    assert f"Revoke the link of {TEAM}" in buttons


def test_names_on_the_welcome_page_are_isolated_for_bidirectional_text(
        app: Flask, hostile: Workspace) -> None:
    # A right-to-left name must not reorder the text around it: each sits in its own <bdi>.
    client = app.test_client()
    assert client.get(f"/s/{hostile.tokens[TEAM]}").status_code == 302
    document = no_injected_markup(app, page(client, "/s/"))
    isolated = [element.text for element in document.find_all("bdi")]
    for name in (ORG, CAMPAIGN, TEAM):
        assert name in isolated, name
