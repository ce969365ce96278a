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

#: Who carries out an action: the team, its coach, the PMO/APO lead, or the sponsor.
OwnerRole = Literal["team", "coach", "lead", "sponsor"]
OWNER_ROLES: tuple[OwnerRole, ...] = get_args(OwnerRole)
OWNER_LABELS: dict[OwnerRole, str] = {
    "team": "Team",
    "coach": "Coach",
    "lead": "PMO/APO lead",
    "sponsor": "Sponsor",
}
#: Effort of an action: 1 takes hours, 2 days, 3 weeks.
EFFORTS: tuple[int, ...] = (1, 2, 3)
EFFORT_LABELS: dict[int, str] = {1: "hours", 2: "days", 3: "weeks"}
#: The change the next wave should show in a measure's item or dimension.
Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)


def _texts(texts: tuple[Text, ...]) -> list[str | dict[str, str]]:
    return [text.to_json() for text in texts]


@dataclass(frozen=True)
class SuccessMeasure:
    """What should show that an action worked: words, and optionally a target in the data.

    With a target, exactly one of ``dimension`` and ``item`` is set, with ``direction``: the
    change the next wave should show in that dimension's score or in that item's mean
    agreement as answered (before reverse scoring: ``down`` for a reverse-keyed item means
    less agreement with a statement of a problem).
    """

    text: Text
    dimension: str | None = None
    item: str | None = None
    direction: Direction | None = None

    @property
    def target(self) -> str | None:
        """The id of the dimension or item the measure names, if any."""
        return self.dimension if self.dimension is not None else self.item

    def to_json(self) -> str | dict[str, Any]:
        """A plain text without a target, else the mapping as written in a playbook file."""
        if self.direction is None:
            return self.text.to_json()
        data: dict[str, Any] = {"text": self.text.to_json()}
        if self.dimension is not None:
            data["dimension"] = self.dimension
        if self.item is not None:
            data["item"] = self.item
        data["direction"] = self.direction
        return data


@dataclass(frozen=True)
class PlaybookAction:
    """A recommended action for one dimension and one level step."""

    id: str
    dimension: str
    from_level: int
    to_level: int
    title: Text
    owner: OwnerRole
    objective: Text | None = None
    steps: tuple[Text, ...] = ()
    horizon: int = 30
    effort: int = 1
    prerequisites: tuple[str, ...] = ()
    success_measures: tuple[SuccessMeasure, ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def owner_label(self) -> str:
        """The owner as shown to people: ``Team``, ``Coach``, ``PMO/APO lead``, ``Sponsor``."""
        return OWNER_LABELS[self.owner]

    @property
    def targets(self) -> tuple[SuccessMeasure, ...]:
        """The success measures that name a dimension or item and a direction."""
        return tuple(m for m in self.success_measures if m.direction is not None)

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
        data["owner"] = self.owner
        data["horizon"] = self.horizon
        data["effort"] = self.effort
        data["prerequisites"] = list(self.prerequisites)
        data["success_measures"] = [m.to_json() for m in self.success_measures]
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
    """The coaching playbook of one questionnaire (from its ``version`` on).

    ``revision`` counts the edits of a playbook for the same questionnaire version: a
    database keeps the highest revision it was given (docs/questionnaire-format.md).
    """

    questionnaire: str
    version: int
    revision: int = 1
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

    def rules_for(self, when: RuleCondition) -> tuple[PlaybookRule, ...]:
        """The rules of one condition, in file order."""
        return tuple(rule for rule in self.rules if rule.when == when)

    def to_dict(self) -> dict[str, Any]:
        """The playbook as a JSON-able dict in file format (``source`` excluded)."""
        return {
            "questionnaire": self.questionnaire,
            "version": self.version,
            "revision": self.revision,
            "language": self.language,
            "actions": [action.to_dict() for action in self.actions],
            "rules": [rule.to_dict() for rule in self.rules],
        }

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`, as for questionnaires."""
        return canonical_hash(self.to_dict())
