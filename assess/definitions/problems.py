"""Problems found in a questionnaire or playbook file, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition file.

    ``str(problem)`` is ``file:line: path: message``; the line and the key path are left out
    when unknown (a problem with the whole file reads ``file: message``).
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}" if where else str(self.line)
        parts = [part for part in (where, self.path, self.message) if part]
        return ": ".join(parts)


class DefinitionError(ValueError):
    """A definition file cannot be used; ``problems`` lists everything found wrong with it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Order problems as a reader meets them in the file: by line, file-level ones first."""
    return sorted(problems, key=lambda p: (p.file, p.line if p.line is not None else 0))
