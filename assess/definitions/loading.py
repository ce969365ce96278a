"""Load questionnaires and playbooks from YAML text, files or plain dicts."""

from __future__ import annotations

import os
from typing import Any

from ..files import FileTooLarge, NotARegularFile, read_bounded
from .checks import Checker
from .model import Questionnaire
from .playbook import Playbook
from .playbook_schema import build_playbook
from .problems import DefinitionError, Problem, sort_problems
from .questionnaire_schema import build_questionnaire
from .yamlnodes import (
    MAX_FILE_BYTES,
    Node,
    ReadResult,
    nodes_from_data,
    read_nodes,
    size_problem,
)

PathLike = str | os.PathLike[str]


def read_file(path: PathLike) -> bytes:
    """The bytes of a definition file, refusing one over MAX_FILE_BYTES before reading it all.

    Raises :class:`DefinitionError` (never ``OSError``) naming the file.
    """
    source = os.fspath(path)
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except FileTooLarge as error:
        raise DefinitionError([size_problem(source, error.size)]) from None
    except NotARegularFile as error:
        raise DefinitionError([Problem(source, None, "", str(error))]) from None
    except FileNotFoundError:
        raise DefinitionError([Problem(source, None, "", "no such file")]) from None
    except OSError as error:
        message = f"cannot be read: {error.strerror or error}"
        raise DefinitionError([Problem(source, None, "", message)]) from None


def read_tree(text: str | bytes, source: str) -> ReadResult:
    """The node tree of YAML text, with problems found while reading it;
    :class:`DefinitionError` if the file is refused."""
    result = read_nodes(text, source)
    if result.root is None:
        raise DefinitionError(sort_problems(result.problems))
    return result


def questionnaire_from_tree(tree: ReadResult, source: str) -> Questionnaire:
    """Check a node tree as a questionnaire."""
    chk = Checker(source)
    chk.problems.extend(tree.problems)
    questionnaire = build_questionnaire(_root(tree), chk, source)
    if chk.problems or questionnaire is None:
        raise DefinitionError(sort_problems(chk.problems))
    return questionnaire


def playbook_from_tree(
    tree: ReadResult, source: str, questionnaire: Questionnaire | None = None
) -> Playbook:
    """Check a node tree as a playbook, against ``questionnaire`` when given."""
    chk = Checker(source)
    chk.problems.extend(tree.problems)
    playbook = build_playbook(_root(tree), chk, source, questionnaire)
    if chk.problems or playbook is None:
        raise DefinitionError(sort_problems(chk.problems))
    return playbook


def _root(tree: ReadResult) -> Node:
    if tree.root is None:
        raise DefinitionError(sort_problems(tree.problems))
    return tree.root


def parse_questionnaire(text: str | bytes, source: str = "<string>") -> Questionnaire:
    """A questionnaire from YAML text; :class:`DefinitionError` lists every problem found.

    ``source`` names the text in problems (a file name).
    """
    return questionnaire_from_tree(read_tree(text, source), source)


def load_questionnaire(path: PathLike) -> Questionnaire:
    """A questionnaire from a YAML file; problems name the path as given."""
    source = os.fspath(path)
    return parse_questionnaire(read_file(path), source)


def parse_playbook(
    text: str | bytes, source: str = "<string>", questionnaire: Questionnaire | None = None
) -> Playbook:
    """A playbook from YAML text. With ``questionnaire``, its id and version, dimension ids
    and level range are checked too."""
    return playbook_from_tree(read_tree(text, source), source, questionnaire)


def load_playbook(path: PathLike, questionnaire: Questionnaire | None = None) -> Playbook:
    """A playbook from a YAML file, checked against ``questionnaire`` when given."""
    source = os.fspath(path)
    return parse_playbook(read_file(path), source, questionnaire)


def _tree_from_data(data: Any, source: str) -> ReadResult:
    try:
        return ReadResult(nodes_from_data(data), ())
    except ValueError as error:
        raise DefinitionError([Problem(source, None, "", str(error))]) from None


def questionnaire_from_dict(data: dict[str, Any], source: str = "<dict>") -> Questionnaire:
    """The inverse of :meth:`Questionnaire.to_dict`: a questionnaire from plain data (as
    stored in JSON), checked by the same rules as a file."""
    return questionnaire_from_tree(_tree_from_data(data, source), source)


def playbook_from_dict(
    data: dict[str, Any], source: str = "<dict>", questionnaire: Questionnaire | None = None
) -> Playbook:
    """The inverse of :meth:`Playbook.to_dict`, checked by the same rules as a file."""
    return playbook_from_tree(_tree_from_data(data, source), source, questionnaire)
