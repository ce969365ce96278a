"""Schema changes go through migrations: an empty database upgrades to exactly the models.

The same checks run on SQLite (the embedded default) and on a throwaway PostgreSQL cluster
(how Assess scales). On PostgreSQL the demo is loaded and a coach signs in once, end to end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from assess import create_app
from assess.extensions import db
from tests.conftest import close_database, make_config


def _app(tmp_path: Path, url: str, **extra: object) -> Iterator[Flask]:
    config = make_config(tmp_path / "instance", tmp_path / "unused.sqlite3", **extra)
    config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config)
    yield app
    close_database(app)


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    yield from _app(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}")


@pytest.fixture
def pg_app(tmp_path: Path, postgres_url: str) -> Iterator[Flask]:
    yield from _app(tmp_path, postgres_url, WTF_CSRF_ENABLED=False)


def _model_tables() -> set[str]:
    return set(db.metadata.tables)


def _differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def _assert_upgrade_matches_models(app: Flask) -> None:
    with app.app_context():
        assert not inspect(db.engine).get_table_names(), "the database should start empty"
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert _model_tables() <= tables
        assert tables - _model_tables() == {"alembic_version"}
        assert _differences() == []


def test_upgrade_on_an_empty_sqlite_file_creates_every_table(sqlite_app: Flask) -> None:
    _assert_upgrade_matches_models(sqlite_app)


def test_upgrading_twice_changes_nothing(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            head = MigrationContext.configure(connection).get_current_revision()
        upgrade()
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
    assert head is not None


def test_expected_tables_exist_after_upgrade(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert {"organisation", "user_account", "membership", "team", "questionnaire_version",
            "playbook_version", "campaign", "team_link", "response", "text_answer",
            "baseline", "plan", "plan_item", "generated_report", "rate_counter"} <= tables


@pytest.mark.postgres
def test_upgrade_on_postgresql_creates_every_table_matching_the_models(pg_app: Flask) -> None:
    assert pg_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    _assert_upgrade_matches_models(pg_app)


@pytest.mark.postgres
def test_demo_and_coach_sign_in_on_postgresql(pg_app: Flask) -> None:
    from assess.services.demo import ensure_demo

    with pg_app.app_context():
        upgrade()
        info = ensure_demo()
        again = ensure_demo()
    assert again is not None
    assert info is not None
    assert again["coach"]["password"] == info["coach"]["password"]
    assert len(info["campaigns"]) == 3

    client = pg_app.test_client()
    response = client.post("/login", data={"email": info["coach"]["email"],
                                           "password": info["coach"]["password"]})
    assert response.status_code == 302
    assert response.headers["Location"] == "/coach/"
    home = client.get("/coach/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert info["organisation"]["name"] in page
    assert "Maturity wave 2" in page
    assert "Demo data" in page

    # A team link of the open wave opens the survey on PostgreSQL too.
    open_wave = next(c for c in info["campaigns"] if c["status"] == "open")
    url = open_wave["teams"][0]["url"]
    respondent = pg_app.test_client()
    assert respondent.get(url[url.index("/s/"):]).status_code == 302


@pytest.mark.postgres
def test_hostile_sign_in_input_on_postgresql(pg_app: Flask) -> None:
    """PostgreSQL refuses NUL bytes in text: sign-in must fail politely, not with a 500."""
    from assess.services.accounts import GENERIC_FAILURE, create_coach

    with pg_app.app_context():
        upgrade()
        create_coach("coach@example.org", "Acme", "correct horse battery")
    client = pg_app.test_client()
    for email, password in (("coach\x00@example.org", "correct horse battery"),
                            ("coach@example.org", "correct\x00horse battery")):
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 200
        assert GENERIC_FAILURE in response.get_data(as_text=True)
    assert client.get("/coach/").status_code == 302



def _row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in sorted(db.metadata.tables)}


def _upgrade_keeps_every_row(app: Flask) -> None:
    """The demo loaded at revision 0002, then upgraded to the head: no row is lost.

    On SQLite, batch migrations copy a table and drop the old one; with foreign keys on, that
    drop would cascade to every row referring to the table (links, responses, answers).
    """
    from flask_migrate import downgrade

    from assess.services.demo import ensure_demo

    with app.app_context():
        upgrade()
        ensure_demo()
        db.session.remove()  # no read transaction left open while the migrations write
        downgrade(revision="0002")
        before = _row_counts_at_0002()
        assert before["response"] > 0
        assert before["team_link"] > 0
        upgrade()
        after = _row_counts()
        for table, count in before.items():
            assert after[table] == count, table
        complete = db.session.execute(text(
            "SELECT count(*) FROM response WHERE status = 'complete' AND in_results"
        )).scalar_one()
        assert complete == db.session.execute(text(
            "SELECT count(*) FROM response WHERE status = 'complete'")).scalar_one()
        db.session.remove()


def _row_counts_at_0002() -> dict[str, int]:
    with db.engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
        return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in names}


def test_upgrading_a_database_with_data_keeps_every_row_on_sqlite(sqlite_app: Flask) -> None:
    _upgrade_keeps_every_row(sqlite_app)


@pytest.mark.postgres
def test_upgrading_a_database_with_data_keeps_every_row_on_postgresql(pg_app: Flask) -> None:
    _upgrade_keeps_every_row(pg_app)
