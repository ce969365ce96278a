"""The respondent journey: a team link, one page per dimension, review, submit once."""

from flask import Blueprint

bp = Blueprint("survey", __name__, url_prefix="/s")

from . import views  # noqa: E402,F401  (routes attach to bp)
