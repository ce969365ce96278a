"""Questionnaire and playbook definitions: load and validate YAML files into frozen objects.

Pure code: the standard library and PyYAML only (no Flask, no database). The file format is
described in ``docs/questionnaire-format.md``.
"""

from .loading import (
    load_playbook,
    load_questionnaire,
    parse_playbook,
    parse_questionnaire,
    playbook_from_dict,
    questionnaire_from_dict,
)
from .model import (
    Anonymity,
    Dimension,
    Item,
    Questionnaire,
    ReadinessRules,
    Scale,
)
from .playbook import (
    DIRECTIONS,
    EFFORT_LABELS,
    OWNER_LABELS,
    OWNER_ROLES,
    RULE_CONDITIONS,
    Direction,
    OwnerRole,
    Playbook,
    PlaybookAction,
    PlaybookRule,
    RuleCondition,
    SuccessMeasure,
)
from .problems import DefinitionError, Problem
from .text import Text
from .validate import LoadedDefinitions, load_paths, validate_paths
from .yamlnodes import MAX_DEPTH, MAX_FILE_BYTES

__all__ = [
    "DIRECTIONS",
    "EFFORT_LABELS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "OWNER_LABELS",
    "OWNER_ROLES",
    "RULE_CONDITIONS",
    "Anonymity",
    "DefinitionError",
    "Dimension",
    "Direction",
    "Item",
    "LoadedDefinitions",
    "OwnerRole",
    "Playbook",
    "PlaybookAction",
    "PlaybookRule",
    "Problem",
    "Questionnaire",
    "ReadinessRules",
    "RuleCondition",
    "Scale",
    "SuccessMeasure",
    "Text",
    "load_paths",
    "load_playbook",
    "load_questionnaire",
    "parse_playbook",
    "parse_questionnaire",
    "playbook_from_dict",
    "questionnaire_from_dict",
    "validate_paths",
]
