"""Frozen objects of a questionnaire, as loaded from its file.

The objects are built by :mod:`assess.definitions.questionnaire_schema`, which checks every
rule of ``docs/questionnaire-format.md``; constructing them directly checks nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal, get_args

from .text import Text

ItemType = Literal["likert", "rubric", "text"]
Orientation = Literal["pmo", "apo", "neutral"]
Kind = Literal["maturity", "readiness", "pulse"]

#: The item types, orientation tags and questionnaire kinds a file may use. The scoring
#: package takes its orientations from here, so the two cannot disagree.
ITEM_TYPES: tuple[ItemType, ...] = get_args(ItemType)
ORIENTATIONS: tuple[Orientation, ...] = get_args(Orientation)
KINDS: tuple[Kind, ...] = get_args(Kind)

#: Maturity levels of a questionnaire that has levels (level 1 to 5).
LEVEL_COUNT = 5
#: Lower edges of maturity levels 2..5 on the 1..5 mean (docs/scoring.md, "Maturity levels");
#: also the default of :class:`assess.scoring.InstrumentSpec`.
DEFAULT_LEVEL_CUTS: tuple[float, ...] = (1.8, 2.6, 3.4, 4.2)
#: Share of a group's rubric answers that must reach a level for the group to be there.
DEFAULT_RUBRIC_QUORUM = 0.7
#: Anonymity thresholds (docs/scoring.md, "Anonymity"): results of fewer valid responses are
#: hidden; no threshold may be set below MIN_N_FLOOR.
MIN_N_FLOOR = 3
DEFAULT_MIN_N = 5
DEFAULT_MIN_N_COMMENTS = 10
DEFAULT_MIN_N_SPREAD = 5
DEFAULT_TEXT_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Scale:
    """A response scale: the integers ``min`` to ``max``, each with a label."""

    id: str
    min: int
    max: int
    labels: tuple[Text, ...]
    dont_know: bool = False
    dont_know_label: Text = field(default_factory=lambda: Text("Don't know"))

    @property
    def points(self) -> int:
        """How many answer values the scale has (``max - min + 1``)."""
        return self.max - self.min + 1

    @property
    def values(self) -> tuple[int, ...]:
        """The answer values, lowest first."""
        return tuple(range(self.min, self.max + 1))

    def to_dict(self) -> dict[str, Any]:
        """The scale as written in a questionnaire file, defaults filled in (no ``id``)."""
        return {
            "min": self.min,
            "max": self.max,
            "labels": [label.to_json() for label in self.labels],
            "dont_know": self.dont_know,
            "dont_know_label": self.dont_know_label.to_json(),
        }


@dataclass(frozen=True)
class Item:
    """One question. Only ``likert`` items are scored; see :attr:`scored`."""

    id: str
    type: ItemType
    text: Text
    help: Text | None = None
    scale: str | None = None
    orientation: Orientation = "neutral"
    reverse: bool = False
    weight: float = 1.0
    anchors: tuple[Text, ...] = ()
    max_length: int | None = None
    # Where the item starts in its file; not part of the definition's identity.
    line: int | None = field(default=None, compare=False)

    @property
    def scored(self) -> bool:
        """Whether the item enters the dimension score (likert items only)."""
        return self.type == "likert"

    def to_dict(self) -> dict[str, Any]:
        """The item as written in a questionnaire file, defaults filled in."""
        data: dict[str, Any] = {"id": self.id, "type": self.type, "text": self.text.to_json()}
        if self.help is not None:
            data["help"] = self.help.to_json()
        if self.type == "likert":
            data["scale"] = self.scale
            data["orientation"] = self.orientation
            data["reverse"] = self.reverse
            data["weight"] = self.weight
        elif self.type == "rubric":
            data["anchors"] = [anchor.to_json() for anchor in self.anchors]
        else:
            data["max_length"] = self.max_length
        return data


@dataclass(frozen=True)
class Dimension:
    """A focus area (or readiness factor): a group of items scored together."""

    id: str
    title: Text
    description: Text | None = None
    pmo_focus: Text | None = None
    apo_focus: Text | None = None
    items: tuple[Item, ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """The likert items, in file order."""
        return tuple(item for item in self.items if item.type == "likert")

    @property
    def rubric_item(self) -> Item | None:
        """The dimension's anchored rubric item, if it has one."""
        return next((item for item in self.items if item.type == "rubric"), None)

    @property
    def text_items(self) -> tuple[Item, ...]:
        """The free-comment items, in file order."""
        return tuple(item for item in self.items if item.type == "text")

    def to_dict(self) -> dict[str, Any]:
        """The dimension as written in a questionnaire file, defaults filled in."""
        data: dict[str, Any] = {"id": self.id, "title": self.title.to_json()}
        for name in ("description", "pmo_focus", "apo_focus"):
            value: Text | None = getattr(self, name)
            if value is not None:
                data[name] = value.to_json()
        data["items"] = [item.to_dict() for item in self.items]
        return data


@dataclass(frozen=True)
class Anonymity:
    """Smallest group sizes below which results are withheld."""

    min_n: int = DEFAULT_MIN_N
    min_n_comments: int = DEFAULT_MIN_N_COMMENTS
    min_n_spread: int = DEFAULT_MIN_N_SPREAD

    def to_dict(self) -> dict[str, int]:
        return {
            "min_n": self.min_n,
            "min_n_comments": self.min_n_comments,
            "min_n_spread": self.min_n_spread,
        }


@dataclass(frozen=True)
class ReadinessRules:
    """Verdict thresholds on the factor means of a readiness questionnaire."""

    ready_at: float
    blocker_below: float

    def to_dict(self) -> dict[str, float]:
        return {"ready_at": self.ready_at, "blocker_below": self.blocker_below}


def _read_only(scales: Mapping[str, Scale]) -> Mapping[str, Scale]:
    if isinstance(scales, MappingProxyType):
        return scales
    return MappingProxyType(dict(scales))


@dataclass(frozen=True)
class Questionnaire:
    """One version of an instrument: scales, levels, dimensions and their items."""

    id: str
    version: int
    title: Text
    description: Text | None = None
    kind: Kind = "maturity"
    language: str = "en"
    estimated_minutes: int | None = None
    scales: Mapping[str, Scale] = field(default_factory=dict)
    levels: tuple[Text, ...] = ()
    level_cuts: tuple[float, ...] = DEFAULT_LEVEL_CUTS
    rubric_quorum: float = DEFAULT_RUBRIC_QUORUM
    roles: tuple[Text, ...] = ()
    #: The roles (as stored with a response: the default-language label) that are leaders,
    #: for comparing how leaders and team members see an area.
    leader_roles: tuple[str, ...] = ()
    anonymity: Anonymity = field(default_factory=Anonymity)
    readiness: ReadinessRules | None = None
    dimensions: tuple[Dimension, ...] = ()
    # The file it was read from; two loads of the same content compare equal.
    source: str = field(default="<string>", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scales", _read_only(self.scales))

    def __hash__(self) -> int:
        return hash(self.content_hash)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every item, in file order."""
        return tuple(item for dimension in self.dimensions for item in dimension.items)

    @cached_property
    def answer_items(self) -> tuple[Item, ...]:
        """The likert and rubric items in file order: the column order of stored answers."""
        return tuple(item for item in self.items if item.type != "text")

    @cached_property
    def answer_columns(self) -> tuple[str, ...]:
        """Item ids of :attr:`answer_items`: the one definition of the stored column order.

        Packed answers, answer matrices and instrument specs all index their columns by
        this tuple.
        """
        return tuple(item.id for item in self.answer_items)

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def _dimension_of(self) -> dict[str, Dimension]:
        return {item.id: dim for dim in self.dimensions for item in dim.items}

    def item(self, item_id: str) -> Item:
        """The item with this id; ``KeyError`` if there is none."""
        try:
            return self._items_by_id[item_id]
        except KeyError:
            raise KeyError(f"questionnaire {self.id!r} has no item {item_id!r}") from None

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id; ``KeyError`` if there is none."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(f"questionnaire {self.id!r} has no dimension {dimension_id!r}")

    def dimension_of(self, item: Item | str) -> Dimension:
        """The dimension an item (or item id) belongs to."""
        item_id = item if isinstance(item, str) else item.id
        try:
            return self._dimension_of[item_id]
        except KeyError:
            raise KeyError(f"questionnaire {self.id!r} has no item {item_id!r}") from None

    def scale_of(self, item: Item | str) -> Scale | None:
        """The scale of a likert item (or item id); ``None`` for rubric and text items."""
        found = self.item(item) if isinstance(item, str) else item
        return self.scales[found.scale] if found.scale is not None else None

    @property
    def score_range(self) -> tuple[int, int] | None:
        """``(min, max)`` shared by the scales of all likert items; ``None`` without any."""
        for item in self.items:
            if item.scale is not None:
                scale = self.scales[item.scale]
                return (scale.min, scale.max)
        return None

    def to_dict(self) -> dict[str, Any]:
        """The questionnaire as a JSON-able dict in file format, every default filled in.

        ``questionnaire_from_dict(q.to_dict()) == q``; ``source`` is not included.
        """
        data: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "title": self.title.to_json(),
        }
        if self.description is not None:
            data["description"] = self.description.to_json()
        data["kind"] = self.kind
        data["language"] = self.language
        if self.estimated_minutes is not None:
            data["estimated_minutes"] = self.estimated_minutes
        data["scales"] = {scale_id: scale.to_dict() for scale_id, scale in self.scales.items()}
        if self.levels:
            data["levels"] = [level.to_json() for level in self.levels]
        data["level_cuts"] = list(self.level_cuts)
        data["rubric_quorum"] = self.rubric_quorum
        if self.roles:
            data["roles"] = [
                {"text": role.to_json(), "leader": True}
                if str(role) in self.leader_roles
                else role.to_json()
                for role in self.roles
            ]
        data["anonymity"] = self.anonymity.to_dict()
        if self.readiness is not None:
            data["readiness"] = self.readiness.to_dict()
        data["dimensions"] = [dimension.to_dict() for dimension in self.dimensions]
        return data

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`: keys sorted, no spaces,
        UTF-8. Equal definitions have equal hashes whatever their file's layout."""
        return canonical_hash(self.to_dict())

    @cached_property
    def answered_hash(self) -> str:
        """The content hash without leader marks on roles: what respondents saw and how their
        answers are scored. Two definitions with the same answered hash differ at most in
        which roles are leaders, which a stored version may take on later
        (docs/questionnaire-format.md, "Roles")."""
        return canonical_hash(without_leader_marks(self.to_dict()))


def without_leader_marks(data: dict[str, Any]) -> dict[str, Any]:
    """A questionnaire's dict (:meth:`Questionnaire.to_dict`) with every role as a plain
    text, its leader mark dropped."""
    roles = data.get("roles")
    if not isinstance(roles, list):
        return data
    plain = [
        role["text"] if isinstance(role, dict) and "text" in role else role for role in roles
    ]
    return {**data, "roles": plain}


def canonical_hash(data: Any) -> str:
    """SHA-256 hex digest of ``data`` as canonical JSON (sorted keys, compact, UTF-8)."""
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
