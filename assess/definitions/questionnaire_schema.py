"""The rules of a questionnaire file (docs/questionnaire-format.md), checked on a node tree."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .checks import (
    DESCRIPTION_TEXT,
    DOTTED_ID,
    KEY_ID,
    LONG_TEXT,
    MAX_VERSION,
    QUESTIONNAIRE_ID,
    ROLE_TEXT,
    SHORT_TEXT,
    Checker,
    checked,
    child,
)
from .model import (
    DEFAULT_LEVEL_CUTS,
    DEFAULT_MIN_N_COMMENTS,
    DEFAULT_MIN_N_SPREAD,
    DEFAULT_RUBRIC_QUORUM,
    DEFAULT_TEXT_MAX_LENGTH,
    ITEM_TYPES,
    KINDS,
    LEVEL_COUNT,
    MIN_N_FLOOR,
    ORIENTATIONS,
    Anonymity,
    Dimension,
    Item,
    Orientation,
    Questionnaire,
    ReadinessRules,
    Scale,
)
from .text import Text
from .yamlnodes import Map, Node

QUESTIONNAIRE_FIELDS = (
    "id",
    "version",
    "title",
    "description",
    "kind",
    "language",
    "estimated_minutes",
    "scales",
    "levels",
    "level_cuts",
    "rubric_quorum",
    "roles",
    "anonymity",
    "readiness",
    "dimensions",
)
QUESTIONNAIRE_REQUIRED = ("id", "version", "title", "kind", "scales", "dimensions")
SCALE_FIELDS = ("min", "max", "labels", "dont_know", "dont_know_label")
DIMENSION_FIELDS = ("id", "title", "description", "pmo_focus", "apo_focus", "items")
ITEM_FIELDS = (
    "id",
    "type",
    "text",
    "help",
    "scale",
    "orientation",
    "reverse",
    "weight",
    "anchors",
    "max_length",
)
LIKERT_ONLY_FIELDS = ("scale", "orientation", "reverse", "weight")
ROLE_FIELDS = ("text", "leader")
ANONYMITY_FIELDS = ("min_n", "min_n_comments", "min_n_spread")
READINESS_FIELDS = ("ready_at", "blocker_below")

MAX_SCALE_POINTS = 11
SCALE_BOUND = 1000
MAX_ESTIMATED_MINUTES = 240
MAX_WEIGHT = 100.0
MAX_TEXT_MAX_LENGTH = 10000
MAX_GROUP_SIZE = 1000
DONT_KNOW = "Don't know"


@dataclass
class _Context:
    """What later fields need to know about earlier ones while one file is checked."""

    chk: Checker
    language: str
    kind: str | None
    declared_scales: set[str]
    scales: dict[str, Scale]
    levels: tuple[Text, ...] | None
    levels_given: bool
    item_lines: dict[str, int | None] = field(default_factory=dict)
    scale_lines: dict[str, int | None] = field(default_factory=dict)


def build_questionnaire(root: Node, chk: Checker, source: str) -> Questionnaire | None:
    """Check a questionnaire's node tree; the questionnaire, or ``None`` if ``chk`` recorded
    any problem."""
    f = chk.fields(
        root,
        "",
        QUESTIONNAIRE_FIELDS,
        QUESTIONNAIRE_REQUIRED,
        what="a mapping of questionnaire fields at the top level",
    )
    if f is None:
        return None
    language = chk.language(f.get("language"), "language") if "language" in f else "en"
    # With a bad language code, texts are still checked against the code as written, so
    # the rest of the report stays useful.
    lang = language or _raw_or_default(f.get("language"))
    questionnaire_id = chk.identifier(f.get("id"), "id", QUESTIONNAIRE_ID)
    version = chk.integer(f.get("version"), "version", minimum=1, maximum=MAX_VERSION)
    title = chk.text(f.get("title"), "title", lang, SHORT_TEXT)
    description = chk.text(f.get("description"), "description", lang, DESCRIPTION_TEXT)
    kind = chk.choice(f.get("kind"), "kind", KINDS)
    minutes = chk.integer(f.get("estimated_minutes"), "estimated_minutes", 1, MAX_ESTIMATED_MINUTES)
    declared, scales = _scales(chk, f.get("scales"), lang)
    levels = _levels(chk, f, kind, lang, root)
    rubric_quorum = chk.number(f.get("rubric_quorum"), "rubric_quorum", 0.5, 1.0)
    roles, leader_roles = _roles(chk, f.get("roles"), lang)
    anonymity = _anonymity(chk, f.get("anonymity"))

    ctx = _Context(chk, lang, kind, declared, scales, levels, "levels" in f)
    dimensions = _dimensions(ctx, f.get("dimensions"))
    score_range = _score_range(ctx, dimensions)
    level_cuts = _level_cuts(chk, f.get("level_cuts"), score_range, root)
    readiness = _readiness(chk, f.get("readiness"), kind, score_range, root)

    if chk.problems:
        return None
    return Questionnaire(
        id=checked(questionnaire_id),
        version=checked(version),
        title=checked(title),
        description=description,
        kind=checked(kind),
        language=lang,
        estimated_minutes=minutes,
        scales=scales,
        levels=levels or (),
        level_cuts=level_cuts or DEFAULT_LEVEL_CUTS,
        rubric_quorum=DEFAULT_RUBRIC_QUORUM if rubric_quorum is None else rubric_quorum,
        roles=roles or (),
        leader_roles=leader_roles,
        anonymity=anonymity or Anonymity(),
        readiness=readiness,
        dimensions=tuple(d for d in dimensions if d is not None),
        source=source,
    )


def _raw_or_default(node: Node | None) -> str:
    raw = getattr(node, "raw", None)
    return raw if isinstance(raw, str) and raw else "en"


def _scales(chk: Checker, node: Node | None, lang: str) -> tuple[set[str], dict[str, Scale]]:
    """The declared scale ids (valid or not, so items naming a broken scale are not reported
    twice) and the valid scales."""
    declared: set[str] = set()
    scales: dict[str, Scale] = {}
    if node is None:
        return declared, scales
    if not isinstance(node, Map):
        chk.fields(node, "scales", (), what="a mapping of scale id to scale")
        return declared, scales
    if not node.entries:
        chk.report(node, "scales", "expected at least one scale")
    for entry in node:
        path = child("scales", entry.key)
        declared.add(entry.key)
        scale_id = entry.key
        if not KEY_ID.fullmatch(scale_id) or len(scale_id) > 64:
            chk.report(
                entry.key_line,
                path,
                f"bad scale id '{scale_id}': use lowercase letters, digits, '-' and '_', "
                "starting with a letter",
            )
        scale = _scale(chk, entry.value, path, scale_id, lang)
        if scale is not None:
            scales[scale_id] = scale
    return declared, scales


def _scale(chk: Checker, node: Node, path: str, scale_id: str, lang: str) -> Scale | None:
    before = len(chk.problems)
    f = chk.fields(node, path, SCALE_FIELDS, ("min", "max", "labels"), what="a scale mapping")
    if f is None:
        return None
    low = chk.integer(f.get("min"), child(path, "min"), -SCALE_BOUND, SCALE_BOUND)
    high = chk.integer(f.get("max"), child(path, "max"), -SCALE_BOUND, SCALE_BOUND)
    points = None
    if low is not None and high is not None:
        if low >= high:
            chk.report(f["min"], path, f"min must be less than max, got min {low} and max {high}")
        elif high - low + 1 > MAX_SCALE_POINTS:
            chk.report(
                f["max"],
                path,
                f"at most {MAX_SCALE_POINTS} points allowed, {low}..{high} has {high - low + 1}",
            )
        else:
            points = high - low + 1
    labels_node = f.get("labels")
    labels = chk.text_list(labels_node, child(path, "labels"), lang, SHORT_TEXT, what="labels")
    if labels is not None and points is not None and len(labels) != points:
        chk.report(
            labels_node,
            child(path, "labels"),
            f"expected {points} labels (one per point of {low}..{high}), got {len(labels)}",
        )
    dont_know = chk.boolean(f.get("dont_know"), child(path, "dont_know"))
    dont_know_label = chk.text(
        f.get("dont_know_label"), child(path, "dont_know_label"), lang, SHORT_TEXT
    )
    if len(chk.problems) > before:
        return None
    return Scale(
        id=scale_id,
        min=checked(low),
        max=checked(high),
        labels=checked(labels),
        dont_know=bool(dont_know),
        dont_know_label=dont_know_label or Text(DONT_KNOW, lang),
    )


def _levels(
    chk: Checker, f: dict[str, Node], kind: str | None, lang: str, root: Node
) -> tuple[Text, ...] | None:
    node = f.get("levels")
    if node is None:
        if kind == "maturity":
            chk.report(root, "", "missing required field 'levels' (needed for kind: maturity)")
        return None
    return chk.text_list(node, "levels", lang, SHORT_TEXT, length=LEVEL_COUNT, what="levels")


def _roles(
    chk: Checker, node: Node | None, lang: str
) -> tuple[tuple[Text, ...] | None, tuple[str, ...]]:
    """The respondent roles, and the labels of those marked ``leader: true``.

    Each role is a text, or a mapping ``{text: ..., leader: true}`` (``text`` and ``leader``
    are not language codes, so it cannot be mistaken for a text in several languages)."""
    elements = chk.sequence(node, "roles", what="a list of roles")
    if elements is None:
        return None, ()
    roles: list[Text | None] = []
    leaders: list[str] = []
    seen: dict[str, int | None] = {}
    for index, element in enumerate(elements):
        path = child("roles", index)
        leader: bool | None = False
        if isinstance(element, Map) and any(name in element for name in ROLE_FIELDS):
            f = chk.fields(element, path, ROLE_FIELDS, ("text",), what="a role")
            role = chk.text((f or {}).get("text"), child(path, "text"), lang, ROLE_TEXT)
            leader = chk.boolean((f or {}).get("leader"), child(path, "leader"))
        else:
            role = chk.text(element, path, lang, ROLE_TEXT)
        if role is not None:
            label = str(role)
            if label in seen:
                chk.report(element, path, f"role '{label}' is listed twice")
                role = None
            else:
                seen[label] = element.line
                if leader:
                    leaders.append(label)
        roles.append(role)
    if any(role is None for role in roles):
        return None, ()
    return tuple(r for r in roles if r is not None), tuple(leaders)


def _anonymity(chk: Checker, node: Node | None) -> Anonymity | None:
    f = chk.fields(node, "anonymity", ANONYMITY_FIELDS)
    if f is None:
        return None
    min_n = chk.integer(f.get("min_n"), "anonymity.min_n", MIN_N_FLOOR, MAX_GROUP_SIZE)
    floor = min_n if min_n is not None else Anonymity.min_n
    values = {"min_n": floor}
    for name, default in (
        ("min_n_comments", DEFAULT_MIN_N_COMMENTS),
        ("min_n_spread", DEFAULT_MIN_N_SPREAD),
    ):
        path = child("anonymity", name)
        if name in f:
            value = chk.integer(f[name], path, MIN_N_FLOOR, MAX_GROUP_SIZE)
            if value is not None and value < floor:
                chk.report(f[name], path, f"must be at least min_n ({floor}), got {value}")
            values[name] = value if value is not None else default
        else:
            # A raised min_n raises the unset thresholds with it.
            values[name] = max(default, floor)
    return Anonymity(**values)


def _dimensions(ctx: _Context, node: Node | None) -> list[Dimension | None]:
    elements = ctx.chk.sequence(node, "dimensions", what="a list of dimensions")
    if elements is None:
        return []
    if not elements:
        ctx.chk.report(node, "dimensions", "expected at least one dimension")
    seen: dict[str, int | None] = {}
    dimensions = []
    for index, element in enumerate(elements):
        path = child("dimensions", index)
        dimension = _dimension(ctx, element, path)
        dimensions.append(dimension)
        id_node = element.get("id") if isinstance(element, Map) else None
        dimension_id = getattr(id_node, "raw", None)
        if isinstance(dimension_id, str) and id_node is not None:
            ctx.chk.claim_id(seen, dimension_id, id_node, child(path, "id"), "dimension")
    return dimensions


def _dimension(ctx: _Context, node: Node, path: str) -> Dimension | None:
    chk, lang = ctx.chk, ctx.language
    before = len(chk.problems)
    f = chk.fields(node, path, DIMENSION_FIELDS, ("id", "title", "items"), what="a dimension")
    if f is None:
        return None
    dimension_id = chk.identifier(f.get("id"), child(path, "id"), KEY_ID)
    title = chk.text(f.get("title"), child(path, "title"), lang, SHORT_TEXT)
    description = chk.text(f.get("description"), child(path, "description"), lang, DESCRIPTION_TEXT)
    focus: dict[str, Text | None] = {}
    for name in ("pmo_focus", "apo_focus"):
        if name not in f and ctx.kind == "maturity":
            chk.report(node, path, f"missing required field '{name}' (needed for kind: maturity)")
        focus[name] = chk.text(f.get(name), child(path, name), lang, LONG_TEXT)
    items = _items(ctx, f.get("items"), child(path, "items"), dimension_id or path)
    if len(chk.problems) > before:
        return None
    return Dimension(
        id=checked(dimension_id),
        title=checked(title),
        description=description,
        pmo_focus=focus["pmo_focus"],
        apo_focus=focus["apo_focus"],
        items=tuple(items),
        line=node.line,
    )


def _items(ctx: _Context, node: Node | None, path: str, dimension: str) -> list[Item]:
    chk = ctx.chk
    elements = chk.sequence(node, path, what="a list of items")
    if elements is None:
        return []
    items: list[Item] = []
    types: list[str | None] = []
    rubric_line: int | None = None
    for index, element in enumerate(elements):
        item_path = child(path, index)
        item, item_type = _item(ctx, element, item_path)
        types.append(item_type)
        if item is not None:
            items.append(item)
        if item_type == "rubric":
            if rubric_line is not None:
                chk.report(
                    element,
                    item_path,
                    f"dimension '{dimension}' already has a rubric item (line {rubric_line}); "
                    "at most one rubric item per dimension",
                )
            else:
                rubric_line = element.line or 0
    if "likert" not in types and None not in types:
        chk.report(
            node,
            path,
            f"dimension '{dimension}' has no scored item: at least one item must be of type likert",
        )
    return items


def _item(ctx: _Context, node: Node, path: str) -> tuple[Item | None, str | None]:
    """The item (``None`` if broken) and its type (``None`` if that is unknown)."""
    chk, lang = ctx.chk, ctx.language
    before = len(chk.problems)
    f = chk.fields(node, path, ITEM_FIELDS, ("id", "text"), what="an item")
    if f is None:
        return None, None
    item_id = chk.identifier(f.get("id"), child(path, "id"), DOTTED_ID)
    if item_id is not None:
        chk.claim_id(ctx.item_lines, item_id, f["id"], child(path, "id"), "item")
    item_type = chk.choice(f["type"], child(path, "type"), ITEM_TYPES) if "type" in f else "likert"
    text = chk.text(f.get("text"), child(path, "text"), lang, LONG_TEXT)
    help_text = chk.text(f.get("help"), child(path, "help"), lang, LONG_TEXT)

    scale_id: str | None = None
    orientation: Orientation = "neutral"
    reverse = False
    weight = 1.0
    anchors: tuple[Text, ...] = ()
    max_length: int | None = None
    if item_type is not None and item_type != "likert":
        for name in LIKERT_ONLY_FIELDS:
            if name in f:
                chk.report(
                    f[name],
                    child(path, name),
                    f"'{name}' is only for likert items, this is a {item_type} item",
                )
    if item_type is not None and item_type != "rubric" and "anchors" in f:
        chk.report(
            f["anchors"],
            child(path, "anchors"),
            f"'anchors' is only for rubric items, this is a {item_type} item",
        )
    if item_type is not None and item_type != "text" and "max_length" in f:
        chk.report(
            f["max_length"],
            child(path, "max_length"),
            f"'max_length' is only for text items, this is a {item_type} item",
        )

    if item_type == "likert":
        scale_id = _item_scale(ctx, node, f, path)
        orientation = (
            chk.choice(f["orientation"], child(path, "orientation"), ORIENTATIONS)
            if "orientation" in f
            else "neutral"
        ) or "neutral"
        reverse = bool(chk.boolean(f.get("reverse"), child(path, "reverse")))
        checked_weight = chk.number(
            f.get("weight"), child(path, "weight"), maximum=MAX_WEIGHT, above=0.0
        )
        weight = 1.0 if checked_weight is None else checked_weight
    elif item_type == "rubric":
        anchors = _anchors(ctx, node, f, path) or ()
    elif item_type == "text":
        checked_length = chk.integer(
            f.get("max_length"), child(path, "max_length"), 1, MAX_TEXT_MAX_LENGTH
        )
        max_length = DEFAULT_TEXT_MAX_LENGTH if checked_length is None else checked_length

    if len(chk.problems) > before or item_type is None:
        return None, item_type
    item = Item(
        id=checked(item_id),
        type=item_type,
        text=checked(text),
        help=help_text,
        scale=scale_id,
        orientation=orientation,
        reverse=reverse,
        weight=weight,
        anchors=anchors,
        max_length=max_length,
        line=node.line,
    )
    return item, item_type


def _item_scale(ctx: _Context, node: Node, f: dict[str, Node], path: str) -> str | None:
    chk = ctx.chk
    if "scale" not in f:
        chk.report(node, path, "missing required field 'scale' (needed for likert items)")
        return None
    scale_id = chk.string(f["scale"], child(path, "scale"))
    if scale_id is None:
        return None
    ctx.scale_lines[path] = f["scale"].line
    if scale_id not in ctx.declared_scales:
        known = ", ".join(sorted(ctx.declared_scales)) or "none declared"
        chk.report(
            f["scale"],
            child(path, "scale"),
            f"unknown scale '{scale_id}' (expected one of: {known})",
        )
        return None
    return scale_id


def _anchors(ctx: _Context, node: Node, f: dict[str, Node], path: str) -> tuple[Text, ...] | None:
    chk = ctx.chk
    if "anchors" not in f:
        chk.report(node, path, "missing required field 'anchors' (needed for rubric items)")
        return None
    anchors_path = child(path, "anchors")
    anchors = chk.text_list(f["anchors"], anchors_path, ctx.language, LONG_TEXT, what="anchors")
    if anchors is None:
        return None
    if ctx.levels is None:
        # A broken `levels`, or a missing one in a maturity file, is reported already.
        if not ctx.levels_given and ctx.kind != "maturity":
            chk.report(
                f["anchors"],
                anchors_path,
                "rubric items need the questionnaire's 'levels' (one anchor per level)",
            )
        return None
    if len(anchors) != len(ctx.levels):
        chk.report(
            f["anchors"],
            anchors_path,
            f"expected {len(ctx.levels)} anchors (one per level, level 1 first), "
            f"got {len(anchors)}",
        )
        return None
    return anchors


def _score_range(ctx: _Context, dimensions: list[Dimension | None]) -> tuple[int, int] | None:
    """The (min, max) shared by the scales of all likert items, reporting items that differ:
    dimension means are compared with one set of level cuts and readiness thresholds."""
    found: tuple[int, int] | None = None
    first_scale = ""
    for d_index, dimension in enumerate(dimensions):
        for i_index, item in enumerate(dimension.items if dimension is not None else ()):
            scale = ctx.scales.get(item.scale) if item.scale else None
            if scale is None:
                continue
            if found is None:
                found, first_scale = (scale.min, scale.max), scale.id
            elif (scale.min, scale.max) != found:
                path = f"dimensions[{d_index}].items[{i_index}]"
                ctx.chk.report(
                    ctx.scale_lines.get(path, item.line),
                    child(path, "scale"),
                    f"scale '{scale.id}' runs {scale.min}..{scale.max} but scale "
                    f"'{first_scale}' runs {found[0]}..{found[1]}: all likert items need "
                    "scales with the same min and max",
                )
    return found


def _level_cuts(
    chk: Checker, node: Node | None, score_range: tuple[int, int] | None, root: Node
) -> tuple[float, ...] | None:
    cuts: tuple[float, ...] | None
    if node is None:
        cuts = DEFAULT_LEVEL_CUTS
    else:
        elements = chk.sequence(node, "level_cuts", what="a list of 4 numbers")
        if elements is None:
            return None
        values = [
            _hundredths_number(chk, e, child("level_cuts", i)) for i, e in enumerate(elements)
        ]
        if len(values) != LEVEL_COUNT - 1:
            chk.report(node, "level_cuts", f"expected 4 cut points, got {len(values)}")
            return None
        if any(v is None for v in values):
            return None
        cuts = tuple(float(v) for v in values if v is not None)
        if any(b <= a for a, b in itertools.pairwise(cuts)):
            chk.report(node, "level_cuts", f"cut points must increase, got {_list(cuts)}")
            return None
    if score_range is not None:
        low, high = score_range
        if not all(low < cut < high for cut in cuts):
            given = "" if node is not None else " (the default; set level_cuts for this scale)"
            chk.report(
                node if node is not None else root,
                "level_cuts",
                f"cut points {_list(cuts)}{given} must lie strictly between the scale's "
                f"min {low} and max {high}",
            )
            return None
    return cuts


def _readiness(
    chk: Checker,
    node: Node | None,
    kind: str | None,
    score_range: tuple[int, int] | None,
    root: Node,
) -> ReadinessRules | None:
    if node is None:
        if kind == "readiness":
            chk.report(root, "", "missing required field 'readiness' (needed for kind: readiness)")
        return None
    if kind is not None and kind != "readiness":
        chk.report(node, "readiness", f"'readiness' is only for kind: readiness, not {kind}")
    f = chk.fields(node, "readiness", READINESS_FIELDS, READINESS_FIELDS)
    if f is None:
        return None
    ready_at = _hundredths_number(chk, f.get("ready_at"), "readiness.ready_at")
    blocker_below = _hundredths_number(chk, f.get("blocker_below"), "readiness.blocker_below")
    if ready_at is None or blocker_below is None:
        return None
    if blocker_below >= ready_at:
        chk.report(
            f["blocker_below"],
            "readiness.blocker_below",
            f"must be less than ready_at ({ready_at:g}), got {blocker_below:g}",
        )
        return None
    if score_range is not None:
        low, high = score_range
        for name, value in (("blocker_below", blocker_below), ("ready_at", ready_at)):
            if not low < value <= high:
                chk.report(
                    f[name],
                    child("readiness", name),
                    f"must lie above the scale's min {low} and at most its max {high}, "
                    f"got {value:g}",
                )
                return None
    return ReadinessRules(ready_at=ready_at, blocker_below=blocker_below)


def _hundredths_number(chk: Checker, node: Node | None, path: str) -> float | None:
    """A number of at most 2 decimals: cut points and readiness thresholds are compared with
    means as they are shown, rounded to hundredths."""
    value = chk.number(node, path)
    if value is None or node is None:
        return value
    if abs(round(value * 100) - value * 100) > 1e-6:
        chk.report(
            node,
            path,
            f"at most 2 decimals (means are compared as shown, to hundredths), "
            f"got {getattr(node, 'raw', value)}",
        )
        return None
    return value


def _list(values: tuple[float, ...]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"
