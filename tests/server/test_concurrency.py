"""Many respondents at once against a real gunicorn server (4 sync workers).

* 50 respondents, each with its own cookie jar, answer all pages, then press Submit at the
  same moment (a barrier before the final POST), ten of them on two devices at once, on SQLite
  and on PostgreSQL: exactly 50 complete responses are added, each with exactly its own
  answers, no 5xx, no "database is locked" in any answer or in the server's log.
* 32 concurrent writers saving pages on SQLite: no "database is locked", no 5xx, and every
  acknowledged save is in the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest

from tests.server.conftest import Server, ServerFactory
from tests.server.journey import Respondent, StoredResponse, code_hash

pytestmark = pytest.mark.slow

PAGES = 9
TWINS = 10
T = TypeVar("T")


def run_all(work: Callable[[T], object], items: Iterable[T], threads: int) -> None:
    """Run ``work`` on every item in a thread pool; the first exception fails the test."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(work, item) for item in items]:
            future.result()


def check_no_server_failure(server: Server, respondents: list[Respondent]) -> None:
    statuses = [status for r in respondents for status in r.statuses]
    assert [s for s in statuses if s >= 500] == []
    assert sum(r.bodies_with_locked for r in respondents) == 0
    log = server.log()
    assert "database is locked" not in log
    assert server.server_errors() == [], log[-5000:]


def match_stored(server: Server, respondents: list[Respondent],
                 new: list[StoredResponse]) -> dict[Respondent, StoredResponse]:
    by_hash = {row.resume_code_hash: row for row in new}
    matched = {}
    for respondent in respondents:
        assert respondent.code is not None
        matched[respondent] = by_hash[code_hash(server.secret_key, respondent.code)]
    return matched


def test_fifty_simultaneous_submits_give_fifty_complete_responses(server: Server) -> None:
    links = server.links()
    before = {row.id for row in server.responses()}
    respondents = [Respondent(server.base_url, links[i % len(links)], seed=100 + i)
                   for i in range(50)]
    # Ten of them also have the review page open on a second device (resumed with the code):
    # both devices press Submit at the same moment.
    twins = [Respondent(server.base_url, r.link, seed=200 + i)
             for i, r in enumerate(respondents[:TWINS])]
    everyone = respondents + twins
    barrier = threading.Barrier(len(everyone))

    def prepare(i: int) -> None:
        respondent = respondents[i]
        respondent.start(role=str(respondent.rng.randrange(4)))
        landed = respondent.answer_pages(1, PAGES, html=None)
        assert landed.url.endswith("/s/review")
        respondent.review()
        if i < TWINS:
            twin = twins[i]
            twin.expect(twin.resume(respondent.code or ""), 200, "/s/review")
            twin.review()
            assert twin.submit_key == respondent.submit_key

    def submit(respondent: Respondent) -> None:
        barrier.wait(timeout=120)
        response = respondent.submit()
        respondent.expect(response, 200, "/s/thanks")

    try:
        run_all(prepare, range(len(respondents)), threads=8)
        run_all(submit, everyone, threads=len(everyone))
        assert all(r.submitted for r in everyone)
        check_no_server_failure(server, everyone)
    finally:
        for respondent in everyone:
            respondent.close()

    new = [row for row in server.responses() if row.id not in before]
    assert len(new) == 50
    assert all(row.status == "complete" for row in new)
    for respondent, row in match_stored(server, respondents, new).items():
        assert row.answers == respondent.expected_answers()
        assert row.answered == len(row.answers) == len(row.answer_item_ids)
        assert row.texts == respondent.expected_texts()
        assert row.submit_key == respondent.submit_key


def test_thirty_two_concurrent_page_writers_on_sqlite(make_server: ServerFactory) -> None:
    server = make_server()
    links = server.links()
    before = {row.id for row in server.responses()}
    writers = [Respondent(server.base_url, links[i % len(links)], seed=500 + i)
               for i in range(32)]
    barrier = threading.Barrier(len(writers))

    def prepare(writer: Respondent) -> None:
        writer.start()

    def write(writer: Respondent) -> None:
        barrier.wait(timeout=120)
        forms = {}
        for number in range(1, PAGES + 1):  # first pass: every page, in order
            forms[number] = writer.page_form(number)
            saved = writer.save_page(number, forms[number], follow=False)
            assert saved.status_code == 302, (saved.status_code, saved.text[:500])
        for number in range(1, PAGES + 1):  # second pass: change every answer again
            saved = writer.save_page(number, forms[number], follow=False)
            assert saved.status_code == 302, (saved.status_code, saved.text[:500])

    try:
        run_all(prepare, writers, threads=8)
        run_all(write, writers, threads=len(writers))
        check_no_server_failure(server, writers)
    finally:
        for writer in writers:
            writer.close()

    new = [row for row in server.responses() if row.id not in before]
    assert len(new) == 32
    for writer, row in match_stored(server, writers, new).items():
        assert row.status == "draft"
        assert row.page == PAGES
        assert row.answers == writer.expected_answers()  # the last save of every page
        assert row.answered == len(row.answers)
        assert row.texts == writer.expected_texts()
