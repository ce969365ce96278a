"""Coach workspace: organisations, campaigns, teams and their links."""

from flask import Blueprint

bp = Blueprint("coach", __name__)

from . import views  # noqa: E402,F401  (routes attach to bp)

from . import baseline_views  # noqa: E402,F401  # isort: skip  (baselines pages)
from . import team_views  # noqa: E402,F401  # isort: skip  (the team page)
from . import export_views  # noqa: E402,F401  # isort: skip  (downloads)
from . import dashboard_views  # noqa: E402,F401  # isort: skip  (the campaign dashboard)
