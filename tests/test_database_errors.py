"""Which database errors mean "the database is out of reach" (503) and which are bugs (500)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from assess.database import is_unavailable


class _PgError(Exception):
    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("orig", "expected"), [
    (_PgError("terminating connection due to administrator command", "57P01"), True),
    (_PgError("the database system is starting up", "57P03"), True),
    (_PgError("connection failure", "08006"), True),
    (_PgError('connection failed: connection to server at "127.0.0.1", port 5 failed: '
              "Connection refused", None), True),
    (sqlite3.OperationalError("unable to open database file"), True),
    (_PgError('relation "response" does not exist', "42P01"), False),
    (sqlite3.OperationalError("no such table: response"), False),
    (_PgError("division by zero", "22012"), False),
])
def test_classification(orig: Exception, expected: bool) -> None:
    error = OperationalError("SELECT 1", {}, orig)
    assert is_unavailable(error) is expected


def test_an_invalidated_connection_is_unavailable() -> None:
    error = DBAPIError("SELECT 1", {}, _PgError("boom", None), connection_invalidated=True)
    assert is_unavailable(error)
    assert not is_unavailable(ProgrammingError("SELECT 1", {}, _PgError("syntax", "42601")))
