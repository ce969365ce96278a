"""What the database file keeps about respondents, read from the raw SQLite files.

A cleared or rewritten comment must be gone from the database file and its write-ahead log,
not only from the table; a successful resume leaves no dated trace of the attempt.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from assess.extensions import db
from assess.models import RateCounter
from tests.survey.survey_support import Respondent, field

COMMENT = "standards.comment"
SECRET = "Our sponsor reviews QZXWV-canary every Friday"


def raw_bytes(app: Flask) -> bytes:
    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_sqlite_deletes_securely(demo_app: Flask) -> None:
    with demo_app.app_context():
        assert db.session.connection().exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_a_cleared_comment_leaves_no_trace_in_the_files(demo_app: Flask,
                                                         respondent: Respondent) -> None:
    canary = SECRET.encode()
    saved = respondent.post_page(1, respondent.page_data(1, {field(COMMENT): SECRET}))
    assert saved.status_code == 302
    assert canary in raw_bytes(demo_app)  # stored, so the search below can find it
    cleared = respondent.post_page(1, respondent.page_data(1, {field(COMMENT): ""}))
    assert cleared.status_code == 302
    assert canary not in raw_bytes(demo_app)


def test_a_rewritten_comment_leaves_no_trace_of_the_old_text(demo_app: Flask,
                                                              respondent: Respondent) -> None:
    respondent.post_page(1, respondent.page_data(1, {field(COMMENT): SECRET}))
    respondent.post_page(1, respondent.page_data(1, {field(COMMENT): "Nothing to add"}))
    assert SECRET.encode() not in raw_bytes(demo_app)


def test_a_successful_resume_leaves_no_counter(demo_app: Flask, new_respondent) -> None:
    first = new_respondent()
    other = new_respondent(started=False)
    assert other.open().status_code == 302
    resumed = other.client.post("/s/resume", data={"code": first.resume_code})
    assert resumed.status_code == 302
    with demo_app.app_context():
        keys = db.session.scalars(select(RateCounter.key)).all()
    assert not [key for key in keys if key.startswith("resume:")]


def test_a_wrong_code_is_counted_to_the_minute_only(demo_app: Flask, new_respondent) -> None:
    other = new_respondent(started=False)
    other.open()
    other.client.post("/s/resume", data={"code": "WRONG-CODE-0000"})
    with demo_app.app_context():
        rows = db.session.scalars(select(RateCounter)
                                  .where(RateCounter.key.startswith("resume:"))).all()
    assert len(rows) == 1
    assert rows[0].expires_at.second == 0
    assert rows[0].expires_at.microsecond == 0
