"""GET /healthz: 200 while the database answers at the newest migration, 503 otherwise."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from assess import create_app
from assess.extensions import db
from tests.conftest import close_database, make_config


def test_a_migrated_database_is_healthy(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "current"
    assert body["revision"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_schema_behind_the_code_is_unavailable(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok",
                                   "migrations": "not current"}
    assert response.headers["Retry-After"] == "30"


def test_an_empty_database_is_unavailable(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path / "instance", tmp_path / "empty.sqlite3"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "missing"
    close_database(app)


def test_an_unreachable_database_is_unavailable(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path / "instance", tmp_path / "none" / "x.sqlite3"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable",
                                   "migrations": "unknown"}
    close_database(app)


def test_only_get(client: FlaskClient) -> None:
    assert client.post("/healthz").status_code == 405
