"""Check whole folders of questionnaire and playbook files, as CI and the CLI do."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .loading import PathLike, playbook_from_tree, questionnaire_from_tree, read_file, read_tree
from .model import Questionnaire
from .playbook import Playbook
from .playbook_schema import coverage_problems
from .problems import DefinitionError, Problem
from .yamlnodes import Map, ReadResult

YAML_SUFFIXES = (".yaml", ".yml")
QUESTIONNAIRE_NAMES = ("questionnaire.yaml", "questionnaire.yml")


def _files(paths: Iterable[PathLike], problems: list[Problem]) -> list[str]:
    found: list[str] = []
    for path in paths:
        source = os.fspath(path)
        if os.path.isdir(source):
            inside = sorted(
                str(p) for p in Path(source).rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()
            )
            if not inside:
                problems.append(Problem(source, None, "", "no .yaml or .yml files in this folder"))
            found.extend(inside)
        elif os.path.exists(source):
            found.append(source)
        else:
            problems.append(Problem(source, None, "", "no such file or directory"))
    # A file named twice (directly and through its folder) is checked once.
    return list(dict.fromkeys(found))


@lru_cache(maxsize=32)
def _tree_of(data: bytes, source: str) -> ReadResult:
    """The node tree of a file's bytes, read once per process for unchanged bytes.

    Reading YAML with line numbers is the slow part of checking a folder, and a process
    checks the same files again and again (``validate`` then ``load-questionnaires``, every
    campaign set-up that loads the shipped instruments). The tree is frozen, so sharing it is
    safe; the key is the whole content, so an edited file is always read anew.
    """
    return read_tree(data, source)


def _is_playbook(tree: ReadResult) -> bool:
    return isinstance(tree.root, Map) and "questionnaire" in tree.root


@dataclass(frozen=True)
class LoadedDefinitions:
    """Every questionnaire and playbook found under some paths, by source file."""

    questionnaires: dict[str, Questionnaire]
    playbooks: dict[str, Playbook]
    #: The text of every file read, exactly as validated (stored with a questionnaire version,
    #: so that what is kept is what was checked: the file is not read a second time).
    texts: dict[str, str]


def validate_paths(paths: Iterable[PathLike]) -> list[Problem]:
    """Every problem in the given files and folders (searched recursively for ``*.yaml`` and
    ``*.yml``, in sorted order).

    A file whose top level has a ``questionnaire`` key is a playbook, any other a
    questionnaire. A playbook is checked against the questionnaire of its folder
    (``questionnaire.yaml``, or the only questionnaire file there). The same ``(id, version)``
    in two files is a problem too. Nothing raises: a missing path is a problem.
    """
    return _collect(paths)[0]


def load_paths(paths: Iterable[PathLike]) -> LoadedDefinitions:
    """The definitions under the given files and folders, checked as :func:`validate_paths`.

    Raises :class:`DefinitionError` with every problem when any file is invalid.
    """
    problems, loaded = _collect(paths)
    if problems:
        raise DefinitionError(tuple(problems))
    return loaded


def _collect(paths: Iterable[PathLike]) -> tuple[list[Problem], LoadedDefinitions]:
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    problems: list[Problem] = []
    trees: dict[str, ReadResult] = {}
    texts: dict[str, str] = {}
    for source in _files(paths, problems):
        try:
            data = read_file(source)
            trees[source] = _tree_of(data, source)
        except DefinitionError as error:
            problems.extend(error.problems)
            continue
        texts[source] = data.decode("utf-8-sig")  # read_tree has refused anything else

    questionnaires: dict[str, Questionnaire] = {}
    questionnaire_files: dict[str, list[str]] = {}
    for source, root in trees.items():
        if _is_playbook(root):
            continue
        questionnaire_files.setdefault(os.path.dirname(source), []).append(source)
        try:
            questionnaires[source] = questionnaire_from_tree(root, source)
        except DefinitionError as error:
            problems.extend(error.problems)

    playbooks: dict[str, Playbook] = {}
    for source, root in trees.items():
        if not _is_playbook(root):
            continue
        partner = _partner(questionnaire_files.get(os.path.dirname(source), []))
        questionnaire = questionnaires.get(partner or "")
        try:
            playbooks[source] = playbook_from_tree(root, source, questionnaire)
        except DefinitionError as error:
            problems.extend(error.problems)
            continue
        if questionnaire is not None:
            problems.extend(coverage_problems(playbooks[source], questionnaire))

    problems.extend(
        _duplicates({s: (q.id, q.version) for s, q in questionnaires.items()}, "questionnaire")
    )
    problems.extend(
        _duplicates({s: (p.questionnaire, p.version) for s, p in playbooks.items()}, "playbook")
    )
    return problems, LoadedDefinitions(questionnaires, playbooks, texts)


def _partner(candidates: list[str]) -> str | None:
    """The questionnaire file a playbook in the same folder belongs to."""
    for source in candidates:
        if os.path.basename(source) in QUESTIONNAIRE_NAMES:
            return source
    return candidates[0] if len(candidates) == 1 else None


def _duplicates(keys: dict[str, tuple[str, int]], what: str) -> list[Problem]:
    first: dict[tuple[str, int], str] = {}
    problems = []
    for source, key in keys.items():
        if key in first:
            problems.append(
                Problem(
                    source,
                    None,
                    "",
                    f"{what} '{key[0]}' version {key[1]} is also defined in {first[key]}",
                )
            )
        else:
            first[key] = source
    return problems
