"""Loading valid questionnaires: the frozen objects, lookups, canonical form and hash."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from assess.definitions import (
    Anonymity,
    DefinitionError,
    Item,
    Questionnaire,
    ReadinessRules,
    Scale,
    Text,
    load_questionnaire,
    parse_questionnaire,
    questionnaire_from_dict,
)

FILES = Path(__file__).parent / "files"
MINIMAL = FILES / "minimal" / "questionnaire.yaml"
READINESS = FILES / "readiness" / "questionnaire.yaml"

# The canonical form is stored with every answered questionnaire version: if this changes,
# stored hashes no longer match their files. Change it only together with a migration.
MINIMAL_HASH = "02fd9e0c85bd9543a2b91aa69df1734df62839e393ce56a33fd9809f6a60d624"


@pytest.fixture(scope="module")
def minimal() -> Questionnaire:
    return load_questionnaire(MINIMAL)


@pytest.fixture(scope="module")
def readiness() -> Questionnaire:
    return load_questionnaire(READINESS)


def test_minimal_questionnaire_fields_and_defaults(minimal: Questionnaire) -> None:
    assert minimal.id == "minimal-maturity"
    assert minimal.version == 2
    assert str(minimal.title) == "Minimal maturity check"
    assert minimal.description is None
    assert minimal.kind == "maturity"
    assert minimal.language == "en"
    assert minimal.estimated_minutes is None
    assert [str(level) for level in minimal.levels] == [
        "Ad hoc",
        "Emerging",
        "Defined",
        "Measured",
        "Adaptive",
    ]
    assert minimal.level_cuts == (1.8, 2.6, 3.4, 4.2)
    assert minimal.rubric_quorum == 0.7
    assert minimal.roles == ()
    assert minimal.anonymity == Anonymity(min_n=5, min_n_comments=10, min_n_spread=5)
    assert minimal.readiness is None
    assert minimal.source == str(MINIMAL)
    assert minimal.score_range == (1, 5)


def test_scale(minimal: Questionnaire) -> None:
    scale = minimal.scales["agree5"]
    assert isinstance(scale, Scale)
    assert (scale.id, scale.min, scale.max, scale.points) == ("agree5", 1, 5, 5)
    assert scale.values == (1, 2, 3, 4, 5)
    assert str(scale.labels[0]) == "Strongly disagree"
    assert scale.dont_know is True
    assert scale.dont_know_label == Text("Don't know", "en")


def test_items_and_answer_order(minimal: Questionnaire) -> None:
    assert [item.id for item in minimal.items] == [
        "portfolio.board",
        "portfolio.reporting",
        "portfolio.rubric",
        "portfolio.comment",
        "delivery.increments",
    ]
    # The column order of stored answers: likert and rubric items, file order.
    assert [item.id for item in minimal.answer_items] == [
        "portfolio.board",
        "portfolio.reporting",
        "portfolio.rubric",
        "delivery.increments",
    ]


def test_item_fields(minimal: Questionnaire) -> None:
    board = minimal.item("portfolio.board")
    assert (board.type, board.scale, board.orientation, board.reverse, board.weight) == (
        "likert",
        "agree5",
        "apo",
        False,
        1.0,
    )
    assert board.scored
    assert board.anchors == ()
    assert board.max_length is None
    assert board.line == 19
    reporting = minimal.item("portfolio.reporting")
    assert reporting.reverse is True
    assert reporting.orientation == "neutral"
    assert minimal.item("delivery.increments").weight == 2.0
    rubric = minimal.item("portfolio.rubric")
    assert rubric.type == "rubric"
    assert not rubric.scored
    assert rubric.scale is None
    assert len(rubric.anchors) == 5
    assert str(rubric.anchors[0]).startswith("Work is started")
    comment = minimal.item("portfolio.comment")
    assert comment.type == "text"
    assert comment.max_length == 2000
    assert not comment.scored


def test_dimension_views(minimal: Questionnaire) -> None:
    portfolio = minimal.dimension("portfolio")
    assert [i.id for i in portfolio.scored_items] == ["portfolio.board", "portfolio.reporting"]
    assert portfolio.rubric_item is not None
    assert portfolio.rubric_item.id == "portfolio.rubric"
    assert [i.id for i in portfolio.text_items] == ["portfolio.comment"]
    assert str(portfolio.pmo_focus).startswith("Select and control")
    delivery = minimal.dimension("delivery")
    assert delivery.rubric_item is None
    assert delivery.text_items == ()
    assert minimal.dimension_of("delivery.increments") is delivery


def test_lookups(minimal: Questionnaire) -> None:
    assert minimal.scale_of("portfolio.board") is minimal.scales["agree5"]
    assert minimal.scale_of(minimal.item("portfolio.board")) is minimal.scales["agree5"]
    assert minimal.scale_of("portfolio.rubric") is None
    with pytest.raises(KeyError, match="no item 'nope'"):
        minimal.item("nope")
    with pytest.raises(KeyError, match="no dimension 'nope'"):
        minimal.dimension("nope")


def test_objects_are_frozen(minimal: Questionnaire) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        minimal.version = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        minimal.items[0].weight = 5.0
    with pytest.raises(TypeError):
        minimal.scales["other"] = minimal.scales["agree5"]
    assert isinstance(minimal.dimensions, tuple)
    assert isinstance(minimal.items, tuple)
    assert hash(minimal) == hash(load_questionnaire(MINIMAL))


def test_translations_and_custom_settings(readiness: Questionnaire) -> None:
    assert readiness.kind == "readiness"
    assert readiness.title.get("de") == "Veränderungsbereitschaft"
    assert readiness.description is not None
    assert readiness.description.get("fr") == (
        "Are we ready to change?"
    )
    assert readiness.estimated_minutes == 5
    assert readiness.levels == ()
    assert readiness.level_cuts == (2.5, 3.5, 4.5, 5.5)
    assert readiness.readiness == ReadinessRules(ready_at=5.0, blocker_below=3.5)
    # An unset threshold rises with a larger min_n.
    assert readiness.anonymity == Anonymity(min_n=7, min_n_comments=10, min_n_spread=7)
    assert [role.get("de") for role in readiness.roles] == ["Teammitglied", "Führungskraft"]
    # Leaders are named by the role as a response stores it: the default-language label.
    assert readiness.leader_roles == ("leader",)
    assert readiness.to_dict()["roles"][1] == {
        "text": {"en": "leader", "de": "Führungskraft"},
        "leader": True,
    }
    # Bare numbers in a text field are text as written.
    assert [str(label) for label in readiness.scales["agree7"].labels] == list("1234567")
    assert readiness.item("support.visible").help == Text(
        {"en": "Think of the last month.", "de": "Denken Sie an den letzten Monat."}, "en"
    )


@pytest.mark.parametrize("path", [MINIMAL, READINESS], ids=["maturity", "readiness"])
def test_to_dict_round_trips(path: Path) -> None:
    questionnaire = load_questionnaire(path)
    data = questionnaire.to_dict()
    assert "source" not in data
    again = questionnaire_from_dict(data)
    assert again == questionnaire
    assert again.to_dict() == data
    # Through JSON (as stored in the database) and back through YAML (as a file).
    assert questionnaire_from_dict(json.loads(json.dumps(data))) == questionnaire
    assert parse_questionnaire(yaml.safe_dump(data, allow_unicode=True)) == questionnaire
    assert again.source == "<dict>"


def test_to_dict_writes_defaults_out(minimal: Questionnaire) -> None:
    data = minimal.to_dict()
    assert data["language"] == "en"
    assert data["level_cuts"] == [1.8, 2.6, 3.4, 4.2]
    assert data["anonymity"] == {"min_n": 5, "min_n_comments": 10, "min_n_spread": 5}
    board = data["dimensions"][0]["items"][0]
    assert board == {
        "id": "portfolio.board",
        "type": "likert",
        "text": "All work of the portfolio is visible on one board.",
        "scale": "agree5",
        "orientation": "apo",
        "reverse": False,
        "weight": 1.0,
    }
    assert data["dimensions"][0]["items"][3]["max_length"] == 2000


def test_content_hash_is_pinned_and_ignores_layout(minimal: Questionnaire) -> None:
    assert minimal.content_hash == MINIMAL_HASH
    # Same content as JSON (valid YAML), with defaults written out: same hash.
    as_json = json.dumps(minimal.to_dict(), indent=1)
    assert parse_questionnaire(as_json, "other.yaml").content_hash == MINIMAL_HASH
    commented = "# a comment\n" + MINIMAL.read_text(encoding="utf-8").replace(
        "kind: maturity", "kind: maturity   # trailing comment"
    )
    assert parse_questionnaire(commented).content_hash == MINIMAL_HASH


def test_content_hash_changes_with_any_text(minimal: Questionnaire) -> None:
    source = MINIMAL.read_text(encoding="utf-8")
    changed = parse_questionnaire(source.replace("on one board.", "on one wall."))
    assert changed.content_hash != MINIMAL_HASH
    assert changed != minimal
    translated = parse_questionnaire(
        source.replace("title: Delivery", "title: {en: Delivery, de: Lieferung}")
    )
    assert translated.content_hash != MINIMAL_HASH
    reordered = parse_questionnaire(source.replace("version: 2", "version: 3"))
    assert reordered.content_hash != MINIMAL_HASH


def test_leader_marks_change_the_content_hash_but_not_the_answered_hash() -> None:
    marked = READINESS.read_text(encoding="utf-8")
    plain = marked.replace(
        "{text: {en: leader, de: Führungskraft}, leader: true}", "{en: leader, de: Führungskraft}"
    )
    assert plain != marked
    with_marks, without = parse_questionnaire(marked), parse_questionnaire(plain)
    assert without.leader_roles == ()
    assert with_marks.content_hash != without.content_hash
    assert with_marks.answered_hash == without.answered_hash
    # Old plain lists of roles stay valid, and read the same as marks set to false.
    unmarked = plain.replace("{en: leader, de: Führungskraft}",
                             "{text: {en: leader, de: Führungskraft}, leader: false}")
    assert parse_questionnaire(unmarked) == without
    reworded = plain.replace("Führungskraft", "Leitung")
    assert parse_questionnaire(reworded).answered_hash != without.answered_hash


def test_source_is_not_part_of_identity(minimal: Questionnaire) -> None:
    text = MINIMAL.read_bytes()
    elsewhere = parse_questionnaire(text, "copy.yaml")
    assert elsewhere.source == "copy.yaml"
    assert elsewhere == minimal
    assert elsewhere.content_hash == minimal.content_hash
    assert parse_questionnaire(text.decode("utf-8")) == minimal


def test_language_codes_are_read_as_written() -> None:
    # YAML 1.1 reads a bare `no` as false; as a key it must stay Norwegian.
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "title: Delivery", "title: {en: Delivery, no: Leveranse, English: x}"
    )
    bad_code = r"dimensions\[1\]\.title\.English: bad language code 'English'"
    with pytest.raises(DefinitionError, match=bad_code):
        parse_questionnaire(text)
    text = text.replace(", English: x", "")
    delivery = parse_questionnaire(text).dimension("delivery")
    assert delivery.title.get("no") == "Leveranse"


def test_from_dict_reports_problems_without_lines() -> None:
    with pytest.raises(DefinitionError) as caught:
        questionnaire_from_dict({"id": "x", "version": True, "title": "X"}, source="db:17")
    messages = [str(problem) for problem in caught.value.problems]
    assert "db:17: version: expected an integer, got boolean 'true'" in messages
    assert "db:17: missing required field 'kind'" in messages
    assert all(problem.line is None for problem in caught.value.problems)


def test_from_dict_refuses_non_json_values() -> None:
    with pytest.raises(DefinitionError, match="set is not a plain JSON value"):
        questionnaire_from_dict({"id": {1, 2}})


def test_direct_construction_is_possible() -> None:
    item = Item("a.b", "likert", Text("A statement"), scale="s")
    scale = Scale("s", 1, 3, (Text("no"), Text("maybe"), Text("yes")))
    questionnaire = Questionnaire(
        "direct",
        1,
        Text("Direct"),
        kind="pulse",
        scales={"s": scale},
        dimensions=(),
    )
    assert questionnaire.scales["s"] is scale
    assert item.scored
    assert scale.points == 3
