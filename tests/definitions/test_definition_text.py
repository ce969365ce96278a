"""Translatable texts."""

from __future__ import annotations

import pickle

import pytest

from assess.definitions import Text


def test_plain_string_is_in_the_default_language() -> None:
    text = Text("Portfolio management")
    assert text.default == "en"
    assert text.get() == text.get("en") == str(text) == "Portfolio management"
    assert text.to_json() == "Portfolio management"
    assert text.languages == ("en",)


def test_falls_back_to_regional_language_then_default() -> None:
    text = Text({"en": "Board", "de": "Tafel", "pt-BR": "Quadro"}, default="en")
    assert text.get("de") == "Tafel"
    assert text.get("de-CH") == "Tafel"
    assert text.get("de_AT") == "Tafel"
    assert text.get("pt-BR") == "Quadro"
    assert text.get("fr") == "Board"
    assert text.get("") == "Board"
    assert str(text) == "Board"


def test_default_language_other_than_english() -> None:
    text = Text("Tafel", default="de")
    assert text.as_dict() == {"de": "Tafel"}
    assert text.get("en") == "Tafel"


def test_to_json_and_back() -> None:
    text = Text({"de": "Tafel", "en": "Board"}, "en")
    assert text.to_json() == {"de": "Tafel", "en": "Board"}
    assert Text.from_json(text.to_json(), "en") == text
    assert Text.from_json("Board", "en") == Text("Board")


def test_equality_ignores_order_and_texts_are_hashable() -> None:
    one = Text({"en": "Board", "de": "Tafel"})
    two = Text([("de", "Tafel"), ("en", "Board")])
    assert one == two
    assert hash(one) == hash(two)
    assert one != Text({"en": "Board", "de": "Brett"})
    assert Text("Board", "en") != Text("Board", "de")


def test_default_language_must_be_present() -> None:
    with pytest.raises(ValueError, match="default language 'en'"):
        Text({"de": "Tafel"})
    with pytest.raises(TypeError):
        Text({"en": 5})


def test_survives_pickling() -> None:
    text = Text({"en": "Board", "de": "Tafel"}, "de")
    assert pickle.loads(pickle.dumps(text)) == text
