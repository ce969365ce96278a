"""A throwaway PostgreSQL cluster for tests marked ``postgres``.

``initdb`` and ``pg_ctl`` refuse to run as root, so they run as the ``postgres`` user. The
cluster lives in a temporary folder, trusts local connections, listens on 127.0.0.1 only (a
free port), runs without fsync and is stopped and deleted at the end of the session.

Registered for the whole suite with ``pytest_plugins = ["tests.pg"]`` in the top-level
``tests/conftest.py``. ``postgres_url`` gives each test a fresh, empty database in the cluster.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_USER = "postgres"


@dataclass(frozen=True)
class PostgresCluster:
    """A running cluster: its port and how to reach a database in it."""

    port: int
    socket_dir: Path
    data_dir: Path | None = None
    options: str = ""
    log_file: Path | None = None

    def stop(self) -> None:
        """Stop the server (fast: open connections are terminated, as in a restart)."""
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w",
                     "stop")

    def start(self) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-o", self.options,
                     "-l", str(self.log_file), "-w", "start")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        _as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                     "-U", PG_USER, name)
        return self.url(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", PG_USER, "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=check, capture_output=True, text=True,
                          timeout=60)


def _available() -> str | None:
    """Why a cluster cannot be started here, or None when it can."""
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL server binaries not found in {PG_BIN}"
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        return f"no '{PG_USER}' system user to run PostgreSQL as"
    return None


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """Start a private PostgreSQL 15 cluster for the session; stop and delete it after."""
    reason = _available()
    if reason:
        # make test installs the server: a missing one is a broken set-up, not a reason to
        # pass quietly (deselect with -m "not postgres" to run without PostgreSQL).
        pytest.fail(f"{reason}; `make test` installs the postgresql package", pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="assess-pg-"))
    data, sockets = root / "data", root / "sockets"
    data.mkdir()
    sockets.mkdir()
    owner = pwd.getpwnam(PG_USER)
    for path in (root, data, sockets):
        os.chown(path, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    try:
        _as_postgres(str(PG_BIN / "initdb"), "-A", "trust", "--no-sync", "-U", PG_USER,
                     "-D", str(data))
        options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options,
                     "-l", str(root / "server.log"), "-w", "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {error.stderr or error.stdout}")
    try:
        yield PostgresCluster(port=port, socket_dir=sockets, data_dir=data, options=options,
                              log_file=root / "server.log")
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop",
                     check=False)
        shutil.rmtree(root, ignore_errors=True)


_database_numbers = count(1)


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The URL of a new, empty database in the session's cluster (one per test)."""
    return postgres_cluster.create_database(f"assess_test_{next(_database_numbers)}")
