"""Shared fixtures: an app on a fresh migrated SQLite file, its client and CLI runner.

Migrating a database takes a moment, so one migrated file is made per session and copied
for every test (a copy is a few milliseconds).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings

from assess import create_app

# Property tests draw the same examples on every run: CI results do not depend on luck.
settings.register_profile("assess", derandomize=True, deadline=None)
settings.load_profile("assess")

# The throwaway PostgreSQL cluster fixtures (postgres_cluster, postgres_url), for every test.
pytest_plugins = ["tests.pg"]

REPO = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = REPO / "questionnaires"


def make_config(instance: Path, database: Path, **extra: object) -> dict[str, object]:
    config: dict[str, object] = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-not-for-production",  # the demo links depend on it
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "QUESTIONNAIRE_DIR": str(QUESTIONNAIRES),
        "BASE_URL": "http://localhost",
        # Argon2 at its lowest cost: the production cost (tests/test_security_costs.py) is
        # slow on purpose, and the suite hashes and checks passwords hundreds of times.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 8,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(extra)
    return config


def close_database(app: Flask) -> None:
    """Return the session's connection and close the pool, so SQLite checkpoints its WAL into
    the main file (copies of the file are then complete)."""
    from assess.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _migrated_template(tmp_root: Path) -> Path:
    from flask_migrate import upgrade

    path = tmp_root / "template.sqlite3"
    app = create_app(make_config(tmp_root / "instance", path))
    with app.app_context():
        upgrade()
    close_database(app)
    return path


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _migrated_template(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, migrated_db: Path) -> tuple[Path, Path]:
    """A migrated database with the demo loaded, and the instance folder holding its login."""
    root = tmp_path_factory.mktemp("demo")
    path = root / "demo.sqlite3"
    shutil.copy(migrated_db, path)
    instance = root / "instance"
    app = create_app(make_config(instance, path))
    with app.app_context():
        from assess.services.demo import ensure_demo

        ensure_demo()
    close_database(app)
    return path, instance


def copy_demo(tmp_path: Path, demo_db: tuple[Path, Path]) -> tuple[Path, Path]:
    """Copy the demo database and its instance folder into ``tmp_path``: (database, instance)."""
    source, demo_instance = demo_db
    database = tmp_path / "assess.sqlite3"
    instance = tmp_path / "instance"
    shutil.copy(source, database)
    shutil.copytree(demo_instance, instance)
    return database, instance


def app_on(database: Path, instance: Path, **extra: object) -> Iterator[Flask]:
    """An application on that database and instance folder, its database closed after."""
    app = create_app(make_config(instance, database, **extra))
    yield app
    close_database(app)


@pytest.fixture
def app(tmp_path: Path, migrated_db: Path) -> Iterator[Flask]:
    """An application on an empty, migrated database (CSRF off for direct form tests)."""
    database = tmp_path / "assess.sqlite3"
    shutil.copy(migrated_db, database)
    yield from app_on(database, tmp_path / "instance", WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(tmp_path: Path, migrated_db: Path) -> Iterator[Flask]:
    """Like ``app`` but with CSRF protection on, as in production."""
    database = tmp_path / "assess.sqlite3"
    shutil.copy(migrated_db, database)
    yield from app_on(database, tmp_path / "instance")


@pytest.fixture
def demo_app(tmp_path: Path, demo_db: tuple[Path, Path]) -> Iterator[Flask]:
    """An application on a copy of the demo database (CSRF off)."""
    yield from app_on(*copy_demo(tmp_path, demo_db), WTF_CSRF_ENABLED=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class AuthActions:
    """Sign a coach in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def demo_credentials(app: Flask) -> dict[str, str]:
    import json

    return json.loads((Path(app.instance_path) / "demo-credentials.json").read_text())
