"""``GET /healthz``: whether this worker can serve, for load balancers and monitoring.

200 with ``{"status": "ok", "database": "ok", "migrations": "current", "revision": ...}``
while the database answers and its schema is at the newest migration this code ships; 503
(with ``Retry-After``) and the failing part named otherwise. It says nothing else about the
installation: no versions, paths or error texts.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .error_pages import json_errors
from .extensions import db

bp = json_errors(Blueprint("health", __name__))

_HEADS_KEY = "assess.migration_heads"


def _shipped_heads() -> frozenset[str]:
    """The newest revisions of the migration history this code carries (read once per app)."""
    heads = current_app.extensions.get(_HEADS_KEY)
    if heads is None:
        from alembic.script import ScriptDirectory

        from .content import migrations_dir

        heads = frozenset(ScriptDirectory(str(migrations_dir())).get_heads())
        current_app.extensions[_HEADS_KEY] = heads
    return heads


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        revisions = frozenset(db.session.execute(
            text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        db.session.rollback()
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            return _unavailable(database="unreachable", migrations="unknown")
        return _unavailable(database="ok", migrations="missing")
    finally:
        db.session.rollback()  # a read only: end the transaction, hold no lock
    if revisions != _shipped_heads():
        return _unavailable(database="ok", migrations="not current")
    return jsonify(status="ok", database="ok", migrations="current",
                   revision=",".join(sorted(revisions)))


def _unavailable(**parts: str) -> ResponseReturnValue:
    return jsonify(status="unavailable", **parts), 503, {"Retry-After": "30"}
