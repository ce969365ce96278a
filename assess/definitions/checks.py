"""Typed reading of node values, collecting every problem instead of stopping at the first.

Each reader takes a node and its key path, returns the checked Python value, or reports a
problem and returns ``None``. Callers carry on with ``None`` so one file yields one full report.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from .problems import Problem
from .text import Text
from .yamlnodes import Map, Node, Scalar, Seq

# Lowercase ids that can appear in URLs and exports without quoting.
QUESTIONNAIRE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
KEY_ID = re.compile(r"[a-z][a-z0-9_-]*")
DOTTED_ID = re.compile(r"[a-z][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*")
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
MAX_ID_LENGTH = 64
MAX_VERSION = 2**31 - 1  # versions are stored in 32-bit integer columns

ID_RULES = {
    QUESTIONNAIRE_ID: "lowercase letters, digits and single '-', starting with a letter",
    KEY_ID: "lowercase letters, digits, '-' and '_', starting with a letter",
    DOTTED_ID: "lowercase letters, digits, '-', '_' and '.', starting with a letter",
}

T = TypeVar("T")
#: A word of a fixed set, such as a ``Literal`` type's values.
Word = TypeVar("Word", bound=str)


def checked(value: T | None) -> T:
    """A required value that its reader accepted.

    The builders read every field, then construct the object only when no problem was
    recorded; a required field read without a problem is never None, and this says so to the
    type checker (it raises ``RuntimeError`` should that ever be false).
    """
    if value is None:
        raise RuntimeError("a required field was read without a problem but is missing")
    return value


# Text length limits in characters, per language.
SHORT_TEXT = 200  # titles, labels, levels
ROLE_TEXT = 100  # respondent roles: a response stores its role in a 100-character column
LONG_TEXT = 2000  # item texts, help, anchors, focus statements, playbook prose
DESCRIPTION_TEXT = 10000  # descriptions


def child(path: str, key: str | int) -> str:
    """The key path of a field (``a.b``) or list element (``a[2]``) below ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _clip(raw: str, limit: int = 40) -> str:
    return raw if len(raw) <= limit else raw[: limit - 3] + "..."


def describe(node: Node) -> str:
    """How a node reads in a message: ``string 'five'``, ``a list``, ``boolean 'yes'``."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    if node.kind == "null":
        return "an empty value"
    if node.kind == "str":
        return f"string '{_clip(node.raw)}'"
    if node.kind == "bool":
        return f"boolean '{node.raw}'"
    if node.kind == "int":
        return f"integer {node.raw}"
    return f"number {node.raw}"


def _bool_note(node: Node) -> str:
    # `version: yes` surprises people: YAML 1.1 reads yes/no/on/off as booleans too.
    if isinstance(node, Scalar) and node.kind == "bool" and node.raw.lower() not in (
        "true",
        "false",
    ):
        return " (YAML reads yes/no/on/off as booleans)"
    return ""


class Checker:
    """Collects the problems of one file while its nodes are read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def report(self, at: Node | int | None, path: str, message: str) -> None:
        """Record a problem at a node (its line) or at a line number."""
        line = at if isinstance(at, int) or at is None else at.line
        self.problems.append(Problem(self.source, line, path, message))

    def claim_id(self, seen: dict[str, int | None], value: str, node: Node, path: str,
                 what: str) -> None:
        """Record ``value`` as used (at ``node``'s line), or report it as a duplicate."""
        if value in seen:
            first = seen[value]
            where = f" (first at line {first})" if first else ""
            self.report(node, path, f"duplicate {what} id '{value}'{where}")
        else:
            seen[value] = node.line

    # -- structure ---------------------------------------------------------------------------

    def fields(
        self,
        node: Node | None,
        path: str,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        what: str = "a mapping",
    ) -> dict[str, Node] | None:
        """The fields of a mapping, reporting unknown and missing ones."""
        if node is None:
            return None
        if not isinstance(node, Map):
            self.report(node, path, f"expected {what}, got {describe(node)}")
            return None
        found: dict[str, Node] = {}
        for entry in node:
            if entry.key in allowed:
                found[entry.key] = entry.value
                continue
            close = difflib.get_close_matches(entry.key, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.report(
                entry.key_line,
                child(path, entry.key),
                f"unknown field '{entry.key}'{hint}; allowed: {', '.join(allowed)}",
            )
        for name in required:
            if name not in found:
                self.report(node, path, f"missing required field '{name}'")
        return found

    def sequence(
        self, node: Node | None, path: str, what: str = "a list"
    ) -> tuple[Node, ...] | None:
        """The elements of a list."""
        if node is None:
            return None
        if not isinstance(node, Seq):
            self.report(node, path, f"expected {what}, got {describe(node)}")
            return None
        return node.items

    # -- scalars -----------------------------------------------------------------------------

    def integer(
        self,
        node: Node | None,
        path: str,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """An integer (not a boolean, not ``5.0``), optionally within bounds."""
        if node is None:
            return None
        if (
            not isinstance(node, Scalar)
            or node.kind != "int"
            or not isinstance(node.value, int)
        ):
            self.report(node, path, f"expected an integer, got {describe(node)}{_bool_note(node)}")
            return None
        value = int(node.value)
        if not self._within(node, path, value, minimum, maximum):
            return None
        return value

    def number(
        self,
        node: Node | None,
        path: str,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
    ) -> float | None:
        """A finite number (integer or decimal), optionally within bounds."""
        if node is None:
            return None
        if (
            not isinstance(node, Scalar)
            or node.kind not in ("int", "float")
            or not isinstance(node.value, (int, float))
        ):
            self.report(node, path, f"expected a number, got {describe(node)}{_bool_note(node)}")
            return None
        value = float(node.value)
        if not math.isfinite(value):
            self.report(node, path, f"expected a finite number, got {node.raw}")
            return None
        if above is not None and value <= above:
            self.report(node, path, f"must be greater than {_num(above)}, got {node.raw}")
            return None
        if not self._within(node, path, value, minimum, maximum):
            return None
        return value

    def _within(
        self,
        node: Node,
        path: str,
        value: float,
        minimum: float | None,
        maximum: float | None,
    ) -> bool:
        raw = node.raw if isinstance(node, Scalar) else str(value)
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            self.report(
                node, path, f"must be between {_num(minimum)} and {_num(maximum)}, got {raw}"
            )
            return False
        if minimum is not None and value < minimum:
            self.report(node, path, f"must be at least {_num(minimum)}, got {raw}")
            return False
        if maximum is not None and value > maximum:
            self.report(node, path, f"must be at most {_num(maximum)}, got {raw}")
            return False
        return True

    def boolean(self, node: Node | None, path: str) -> bool | None:
        """``true`` or ``false``."""
        if node is None:
            return None
        if not isinstance(node, Scalar) or node.kind != "bool":
            self.report(node, path, f"expected true or false, got {describe(node)}")
            return None
        return bool(node.value)

    def string(self, node: Node | None, path: str) -> str | None:
        """A string. A bare number or yes/no counts as the characters written."""
        if node is None:
            return None
        if not isinstance(node, Scalar) or node.kind == "null":
            self.report(node, path, f"expected a string, got {describe(node)}")
            return None
        return node.raw

    def identifier(
        self, node: Node | None, path: str, pattern: re.Pattern[str] = KEY_ID
    ) -> str | None:
        """An id matching ``pattern``, at most MAX_ID_LENGTH characters."""
        value = self.string(node, path)
        if value is None:
            return None
        if not pattern.fullmatch(value) or len(value) > MAX_ID_LENGTH:
            self.report(
                node,
                path,
                f"bad id '{_clip(value)}': use {ID_RULES[pattern]}, "
                f"at most {MAX_ID_LENGTH} characters",
            )
            return None
        return value

    def choice(self, node: Node | None, path: str, options: Sequence[Word]) -> Word | None:
        """One of a fixed set of words (returned as the option, so typed like the options)."""
        value = self.string(node, path)
        if value is None:
            return None
        if value not in options:
            close = difflib.get_close_matches(value, options, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.report(
                node, path, f"must be one of: {', '.join(options)}; got '{_clip(value)}'{hint}"
            )
            return None
        return next(option for option in options if option == value)

    def language(self, node: Node | None, path: str) -> str | None:
        """A language code such as ``en`` or ``pt-BR``."""
        value = self.string(node, path)
        if value is None:
            return None
        if not LANGUAGE.fullmatch(value):
            self.report(
                node, path, f"bad language code '{_clip(value)}' (expected e.g. en, de, pt-BR)"
            )
            return None
        return value

    # -- texts -------------------------------------------------------------------------------

    def text(self, node: Node | None, path: str, language: str, limit: int) -> Text | None:
        """A text: a string, or a mapping of language code to string that includes
        ``language``; each string non-empty and at most ``limit`` characters."""
        if node is None:
            return None
        if isinstance(node, Map):
            pairs: dict[str, str] = {}
            ok = True
            for entry in node:
                entry_path = child(path, entry.key)
                if not LANGUAGE.fullmatch(entry.key):
                    self.report(
                        entry.key_line,
                        entry_path,
                        f"bad language code '{_clip(entry.key)}' (expected e.g. en, de, pt-BR)",
                    )
                    ok = False
                    continue
                value = self._text_string(entry.value, entry_path, limit)
                if value is None:
                    ok = False
                else:
                    pairs[entry.key] = value
            if language not in node:
                have = ", ".join(entry.key for entry in node) or "none"
                self.report(node, path, f"missing the default language '{language}' (has: {have})")
                return None
            return Text(pairs, language) if ok else None
        if isinstance(node, Seq):
            self.report(
                node,
                path,
                "expected a text (a string or a mapping of language to string), got a list",
            )
            return None
        value = self._text_string(node, path, limit)
        return Text(value, language) if value is not None else None

    def _text_string(self, node: Node, path: str, limit: int) -> str | None:
        if not isinstance(node, Scalar) or node.kind == "null":
            self.report(node, path, f"expected a string, got {describe(node)}")
            return None
        value = node.raw
        if not value.strip():
            self.report(node, path, "text is empty")
            return None
        if len(value) > limit:
            self.report(
                node, path, f"text is {len(value)} characters long, at most {limit} allowed"
            )
            return None
        return value

    def text_list(
        self,
        node: Node | None,
        path: str,
        language: str,
        limit: int,
        length: int | None = None,
        what: str = "texts",
    ) -> tuple[Text, ...] | None:
        """A list of texts, of exactly ``length`` elements when given."""
        elements = self.sequence(node, path, what=f"a list of {what}")
        if elements is None:
            return None
        texts = [
            self.text(element, child(path, i), language, limit)
            for i, element in enumerate(elements)
        ]
        if length is not None and len(elements) != length:
            self.report(node, path, f"expected exactly {length} {what}, got {len(elements)}")
            return None
        if any(text is None for text in texts):
            return None
        return tuple(t for t in texts if t is not None)

    def id_list(
        self, node: Node | None, path: str, pattern: re.Pattern[str] = DOTTED_ID
    ) -> tuple[str, ...] | None:
        """A list of ids, without repeats."""
        elements = self.sequence(node, path, what="a list of ids")
        if elements is None:
            return None
        ids: list[str] = []
        ok = True
        for i, element in enumerate(elements):
            value = self.identifier(element, child(path, i), pattern)
            if value is None:
                ok = False
            elif value in ids:
                self.report(element, child(path, i), f"'{value}' is listed twice")
                ok = False
            else:
                ids.append(value)
        return tuple(ids) if ok else None


def _num(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
