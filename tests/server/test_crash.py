"""A crash in the middle of a burst of page saves and submits leaves nothing half-written.

Forty respondents, prepared to different points of the questionnaire, save their remaining
pages and submit all at once; once a dozen of them have been told "submitted", gunicorn's
master and workers are killed together with SIGKILL. Each respondent recorded, client side,
what it sent, which requests were acknowledged and which one was in flight. The database must
then hold, for every respondent, either a complete response with all its answers, or a draft
whose pages are each either fully saved or untouched (only the page in flight may go either
way); every acknowledged request is there. After a restart every draft is resumed on a new
device with its resume code, finished and submitted.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.server.conftest import Server
from tests.server.journey import JourneyError, Respondent, StoredResponse, code_hash

pytestmark = pytest.mark.slow

PAGES = 9
RESPONDENTS = 40
KILL_AFTER_SUBMITS = 12


def page_of(row: StoredResponse, values: dict[str, object], number: int) -> dict[str, object]:
    return {k: v for k, v in values.items() if row.item_pages[k] == number}


def check_consistent(respondent: Respondent, row: StoredResponse) -> None:
    """Complete with everything, or a draft made of whole pages; acknowledged writes kept."""
    assert row.answered == len(row.answers)
    if row.status == "complete":
        assert row.answers == respondent.expected_answers()
        assert set(row.answers) == set(row.answer_item_ids)
        assert row.texts == respondent.expected_texts()
        assert row.page == PAGES
        return
    assert row.status == "draft"
    assert not respondent.submitted, "an acknowledged submit was lost"
    for number in range(1, PAGES + 1):
        stored = page_of(row, row.answers, number)
        stored_texts = page_of(row, row.texts, number)
        sent = respondent.sent.get(number)
        whole = (sent.answers, {k: v for k, v in sent.texts.items() if v}) if sent else None
        if number in respondent.acknowledged:
            assert (stored, stored_texts) == whole, f"acknowledged page {number} lost"
        elif number == respondent.in_flight:
            assert (stored, stored_texts) in (whole, ({}, {})), f"page {number} half-saved"
        else:
            assert (stored, stored_texts) == ({}, {}), f"page {number} never sent"
    reached = max(respondent.acknowledged, default=0)
    assert row.page in {reached, respondent.in_flight or reached}


def test_sigkill_mid_burst_leaves_whole_responses_or_resumable_drafts(server: Server) -> None:
    links = server.links()
    before = {row.id for row in server.responses()}
    respondents = [Respondent(server.base_url, links[i % len(links)], seed=900 + i)
                   for i in range(RESPONDENTS)]
    progress = {r: i % (PAGES + 1) for i, r in enumerate(respondents)}  # pages done before
    submitted = threading.Semaphore(0)
    crashed: set[Respondent] = set()

    def prepare(respondent: Respondent) -> None:
        respondent.start()
        if progress[respondent]:
            respondent.answer_pages(1, progress[respondent])

    def burst(respondent: Respondent) -> None:
        try:
            for number in range(progress[respondent] + 1, PAGES + 1):
                form = respondent.page_form(number)
                saved = respondent.save_page(number, form, follow=False)
                if saved.status_code != 302:
                    raise JourneyError(f"page {number}: {saved.status_code} {saved.text[:500]}")
            respondent.review()
            done = respondent.submit(follow=False)
            if not respondent.submitted:
                raise JourneyError(f"submit: {done.status_code} {done.text[:500]}")
            submitted.release()
        except requests.RequestException:
            crashed.add(respondent)  # the server died under this request

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(prepare, respondents))
        with ThreadPoolExecutor(max_workers=RESPONDENTS) as pool:
            futures = [pool.submit(burst, r) for r in respondents]
            for _ in range(KILL_AFTER_SUBMITS):
                assert submitted.acquire(timeout=120), "the burst did not get going"
            server.kill()
            for future in futures:
                future.result()
        assert crashed, "the kill came after the burst: nothing was in flight"
        assert [s for r in respondents for s in r.statuses if s >= 500] == []

        rows = [row for row in server.responses() if row.id not in before]
        assert len(rows) == RESPONDENTS
        by_hash = {row.resume_code_hash: row for row in rows}
        stored = {r: by_hash[code_hash(server.secret_key, r.code or "")] for r in respondents}
        for respondent, row in stored.items():
            check_consistent(respondent, row)
        drafts = [r for r, row in stored.items() if row.status == "draft"]
        assert drafts, "every response completed before the kill"

        # Restart; every draft is continued on another device with its resume code.
        server.start()

        def finish(respondent: Respondent) -> dict[str, object]:
            row = stored[respondent]
            seed = 1900 + respondents.index(respondent)
            device = Respondent(server.base_url, respondent.link, seed=seed)
            try:
                resumed = device.resume(respondent.code or "")
                target = "/s/review" if row.page >= PAGES else f"/s/page/{row.page + 1}"
                device.expect(resumed, 200, target)
                if row.page < PAGES:
                    device.answer_pages(row.page + 1, PAGES, html=resumed.text)
                device.review()
                device.expect(device.submit(), 200, "/s/thanks")
                assert [s for s in device.statuses if s >= 500] == []
                return {"answers": {**row.answers, **device.expected_answers()},
                        "texts": {**row.texts, **device.expected_texts()}}
            finally:
                device.close()

        with ThreadPoolExecutor(max_workers=8) as pool:
            expected = dict(zip(drafts, pool.map(finish, drafts), strict=True))
        assert server.server_errors() == [], server.log()[-5000:]
    finally:
        for respondent in respondents:
            respondent.close()

    final = {row.resume_code_hash: row for row in server.responses() if row.id not in before}
    assert len(final) == RESPONDENTS
    assert all(row.status == "complete" for row in final.values())
    for respondent in respondents:
        row = final[code_hash(server.secret_key, respondent.code or "")]
        assert row.answered == len(row.answers) == len(row.answer_item_ids)
        if respondent in expected:
            assert row.answers == expected[respondent]["answers"]
            assert row.texts == expected[respondent]["texts"]
        else:
            assert row.answers == respondent.expected_answers()
            assert row.texts == respondent.expected_texts()
