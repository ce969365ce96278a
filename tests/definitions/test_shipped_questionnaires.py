"""The instruments shipped in questionnaires/ load cleanly; the package stays pure."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from assess.definitions import (
    OWNER_ROLES,
    RULE_CONDITIONS,
    Playbook,
    Questionnaire,
    load_playbook,
    load_questionnaire,
    validate_paths,
)

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


def _shipped(name: str) -> tuple[Questionnaire, Playbook]:
    questionnaire = load_questionnaire(SHIPPED / name / "questionnaire.yaml")
    return questionnaire, load_playbook(SHIPPED / name / "playbook.yaml", questionnaire)


def test_the_maturity_playbook_covers_every_area_and_step() -> None:
    questionnaire, playbook = _shipped("pmo-apo-maturity")
    assert len(questionnaire.dimensions) == 9
    steps = Counter(
        (action.dimension, action.from_level)
        for action in playbook.actions
        if action.to_level == action.from_level + 1
    )
    for dimension in questionnaire.dimensions:
        for low in range(1, 5):
            assert steps[dimension.id, low] >= 2, (dimension.id, low)
    assert sum(steps.values()) >= 72
    # Every owner appears, and every action says what the next wave should show.
    assert {action.owner for action in playbook.actions} == set(OWNER_ROLES)
    assert all(action.targets for action in playbook.actions)


def test_the_maturity_playbook_has_every_kind_of_rule() -> None:
    _, playbook = _shipped("pmo-apo-maturity")
    assert {rule.when for rule in playbook.rules} == set(RULE_CONDITIONS)
    (divided,) = playbook.rules_for("divided_views")
    assert playbook.action(divided.recommend[0]).owner == "coach"
    (blocker,) = playbook.rules_for("readiness_blocker")
    assert playbook.action(blocker.recommend[0]).owner == "sponsor"


def test_each_readiness_factor_has_a_blocker_rule_led_by_the_sponsor() -> None:
    questionnaire, playbook = _shipped("transformation-readiness")
    rules = {rule.dimension: rule for rule in playbook.rules_for("readiness_blocker")}
    assert set(rules) == {dimension.id for dimension in questionnaire.dimensions}
    for rule in rules.values():
        assert playbook.action(rule.recommend[0]).owner == "sponsor", rule.id


@pytest.mark.parametrize("name", EXPECTED)
def test_team_leads_are_the_leader_role(name: str) -> None:
    questionnaire, _ = _shipped(name)
    assert questionnaire.leader_roles == ("team lead",)
    assert "team member" in [str(role) for role in questionnaire.roles]
