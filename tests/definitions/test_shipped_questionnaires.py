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
#: The instruments Assess ships; each must be present (a missing one fails the tests).
EXPECTED = ("pmo-apo-maturity", "transformation-readiness")


def test_the_instruments_are_shipped() -> None:
    names = [path.parent.name for path in QUESTIONNAIRES]
    missing = [name for name in EXPECTED if name not in names]
    assert not missing, f"{SHIPPED} lacks the questionnaires {missing}"
    for name in EXPECTED:
        assert (SHIPPED / name / "playbook.yaml").is_file(), f"{name} lacks its playbook"


def test_shipped_files_have_no_problems() -> None:
    assert QUESTIONNAIRES, f"no questionnaire.yaml under {SHIPPED}"
    problems = validate_paths([SHIPPED])
    assert problems == [], "\n".join(str(problem) for problem in problems)


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda path: path.parent.name)
def test_shipped_questionnaire_and_playbook_load(path: Path) -> None:
    questionnaire = load_questionnaire(path)
    assert questionnaire.id == path.parent.name
    assert questionnaire.answer_items
    # every shipped instrument comes with its playbook
    playbook = load_playbook(path.parent / "playbook.yaml", questionnaire)
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
