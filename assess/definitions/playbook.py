"""Frozen objects of a coaching playbook: recommended actions and conditional rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, get_args

from .model import canonical_hash
from .text import Text

RuleCondition = Literal["pmo_heavy", "divided_views", "leader_team_gap", "readiness_blocker"]
RULE_CONDITIONS: tuple[RuleCondition, ...] = get_args(RuleCondition)
HORIZONS: tuple[int, ...] = (30, 60, 90)


def _texts(texts: tuple[Text, ...]) -> list[str | dict[str, str]]:
    return [text.to_json() for text in texts]


@dataclass(frozen=True)
class PlaybookAction:
    """A recommended action for one dimension and one level step."""

    id: str
    dimension: str
    from_level: int
    to_level: int
    title: Text
    objective: Text | None = None
    steps: tuple[Text, ...] = ()
    owner_role: Text | None = None
    horizon: int = 30
    effort: int = 1
    prerequisites: tuple[str, ...] = ()
    success_measures: tuple[Text, ...] = ()
    line: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The action as written in a playbook file, defaults filled in."""
        data: dict[str, Any] = {
            "id": self.id,
            "dimension": self.dimension,
            "from_level": self.from_level,
            "to_level": self.to_level,
            "title": self.title.to_json(),
        }
        if self.objective is not None:
            data["objective"] = self.objective.to_json()
        data["steps"] = _texts(self.steps)
        if self.owner_role is not None:
            data["owner_role"] = self.owner_role.to_json()
        data["horizon"] = self.horizon
        data["effort"] = self.effort
        data["prerequisites"] = list(self.prerequisites)
        data["success_measures"] = _texts(self.success_measures)
        return data


@dataclass(frozen=True)
class PlaybookRule:
    """Actions to recommend when a condition is found in a team's results."""

    id: str
    when: RuleCondition
    dimension: str | None = None
    recommend: tuple[str, ...] = ()
    note: Text | None = None
    line: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The rule as written in a playbook file."""
        data: dict[str, Any] = {"id": self.id, "when": self.when}
        if self.dimension is not None:
            data["dimension"] = self.dimension
        data["recommend"] = list(self.recommend)
        if self.note is not None:
            data["note"] = self.note.to_json()
        return data


@dataclass(frozen=True)
class Playbook:
    """The coaching playbook of one questionnaire (from its ``version`` on)."""

    questionnaire: str
    version: int
    actions: tuple[PlaybookAction, ...] = ()
    rules: tuple[PlaybookRule, ...] = ()
    source: str = field(default="<string>", compare=False)
    language: str = "en"

    def action(self, action_id: str) -> PlaybookAction:
        """The action with this id; ``KeyError`` if there is none."""
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(f"playbook of {self.questionnaire!r} has no action {action_id!r}")

    def actions_for(self, dimension: str) -> tuple[PlaybookAction, ...]:
        """The actions of one dimension, in file order."""
        return tuple(action for action in self.actions if action.dimension == dimension)

    def to_dict(self) -> dict[str, Any]:
        """The playbook as a JSON-able dict in file format (``source`` excluded)."""
        return {
            "questionnaire": self.questionnaire,
            "version": self.version,
            "language": self.language,
            "actions": [action.to_dict() for action in self.actions],
            "rules": [rule.to_dict() for rule in self.rules],
        }

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`, as for questionnaires."""
        return canonical_hash(self.to_dict())
