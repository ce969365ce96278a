"""Domain errors: the one exception family that services raise for the caller to show.

Pure Python, importable without Flask: services, the command line and the pure layers use
these, and the web layer (:mod:`assess.error_pages`) turns them into HTTP answers.
"""

from __future__ import annotations


class AssessError(Exception):
    """Base class of domain errors: a message fit to show to the person who caused it."""


class NotFound(AssessError):
    """The named object does not exist (or is not visible to the caller)."""


class Conflict(AssessError):
    """The request contradicts the current state (a frozen version, a closed campaign...)."""


class InvalidInput(AssessError):
    """Input that cannot be accepted, with a message that says what was expected."""
