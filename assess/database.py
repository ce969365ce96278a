"""Engine set-up and write transactions for SQLite and PostgreSQL.

SQLite: WAL, a busy timeout and foreign keys on every connection. Writers take the lock up
front with ``BEGIN IMMEDIATE``: a deferred transaction that reads first and writes later can
fail at once with "database is locked" when another writer committed in between, whatever
the busy timeout.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import ServiceUnavailable

from .extensions import db

T = TypeVar("T")

_BEGIN_OPTION = "assess_sqlite_begin"


def configure_engine(app: Flask) -> None:
    """Install the SQLite connection pragmas and transaction hooks on the app's engine."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    if getattr(engine, "_assess_configured", False):
        return
    engine._assess_configured = True  # type: ignore[attr-defined]
    _install_sqlite_hooks(engine, busy_ms)


def _install_sqlite_hooks(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # Take transaction control from the driver so that BEGIN IMMEDIATE is possible.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable across application crashes in WAL mode (only power loss can
        # lose the last commits), and keeps commits cheap under many concurrent writers.
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Deleted content (a cleared comment) is overwritten with zeros, whatever the system
        # library's compile-time default.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Start the session's next transaction as a write transaction.

    Ends a read transaction the request may have started (loading the current user, say),
    then opens one that holds SQLite's write lock from its first statement. A no-op apart from
    that on PostgreSQL. Parse and validate input before calling this: the lock is the
    bottleneck, so the transaction must be short.
    """
    session = db.session()  # the request's own Session behind the scoped proxy
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})


class DatabaseBusy(ServiceUnavailable):
    """The database stayed locked or conflicting through every retry: answer 503."""

    description = "Assess is busy right now. Please try again in a moment."


# Seconds a client is asked to wait after a 503 from an overloaded database.
BUSY_RETRY_AFTER = 5


class StorageFull(ServiceUnavailable):
    """The database cannot grow (a full disk): answer 503, say so, and change nothing."""

    description = ("Assess cannot save anything right now: the server's storage is full. "
                   "Nothing was changed, and everything saved before is kept. Please try "
                   "again later.")
    #: The error page shows this description rather than the general 503 text.
    specific_message = True


# Seconds a client is asked to wait after a full disk: freeing space takes an operator.
FULL_RETRY_AFTER = 60


class DatabaseUnavailable(ServiceUnavailable):
    """The database cannot be reached (a restart, a failover, a network break): 503."""

    description = ("Assess cannot reach its database right now. Nothing was changed, and "
                   "everything saved before is kept. Please try again in a moment.")
    specific_message = True


# Seconds a client is asked to wait while the database is unreachable (a restart).
UNAVAILABLE_RETRY_AFTER = 10

# SQLSTATEs of a lost or refused connection: class 08, and the server shutting down or
# starting up (admin_shutdown, crash_shutdown, cannot_connect_now).
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03"})
_UNAVAILABLE_TEXTS = ("connection refused", "connection failed", "server closed the connection",
                      "terminating connection", "could not connect", "connection is closed",
                      "unable to open database file")


def _message(exc: DBAPIError) -> str:
    """The driver's error message in lower case (the wrapper's when there is none)."""
    return str(exc.orig if exc.orig is not None else exc).lower()


def is_unavailable(exc: DBAPIError) -> bool:
    """Whether a database error means "cannot reach the database" rather than a bug."""
    if exc.connection_invalidated:
        return True
    code = getattr(exc.orig, "sqlstate", None)
    if isinstance(code, str) and (code.startswith("08") or code in _UNAVAILABLE_STATES):
        return True
    text = _message(exc)
    return any(part in text for part in _UNAVAILABLE_TEXTS)


def unavailable() -> DatabaseUnavailable:
    error = DatabaseUnavailable()
    error.retry_after = UNAVAILABLE_RETRY_AFTER
    return error


def run_write(work: Callable[[], T], *, attempts: int = 3) -> T:
    """Run ``work`` in one write transaction and commit, retrying transient lock failures.

    ``work`` must only touch the database (it may run more than once). On PostgreSQL a
    serialization failure or deadlock is retried; on SQLite a busy error that outlived the busy
    timeout is retried after a short pause. When every attempt failed that way, the request
    ends with :class:`DatabaseBusy` (503 with Retry-After), never a 500. With the default busy
    timeout (5 s) and 3 attempts that is at most about 15 s, inside gunicorn's 30 s.
    """
    for attempt in range(1, attempts + 1):
        try:
            begin_write()
            result = work()
            db.session.commit()
            return result
        except DBAPIError as exc:
            db.session.rollback()
            if is_unavailable(exc):
                # A pooled connection the restart closed is replaced on the next attempt.
                if attempt == attempts:
                    raise unavailable() from exc
                time.sleep(0.05 * attempt)
                continue
            if not isinstance(exc, OperationalError):
                raise
            if _is_storage_full(exc):
                logging.getLogger(__name__).error("database storage is full: %s", exc.orig)
                full = StorageFull()
                full.retry_after = FULL_RETRY_AFTER
                raise full from exc
            if not _is_transient(exc):
                raise
            if attempt == attempts:
                busy = DatabaseBusy()
                busy.retry_after = BUSY_RETRY_AFTER
                raise busy from exc
            time.sleep(0.05 * attempt)
        except BaseException:
            # A domain error raised by ``work`` must not leave its half-done changes (and the
            # write lock) in the session for a later commit to pick up.
            db.session.rollback()
            raise
    raise AssertionError("unreachable")  # the loop either returns or raises


def _is_storage_full(exc: OperationalError) -> bool:
    text = _message(exc)
    # SQLite's SQLITE_FULL; PostgreSQL's disk_full (53100).
    return "database or disk is full" in text or getattr(exc.orig, "sqlstate", None) == "53100"


def _is_transient(exc: OperationalError) -> bool:
    text = _message(exc)
    code = getattr(exc.orig, "sqlstate", None)
    return (
        "database is locked" in text
        or "database is busy" in text
        or code in {"40001", "40P01"}  # serialization_failure, deadlock_detected
    )


# How long a checkpoint after a deleted text may wait for other connections (milliseconds):
# a respondent's save must not wait seconds for it.
_FORGET_BUSY_MS = 200


def forget_deleted_text() -> None:
    """Move SQLite's write-ahead log into the database file and truncate it.

    With ``secure_delete`` a deleted row is overwritten with zeros in the database file, but
    earlier versions of its page stay in the log until the log is reset. Called after a
    respondent cleared or rewrote a comment, so that the old words leave the disk too. Best
    effort: while another connection still reads an older snapshot the log cannot be reset,
    and the old frames go with a later checkpoint. Nothing to do on PostgreSQL.
    """
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {_FORGET_BUSY_MS}")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:
            pass  # busy: a later checkpoint moves the log on
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.close()
    finally:
        raw.close()
