"""create_app: the embedded SQLite database, the environment, the persisted secret key."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from assess import create_app
from assess.extensions import db
from assess.models import Team
from tests.conftest import close_database


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment whose only Assess setting is the instance folder (in tmp_path)."""
    for name in list(os.environ):
        if name.startswith(("ASSESS_", "FLASK_")):
            monkeypatch.delenv(name)
    instance = tmp_path / "instance"
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(instance))
    return instance


@pytest.fixture
def env_app(environment: Path) -> Iterator[Flask]:
    """An application configured only from the environment, as in production."""
    assert os.environ["ASSESS_INSTANCE_PATH"] == str(environment)
    app = create_app()
    yield app
    close_database(app)


def _pragma(name: str) -> object:
    with db.engine.connect() as connection:
        return connection.execute(text(f"PRAGMA {name}")).scalar()


def test_default_database_is_sqlite_in_the_instance_folder(env_app: Flask,
                                                          environment: Path) -> None:
    assert env_app.instance_path == str(environment)
    with env_app.app_context():
        assert db.engine.dialect.name == "sqlite"
        assert Path(db.engine.url.database) == environment / "assess.sqlite3"


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(env_app: Flask) -> None:
    with env_app.app_context():
        assert _pragma("journal_mode") == "wal"
        assert _pragma("busy_timeout") == env_app.config["SQLITE_BUSY_TIMEOUT_MS"] == 5000
        assert _pragma("foreign_keys") == 1


@pytest.mark.usefixtures("environment")
def test_busy_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_SQLITE_BUSY_TIMEOUT_MS", "2500")
    app = create_app()
    try:
        with app.app_context():
            assert _pragma("busy_timeout") == 2500
    finally:
        close_database(app)


def test_foreign_keys_are_enforced(app: Flask) -> None:
    with app.app_context():
        db.session.add(Team(organisation_id=999_999, name="Orphans"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_database_url_from_the_environment(environment: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere" / "other.sqlite3"
    elsewhere.parent.mkdir()
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{elsewhere}")
    app = create_app()
    try:
        assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{elsewhere}"
        with app.app_context():
            assert Path(db.engine.url.database) == elsewhere
            # The pragmas hold for a database named by URL too.
            assert _pragma("foreign_keys") == 1
        assert elsewhere.exists()
        assert not (environment / "assess.sqlite3").exists()
    finally:
        close_database(app)


@pytest.mark.usefixtures("environment")
def test_test_config_replaces_the_environment(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.sqlite3'}")
    monkeypatch.setenv("ASSESS_MAX_CONTENT_LENGTH", "10")
    wanted = f"sqlite:///{tmp_path / 'from-test.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(tmp_path / "test-instance"),
                      "SQLALCHEMY_DATABASE_URI": wanted, "SECRET_KEY": "k" * 32})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == wanted
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    assert app.instance_path == str(tmp_path / "test-instance")
    close_database(app)


def test_secret_key_is_created_once_and_kept_in_the_instance_folder(env_app: Flask,
                                                                    environment: Path) -> None:
    key_file = environment / "secret_key"
    key = env_app.config["SECRET_KEY"]
    assert len(key) >= 32
    assert key_file.read_text().strip() == key
    # Only the owner may read it.
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    restarted = create_app()
    try:
        assert restarted.config["SECRET_KEY"] == key
    finally:
        close_database(restarted)


@pytest.mark.usefixtures("environment")
def test_sessions_survive_a_restart(env_app: Flask) -> None:
    """A cookie signed by one worker is read by the next (same persisted key)."""
    with env_app.test_request_context():
        from flask import session

        session["probe"] = "kept"
        serializer = env_app.session_interface.get_signing_serializer(env_app)
        cookie = serializer.dumps(dict(session))
    restarted = create_app()
    try:
        serializer = restarted.session_interface.get_signing_serializer(restarted)
        assert serializer.loads(cookie) == {"probe": "kept"}
    finally:
        close_database(restarted)


def test_each_instance_folder_gets_its_own_secret_key(tmp_path: Path) -> None:
    first = create_app({"INSTANCE_PATH": str(tmp_path / "a"),
                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(tmp_path / "b"),
                         "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    close_database(first)
    close_database(second)


def test_the_factory_does_not_migrate_or_create_tables(env_app: Flask) -> None:
    with env_app.app_context():
        assert inspect(db.engine).get_table_names() == []


def test_the_factory_registers_the_blueprints_and_commands(app: Flask) -> None:
    assert {"auth", "coach", "survey"} <= set(app.blueprints)
    assert {"init-db", "validate", "load-questionnaires", "create-coach", "demo",
            "links"} <= set(app.cli.commands)
