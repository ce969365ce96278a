"""A real Assess server: the CLI prepares its instance folder, gunicorn serves it.

Used by the end-to-end server tests (``tests/server/conftest.py``) and by the survey
benchmark (``benchmarks/bench_survey.py``). The instance folder and database are prepared
exactly as an operator would, with ``assess init-db`` and ``assess demo --json`` run as
subprocesses; then ``gunicorn`` serves ``assess:create_app()`` on a free loopback port, in its
own process group so that a caller can stop it gracefully or kill master and workers at once.
Everything the server writes to stdout and stderr goes to a log file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from tests.server.journey import CAMPAIGN

VENV_BIN = Path(sys.executable).parent
ASSESS = str(VENV_BIN / "assess")
GUNICORN = str(VENV_BIN / "gunicorn")
SECRET_KEY = "server-test-secret-key-not-for-production"
READY_PATH = "/static/assess.css"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class GunicornServer:
    """One instance folder, its database and (while started) a gunicorn serving them.

    ``failure`` is the exception raised when the CLI or gunicorn fails (a test fails with an
    ``AssertionError``; a script may prefer ``SystemExit``).
    """

    failure: type[BaseException] = AssertionError
    cli_timeout: float = 180

    def __init__(self, root: Path, database_url: str | None = None, *, workers: int = 4,
                 secret_key: str = SECRET_KEY, gunicorn_args: Sequence[str] = ()) -> None:
        self.root = root
        self.instance = root / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.gunicorn_args = list(gunicorn_args)
        self.secret_key = secret_key
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
                              text=True, timeout=self.cli_timeout, check=False)
        if done.returncode != 0:
            raise self.failure(f"assess {' '.join(args)} failed ({done.returncode}):\n"
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

    def start(self, timeout: float = 60, *, all_workers: bool = False) -> None:
        """Start gunicorn and wait until it serves (and, with ``all_workers``, until every
        worker process has been forked)."""
        assert self.process is None, "already started"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "--workers", str(self.workers), *self.gunicorn_args, "--bind",
                 f"127.0.0.1:{self.port}", "--no-control-socket", "assess:create_app()"],
                env=self.env, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        with requests.Session() as probe:
            while True:
                if self.process.poll() is not None:
                    self.process = None
                    raise self.failure(f"gunicorn exited at start:\n{self.log()}")
                forked = not all_workers or len(self.worker_pids()) >= self.workers
                if forked and self._ready(probe):
                    return
                if time.monotonic() > deadline:
                    self.kill()
                    raise self.failure(f"gunicorn not ready in {timeout} s:\n{self.log()}")
                time.sleep(0.1)

    def _ready(self, probe: requests.Session) -> bool:
        try:
            return probe.get(self.base_url + READY_PATH, timeout=5).ok
        except (requests.ConnectionError, requests.Timeout):
            return False

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
        """The master's child processes (none while /proc has no entry for it)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except FileNotFoundError:
            return []

    # -- what the server left behind --

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def server_errors(self) -> list[str]:
        """Lines of the server log that tell of a failure (tracebacks, locked database)."""
        markers = ("Traceback", "database is locked", "Exception on", "Error handling request",
                   "WORKER TIMEOUT")
        return [line for line in self.log().splitlines() if any(m in line for m in markers)]

    def responses(self, campaign: str = CAMPAIGN):
        from tests.server.journey import stored_responses

        return stored_responses(self.database_url, self.secret_key, self.instance, campaign)
