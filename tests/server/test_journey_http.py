"""The whole respondent journey against a real gunicorn server, then the database itself.

One respondent opens the team link, starts, answers four pages and stops; a "second device"
(a new cookie jar) resumes with the resume code shown in the footer, finishes, reviews and
submits, then submits again. The first browser, opening the link again, is told its answers
were already submitted. The database must then hold exactly one complete response for this
journey, with exactly the answers and comments that were sent.
"""

from __future__ import annotations

import pytest

from tests.server.conftest import Server
from tests.server.journey import Respondent, code_hash, form_with_action

pytestmark = pytest.mark.slow

PAGES = 9
STOP_AFTER = 4


def test_journey_over_http_stores_exactly_what_was_sent(server: Server) -> None:
    before = server.responses()
    link = server.links()[0]
    first = Respondent(server.base_url, link, seed=1, dk_share=0.2, comment_share=1.0)
    second = Respondent(server.base_url, link, seed=2, dk_share=0.2, comment_share=1.0)
    try:
        # Device 1: open the link (token swapped for a cookie), start with a role, 4 pages.
        opened = first.open()
        assert opened.history
        assert opened.history[0].status_code == 302
        assert opened.url == server.base_url + "/s/"
        first.start(role="1")
        assert first.code is not None
        first.answer_pages(1, STOP_AFTER, html=None)
        # Leaving and coming back on the same device continues where it stopped.
        again = first.get("/s/")
        assert again.url.endswith(f"/s/page/{STOP_AFTER + 1}")

        # Device 2: the resume code (typed in lower case, with spaces) continues the draft.
        resumed = second.resume(first.code.lower().replace("-", " "))
        first.expect(resumed, 200, f"/s/page/{STOP_AFTER + 1}")
        # The first pages show device 1's answers, checked.
        for number in range(1, STOP_AFTER + 1):
            form = second.page_form(number)
            sent = first.sent[number]
            assert form.checked == {f"q_{k}": str(v) for k, v in sent.answers.items()}
            assert form.textareas == {f"q_{k}": v for k, v in sent.texts.items()}
        landed = second.answer_pages(STOP_AFTER + 1, PAGES)
        assert landed.url.endswith("/s/review")
        second.review()
        done = second.submit()
        second.expect(done, 200, "/s/thanks")
        assert second.submitted
        # A double click or a refresh of the POST: same form, nothing new.
        twice = second.submit()
        second.expect(twice, 200, "/s/thanks")
        review_after = second.get("/s/review")
        assert "Already answered" in review_after.text

        # Device 1 opens the link again: already answered, nothing editable.
        reopened = first.open()
        assert "Already answered" in reopened.text
        page = first.get("/s/page/1")
        assert "Already answered" in page.text
        assert 'name="q_' not in page.text
        # Device 1 still holds an old page form: posting it changes nothing.
        stale = {"csrf_token": first.csrf, "nav": "next"}
        stale.update({f"q_{k}": "1" for k in first.sent[1].answers})
        late = first.post("/s/page/1", stale)
        assert late.status_code in (200, 409)
        assert "Already answered" in late.text or "already submitted" in late.text

        statuses = first.statuses + second.statuses
        assert all(status < 500 for status in statuses), statuses
    finally:
        first.close()
        second.close()

    after = server.responses()
    new = [r for r in after if r.id not in {b.id for b in before}]
    assert len(new) == 1, new
    stored = new[0]
    assert stored.status == "complete"
    assert stored.resume_code_hash == code_hash(server.secret_key, first.code)
    assert stored.submit_key == second.submit_key
    expected = {**first.expected_answers(), **second.expected_answers()}
    assert set(expected) == set(stored.answer_item_ids)  # every question was answered
    assert stored.answers == expected
    assert stored.answered == len(expected)
    assert "dk" in expected.values()  # the codec's "don't know" marker went through too
    assert stored.texts == {**first.expected_texts(), **second.expected_texts()}
    assert stored.page == PAGES
    assert server.server_errors() == []


def test_invalid_link_and_resume_code_answer_without_errors(sqlite_server: Server) -> None:
    server = sqlite_server
    link = server.links()[0]
    visitor = Respondent(server.base_url, link, seed=3)
    try:
        bad = visitor.get("/s/not-a-valid-token")
        assert bad.status_code == 404
        assert "Link not valid" in bad.text
        welcome = visitor.open()
        form = form_with_action(welcome.text, "/s/resume")
        wrong = visitor.post("/s/resume", {"csrf_token": form.hidden["csrf_token"],
                                           "code": "0000-0000-0000"})
        assert wrong.status_code == 400
        assert "does not match" in wrong.text
        assert all(status < 500 for status in visitor.statuses)
    finally:
        visitor.close()
    assert server.server_errors() == []
