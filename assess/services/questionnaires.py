"""Questionnaire and playbook versions in the database: load files, freeze, read back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..database import run_write
from ..definitions import (
    Playbook,
    Questionnaire,
    load_paths,
    playbook_from_dict,
    questionnaire_from_dict,
)
from ..definitions.model import canonical_hash, without_leader_marks
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..models import PlaybookVersion, QuestionnaireVersion
from ..models.base import utcnow


@dataclass(frozen=True)
class LoadReport:
    """What loading did, one line per file, for the CLI to print."""

    added: tuple[str, ...]
    unchanged: tuple[str, ...]


def load_into_database(paths: Iterable[str | Path]) -> LoadReport:
    """Validate every file, then store new versions in one transaction: all or nothing.

    Raises :class:`DefinitionError` (with every problem) when a file is invalid and
    :class:`Conflict` when a file changed under an id and version that is already stored.

    Two changes to a stored version are accepted, because neither changes what respondents
    answered: a questionnaire whose only difference is which roles are marked as leaders
    (its content hash leaves leader marks out), whose stored definition is brought up to
    date; and a playbook with a higher ``revision`` than the stored one, which replaces it
    (the highest revision wins). A playbook with a lower or equal revision and different
    content is refused.
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
            elif stored.content_hash == q.content_hash:
                unchanged.append(f"questionnaire {label}")
            elif canonical_hash(without_leader_marks(stored.definition)) == q.answered_hash:
                # Only the leader marks differ: how a coach's results group roles changes,
                # what was answered does not, so the version takes them on.
                stored.definition = q.to_dict()
                stored.content_hash = q.content_hash
                stored.source_text = texts[q.source]
                added.append(f"leader roles of questionnaire {label}: "
                             f"{', '.join(q.leader_roles) or 'none'}")
            else:
                raise Conflict(
                    f"{q.source}: questionnaire {label} is already loaded with different "
                    f"content; give the changed file a new version number (e.g. "
                    f"version: {q.version + 1})")
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
            elif stored_p.content_hash == content_hash:
                unchanged.append(label)
            elif p.revision > (stored_revision := _revision_of(stored_p)):
                stored_p.content_hash = content_hash
                stored_p.definition = p.to_dict()
                stored_p.loaded_at = utcnow()
                added.append(f"{label}, revision {p.revision} (replaces revision "
                             f"{stored_revision})")
            else:
                raise Conflict(
                    f"{p.source}: {label} is already loaded as revision {stored_revision} "
                    f"with different content; give the changed playbook a higher revision "
                    f"(revision: {stored_revision + 1})")
        return LoadReport(tuple(added), tuple(unchanged))

    return run_write(work)


def _revision_of(stored: PlaybookVersion) -> int:
    """The revision of a stored playbook; playbooks stored before revisions existed are 1."""
    revision = stored.definition.get("revision", 1)
    return revision if isinstance(revision, int) else 1


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


def playbook_for(version: QuestionnaireVersion) -> Playbook | None:
    """The playbook that applies to a stored questionnaire version: the stored playbook of the
    highest version not above it (a playbook applies from its ``version`` on), in its
    highest revision; ``None`` when there is none."""
    row = db.session.scalar(select(PlaybookVersion)
                            .where(PlaybookVersion.questionnaire_key == version.key,
                                   PlaybookVersion.version <= version.version)
                            .order_by(PlaybookVersion.version.desc()).limit(1))
    if row is None:
        return None
    cached = _PLAYBOOKS.get(row.content_hash)
    if cached is None:
        cached = playbook_from_dict(row.definition, f"playbook {row.questionnaire_key} "
                                                    f"version {row.version}")
        _PLAYBOOKS[row.content_hash] = cached
    return cached


_PLAYBOOKS: dict[str, Playbook] = {}  # by content hash, like _DEFINITIONS
