"""Where the shipped content lives: questionnaires, web templates, report templates, migrations.

The content folders are kept at the top of the source tree (``questionnaires/``,
``templates/``, ``reports/``), beside the ``assess`` package. A checkout and an editable
install read them there. A wheel carries them inside the package, as
``assess/_content/<folder>`` (the ``package-dir`` mapping in ``pyproject.toml``), so an
installed copy reads them from ``site-packages``. Migrations and static files live inside the
package in both cases.

Every lookup of shipped content goes through this module; it imports nothing but the standard
library, so the pure packages may use it too.
"""

from __future__ import annotations

from pathlib import Path

#: The top-level content folders, shipped in the wheel under ``assess/_content/``.
CONTENT_FOLDERS = ("questionnaires", "templates", "reports")

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_content"
_SOURCE_TREE = _PACKAGE.parent


def content_dir(name: str) -> Path:
    """The folder holding the shipped content ``name`` (one of :data:`CONTENT_FOLDERS`).

    An installed wheel's copy wins; otherwise the folder of the source tree this package was
    imported from (recognised by its ``pyproject.toml``). Raises ``FileNotFoundError`` naming
    both places when neither exists: the installation is incomplete.
    """
    if name not in CONTENT_FOLDERS:
        raise ValueError(f"unknown content folder {name!r}; expected one of {CONTENT_FOLDERS}")
    installed = _INSTALLED / name
    if installed.is_dir():
        return installed
    source = _SOURCE_TREE / name
    if source.is_dir() and (_SOURCE_TREE / "pyproject.toml").is_file():
        return source
    raise FileNotFoundError(
        f"shipped content folder {name!r} not found in {installed} (installed package) "
        f"nor in {source} (source tree): reinstall Assess"
    )


def questionnaires_dir() -> Path:
    """The shipped instruments: one folder per questionnaire and its playbook."""
    return content_dir("questionnaires")


def templates_dir() -> Path:
    """The Jinja templates of the web pages."""
    return content_dir("templates")


def reports_dir() -> Path:
    """Print templates, stylesheet and fonts of the PDF coaching plan."""
    return content_dir("reports")


def migrations_dir() -> Path:
    """The Alembic environment and history (package data of ``assess``)."""
    return _PACKAGE / "migrations"
