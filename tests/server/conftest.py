"""A real Assess server for end-to-end tests: the CLI prepares it, gunicorn serves it.

The instance folder and database are prepared exactly as an operator would, with
``assess init-db`` and ``assess demo --json`` run as subprocesses; then
``gunicorn --workers 4`` serves ``assess:create_app()`` on a free loopback port, in its own
process group so that a test can stop it gracefully or kill master and workers at once.
Everything the server writes to stdout and stderr goes to a log file that tests search for
"database is locked" and tracebacks.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

# The session's throwaway PostgreSQL cluster and a fresh database per test that asks for one.
from tests.server.journey import CAMPAIGN

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ASSESS = str(VENV_BIN / "assess")
GUNICORN = str(VENV_BIN / "gunicorn")
SECRET_KEY = "server-test-secret-key-not-for-production"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One instance folder, its database and (while started) a gunicorn serving them."""

    def __init__(self, root: Path, database_url: str | None = None, workers: int = 4) -> None:
        self.root = root
        self.instance = root / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.secret_key = SECRET_KEY
        self._database_url = database_url
        self.log_path = root / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.demo: dict[str, Any] = {}
        self.env = {**os.environ, "ASSESS_INSTANCE_PATH": str(self.instance),
                    "ASSESS_SECRET_KEY": self.secret_key, "ASSESS_BASE_URL": self.base_url}
        self.env.pop("ASSESS_DATABASE_URL", None)
        if database_url:
            self.env["ASSESS_DATABASE_URL"] = database_url

    @property
    def database_url(self) -> str:
        return self._database_url or f"sqlite:///{self.instance / 'assess.sqlite3'}"

    # -- preparation through the CLI --

    def cli(self, *args: str) -> str:
        done = subprocess.run([ASSESS, *args], env=self.env, cwd=self.root, capture_output=True,
                              text=True, timeout=180, check=False)
        if done.returncode != 0:
            raise AssertionError(f"assess {' '.join(args)} failed ({done.returncode}):\n"
                                 f"{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self) -> None:
        self.cli("init-db")
        self.demo = json.loads(self.cli("demo", "--json"))

    def links(self, campaign: str = CAMPAIGN) -> list[str]:
        """The campaign's team links, as paths (``/s/<token>``), in team order."""
        rows = json.loads(self.cli("links", campaign, "--json"))
        return [row["url"][row["url"].index("/s/"):] for row in rows if row["url"]]

    # -- the server process --

    def start(self, timeout: float = 60) -> None:
        assert self.process is None, "already started"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "--workers", str(self.workers), "--bind",
                 f"127.0.0.1:{self.port}", "--no-control-socket", "assess:create_app()"],
                env=self.env, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        with requests.Session() as probe:
            while True:
                if self.process.poll() is not None:
                    self.process = None
                    raise AssertionError(f"gunicorn exited at start:\n{self.log()}")
                try:
                    if probe.get(self.base_url + "/static/assess.css", timeout=5).ok:
                        return
                except (requests.ConnectionError, requests.Timeout):
                    pass
                if time.monotonic() > deadline:
                    self.kill()
                    raise AssertionError(f"gunicorn not ready in {timeout} s:\n{self.log()}")
                time.sleep(0.1)

    def stop(self) -> None:
        """Graceful stop (SIGTERM to the master), SIGKILL to the group if that hangs."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL master and workers at once (the whole process group), as a crash would."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def server_errors(self) -> list[str]:
        """Lines of the server log that tell of a failure (tracebacks, locked database)."""
        markers = ("Traceback", "database is locked", "Exception on", "Error handling request",
                   "WORKER TIMEOUT")
        return [line for line in self.log().splitlines() if any(m in line for m in markers)]

    def responses(self, campaign: str = CAMPAIGN):  # type: ignore[no-untyped-def]
        from tests.server.journey import stored_responses

        return stored_responses(self.database_url, self.secret_key, self.instance, campaign)


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
