"""A full disk under SQLite (the database may not grow: ``PRAGMA max_page_count``, which makes
SQLite answer exactly as on a full file system, SQLITE_FULL): respondents get a friendly 503
with Retry-After, and afterwards every response is whole or still a resumable draft."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import event, text

from assess.extensions import db
from tests.survey.survey_support import Respondent, field

LONG_COMMENT = "words that need room " * 45  # under the 1,000-character limit


def fill_the_disk(app: Flask) -> Callable[..., None]:
    """From now on no connection of the app may make the database file any larger; returns
    the hook that does it, for :func:`free_the_disk`."""
    with app.app_context():
        engine = db.engine
        pages = db.session.execute(text("PRAGMA page_count")).scalar()
        db.session.commit()

        def _no_growth(dbapi_connection, _record) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        event.listen(engine, "connect", _no_growth)
        engine.dispose()
    return _no_growth


def free_the_disk(app: Flask, hook: Callable[..., None]) -> None:
    with app.app_context():
        event.remove(db.engine, "connect", hook)
        db.engine.dispose()


def save_until_refused(respondent: Respondent, number: int):
    dimension = respondent.dimension(number)
    comment = next(item for item in dimension.items if item.type == "text")
    for _ in range(20):  # each save needs new pages sooner or later
        result = respondent.post_page(
            number, respondent.page_data(number, {field(comment): LONG_COMMENT}))
        if result.status_code != 302:
            return result
    raise AssertionError("the database never filled up")


def test_a_full_disk_answers_503_and_loses_nothing(demo_app: Flask, respondent: Respondent
                                                   ) -> None:
    assert respondent.post_page(1).status_code == 302
    saved = respondent.answers()
    fill_the_disk(demo_app)
    refused = save_until_refused(respondent, 2)
    assert refused.status_code == 503, refused.get_data(as_text=True)[-3000:]
    assert refused.headers["Retry-After"]
    page = refused.get_data(as_text=True)
    assert "Nothing was changed" in page or "try again" in page
    assert "Traceback" not in page
    # The draft is whole: page 1 as saved, and it still resumes.
    assert {k: v for k, v in respondent.answers().items() if k in saved} == saved
    assert respondent.client.get("/s/").status_code == 302


def test_after_space_is_freed_the_same_draft_saves_and_submits(demo_app: Flask,
                                                               respondent: Respondent) -> None:
    respondent.answer_pages(respondent.pages - 1)
    hook = fill_the_disk(demo_app)
    assert save_until_refused(respondent, respondent.pages).status_code == 503
    free_the_disk(demo_app, hook)
    respondent.answer_pages()
    assert respondent.submit().status_code == 302
    assert respondent.row()["status"] == "complete"
    assert respondent.answers() == {k: v for number in range(1, respondent.pages + 1)
                                    for k, v in respondent.expected(number).items()}
