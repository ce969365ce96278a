"""assess backup FILE: a consistent, checked copy of the SQLite database, never half written."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from assess import create_app
from tests.conftest import close_database, make_config


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in tables}


def database_of(app: Flask) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def test_backup_copies_every_row(demo_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite3"
    result = demo_app.test_cli_runner().invoke(args=["backup", str(target), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"path": str(target), "bytes": target.stat().st_size}
    assert counts(target) == counts(database_of(demo_app))
    assert counts(target)["response"] > 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert not list(tmp_path.glob(".*partial"))


def test_the_text_says_where_and_how_large(demo_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite3"
    result = demo_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0
    assert result.output.startswith(f"Backed up to {target} (")
    assert "integrity ok" in result.output


def test_an_existing_file_needs_force(demo_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite3"
    target.write_text("keep me")
    runner: FlaskCliRunner = demo_app.test_cli_runner()
    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code == 1
    assert "exists; pass --force" in refused.output
    assert target.read_text() == "keep me"
    assert runner.invoke(args=["backup", str(target), "--force"]).exit_code == 0
    assert counts(target)["response"] > 0


def test_refusals(demo_app: Flask, tmp_path: Path) -> None:
    runner = demo_app.test_cli_runner()
    for args, message in (
        ([str(database_of(demo_app))], "cannot replace the database"),
        ([str(tmp_path / "missing" / "x.sqlite3")], "does not exist"),
        ([str(tmp_path)], ""),  # a folder: click refuses it
        ([""], ""),
    ):
        result = runner.invoke(args=["backup", *args])
        assert result.exit_code != 0, args
        assert message in result.output
    assert counts(database_of(demo_app))["response"] > 0


def test_postgresql_is_pointed_to_pg_dump(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path, tmp_path / "x.sqlite3",
                                 SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@127.0.0.1:1/x"))
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    close_database(app)
