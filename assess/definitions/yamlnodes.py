"""Read a YAML file into plain nodes that remember their line, refusing anything unsafe.

Nothing here constructs Python objects from tags: the file is *composed* (parsed into YAML
nodes) by PyYAML's pure-Python safe loader, and the node tree is then walked by hand. Only the
plain YAML types are accepted (strings, integers, floats, booleans, null, lists, mappings).
Refused outright: any other tag, anchors and aliases (a few lines of aliases can expand to
gigabytes), nesting deeper than :data:`MAX_DEPTH`, more than one document, files larger than
:data:`MAX_FILE_BYTES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .problems import Problem

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 12

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (
    _YAML + name for name in ("str", "int", "float", "bool", "null")
)
_TIMESTAMP, _MERGE = _YAML + "timestamp", _YAML + "merge"
_SEQ, _MAP = _YAML + "seq", _YAML + "map"
_SCALAR_KINDS = {_STR: "str", _INT: "int", _FLOAT: "float", _BOOL: "bool", _NULL: "null"}


@dataclass(frozen=True, slots=True)
class Scalar:
    """A single value. ``kind`` is ``str``, ``int``, ``float``, ``bool`` or ``null``;
    ``raw`` is the value as written (``yes`` for the boolean read from ``yes``)."""

    value: str | int | float | bool | None
    raw: str
    kind: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Seq:
    """A list of nodes."""

    items: tuple[Node, ...]
    line: int | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``key: value`` pair of a mapping; ``key_line`` is where the key is written."""

    key: str
    key_line: int | None
    value: Node


@dataclass(frozen=True, slots=True)
class Map:
    """A mapping with string keys, in file order (a repeated key keeps its first value)."""

    entries: tuple[Entry, ...]
    line: int | None
    _index: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._index.setdefault(entry.key, entry)

    def get(self, key: str) -> Node | None:
        entry = self._index.get(key)
        return entry.value if entry is not None else None

    def entry(self, key: str) -> Entry | None:
        return self._index.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)


Node = Scalar | Seq | Map


class _Refused(Exception):
    """Stops composing a file that cannot be read safely."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


class _EventStream(Protocol):
    """The parser methods the composer below uses (PyYAML's stubs leave them unannotated)."""

    def peek_event(self) -> Event: ...

    def get_event(self) -> Event: ...


def _mark(mark: object) -> Mark | None:
    """A position mark of the pure-Python parser (the C parser's marks are never seen here)."""
    return mark if isinstance(mark, Mark) else None


class _ComposingLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, used only up to the node tree.

    It refuses anchors and aliases while composing (afterwards they are invisible: an alias
    becomes the very node it names), stops at nesting deeper than MAX_DEPTH before the
    recursive composer can exhaust the stack, and refuses a second document.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.problems: list[tuple[int | None, str]] = []
        self._depth = 0

    @property
    def _events(self) -> _EventStream:
        return self

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self._events.peek_event()
        if isinstance(event, AliasEvent):
            self._events.get_event()
            self.problems.append(
                (_line(event.start_mark), f"alias *{event.anchor}: aliases are not allowed")
            )
            # Stand in an empty value so the tree stays a tree of fresh nodes.
            return yaml.ScalarNode(_NULL, "", _mark(event.start_mark), _mark(event.end_mark))
        if not isinstance(event, NodeEvent):  # pragma: no cover - a node always starts so
            return super().compose_node(parent, index)
        if event.anchor is not None:
            self.problems.append(
                (_line(event.start_mark), f"anchor &{event.anchor}: anchors are not allowed")
            )
            event.anchor = None
        if not isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    _line(event.start_mark),
                    f"nested deeper than {MAX_DEPTH} levels of lists and mappings",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> Any:
        self._events.get_event()  # stream start
        document = None
        if not self.check_event(StreamEndEvent):
            document = self.compose_document()
        if not self.check_event(StreamEndEvent):
            second = self._events.get_event()
            raise _Refused(
                _line(second.start_mark),
                "a second YAML document starts here: one file holds one document",
            )
        self._events.get_event()
        return document


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


class _NodeBuilder:
    """Turns composed PyYAML nodes into :class:`Scalar`, :class:`Seq` and :class:`Map`."""

    def __init__(self) -> None:
        self.problems: list[tuple[int | None, str, str]] = []
        # Problems that leave a usable tree behind (a repeated key keeps its first value).
        self.soft_problems: list[tuple[int | None, str, str]] = []
        # Only its plain-scalar methods are called, on nodes whose tag is already checked.
        self._constructor = yaml.constructor.SafeConstructor()

    def build(self, node: Any, path: str, line: int | None = None) -> Node:
        """The node as a :data:`Node`; ``line`` overrides where it is said to be."""
        line = line or _line(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._refuse_tag(node.tag, path, line)
            items = tuple(
                self.build(child, f"{path}[{index}]") for index, child in enumerate(node.value)
            )
            return Seq(items, line)
        if node.tag != _MAP:
            self._refuse_tag(node.tag, path, line)
        return Map(tuple(self._entries(node, path)), line)

    def _entries(self, node: Any, path: str) -> Iterator[Entry]:
        first_line: dict[str, int | None] = {}
        for key_node, value_node in node.value:
            key_line = _line(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                if key_node.tag not in (_SEQ, _MAP):
                    self._refuse_tag(key_node.tag, path, key_line)
                else:
                    self.problems.append((key_line, path, "a key must be a plain string"))
                continue
            if key_node.tag == _MERGE:
                self.problems.append((key_line, path, "merge keys (<<) are not allowed"))
                continue
            if key_node.tag not in _SCALAR_KINDS and key_node.tag != _TIMESTAMP:
                self._refuse_tag(key_node.tag, path, key_line)
                continue
            # Keys are read as written, so a language code `no` stays "no", not False.
            key = key_node.value
            child_path = f"{path}.{key}" if path else key
            if key in first_line:
                where = f" (first at line {first_line[key]})" if first_line[key] else ""
                self.soft_problems.append((key_line, child_path, f"duplicate key '{key}'{where}"))
                continue
            first_line[key] = key_line
            # A block list or mapping under a key starts on the next line; problems with it
            # as a whole read better at the key that introduces it.
            line = key_line if not isinstance(value_node, yaml.ScalarNode) else None
            yield Entry(key, key_line, self.build(value_node, child_path, line))

    def _scalar(self, node: Any, path: str, line: int | None) -> Scalar:
        tag = node.tag
        if tag == _STR or tag == _TIMESTAMP:
            # A date-like value is kept as the characters written: no field holds a date.
            return Scalar(node.value, node.value, "str", line)
        kind = _SCALAR_KINDS.get(tag)
        if kind is None:
            self._refuse_tag(tag, path, line)
            return Scalar(None, node.value, "null", line)
        try:
            value = self._constructor.yaml_constructors[tag](self._constructor, node)
        except (ValueError, TypeError, yaml.YAMLError):
            self.problems.append(
                (line, path, f"'{node.value}' is not a valid {_short_tag(tag)} value")
            )
            return Scalar(None, node.value, "null", line)
        return Scalar(value, node.value, kind, line)

    def _refuse_tag(self, tag: str, path: str, line: int | None) -> None:
        self.problems.append(
            (
                line,
                path,
                f"tag '{_short_tag(tag)}' is not allowed: only plain YAML values "
                "(strings, numbers, booleans, lists and mappings)",
            )
        )


@dataclass(frozen=True)
class ReadResult:
    """The node tree of a file and what was wrong with it.

    ``root`` is ``None`` when the file was refused; otherwise ``problems`` may still list
    problems that leave the tree checkable (a repeated key).
    """

    root: Node | None
    problems: tuple[Problem, ...]

    @property
    def refused(self) -> bool:
        """Whether the file must not be used at all (its tree is ``None``)."""
        return self.root is None


def size_problem(source: str, size: int) -> Problem:
    """The problem of a file larger than :data:`MAX_FILE_BYTES`."""
    return Problem(
        source,
        None,
        "",
        f"file is {size} bytes, more than the limit of {MAX_FILE_BYTES} bytes (1 MiB); "
        "it was not read",
    )


def _line_of_offset(data: bytes | str, offset: int) -> int:
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1


def read_nodes(data: str | bytes, source: str) -> ReadResult:
    """Read YAML text (or UTF-8 bytes) safely into a node tree.

    Any refusal (size, encoding, syntax, tags, anchors, depth, several documents, an empty
    file) returns no tree, with every such problem found.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if isinstance(data, str) and len(data) > MAX_FILE_BYTES:
        size = max(size, len(data))
    if size > MAX_FILE_BYTES:
        return ReadResult(None, (size_problem(source, size),))

    def refused(*found: tuple[int | None, str, str]) -> ReadResult:
        return ReadResult(None, tuple(Problem(source, ln, p, msg) for ln, p, msg in found))

    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = _line_of_offset(data, error.start)
            return refused((line, "", f"not UTF-8 text (byte 0x{data[error.start]:02x})"))
    else:
        text = data.removeprefix("\ufeff")

    loader: _ComposingLoader | None = None
    try:
        # The reader checks for unprintable characters as soon as it is created.
        loader = _ComposingLoader(text)
        root = loader.get_single_node()
    except _Refused as refusal:
        earlier = loader.problems if loader is not None else []
        found = [(line, "", message) for line, message in earlier]
        return refused(*found, (refusal.line, "", refusal.message))
    except yaml.MarkedYAMLError as error:
        message = f"YAML syntax error: {error.problem}"
        if error.context:
            context_line = _line(error.context_mark)
            started = ""
            if context_line is not None and context_line != _line(error.problem_mark):
                started = f" that starts on line {context_line}"
            message += f" ({error.context}{started})"
        return refused((_line(error.problem_mark), "", message))
    except yaml.reader.ReaderError as error:
        line = _line_of_offset(text, error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return refused((line, "", f"control character U+{code:04X} is not allowed in YAML"))
    except yaml.YAMLError as error:
        return refused((None, "", f"YAML error: {error}"))
    except RecursionError:
        return refused((None, "", "nested too deeply to read"))
    finally:
        if loader is not None:
            loader.dispose()

    if root is None:
        return refused((None, "", "file is empty: expected a YAML mapping"))
    builder = _NodeBuilder()
    tree = builder.build(root, "")
    found = [(line, "", message) for line, message in loader.problems] + builder.problems
    if found:
        return refused(*found)
    soft = tuple(Problem(source, ln, p, msg) for ln, p, msg in builder.soft_problems)
    return ReadResult(tree, soft)


def nodes_from_data(data: Any, path: str = "", depth: int = 0) -> Node:
    """Wrap plain Python data (as from JSON) in nodes without lines, for the same checks.

    Raises ``ValueError`` for values JSON cannot hold or nesting deeper than MAX_DEPTH.
    """
    if isinstance(data, dict | list | tuple):
        depth += 1
        if depth > MAX_DEPTH:
            raise ValueError(f"{path or 'data'}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(data, dict):
        entries = []
        for key, value in data.items():
            if not isinstance(key, str):
                raise ValueError(f"{path or 'data'}: key {key!r} is not a string")
            child = f"{path}.{key}" if path else key
            entries.append(Entry(key, None, nodes_from_data(value, child, depth)))
        return Map(tuple(entries), None)
    if isinstance(data, list | tuple):
        return Seq(
            tuple(nodes_from_data(v, f"{path}[{i}]", depth) for i, v in enumerate(data)), None
        )
    if data is None:
        return Scalar(None, "", "null", None)
    if isinstance(data, bool):
        return Scalar(data, "true" if data else "false", "bool", None)
    if isinstance(data, int):
        return Scalar(data, str(data), "int", None)
    if isinstance(data, float):
        return Scalar(data, repr(data), "float", None)
    if isinstance(data, str):
        return Scalar(data, data, "str", None)
    raise ValueError(f"{path or 'data'}: {type(data).__name__} is not a plain JSON value")
