"""validate_paths: folders of questionnaires and playbooks, as CI checks them."""

from __future__ import annotations

import shutil
from pathlib import Path

from assess.definitions import Problem, validate_paths

HERE = Path(__file__).parent
FILES = HERE / "files"
BROKEN = HERE / "broken"


def copy_minimal(target: Path) -> Path:
    shutil.copytree(FILES / "minimal", target)
    return target


def test_valid_folder_has_no_problems() -> None:
    assert validate_paths([FILES]) == []
    assert validate_paths([str(FILES / "minimal" / "questionnaire.yaml")]) == []
    assert validate_paths(FILES) == []


def test_broken_folder_reports_every_file() -> None:
    problems = validate_paths([BROKEN])
    reported = {Path(problem.file).name for problem in problems}
    # These two are wrong only against a questionnaire, and broken/ has none to pair them.
    only_with_questionnaire = {
        "playbook_unknown_dimension.yaml",
        "playbook_wrong_questionnaire.yaml",
    }
    assert reported == {path.name for path in BROKEN.glob("*.yaml")} - only_with_questionnaire
    assert all(isinstance(problem, Problem) for problem in problems)


def test_files_are_checked_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "c/d.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("[]\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not checked", encoding="utf-8")
    files = [
        Path(problem.file).relative_to(tmp_path).as_posix()
        for problem in validate_paths([tmp_path])
    ]
    assert files == ["a.yml", "b.yaml", "c/d.yaml"]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    (tmp_path / "empty").mkdir()
    assert validate_paths([missing, tmp_path / "empty"]) == [
        Problem(str(missing), None, "", "no such file or directory"),
        Problem(str(tmp_path / "empty"), None, "", "no .yaml or .yml files in this folder"),
    ]


def test_playbook_is_checked_against_the_questionnaire_beside_it(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "minimal")
    playbook = folder / "playbook.yaml"
    assert validate_paths([folder]) == []
    playbook.write_text(
        playbook.read_text(encoding="utf-8").replace(
            "dimension: portfolio\n    from_level: 2", "dimension: gone\n    from_level: 2"
        ),
        encoding="utf-8",
    )
    (problem,) = validate_paths([folder])
    assert problem.file == str(playbook)
    assert problem.path == "actions[1].dimension"
    assert problem.message.startswith("unknown dimension 'gone'")
    # Without its questionnaire, the playbook alone has nothing to check that against.
    assert validate_paths([playbook]) == []


def test_every_level_step_of_every_dimension_needs_two_actions(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "minimal")
    playbook = folder / "playbook.yaml"
    text = playbook.read_text(encoding="utf-8")
    # Move the second action (portfolio 2 -> 3) to step 3 -> 4: step 2 -> 3 is left short.
    playbook.write_text(
        text.replace("from_level: 2\n    to_level: 3", "from_level: 3\n    to_level: 4"),
        encoding="utf-8",
    )
    (problem,) = validate_paths([folder])
    assert str(problem) == (
        f"{playbook}:33: actions: dimension 'portfolio' step 2 -> 3 has 1 action "
        "(portfolio.step2-0); at least 2 are needed"
    )
    # A step of the other dimension with no action at all, reported at its dimension.
    lines = [line for line in text.splitlines(keepends=True)]
    start = next(i for i, line in enumerate(lines) if "id: delivery.step4-0" in line)
    del lines[start : start + 6]
    playbook.write_text("".join(lines), encoding="utf-8")
    (problem,) = validate_paths([folder])
    assert problem.message == (
        "dimension 'delivery' step 4 -> 5 has 0 actions; at least 2 are needed"
    )
    assert problem.line is not None
    # The playbook checked alone, or loaded on its own, has no questionnaire to cover.
    assert validate_paths([playbook]) == []


def test_a_readiness_playbook_needs_an_action_per_factor(tmp_path: Path) -> None:
    folder = tmp_path / "readiness"
    shutil.copytree(FILES / "readiness", folder)
    playbook = folder / "playbook.yaml"
    playbook.write_text(
        "questionnaire: minimal-readiness\nversion: 1\nactions: []\n", encoding="utf-8"
    )
    assert validate_paths([folder]) == [
        Problem(str(playbook), None, "actions",
                "dimension 'support' has no action; at least one is needed"),
    ]
    playbook.write_text(
        "questionnaire: minimal-readiness\nversion: 1\nactions:\n"
        "  - {id: support.ask, dimension: support, from_level: 1, to_level: 2, title: Ask,\n"
        "     objective: O, steps: [S], owner: sponsor, horizon: 30, effort: 1,\n"
        "     success_measures: [{text: Support rises, dimension: support, direction: up}]}\n",
        encoding="utf-8",
    )
    assert validate_paths([folder]) == []


def test_playbook_of_a_broken_questionnaire_is_still_checked_alone(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "minimal")
    (folder / "questionnaire.yaml").write_text("id: minimal-maturity\n", encoding="utf-8")
    files = {problem.file for problem in validate_paths([folder])}
    assert files == {str(folder / "questionnaire.yaml")}


def test_duplicate_versions_across_files(tmp_path: Path) -> None:
    copy_minimal(tmp_path / "one")
    copy_minimal(tmp_path / "two")
    problems = validate_paths([tmp_path])
    assert problems == [
        Problem(
            str(tmp_path / "two" / "questionnaire.yaml"),
            None,
            "",
            "questionnaire 'minimal-maturity' version 2 is also defined in "
            f"{tmp_path / 'one' / 'questionnaire.yaml'}",
        ),
        Problem(
            str(tmp_path / "two" / "playbook.yaml"),
            None,
            "",
            "playbook 'minimal-maturity' version 1 is also defined in "
            f"{tmp_path / 'one' / 'playbook.yaml'}",
        ),
    ]


def test_a_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "minimal")
    assert validate_paths([folder, folder / "questionnaire.yaml"]) == []


def test_a_file_edited_between_two_checks_is_read_anew(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "q")
    assert validate_paths([folder]) == []
    assert validate_paths([folder]) == []  # unchanged bytes: the same answer
    path = folder / "questionnaire.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")
    problems = validate_paths([folder])
    assert problems
    assert {Path(problem.file).name for problem in problems} == {"questionnaire.yaml"}
    shutil.copy(FILES / "minimal" / "questionnaire.yaml", path)
    assert validate_paths([folder]) == []
