"""Every file under broken/ is refused with exactly the problems its header announces.

Each broken file starts with one or more lines ``# expect: LINE: TEXT`` (``-`` for a problem
of the whole file): the loader must report a problem at that line whose ``str()`` contains
TEXT, and nothing else. Files named ``playbook_*`` are playbooks, checked against the
minimal questionnaire in files/minimal/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assess.definitions import (
    DefinitionError,
    Problem,
    Questionnaire,
    load_playbook,
    load_questionnaire,
)

HERE = Path(__file__).parent
BROKEN = sorted((HERE / "broken").glob("*.yaml"))
EXPECT = re.compile(rb"^# expect: (\d+|-): (.+)$", re.MULTILINE)


def expectations(path: Path) -> list[tuple[int | None, str]]:
    found = EXPECT.findall(path.read_bytes())
    return [(None if line == b"-" else int(line), text.decode()) for line, text in found]


@pytest.fixture(scope="module")
def minimal() -> Questionnaire:
    return load_questionnaire(HERE / "files" / "minimal" / "questionnaire.yaml")


def load_broken(path: Path, minimal: Questionnaire) -> tuple[Problem, ...]:
    load = ((lambda: load_playbook(path, minimal)) if path.name.startswith("playbook_")
            else (lambda: load_questionnaire(path)))
    with pytest.raises(DefinitionError) as caught:
        load()
    return caught.value.problems


def test_there_are_enough_broken_files() -> None:
    assert len(BROKEN) >= 15


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.stem)
def test_broken_file_reports_exactly_the_expected_problems(
    path: Path, minimal: Questionnaire
) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' header"
    problems = load_broken(path, minimal)
    report = "\n".join(str(problem) for problem in problems)

    assert {problem.file for problem in problems} == {str(path)}
    unmatched = list(problems)
    for line, text in expected:
        match = next((p for p in unmatched if p.line == line and text in str(p)), None)
        assert match is not None, f"expected line {line}: {text!r}\ngot:\n{report}"
        unmatched.remove(match)
    assert not unmatched, f"unexpected problems:\n{report}"


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.stem)
def test_problem_reads_file_line_path_message(path: Path, minimal: Questionnaire) -> None:
    for problem in load_broken(path, minimal):
        where = f"{path}:{problem.line}" if problem.line is not None else str(path)
        parts = [where, problem.path, problem.message]
        assert str(problem) == ": ".join(part for part in parts if part)
