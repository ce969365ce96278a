"""Translatable text: one string per language, with a default language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, init=False)
class Text:
    """A human-readable text in one or more languages.

    >>> t = Text({"en": "Portfolio", "de": "Portfolio-Management"}, default="en")
    >>> t.get("de"), t.get("fr"), str(t)
    ('Portfolio-Management', 'Portfolio', 'Portfolio')

    ``translations`` holds ``(language, string)`` pairs sorted by language, so two texts with
    the same strings compare equal whatever order they were written in.
    """

    translations: tuple[tuple[str, str], ...]
    default: str

    def __init__(
        self,
        value: str | Mapping[str, str] | Iterable[tuple[str, str]],
        default: str = "en",
    ) -> None:
        pairs = {default: value} if isinstance(value, str) else dict(value)
        for language, string in pairs.items():
            if not isinstance(language, str) or not isinstance(string, str):
                raise TypeError(f"Text needs string languages and strings, got {language!r}")
        if default not in pairs:
            raise ValueError(f"Text has no string in its default language {default!r}")
        object.__setattr__(self, "translations", tuple(sorted(pairs.items())))
        object.__setattr__(self, "default", default)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this text is written in, sorted."""
        return tuple(language for language, _ in self.translations)

    def as_dict(self) -> dict[str, str]:
        """The translations as a new ``{language: string}`` dict."""
        return dict(self.translations)

    def get(self, lang: str | None = None) -> str:
        """The text in ``lang``; a regional code (``de-CH``) falls back to its language
        (``de``), and a missing language to the default one."""
        if lang:
            wanted = (lang, lang.split("-", 1)[0].split("_", 1)[0])
            for candidate in wanted:
                for language, string in self.translations:
                    if language == candidate:
                        return string
        for language, string in self.translations:
            if language == self.default:
                return string
        raise AssertionError("unreachable: the default language is always present")

    def __str__(self) -> str:
        return self.get()

    def to_json(self) -> str | dict[str, str]:
        """A plain string when only the default language is present, else a language dict."""
        if len(self.translations) == 1:
            return self.get()
        return self.as_dict()

    @classmethod
    def from_json(cls, value: str | Mapping[str, str], default: str = "en") -> Text:
        """The inverse of :meth:`to_json` for a text whose default language is ``default``."""
        return cls(value, default)

    def __reduce__(self) -> tuple[Any, ...]:
        # The custom __init__ needs its arguments back when unpickled (e.g. by a cache).
        return (Text, (dict(self.translations), self.default))
