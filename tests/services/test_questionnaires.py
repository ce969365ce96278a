"""Questionnaire versions in the database: loaded whole, frozen, read back as they were."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from assess.definitions import DefinitionError, load_paths, load_questionnaire
from assess.errors import Conflict, InvalidInput
from assess.extensions import db
from assess.models import PlaybookVersion, QuestionnaireVersion
from assess.services.questionnaires import (
    definition_of,
    latest_version,
    load_into_database,
    playbook_for,
)
from tests.conftest import QUESTIONNAIRES

READINESS = QUESTIONNAIRES / "transformation-readiness"


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


def _rows(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _copy(folder: Path, *, version: int = 1, title: str | None = None,
          playbook: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (READINESS / "questionnaire.yaml").read_text(encoding="utf-8")
    text = text.replace("\nversion: 1\n", f"\nversion: {version}\n", 1)
    if title is not None:
        lines = text.splitlines()
        index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
        lines[index] = f"title: {title}"
        text = "\n".join(lines) + "\n"
    (folder / "questionnaire.yaml").write_text(text, encoding="utf-8")
    if playbook:
        (folder / "playbook.yaml").write_text(
            (READINESS / "playbook.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return folder / "questionnaire.yaml"


def test_definition_files_are_split_into_questionnaires_and_playbooks() -> None:
    loaded = load_paths([QUESTIONNAIRES])
    questionnaires = [Path(source) for source in loaded.questionnaires]
    playbooks = [Path(source) for source in loaded.playbooks]
    assert sorted(p.parent.name for p in questionnaires) == ["pmo-apo-maturity",
                                                            "transformation-readiness"]
    assert all(p.name == "questionnaire.yaml" for p in questionnaires)
    assert sorted(p.parent.name for p in playbooks) == ["pmo-apo-maturity",
                                                        "transformation-readiness"]


@pytest.mark.usefixtures("ctx")
def test_loading_reports_what_was_added_then_unchanged() -> None:
    first = load_into_database([QUESTIONNAIRES])
    assert sorted(first.added) == [
        "playbook for pmo-apo-maturity version 1",
        "playbook for transformation-readiness version 1",
        "questionnaire pmo-apo-maturity version 1",
        "questionnaire transformation-readiness version 1",
    ]
    assert first.unchanged == ()
    second = load_into_database([QUESTIONNAIRES])
    assert second.added == ()
    assert sorted(second.unchanged) == sorted(first.added)


@pytest.mark.usefixtures("ctx")
def test_a_stored_version_reads_back_as_the_file() -> None:
    load_into_database([QUESTIONNAIRES])
    stored = latest_version("transformation-readiness")
    original = load_questionnaire(READINESS / "questionnaire.yaml")
    assert stored.source_text == (READINESS / "questionnaire.yaml").read_text(encoding="utf-8")
    assert stored.content_hash == original.content_hash
    assert stored.kind == "readiness"
    frozen = definition_of(stored)
    assert frozen.content_hash == original.content_hash
    assert [d.id for d in frozen.dimensions] == [d.id for d in original.dimensions]
    assert definition_of(stored) is frozen  # read once, then cached


@pytest.mark.usefixtures("ctx")
def test_the_stored_text_is_the_text_that_was_validated(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file is read once: a file changed (or made unreadable) after validation cannot
    slip into the database as a version's source text."""
    path = _copy(tmp_path / "r")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # a byte-order mark is not content
    expected = path.read_text(encoding="utf-8-sig")

    def read_again(self: Path, *_args: object, **_kwargs: object) -> str:
        raise AssertionError(f"{self} was read a second time")

    monkeypatch.setattr(Path, "read_text", read_again)
    load_into_database([tmp_path / "r"])
    assert latest_version("transformation-readiness").source_text == expected


def test_version_ids_are_looked_up_per_database(tmp_path: Path, migrated_db: Path) -> None:
    """Row ids mean something only within one database: two applications in one process
    whose version 1 holds different questionnaires each get their own."""
    import shutil

    from assess import create_app
    from assess.services.questionnaires import definition_by_version_id
    from tests.conftest import close_database, make_config

    apps = []
    for key in ("pmo-apo-maturity", "transformation-readiness"):
        database = tmp_path / f"{key}.sqlite3"
        shutil.copy(migrated_db, database)
        app = create_app(make_config(tmp_path / f"instance-{key}", database))
        with app.app_context():
            load_into_database([QUESTIONNAIRES / key])
            assert latest_version(key).id == 1
        apps.append(app)
    try:
        for app, expected in zip(apps, ("pmo-apo-maturity", "transformation-readiness"),
                                 strict=True):
            with app.app_context():
                assert definition_by_version_id(1).id == expected
        with apps[0].app_context():
            assert definition_by_version_id(1).id == "pmo-apo-maturity"  # cached, still right
    finally:
        for app in apps:
            close_database(app)


@pytest.mark.usefixtures("ctx")
def test_changed_content_under_a_stored_version_is_a_conflict(tmp_path: Path) -> None:
    _copy(tmp_path / "r")
    load_into_database([tmp_path / "r"])
    changed = _copy(tmp_path / "r", title="Quietly reworded")
    with pytest.raises(Conflict) as error:
        load_into_database([tmp_path / "r"])
    assert str(error.value).startswith(f"{changed}: questionnaire transformation-readiness "
                                       "version 1 is already loaded with different content")
    assert "version: 2" in str(error.value)
    assert latest_version("transformation-readiness").title != "Quietly reworded"


@pytest.mark.usefixtures("ctx")
def test_changed_playbook_under_a_stored_version_is_a_conflict(tmp_path: Path) -> None:
    _copy(tmp_path / "r", playbook=True)
    load_into_database([tmp_path / "r"])
    playbook = tmp_path / "r" / "playbook.yaml"
    text = playbook.read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "objective:" in line)
    lines[index] = lines[index].split("objective:")[0] + "objective: A reworded objective."
    playbook.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(Conflict, match=r"playbook for transformation-readiness version 1 is "
                                       r"already loaded as revision 2 with different content; "
                                       r"give the changed playbook a higher revision "
                                       r"\(revision: 3\)"):
        load_into_database([tmp_path / "r"])
    assert _rows(PlaybookVersion) == 1


def _set_revision(playbook: Path, revision: int, objective: str | None = None) -> None:
    text = playbook.read_text(encoding="utf-8")
    text = re.sub(r"\nrevision: \d+\n", f"\nrevision: {revision}\n", text, count=1)
    if objective is not None:
        lines = text.splitlines()
        index = next(i for i, line in enumerate(lines) if "objective:" in line)
        lines[index] = lines[index].split("objective:")[0] + f"objective: {objective}"
        text = "\n".join(lines) + "\n"
    playbook.write_text(text, encoding="utf-8")


@pytest.mark.usefixtures("ctx")
def test_a_higher_playbook_revision_replaces_the_stored_one(tmp_path: Path) -> None:
    _copy(tmp_path / "r", playbook=True)
    load_into_database([tmp_path / "r"])
    _set_revision(tmp_path / "r" / "playbook.yaml", 3, "A reworded objective.")
    report = load_into_database([tmp_path / "r"])
    assert report.added == ("playbook for transformation-readiness version 1, revision 3 "
                            "(replaces revision 2)",)
    assert _rows(PlaybookVersion) == 1
    stored = db.session.scalar(select(PlaybookVersion))
    assert stored is not None
    assert stored.definition["revision"] == 3
    version = latest_version("transformation-readiness")
    playbook = playbook_for(version)
    assert playbook is not None
    assert playbook.revision == 3
    assert str(playbook.actions[0].objective) == "A reworded objective."
    assert load_into_database([tmp_path / "r"]).unchanged[-1] == (
        "playbook for transformation-readiness version 1")

    # An older revision, changed or not, never comes back.
    _set_revision(tmp_path / "r" / "playbook.yaml", 2)
    with pytest.raises(Conflict, match="already loaded as revision 3 with different content"):
        load_into_database([tmp_path / "r"])
    assert playbook_for(version) == playbook


@pytest.mark.usefixtures("ctx")
def test_a_playbook_stored_before_revisions_is_upgraded(tmp_path: Path) -> None:
    """A database that loaded a playbook of the old format (no revision, free-text owners)
    takes the shipped one: a stored playbook without a revision counts as revision 1."""
    _copy(tmp_path / "r", playbook=True)
    load_into_database([tmp_path / "r"])
    stored = db.session.scalar(select(PlaybookVersion))
    assert stored is not None
    old = {key: value for key, value in stored.definition.items() if key != "revision"}
    old["actions"] = [{**action, "owner_role": "APO lead"} for action in old["actions"]]
    stored.definition, stored.content_hash = old, "0" * 64
    db.session.commit()
    report = load_into_database([tmp_path / "r"])
    assert report.added == ("playbook for transformation-readiness version 1, revision 2 "
                            "(replaces revision 1)",)
    playbook = playbook_for(latest_version("transformation-readiness"))
    assert playbook is not None
    assert playbook.actions[0].owner == "sponsor"


@pytest.mark.usefixtures("ctx")
def test_marking_leader_roles_keeps_the_version_and_updates_it(tmp_path: Path) -> None:
    path = _copy(tmp_path / "r")
    marked = path.read_text(encoding="utf-8")
    path.write_text(marked.replace("{text: team lead, leader: true}", "team lead"),
                    encoding="utf-8")
    load_into_database([tmp_path / "r"])
    before = latest_version("transformation-readiness")
    before_id, before_hash = before.id, before.content_hash
    assert definition_of(before).leader_roles == ()
    path.write_text(marked, encoding="utf-8")
    report = load_into_database([tmp_path / "r"])
    assert report.added == ("leader roles of questionnaire transformation-readiness version 1: "
                            "team lead",)
    after = latest_version("transformation-readiness")
    assert after.id == before_id
    assert after.content_hash == load_questionnaire(path).content_hash != before_hash
    assert after.source_text == marked
    assert definition_of(after).leader_roles == ("team lead",)
    assert load_into_database([tmp_path / "r"]).added == ()
    # Anything else changed under the version is still refused.
    path.write_text(marked.replace("What would help you most", "What would help"),
                    encoding="utf-8")
    with pytest.raises(Conflict, match="already loaded with different content"):
        load_into_database([tmp_path / "r"])


@pytest.mark.usefixtures("ctx")
def test_a_playbook_applies_from_its_version_on(tmp_path: Path) -> None:
    _copy(tmp_path / "v1", playbook=True)
    _copy(tmp_path / "v2", version=2, title="Second")
    load_into_database([tmp_path])
    playbook = playbook_for(latest_version("transformation-readiness"))
    assert playbook is not None
    assert playbook.version == 1


@pytest.mark.usefixtures("ctx")
def test_new_versions_stack_and_the_latest_wins(tmp_path: Path) -> None:
    _copy(tmp_path / "v1")
    _copy(tmp_path / "v3", version=3, title="Third")
    _copy(tmp_path / "v2", version=2, title="Second")
    load_into_database([tmp_path])
    assert _rows(QuestionnaireVersion) == 3
    assert latest_version("transformation-readiness").version == 3
    assert latest_version("transformation-readiness").title == "Third"


@pytest.mark.usefixtures("ctx")
def test_an_invalid_file_stores_nothing(tmp_path: Path) -> None:
    _copy(tmp_path / "a-good")
    bad = _copy(tmp_path / "b-bad", version=2)
    bad.write_text(bad.read_text(encoding="utf-8").replace("kind: readiness", "kind: mood"),
                   encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        load_into_database([tmp_path])
    assert [p.file for p in error.value.problems] == [str(bad)]
    assert _rows(QuestionnaireVersion) == 0


@pytest.mark.usefixtures("ctx")
def test_latest_version_of_an_unloaded_questionnaire() -> None:
    with pytest.raises(InvalidInput, match="'pmo-apo-maturity' is not loaded; run "
                                           "'assess load-questionnaires'"):
        latest_version("pmo-apo-maturity")
