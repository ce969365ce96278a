"""Questionnaire and playbook versions in the database: load files, freeze, read back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..database import run_write
from ..definitions import Questionnaire, load_paths, questionnaire_from_dict
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..models import PlaybookVersion, QuestionnaireVersion


@dataclass(frozen=True)
class LoadReport:
    """What loading did, one line per file, for the CLI to print."""

    added: tuple[str, ...]
    unchanged: tuple[str, ...]


def load_into_database(paths: Iterable[str | Path]) -> LoadReport:
    """Validate every file, then store new versions in one transaction: all or nothing.

    Raises :class:`DefinitionError` (with every problem) when a file is invalid and
    :class:`Conflict` when a file changed under an id and version that is already stored.
    """
    loaded = load_paths(list(paths))
    questionnaires = list(loaded.questionnaires.values())
    playbooks = list(loaded.playbooks.values())
    texts = loaded.texts

    def work() -> LoadReport:
        added: list[str] = []
        unchanged: list[str] = []
        for q in questionnaires:
            label = f"{q.id} version {q.version}"
            stored = _stored_version(q.id, q.version)
            if stored is None:
                db.session.add(QuestionnaireVersion(
                    key=q.id, version=q.version, title=str(q.title), kind=q.kind,
                    content_hash=q.content_hash, definition=q.to_dict(),
                    source_text=texts[q.source]))
                added.append(f"questionnaire {label}")
            elif stored.content_hash != q.content_hash:
                raise Conflict(
                    f"{q.source}: questionnaire {label} is already loaded with different "
                    f"content; give the changed file a new version number (e.g. "
                    f"version: {q.version + 1})")
            else:
                unchanged.append(f"questionnaire {label}")
        for p in playbooks:
            label = f"playbook for {p.questionnaire} version {p.version}"
            content_hash = p.content_hash
            stored_p = db.session.scalar(select(PlaybookVersion).where(
                PlaybookVersion.questionnaire_key == p.questionnaire,
                PlaybookVersion.version == p.version))
            if stored_p is None:
                db.session.add(PlaybookVersion(questionnaire_key=p.questionnaire,
                                               version=p.version, content_hash=content_hash,
                                               definition=p.to_dict()))
                added.append(label)
            elif stored_p.content_hash != content_hash:
                raise Conflict(f"{p.source}: {label} is already loaded with different "
                               f"content; give the changed file a new version number")
            else:
                unchanged.append(label)
        return LoadReport(tuple(added), tuple(unchanged))

    return run_write(work)


def _stored_version(key: str, version: int) -> QuestionnaireVersion | None:
    return db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.key == key, QuestionnaireVersion.version == version))


def latest_version(key: str) -> QuestionnaireVersion:
    """The highest stored version of a questionnaire."""
    row = db.session.scalar(select(QuestionnaireVersion)
                            .where(QuestionnaireVersion.key == key)
                            .order_by(QuestionnaireVersion.version.desc()).limit(1))
    if row is None:
        raise InvalidInput(f"questionnaire '{key}' is not loaded; run 'assess load-questionnaires'")
    return row


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    """The frozen definition of a stored version.

    Cached by content hash: a stored version never changes, and rebuilding the frozen objects
    on every request would cost more than the scoring itself.
    """
    cached = _DEFINITIONS.get(version.content_hash)
    if cached is None:
        cached = questionnaire_from_dict(version.definition)
        _DEFINITIONS[version.content_hash] = cached
    return cached


_DEFINITIONS: dict[str, Questionnaire] = {}  # by content hash: the same in any database


def _hash_of_version() -> dict[int, str]:
    """This application's map from version id to content hash.

    Kept per application, not per process: row ids are only meaningful within one database,
    and one process may run apps on several (tests, an embedding application).
    """
    return current_app.extensions.setdefault("assess.version_hashes", {})


def definition_by_version_id(version_id: int) -> Questionnaire:
    """The frozen definition of a stored version, by id, without reading the row when cached.

    A version id always names the same content in its database (versions are frozen), so the
    mapping from id to content hash can be cached for the life of the application.
    """
    hashes = _hash_of_version()
    content_hash = hashes.get(version_id)
    if content_hash is not None and content_hash in _DEFINITIONS:
        return _DEFINITIONS[content_hash]
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None:
        raise LookupError(f"questionnaire version {version_id} does not exist")
    definition = definition_of(version)
    hashes[version_id] = version.content_hash
    return definition
