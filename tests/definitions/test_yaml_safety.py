"""Unsafe or unreadable files are refused with a problem, never an exception or an object."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assess.definitions import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    DefinitionError,
    Problem,
    load_questionnaire,
    parse_playbook,
    parse_questionnaire,
    validate_paths,
    yamlnodes,
)

BROKEN = Path(__file__).parent / "broken"


def problems_of(text: str | bytes, source: str = "q.yaml") -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_questionnaire(text, source)
    return [str(problem) for problem in caught.value.problems]


def test_limits() -> None:
    assert MAX_FILE_BYTES == 1024 * 1024
    assert MAX_DEPTH == 12


def test_object_tags_are_never_constructed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    with pytest.raises(DefinitionError, match="is not allowed"):
        load_questionnaire(BROKEN / "tag_python_object.yaml")
    with pytest.raises(DefinitionError, match="is not allowed"):
        parse_playbook("questionnaire: !!python/object/new:os.system [echo]\n")
    assert calls == []


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("id: !!python/name:os.system\n", "!!python/name:os.system"),
        ("id: !!binary aGVsbG8=\n", "!!binary"),
        ("id: !!set {a, b}\n", "!!set"),
        ("id: !!omap [{a: 1}]\n", "!!omap"),
        ("id: !local {a: 1}\n", "!local"),
        ("!!python/object:builtins.dict {}\n", "!!python/object:builtins.dict"),
        ("? !!python/tuple [a, b]\n: c\n", "!!python/tuple"),
    ],
)
def test_any_non_plain_tag_is_refused(text: str, tag: str) -> None:
    problems = problems_of(text)
    assert len(problems) == 1
    assert f"tag '{tag}' is not allowed" in problems[0]
    assert problems[0].startswith("q.yaml:1:")


def test_explicit_plain_tags_are_fine() -> None:
    # `!!str 5` is the string "5": harmless, and the check then continues as usual.
    problems = problems_of("id: !!str 5\nversion: !!int 3\n")
    assert "q.yaml:1: id: bad id '5': use lowercase letters" in "\n".join(problems)
    assert all("tag" not in problem for problem in problems)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    problems = problems_of("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5
    assert problems[0] == "q.yaml:1: anchor &a0: anchors are not allowed"
    assert "q.yaml:2: alias *a0: aliases are not allowed" in problems


def test_nesting_at_the_limit_is_read_and_one_deeper_refused() -> None:
    # The top-level mapping is level 1; `x` holds MAX_DEPTH - 1 more lists.
    ok = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert not any("nested" in problem for problem in problems_of(ok))
    deep = "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert problems_of(deep) == ["q.yaml:1: nested deeper than 12 levels of lists and mappings"]


def test_pathological_nesting_is_refused_without_recursion_error() -> None:
    problems = problems_of("x: " + "[" * 200_000 + "]" * 200_000 + "\n")
    assert problems == ["q.yaml:1: nested deeper than 12 levels of lists and mappings"]


def test_recursion_error_from_the_composer_becomes_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def exhausted(self: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(yamlnodes._ComposingLoader, "get_single_node", exhausted)
    assert problems_of("id: x\n") == ["q.yaml: nested too deeply to read"]


def test_oversized_text_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_parse(*args: object) -> None:
        raise AssertionError("parsed an oversized file")

    monkeypatch.setattr(yamlnodes._ComposingLoader, "__init__", must_not_parse)
    big = "a: " + "x" * MAX_FILE_BYTES + "\n"
    expected = f"q.yaml: file is {len(big)} bytes, more than the limit of 1048576 bytes"
    assert problems_of(big)[0].startswith(expected)
    assert problems_of(big.encode())[0].startswith(expected)
    # Characters, not bytes, would let 1 MiB of 'é' (2 MiB of UTF-8) through.
    wide = "a: " + "é" * (MAX_FILE_BYTES // 2) + "\n"
    assert "more than the limit" in problems_of(wide)[0]


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(DefinitionError) as caught:
        load_questionnaire(path)
    (problem,) = caught.value.problems
    assert problem == Problem(
        str(path),
        None,
        "",
        f"file is {path.stat().st_size} bytes, more than the limit of 1048576 bytes (1 MiB); "
        "it was not read",
    )


def test_file_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    body = b"id: x\n"
    path.write_bytes(body + b"#" * (MAX_FILE_BYTES - len(body) - 1) + b"\n")
    with pytest.raises(DefinitionError) as caught:
        load_questionnaire(path)
    assert "more than the limit" not in str(caught.value)
    assert "missing required field 'version'" in str(caught.value)


def test_missing_file_and_directory_are_problems(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(DefinitionError) as caught:
        load_questionnaire(missing)
    assert str(caught.value) == f"{missing}: no such file"
    with pytest.raises(DefinitionError, match="is a directory"):
        load_questionnaire(tmp_path)


def test_special_files_are_problems_without_blocking(tmp_path: Path) -> None:
    """A FIFO would block the open and a device such as /dev/zero would never end: both are
    refused as a problem of the file, as the baseline import refuses them."""
    fifo = tmp_path / "questionnaire.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(DefinitionError) as caught:
            load_questionnaire(path)
        assert str(caught.value) == f"{path}: is not a regular file"
    assert [str(p) for p in validate_paths([fifo])] == [f"{fifo}: is not a regular file"]


def test_control_characters_and_byte_order_mark() -> None:
    assert problems_of("id: x\ntitle: a\x00b\n") == [
        "q.yaml:2: control character U+0000 is not allowed in YAML"
    ]
    with_bom = "\ufeffid: x\n".encode()
    assert "q.yaml:1: missing required field 'version'" in problems_of(with_bom)


def test_scalar_problems_of_explicit_tags() -> None:
    assert problems_of("version: !!int abc\n") == [
        "q.yaml:1: version: 'abc' is not a valid !!int value"
    ]


def test_all_problems_of_a_file_in_one_report() -> None:
    text = """\
id: Bad Id
version: 0
title: {de: Titel}
kind: maturty
scales:
  agree5: {min: 1, max: 5, labels: [a, b, c]}
levels: [one]
anonymity: {min_n: 1}
dimensions:
  - id: flow
    title: Flow
    items:
      - {id: flow.a, text: A, scale: agree9}
      - {id: flow.a, text: B, scale: agree5, reverse: maybe, weight: 0}
"""
    problems = problems_of(text)
    assert [problem.split(": ", 2)[0:2] for problem in problems] == [
        ["q.yaml:1", "id"],
        ["q.yaml:2", "version"],
        ["q.yaml:3", "title"],
        ["q.yaml:4", "kind"],
        ["q.yaml:6", "scales.agree5.labels"],
        ["q.yaml:7", "levels"],
        ["q.yaml:8", "anonymity.min_n"],
        ["q.yaml:13", "dimensions[0].items[0].scale"],
        ["q.yaml:14", "dimensions[0].items[1].id"],
        ["q.yaml:14", "dimensions[0].items[1].reverse"],
        ["q.yaml:14", "dimensions[0].items[1].weight"],
    ]


def test_problem_and_error_formatting() -> None:
    assert str(Problem("a.yaml", 3, "dimensions[0].id", "bad")) == "a.yaml:3: dimensions[0].id: bad"
    assert str(Problem("a.yaml", None, "", "file is empty")) == "a.yaml: file is empty"
    assert str(Problem("a.yaml", 7, "", "syntax")) == "a.yaml:7: syntax"
    assert str(Problem("a.yaml", None, "id", "bad")) == "a.yaml: id: bad"
    error = DefinitionError([Problem("a", 1, "x", "one"), Problem("a", 2, "", "two")])
    assert isinstance(error, ValueError)
    assert str(error) == "a:1: x: one\na:2: two"
    assert len(error.problems) == 2
