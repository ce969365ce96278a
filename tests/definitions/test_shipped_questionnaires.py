"""The instruments shipped in questionnaires/ load cleanly; the package stays pure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assess.definitions import load_playbook, load_questionnaire, validate_paths

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "questionnaires"
QUESTIONNAIRES = sorted(SHIPPED.glob("*/questionnaire.yaml"))


@pytest.mark.skipif(not QUESTIONNAIRES, reason="no questionnaires shipped yet")
def test_shipped_files_have_no_problems() -> None:
    problems = validate_paths([SHIPPED])
    assert problems == [], "\n".join(str(problem) for problem in problems)


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda path: path.parent.name)
def test_shipped_questionnaire_and_playbook_load(path: Path) -> None:
    questionnaire = load_questionnaire(path)
    assert questionnaire.id == path.parent.name
    assert questionnaire.answer_items
    playbook_path = path.parent / "playbook.yaml"
    if playbook_path.exists():
        playbook = load_playbook(playbook_path, questionnaire)
        assert playbook.questionnaire == questionnaire.id


def test_definitions_import_no_web_database_or_pdf_code() -> None:
    code = (
        "import sys, assess.definitions\n"
        "heavy = {'flask', 'sqlalchemy', 'wtforms', 'weasyprint', 'numpy', 'scipy'}\n"
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"
