"""Loading playbooks, alone and against their questionnaire."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assess.definitions import (
    DefinitionError,
    Playbook,
    PlaybookAction,
    PlaybookRule,
    Questionnaire,
    SuccessMeasure,
    Text,
    load_playbook,
    load_questionnaire,
    parse_playbook,
    playbook_from_dict,
)

MINIMAL = Path(__file__).parent / "files" / "minimal"


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire(MINIMAL / "questionnaire.yaml")


@pytest.fixture(scope="module")
def playbook(questionnaire: Questionnaire) -> Playbook:
    return load_playbook(MINIMAL / "playbook.yaml", questionnaire)


def action_yaml(action_id: str, prerequisites: list[str]) -> str:
    return (
        f"  - {{id: {action_id}, dimension: portfolio, from_level: 1, to_level: 2, title: T,"
        f" objective: O, steps: [s], owner: team, horizon: 30, effort: 1,"
        f" success_measures: [{{text: Rises, dimension: portfolio, direction: up}}],"
        f" prerequisites: {prerequisites}}}\n"
    )


def test_minimal_playbook(playbook: Playbook) -> None:
    assert (playbook.questionnaire, playbook.version, playbook.revision, playbook.language) == (
        "minimal-maturity",
        1,
        1,
        "en",
    )
    assert playbook.source == str(MINIMAL / "playbook.yaml")
    first, second = playbook.actions[:2]
    assert isinstance(first, PlaybookAction)
    assert first.id == "portfolio.visible-flow"
    assert (first.dimension, first.from_level, first.to_level) == ("portfolio", 1, 2)
    assert first.title == Text("Make the portfolio flow visible")
    assert next(str(step) for step in first.steps) == "List all running work"
    assert (first.horizon, first.effort, first.prerequisites) == (30, 2, ())
    assert (first.owner, first.owner_label) == ("lead", "PMO/APO lead")
    assert first.success_measures == (
        SuccessMeasure(Text("All running work is on the board")),
        SuccessMeasure(
            Text("Agreement that work is visible on one board rises"),
            item="portfolio.board",
            direction="up",
        ),
    )
    assert first.targets == first.success_measures[1:]
    assert first.targets[0].target == "portfolio.board"
    assert (second.owner, second.owner_label) == ("team", "Team")
    (measure,) = second.success_measures
    assert (measure.dimension, measure.item, measure.direction) == ("portfolio", None, "up")
    assert second.prerequisites == ("portfolio.visible-flow",)
    (rule,) = playbook.rules
    assert isinstance(rule, PlaybookRule)
    assert (rule.id, rule.when, rule.dimension, rule.recommend) == (
        "pmo-heavy-portfolio",
        "pmo_heavy",
        "portfolio",
        ("portfolio.visible-flow",),
    )
    assert playbook.action("portfolio.wip-limit") is second
    assert playbook.actions_for("portfolio")[:2] == (first, second)
    assert {a.dimension for a in playbook.actions_for("delivery")} == {"delivery"}
    assert len(playbook.actions) == len(playbook.actions_for("portfolio")) + 8
    with pytest.raises(KeyError):
        playbook.action("nope")


def test_playbook_round_trips(playbook: Playbook, questionnaire: Questionnaire) -> None:
    data = playbook.to_dict()
    assert playbook_from_dict(data, questionnaire=questionnaire) == playbook
    assert parse_playbook(yaml.safe_dump(data), "copy.yaml") == playbook
    assert playbook_from_dict(data).content_hash == playbook.content_hash


def test_cross_checks_need_the_questionnaire() -> None:
    text = (MINIMAL / "playbook.yaml").read_text(encoding="utf-8")
    elsewhere = text.replace(
        "dimension: portfolio\n    from_level: 2", "dimension: gone\n    from_level: 2"
    )
    assert parse_playbook(elsewhere).actions[1].dimension == "gone"


def test_language_must_match_the_questionnaire(questionnaire: Questionnaire) -> None:
    text = "language: de\n" + (MINIMAL / "playbook.yaml").read_text(encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        parse_playbook(text, "p.yaml", questionnaire)
    assert str(caught.value).startswith(
        "p.yaml:1: language: playbook language 'de' differs from the questionnaire's 'en'"
    )
    # The texts must then be in German too.
    assert "missing the default language 'de' (has: en)" not in str(caught.value)
    assert "title: expected" not in str(caught.value)


def test_missing_and_unknown_fields_of_actions_and_rules() -> None:
    text = """\
questionnaire: minimal-maturity
version: 1
actions:
  - id: portfolio.a
    dimension: portfolio
    title: A
    horizon: 30
    effort: 1
    owner: someone
    owner_role: APO lead
rules:
  - id: r
    when: team_gap
    recommend: []
"""
    with pytest.raises(DefinitionError) as caught:
        parse_playbook(text, "p.yaml")
    assert [str(problem) for problem in caught.value.problems] == [
        "p.yaml:4: actions[0]: missing required field 'from_level'",
        "p.yaml:4: actions[0]: missing required field 'to_level'",
        "p.yaml:4: actions[0]: missing required field 'objective'",
        "p.yaml:4: actions[0]: missing required field 'steps'",
        "p.yaml:4: actions[0]: missing required field 'success_measures'",
        "p.yaml:9: actions[0].owner: must be one of: team, coach, lead, sponsor; got 'someone'",
        "p.yaml:10: actions[0].owner_role: unknown field 'owner_role' (did you mean 'owner'?); "
        "allowed: id, dimension, from_level, to_level, title, objective, steps, owner, "
        "horizon, effort, prerequisites, success_measures",
        "p.yaml:13: rules[0].when: must be one of: pmo_heavy, divided_views, leader_team_gap, "
        "readiness_blocker; got 'team_gap' (did you mean 'leader_team_gap'?)",
        "p.yaml:14: rules[0].recommend: expected at least one action id",
    ]


@pytest.mark.slow
def test_long_prerequisite_chain_has_no_recursion_limit() -> None:
    count = 1200  # beyond the default recursion limit of 1000
    actions = "".join(
        action_yaml(f"portfolio.a{i}", [f"portfolio.a{i - 1}"] if i else []) for i in range(count)
    )
    playbook = parse_playbook(f"questionnaire: q\nversion: 1\nactions:\n{actions}")
    assert len(playbook.actions) == count
    looped = actions.replace("prerequisites: []", f"prerequisites: ['portfolio.a{count - 1}']")
    with pytest.raises(DefinitionError) as caught:
        parse_playbook(f"questionnaire: q\nversion: 1\nactions:\n{looped}", "p.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 4
    assert problem.path == "actions[0].prerequisites"
    assert problem.message.startswith(
        "prerequisites form a cycle (each action needs the next): portfolio.a0 -> "
        f"portfolio.a{count - 1} -> portfolio.a{count - 2}"
    )


def test_repeated_ids_are_problems() -> None:
    text = (
        "questionnaire: q\nversion: 1\nactions:\n"
        + action_yaml("portfolio.a", ["portfolio.b", "portfolio.b"])
        + action_yaml("portfolio.b", [])
        + action_yaml("portfolio.a", [])
    )
    with pytest.raises(DefinitionError) as caught:
        parse_playbook(text, "p.yaml")
    assert [str(problem) for problem in caught.value.problems] == [
        "p.yaml:4: actions[0].prerequisites[1]: 'portfolio.b' is listed twice",
        "p.yaml:6: actions[2].id: duplicate action id 'portfolio.a' (first at line 4)",
    ]
