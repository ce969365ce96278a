"""The rules of a playbook file (docs/questionnaire-format.md), checked on a node tree,
optionally against the questionnaire the playbook belongs to."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .checks import (
    DOTTED_ID,
    KEY_ID,
    LONG_TEXT,
    MAX_VERSION,
    QUESTIONNAIRE_ID,
    SHORT_TEXT,
    Checker,
    checked,
    child,
)
from .model import LEVEL_COUNT, Questionnaire
from .playbook import (
    DIRECTIONS,
    EFFORTS,
    HORIZONS,
    OWNER_ROLES,
    RULE_CONDITIONS,
    Direction,
    Playbook,
    PlaybookAction,
    PlaybookRule,
    SuccessMeasure,
)
from .problems import Problem
from .yamlnodes import Map, Node, Seq

PLAYBOOK_FIELDS = ("questionnaire", "version", "revision", "language", "actions", "rules")
PLAYBOOK_REQUIRED = ("questionnaire", "version", "actions")
ACTION_FIELDS = (
    "id",
    "dimension",
    "from_level",
    "to_level",
    "title",
    "objective",
    "steps",
    "owner",
    "horizon",
    "effort",
    "prerequisites",
    "success_measures",
)
ACTION_REQUIRED = (
    "id",
    "dimension",
    "from_level",
    "to_level",
    "title",
    "objective",
    "steps",
    "owner",
    "horizon",
    "effort",
    "success_measures",
)
MEASURE_FIELDS = ("text", "dimension", "item", "direction")
MAX_MEASURES = 10
RULE_FIELDS = ("id", "when", "dimension", "recommend", "note")
RULE_REQUIRED = ("id", "when", "recommend")
# Words that say which way a measure's text expects its target to move (English texts).
UP_WORDS = ("rise", "rises", "risen", "increase", "increases", "higher", "more", "grow",
            "grows", "improve", "improves")
DOWN_WORDS = ("fall", "falls", "fallen", "drop", "drops", "decrease", "decreases", "lower",
              "fewer", "less", "shrink", "shrinks", "narrow", "narrows")


@dataclass
class _Context:
    chk: Checker
    language: str
    questionnaire: Questionnaire | None
    level_count: int
    # Where each action id is defined, and every reference to check once all are known.
    action_lines: dict[str, int | None] = field(default_factory=dict)
    references: list[tuple[str, Node, str, str]] = field(default_factory=list)
    # Prerequisites of every action with a good id, even if the action has other problems,
    # so a cycle is found in the same report: id -> (prerequisites, file index, line).
    prerequisites: dict[str, tuple[tuple[str, ...], int, int | None]] = field(default_factory=dict)
    # Owner of every action with a good id and owner, and the readiness-blocker rules, which
    # must recommend at least one sponsor action: (recommended ids, line, path).
    owners: dict[str, str] = field(default_factory=dict)
    blocker_rules: list[tuple[tuple[str, ...], int | None, str]] = field(default_factory=list)


def build_playbook(
    root: Node, chk: Checker, source: str, questionnaire: Questionnaire | None = None
) -> Playbook | None:
    """Check a playbook's node tree (against ``questionnaire`` when given); the playbook, or
    ``None`` if ``chk`` recorded any problem."""
    f = chk.fields(
        root,
        "",
        PLAYBOOK_FIELDS,
        PLAYBOOK_REQUIRED,
        what="a mapping of playbook fields at the top level",
    )
    if f is None:
        return None
    language = chk.language(f.get("language"), "language") if "language" in f else "en"
    lang = language or "en"
    questionnaire_id = chk.identifier(f.get("questionnaire"), "questionnaire", QUESTIONNAIRE_ID)
    version = chk.integer(f.get("version"), "version", minimum=1, maximum=MAX_VERSION)
    revision = (
        chk.integer(f.get("revision"), "revision", minimum=1, maximum=MAX_VERSION)
        if "revision" in f
        else 1
    )
    if questionnaire is not None:
        _match_questionnaire(chk, f, questionnaire, questionnaire_id, version, language)
    level_count = (
        len(questionnaire.levels) if questionnaire and questionnaire.levels else LEVEL_COUNT
    )
    ctx = _Context(chk, lang, questionnaire, level_count)

    actions = []
    for index, element in enumerate(chk.sequence(f.get("actions"), "actions") or ()):
        actions.append(_action(ctx, element, index))
    rules = []
    seen_rules: dict[str, int | None] = {}
    for index, element in enumerate(chk.sequence(f.get("rules"), "rules") or ()):
        rules.append(_rule(ctx, element, child("rules", index), seen_rules))
    _check_references(ctx)
    _check_cycles(ctx)

    if chk.problems:
        return None
    return Playbook(
        questionnaire=checked(questionnaire_id),
        version=checked(version),
        revision=checked(revision),
        actions=tuple(a for a in actions if a is not None),
        rules=tuple(r for r in rules if r is not None),
        source=source,
        language=lang,
    )


def _match_questionnaire(
    chk: Checker,
    f: dict[str, Node],
    questionnaire: Questionnaire,
    questionnaire_id: str | None,
    version: int | None,
    language: str | None,
) -> None:
    if questionnaire_id is not None and questionnaire_id != questionnaire.id:
        chk.report(
            f["questionnaire"],
            "questionnaire",
            f"playbook is for questionnaire '{questionnaire_id}', but it is checked against "
            f"'{questionnaire.id}' ({questionnaire.source})",
        )
    if version is not None and version > questionnaire.version:
        chk.report(
            f["version"],
            "version",
            f"playbook needs questionnaire version {version} or later, but "
            f"'{questionnaire.id}' is version {questionnaire.version}",
        )
    if language is not None and language != questionnaire.language:
        chk.report(
            f.get("language"),
            "language",
            f"playbook language '{language}' differs from the questionnaire's "
            f"'{questionnaire.language}'",
        )


def _dimension_id(ctx: _Context, node: Node | None, path: str) -> str | None:
    dimension = ctx.chk.identifier(node, path, KEY_ID)
    if dimension is None or ctx.questionnaire is None:
        return dimension
    known = [d.id for d in ctx.questionnaire.dimensions]
    if dimension not in known:
        ctx.chk.report(
            node,
            path,
            f"unknown dimension '{dimension}' of questionnaire '{ctx.questionnaire.id}' "
            f"(expected one of: {', '.join(known)})",
        )
        return None
    return dimension


def _action(ctx: _Context, node: Node, index: int) -> PlaybookAction | None:
    chk, lang = ctx.chk, ctx.language
    path = child("actions", index)
    before = len(chk.problems)
    f = chk.fields(node, path, ACTION_FIELDS, ACTION_REQUIRED, what="an action")
    if f is None:
        return None
    action_id = chk.identifier(f.get("id"), child(path, "id"), DOTTED_ID)
    if action_id is not None:
        chk.claim_id(ctx.action_lines, action_id, f["id"], child(path, "id"), "action")
    dimension = _dimension_id(ctx, f.get("dimension"), child(path, "dimension"))
    from_level = chk.integer(f.get("from_level"), child(path, "from_level"), 1, ctx.level_count)
    to_level = chk.integer(f.get("to_level"), child(path, "to_level"), 1, ctx.level_count)
    if from_level is not None and to_level is not None and from_level >= to_level:
        chk.report(
            f["to_level"],
            child(path, "to_level"),
            f"to_level must be above from_level, got from_level {from_level} and "
            f"to_level {to_level}",
        )
    title = chk.text(f.get("title"), child(path, "title"), lang, SHORT_TEXT)
    objective = chk.text(f.get("objective"), child(path, "objective"), lang, LONG_TEXT)
    steps = chk.text_list(f.get("steps"), child(path, "steps"), lang, LONG_TEXT, what="steps")
    if steps is not None and not steps:
        chk.report(f["steps"], child(path, "steps"), "expected at least one step")
    owner = chk.choice(f.get("owner"), child(path, "owner"), OWNER_ROLES)
    if owner is not None and action_id is not None:
        ctx.owners.setdefault(action_id, owner)
    horizon = chk.integer(f.get("horizon"), child(path, "horizon"))
    if horizon is not None and horizon not in HORIZONS:
        chk.report(
            f["horizon"], child(path, "horizon"), f"must be 30, 60 or 90 (days), got {horizon}"
        )
    effort = chk.integer(f.get("effort"), child(path, "effort"), EFFORTS[0], EFFORTS[-1])
    prerequisites = chk.id_list(f.get("prerequisites"), child(path, "prerequisites"))
    if prerequisites is not None and action_id is not None:
        if action_id not in ctx.prerequisites:
            ctx.prerequisites[action_id] = (prerequisites, index, f["prerequisites"].line)
        elements = f["prerequisites"].items if isinstance(f["prerequisites"], Seq) else ()
        for index, (prerequisite, element) in enumerate(zip(prerequisites, elements, strict=False)):
            ctx.references.append(
                (prerequisite, element, child(path, f"prerequisites[{index}]"), "prerequisite")
            )
    measures = _measures(ctx, f.get("success_measures"), child(path, "success_measures"))
    if len(chk.problems) > before:
        return None
    return PlaybookAction(
        id=checked(action_id),
        dimension=checked(dimension),
        from_level=checked(from_level),
        to_level=checked(to_level),
        title=checked(title),
        owner=checked(owner),
        objective=objective,
        steps=steps or (),
        horizon=checked(horizon),
        effort=checked(effort),
        prerequisites=prerequisites or (),
        success_measures=measures or (),
        line=node.line,
    )


def _measures(ctx: _Context, node: Node | None, path: str) -> tuple[SuccessMeasure, ...] | None:
    chk = ctx.chk
    elements = chk.sequence(node, path, what="a list of success measures")
    if elements is None:
        return None
    if len(elements) > MAX_MEASURES:
        chk.report(node, path, f"at most {MAX_MEASURES} success measures, got {len(elements)}")
        return None
    measures = [_measure(ctx, element, child(path, i)) for i, element in enumerate(elements)]
    if any(measure is None for measure in measures):
        return None
    found = tuple(m for m in measures if m is not None)
    if not any(m.direction is not None for m in found):
        chk.report(
            node,
            path,
            "expected at least one measure naming a dimension or item and a direction "
            "(what the next wave should show), e.g. {text: ..., item: ITEM_ID, direction: up}",
        )
        return None
    return found


def _measure(ctx: _Context, node: Node, path: str) -> SuccessMeasure | None:
    """A success measure: a text, or a mapping of text, dimension or item, and direction.

    A mapping with any of the measure's keys is a measure; any other mapping is a text in
    several languages (none of those keys is a language code)."""
    chk = ctx.chk
    if not (isinstance(node, Map) and any(name in node for name in MEASURE_FIELDS)):
        text = chk.text(node, path, ctx.language, LONG_TEXT)
        return SuccessMeasure(text) if text is not None else None
    before = len(chk.problems)
    f = chk.fields(node, path, MEASURE_FIELDS, ("text", "direction"), what="a success measure")
    if f is None:
        return None
    text = chk.text(f.get("text"), child(path, "text"), ctx.language, LONG_TEXT)
    direction = chk.choice(f.get("direction"), child(path, "direction"), DIRECTIONS)
    dimension = _dimension_id(ctx, f.get("dimension"), child(path, "dimension"))
    item = chk.identifier(f.get("item"), child(path, "item"), DOTTED_ID)
    if ("dimension" in f) == ("item" in f):
        chk.report(node, path, "name exactly one of 'dimension' and 'item'")
    elif item is not None and ctx.questionnaire is not None:
        _check_item_target(
            ctx.chk, ctx.questionnaire, f["item"], child(path, "item"), item, direction
        )
    elif dimension is not None and direction == "down":
        chk.report(
            f["direction"],
            child(path, "direction"),
            "a dimension's score measures maturity: a plan expects it to go up, not down",
        )
    if text is not None and direction is not None and ctx.language == "en":
        _check_wording(ctx, f["text"], child(path, "text"), str(text), direction)
    if len(chk.problems) > before:
        return None
    return SuccessMeasure(checked(text), dimension, item, checked(direction))


def _check_item_target(
    chk: Checker,
    questionnaire: Questionnaire,
    node: Node,
    path: str,
    item_id: str,
    direction: Direction | None,
) -> None:
    try:
        item = questionnaire.item(item_id)
    except KeyError:
        known = [i.id for i in questionnaire.answer_items]
        close = difflib.get_close_matches(item_id, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        chk.report(
            node, path, f"unknown item '{item_id}' of questionnaire '{questionnaire.id}'{hint}"
        )
        return
    if item.type == "text":
        chk.report(node, path, f"item '{item_id}' is a free-text item: it has no score to move")
        return
    if direction is None:
        return
    # Agreement with a reverse-keyed item (a statement of a problem) should fall; with a
    # PMO-oriented practice it may fall where the plan moves an area toward APO.
    if item.reverse and direction == "up":
        chk.report(
            node,
            path,
            f"item '{item_id}' is reverse-keyed (it states a problem): improvement means "
            "direction: down",
        )
    elif direction == "down" and not item.reverse and item.orientation != "pmo":
        chk.report(
            node,
            path,
            f"direction: down is only for reverse-keyed or PMO-oriented items; '{item_id}' "
            f"is {item.orientation}",
        )


def _check_wording(ctx: _Context, node: Node, path: str, text: str, direction: str) -> None:
    words = set("".join(c if c.isalpha() else " " for c in text.lower()).split())
    expected = UP_WORDS if direction == "up" else DOWN_WORDS
    if not words.intersection(expected):
        ctx.chk.report(
            node,
            path,
            f"the text should say the change it expects (direction: {direction}), with a word "
            f"such as: {', '.join(expected[:4])}",
        )


def _rule(ctx: _Context, node: Node, path: str, seen: dict[str, int | None]) -> PlaybookRule | None:
    chk = ctx.chk
    before = len(chk.problems)
    f = chk.fields(node, path, RULE_FIELDS, RULE_REQUIRED, what="a rule")
    if f is None:
        return None
    rule_id = chk.identifier(f.get("id"), child(path, "id"), DOTTED_ID)
    if rule_id is not None:
        chk.claim_id(seen, rule_id, f["id"], child(path, "id"), "rule")
    when = chk.choice(f.get("when"), child(path, "when"), RULE_CONDITIONS)
    dimension = _dimension_id(ctx, f.get("dimension"), child(path, "dimension"))
    recommend = chk.id_list(f.get("recommend"), child(path, "recommend"))
    if recommend is not None:
        if not recommend:
            chk.report(f["recommend"], child(path, "recommend"), "expected at least one action id")
        elements = f["recommend"].items if isinstance(f["recommend"], Seq) else ()
        for index, (action_id, element) in enumerate(zip(recommend, elements, strict=False)):
            ctx.references.append(
                (action_id, element, child(path, f"recommend[{index}]"), "recommended action")
            )
    note = chk.text(f.get("note"), child(path, "note"), ctx.language, LONG_TEXT)
    if when == "readiness_blocker" and recommend:
        ctx.blocker_rules.append((recommend, f["recommend"].line, child(path, "recommend")))
    if len(chk.problems) > before:
        return None
    return PlaybookRule(
        id=checked(rule_id),
        when=checked(when),
        dimension=dimension,
        recommend=recommend or (),
        note=note,
        line=node.line,
    )


def _check_references(ctx: _Context) -> None:
    for action_id, node, path, what in ctx.references:
        if action_id not in ctx.action_lines:
            close = difflib.get_close_matches(action_id, list(ctx.action_lines), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            ctx.chk.report(node, path, f"unknown {what} '{action_id}'{hint}")
    for recommend, line, path in ctx.blocker_rules:
        known = [action_id for action_id in recommend if action_id in ctx.owners]
        if len(known) == len(recommend) and all(ctx.owners[a] != "sponsor" for a in known):
            ctx.chk.report(
                line,
                path,
                "a readiness_blocker rule must recommend at least one action with "
                "owner: sponsor (sponsor actions come first)",
            )


def coverage_problems(playbook: Playbook, questionnaire: Questionnaire) -> list[Problem]:
    """Level steps of ``questionnaire`` that ``playbook`` leaves without enough actions.

    A maturity questionnaire with levels needs at least two actions for each dimension and
    each step from one level to the next (an action from level 1 to 3 covers neither step:
    plans are made one step at a time); any other questionnaire at least one action per
    dimension.
    """
    problems: list[Problem] = []
    line = playbook.actions[0].line if playbook.actions else None
    for dimension in questionnaire.dimensions:
        actions = playbook.actions_for(dimension.id)
        if questionnaire.kind != "maturity" or not questionnaire.levels:
            if not actions:
                problems.append(Problem(
                    playbook.source, line, "actions",
                    f"dimension '{dimension.id}' has no action; at least one is needed",
                ))
            continue
        for low in range(1, len(questionnaire.levels)):
            step = [a.id for a in actions if (a.from_level, a.to_level) == (low, low + 1)]
            if len(step) < 2:
                at = next(
                    (a.line for a in actions if a.from_level == low),
                    next((a.line for a in actions), line),
                )
                named = f" ({', '.join(step)})" if step else ""
                problems.append(Problem(
                    playbook.source, at, "actions",
                    f"dimension '{dimension.id}' step {low} -> {low + 1} has {len(step)} "
                    f"action{'' if len(step) == 1 else 's'}{named}; at least 2 are needed",
                ))
    return problems


def _check_cycles(ctx: _Context) -> None:
    """Report each cycle of prerequisites once, at its earliest action in the file."""
    graph = {action_id: found[0] for action_id, found in ctx.prerequisites.items()}
    done: set[str] = set()
    reported: set[frozenset[str]] = set()
    for start in graph:
        if start in done:
            continue
        # Depth-first search without recursion: a long chain of prerequisites must not
        # exhaust the stack.
        trail = [start]
        on_trail = {start}
        pending = [iter(graph[start])]
        while pending:
            prerequisite = next(pending[-1], None)
            if prerequisite is None:
                finished = trail.pop()
                on_trail.discard(finished)
                done.add(finished)
                pending.pop()
            elif prerequisite in on_trail:
                cycle = trail[trail.index(prerequisite) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    _report_cycle(ctx, cycle)
            elif prerequisite in graph and prerequisite not in done:
                trail.append(prerequisite)
                on_trail.add(prerequisite)
                pending.append(iter(graph[prerequisite]))


def _report_cycle(ctx: _Context, cycle: list[str]) -> None:
    first = min(cycle, key=lambda action_id: ctx.prerequisites[action_id][1])
    start = cycle.index(first)
    ordered = cycle[start:] + cycle[:start] + [first]
    _, index, line = ctx.prerequisites[first]
    ctx.chk.report(
        line,
        f"actions[{index}].prerequisites",
        "prerequisites form a cycle (each action needs the next): " + " -> ".join(ordered),
    )
