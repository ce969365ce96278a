"""The respondent journey: a team link, one page per dimension, review, submit once."""

from .views import bp

__all__ = ["bp"]
