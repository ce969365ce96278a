"""A database that stays locked answers 503 with Retry-After, never 500, and keeps the draft."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import app_on, copy_demo
from tests.survey.survey_support import Respondent, team_link_path


@pytest.fixture
def impatient_app(tmp_path: Path, demo_db: tuple[Path, Path]) -> Iterator[Flask]:
    yield from app_on(*copy_demo(tmp_path, demo_db), WTF_CSRF_ENABLED=False,
                      SQLITE_BUSY_TIMEOUT_MS=50)


def test_a_page_save_against_a_held_write_lock_gets_503_and_loses_nothing(impatient_app):
    person = Respondent(impatient_app, impatient_app.test_client(), team_link_path(impatient_app))
    person.open()
    person.start()
    person.answer_pages(1)
    before = person.answers()
    database = impatient_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer that does not let go
        response = person.post_page(2)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert b"busy" in response.data
        autosave = person.client.post("/s/page/2", data=person.page_data(2), headers={
            "X-Assess-Autosave": "1", "Accept": "application/json"})
        assert autosave.status_code == 503
        assert autosave.get_json()["error"]["status"] == 503
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert person.answers() == before
    assert person.post_page(2).status_code == 302  # once the lock is gone, the save goes in


def test_an_empty_secret_key_file_is_replaced(tmp_path: Path) -> None:
    from assess import create_app

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": None,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    key = (instance / "secret_key").read_text()
    assert len(key) >= 32
    assert app.config["SECRET_KEY"] == key
    again = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": None,
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert again.config["SECRET_KEY"] == key
