"""A PostgreSQL restart under a respondent: while the server is down every request answers a
friendly 503 with Retry-After (never a 500), and once it is back the same draft saves and
submits, whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from assess import create_app
from tests.conftest import close_database, make_config
from tests.pg import PostgresCluster
from tests.survey.survey_support import Respondent, team_link_path

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres_cluster: PostgresCluster, postgres_url: str,
           tmp_path: Path) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from assess.services.demo import ensure_demo

    config = make_config(tmp_path / "instance", tmp_path / "unused.sqlite3",
                         WTF_CSRF_ENABLED=False)
    config["SQLALCHEMY_DATABASE_URI"] = postgres_url
    app = create_app(config)
    with app.app_context():
        upgrade()
        ensure_demo()
    yield app
    close_database(app)


def test_a_restart_answers_503_then_the_draft_carries_on(postgres_cluster: PostgresCluster,
                                                         pg_app: Flask) -> None:
    link = team_link_path(pg_app)
    assert link is not None
    person = Respondent(pg_app, pg_app.test_client(), link)
    assert person.open().status_code == 302
    assert person.start().status_code == 302
    assert person.post_page(1).status_code == 302
    postgres_cluster.stop()
    try:
        for attempt in (lambda: person.post_page(2), lambda: person.client.get("/s/"),
                        lambda: person.client.get("/s/page/2"), lambda: person.submit("x")):
            down = attempt()
            assert down.status_code == 503, down.get_data(as_text=True)[-800:]
            assert down.headers["Retry-After"]
            page = down.get_data(as_text=True)
            assert "Traceback" not in page
            assert "try again" in page
    finally:
        postgres_cluster.start()
    # Back: the connections the restart closed are replaced, and nothing was half-saved.
    assert person.answers() == person.expected(1)
    person.answer_pages()
    assert person.submit().status_code == 302
    assert person.row()["status"] == "complete"
