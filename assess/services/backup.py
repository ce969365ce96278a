"""A consistent copy of a SQLite database while Assess keeps serving (SQLite's online backup).

The copy is written next to its target under a temporary name, checked with
``PRAGMA integrity_check`` and only then renamed into place, so a failed or interrupted
backup never leaves a half-written file under the name asked for. It holds every answer, so
it is created readable by its owner only. PostgreSQL is backed up with its own tools
(``pg_dump``; see the README).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInput
from ..extensions import db

PAGES_PER_STEP = 1024  # copied between pauses, so that writers are not held up for long


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int


def backup_sqlite(target: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the app's SQLite database to ``target``; InvalidInput with the reason otherwise."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise InvalidInput(f"assess backup copies SQLite databases; this one is "
                           f"{engine.dialect.name}: use pg_dump (see the README).")
    source_file = engine.url.database
    if not source_file or source_file == ":memory:":
        raise InvalidInput("The database is not a file; there is nothing to copy.")
    target = target.expanduser()
    if target.resolve() == Path(source_file).resolve():
        raise InvalidInput("The backup cannot replace the database it copies.")
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; name the backup file.")
    if target.exists() and not overwrite:
        raise InvalidInput(f"{target} exists; pass --force to replace it.")
    if not target.parent.is_dir():
        raise InvalidInput(f"The folder {target.parent} does not exist.")
    partial = target.with_name(f".{target.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy, pages=PAGES_PER_STEP)  # type: ignore[union-attr]
            verdict = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
        if not verdict or verdict[0] != "ok":
            raise InvalidInput("The copy failed its integrity check; nothing was written.")
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    return BackupResult(target, target.stat().st_size)
