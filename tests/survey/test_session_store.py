"""The respondent session store (assess.survey.session_store), tested directly.

The stored shape is what browsers already carry in their cookies, so it is spelled out here
literally: a change to it would strand every respondent's "resume on this device".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask, session

from assess.services.survey import format_code
from assess.survey import session_store
from assess.survey.session_store import (
    MAX_DRAFTS_PER_BROWSER,
    MAX_LINKS_PER_BROWSER,
    SESSION_KEY,
    Binding,
    LinkEntry,
)
from tests.survey.survey_support import Respondent

NONCE = "0123456789abcdef" * 2


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/s/"):
        yield


@pytest.mark.usefixtures("request_context")
def test_binding_a_link_stores_its_hash_and_a_fresh_start_nonce() -> None:
    session_store.bind(7, "hash-7")
    stored = session[SESSION_KEY]
    assert stored["current"] == 7
    assert list(stored["links"]) == ["7"]
    entry = stored["links"]["7"]
    assert set(entry) == {"hash", "start"}
    assert entry["hash"] == "hash-7"
    assert re.fullmatch(r"[0-9a-f]{32}", entry["start"])
    assert session.permanent  # survives closing the browser: resume on this device
    assert session_store.binding() == Binding(7, "hash-7", LinkEntry(
        token_hash="hash-7", start_nonce=entry["start"]))


@pytest.mark.usefixtures("request_context")
def test_the_draft_is_recorded_in_the_current_entry_in_the_stored_format() -> None:
    session[SESSION_KEY] = {"current": 7, "links": {"7": {"hash": "h", "start": NONCE}}}
    session_store.update_current(uid="u", proof="p", resume_code="c")
    assert session[SESSION_KEY] == {"current": 7, "links": {"7": {
        "hash": "h", "start": NONCE, "uid": "u", "proof": "p", "code": "c"}}}
    entry = session_store.current_entry()
    assert entry == LinkEntry("h", NONCE, "u", "p", "c")


@pytest.mark.usefixtures("request_context")
def test_reopening_a_link_keeps_its_entry_while_the_hash_matches() -> None:
    kept = {"hash": "h", "start": NONCE, "uid": "u", "proof": "p", "code": "c"}
    session[SESSION_KEY] = {"current": 3, "links": {"7": dict(kept), "3": {"hash": "x"}}}
    session_store.bind(7, "h")
    assert session[SESSION_KEY] == {"current": 7, "links": {"3": {"hash": "x"}, "7": kept}}


@pytest.mark.usefixtures("request_context")
def test_a_regenerated_link_starts_its_entry_afresh() -> None:
    session[SESSION_KEY] = {"current": 7, "links": {"7": {
        "hash": "old", "start": NONCE, "uid": "u", "proof": "p", "code": "c"}}}
    session_store.bind(7, "new")
    entry = session[SESSION_KEY]["links"]["7"]
    assert set(entry) == {"hash", "start"}
    assert entry["hash"] == "new"
    assert entry["start"] != NONCE


@pytest.mark.usefixtures("request_context")
def test_other_links_entries_are_left_as_they_are() -> None:
    other = {"hash": "b", "uid": "someone", "unknown": [1, 2]}
    session[SESSION_KEY] = {"current": 1, "links": {"1": {"hash": "a"}, "2": other}}
    session_store.update_current(uid="u", proof="p", resume_code="c")
    assert session[SESSION_KEY]["links"]["2"] == other


@pytest.mark.usefixtures("request_context")
def test_the_oldest_links_drop_out_beyond_the_limit() -> None:
    for link_id in range(1, MAX_LINKS_PER_BROWSER + 3):
        session_store.bind(link_id, f"hash-{link_id}")
    links = session[SESSION_KEY]["links"]
    assert list(links) == [str(i) for i in range(3, MAX_LINKS_PER_BROWSER + 3)]
    session_store.bind(3, "hash-3")  # used again: now the most recent
    assert list(session[SESSION_KEY]["links"])[-1] == "3"


@pytest.mark.usefixtures("request_context")
def test_links_opened_elsewhere_never_push_out_a_draft_in_progress() -> None:
    # A respondent has a draft on link 1; a page elsewhere then opens many foreign team links
    # in the same browser (a GET each, which any site can cause).
    session_store.bind(1, "hash-1")
    session_store.update_current(uid="u", proof="p", resume_code="c")
    for link_id in range(2, MAX_LINKS_PER_BROWSER * 3):
        session_store.bind(link_id, f"hash-{link_id}")
    links = session[SESSION_KEY]["links"]
    assert len(links) == MAX_LINKS_PER_BROWSER
    assert links["1"] == {"hash": "hash-1", "start": links["1"]["start"], "uid": "u",
                          "proof": "p", "code": "c"}
    session_store.bind(1, "hash-1")
    assert session_store.current_entry().uid == "u"


@pytest.mark.usefixtures("request_context")
def test_drafts_drop_out_only_beyond_their_own_limit() -> None:
    for link_id in range(1, MAX_DRAFTS_PER_BROWSER + 2):
        session_store.bind(link_id, f"hash-{link_id}")
        session_store.update_current(uid=f"u{link_id}", proof="p", resume_code="c")
    links = session[SESSION_KEY]["links"]
    assert list(links) == [str(i) for i in range(2, MAX_DRAFTS_PER_BROWSER + 2)]


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("stored", [
    None, "junk", [], {"links": []}, {"current": 7}, {"current": 7, "links": {"7": "junk"}},
    {"current": "7", "links": {"7": {"hash": "h"}}},  # the link id must be an integer
    {"current": 7, "links": {"7": {"hash": 7}}},
    {"current": 7, "links": {"7": {"uid": "u", "proof": "p"}}},
])
def test_a_session_without_a_usable_binding_binds_nothing(stored: object) -> None:
    if stored is not None:
        session[SESSION_KEY] = stored
    assert session_store.binding() is None


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize(("start", "nonce"), [
    (NONCE, NONCE), ("abc", None), (NONCE + "0", None), (123, None), (None, None)])
def test_only_a_well_formed_start_nonce_is_used(start: object, nonce: str | None) -> None:
    session[SESSION_KEY] = {"current": 7, "links": {"7": {"hash": "h", "start": start}}}
    assert session_store.current_entry().start_nonce == nonce


@pytest.mark.usefixtures("request_context")
def test_no_session_means_an_empty_entry() -> None:
    assert session_store.current_entry() == LinkEntry()
    assert LinkEntry().to_session() == {}


def test_a_session_in_the_stored_format_continues_its_draft(demo_app: Flask,
                                                            link: str) -> None:
    """A browser whose cookie holds the literal stored shape (as earlier releases wrote it)
    goes on with its draft."""
    person = Respondent(demo_app, demo_app.test_client(), link)
    person.open()
    person.start()
    person.answer_pages(1)
    with person.client.session_transaction() as stored:
        value = stored[SESSION_KEY]
    link_id = value["current"]
    entry = value["links"][str(link_id)]
    assert set(entry) == {"hash", "start", "uid", "proof", "code"}

    returning = demo_app.test_client()
    with returning.session_transaction() as fresh:
        fresh[SESSION_KEY] = {"current": link_id, "links": {str(link_id): {
            "hash": entry["hash"], "start": entry["start"], "uid": entry["uid"],
            "proof": entry["proof"], "code": entry["code"]}}}
    response = returning.get("/s/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/s/page/2")
    assert format_code(entry["code"]) in returning.get("/s/page/2").get_data(as_text=True)


def test_foreign_links_opened_in_the_browser_leave_the_draft_in_progress(
        demo_app: Flask, respondent: Respondent) -> None:
    from assess.models import Campaign
    from assess.services.links import link_rows

    assert respondent.post_page(1).status_code == 302
    back = respondent.open()
    assert back.status_code == 302
    with demo_app.app_context():
        from assess.extensions import db

        others = [row["url"] for campaign in db.session.query(Campaign).all()
                  for row in link_rows(campaign)]
    others = [url[url.index("/s/"):] for url in others]
    others = [path for path in others if path != respondent.link]
    assert len(others) > MAX_LINKS_PER_BROWSER
    for path in others:
        respondent.client.get(path)
    reopened = respondent.open()
    assert reopened.headers["Location"] == back.headers["Location"]
    assert respondent.answers() == respondent.expected(1)
