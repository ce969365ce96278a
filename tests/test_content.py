"""Shipped content is found from a source tree, and the wheel's configuration ships all of it.

An installed wheel is checked by ``tests/test_wheel.py`` (slow: it builds and installs one).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from assess import content, create_app
from assess.config import DEFAULTS

REPO = Path(__file__).resolve().parent.parent


def test_content_is_read_from_the_source_tree() -> None:
    assert content.templates_dir() == REPO / "templates"
    assert content.questionnaires_dir() == REPO / "questionnaires"
    assert content.reports_dir() == REPO / "reports"
    assert content.migrations_dir() == REPO / "assess" / "migrations"


def test_each_folder_holds_what_the_application_reads() -> None:
    assert (content.templates_dir() / "base.html").is_file()
    assert (content.templates_dir() / "survey" / "welcome.html").is_file()
    for instrument in ("pmo-apo-maturity", "transformation-readiness"):
        assert (content.questionnaires_dir() / instrument / "questionnaire.yaml").is_file()
        assert (content.questionnaires_dir() / instrument / "playbook.yaml").is_file()
    assert (content.reports_dir() / "README.md").is_file()
    assert (content.migrations_dir() / "env.py").is_file()


def test_the_application_and_its_configuration_use_the_locator(tmp_path: Path) -> None:
    assert DEFAULTS["QUESTIONNAIRE_DIR"] == str(content.questionnaires_dir())
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 32})
    assert app.template_folder == str(content.templates_dir())
    assert app.config["QUESTIONNAIRE_DIR"] == str(content.questionnaires_dir())
    assert Path(app.static_folder or "") == REPO / "assess" / "static"


def test_an_unknown_folder_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown content folder 'tests'"):
        content.content_dir("tests")


def test_reports_is_content_not_a_python_package() -> None:
    assert not (REPO / "reports" / "__init__.py").exists()


def _setuptools() -> dict[str, object]:
    with open(REPO / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["setuptools"]


def test_every_content_folder_is_mapped_into_the_package() -> None:
    config = _setuptools()
    for name in content.CONTENT_FOLDERS:
        package = f"assess._content.{name}"
        assert config["package-dir"][package] == name  # type: ignore[index]
        assert package in config["packages"]  # type: ignore[operator]
        assert config["package-data"][package] == ["**/*"]  # type: ignore[index]


def test_every_python_package_of_the_source_tree_is_listed_for_the_wheel() -> None:
    """The wheel's package list is written out (the content folders need package-dir
    entries, which rule out automatic discovery): a new subpackage must be added to it."""
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "assess").rglob("__init__.py")
    }
    listed = {name for name in _setuptools()["packages"]  # type: ignore[attr-defined]
              if not name.startswith("assess._content.")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - found == set(), "these listed packages do not exist"
