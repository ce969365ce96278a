"""Declarative base with constraint naming (so migrations can alter SQLite tables by name)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: DateTime(timezone=True)},
    )


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def utctoday() -> dt.date:
    """Today's date in UTC: anonymous responses keep dates only, never times."""
    return utcnow().date()


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored datetime as timezone-aware UTC (SQLite hands back naive values)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
