"""A real Assess server for end-to-end tests: the CLI prepares it, gunicorn serves it.

The instance folder and database are prepared exactly as an operator would, with
``assess init-db`` and ``assess demo --json`` run as subprocesses; then
``gunicorn --workers 4`` serves ``assess:create_app()`` on a free loopback port, in its own
process group so that a test can stop it gracefully or kill master and workers at once
(``tests/server/gunicorn_server.py``). Everything the server writes to stdout and stderr goes
to a log file that tests search for "database is locked" and tracebacks.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.server.gunicorn_server import GunicornServer

# The name the server tests know it by.
Server = GunicornServer


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance folder prepared once with the CLI (init-db, demo), copied for each server.

    The team-link tokens derive from the secret key, which every server here shares, so a
    copy works exactly like a freshly prepared instance and saves a few seconds per test.
    """
    root = tmp_path_factory.mktemp("sqlite-template")
    server = Server(root)
    server.prepare()
    assert not (server.instance / "assess.sqlite3-wal").exists() or \
        (server.instance / "assess.sqlite3-wal").stat().st_size == 0
    return server.instance


ServerFactory = Callable[..., Server]


@pytest.fixture
def make_server(tmp_path: Path, sqlite_template: Path) -> Iterator[ServerFactory]:
    """Create prepared, started servers; all are stopped (or already killed) at teardown."""
    servers: list[Server] = []

    def factory(database_url: str | None = None, *, workers: int = 4,
                start: bool = True) -> Server:
        root = tmp_path / f"server{len(servers)}"
        root.mkdir()
        server = Server(root, database_url, workers=workers)
        servers.append(server)
        if database_url is None:
            shutil.rmtree(server.instance)
            shutil.copytree(sqlite_template, server.instance)
        else:
            server.prepare()
        if start:
            server.start()
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def sqlite_server(make_server: ServerFactory) -> Server:
    return make_server()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, make_server: ServerFactory) -> Server:
    """A started server on SQLite, then on a fresh PostgreSQL database (two test runs)."""
    if request.param == "postgres":
        return make_server(request.getfixturevalue("postgres_url"))
    return make_server()
