"""Coach views: thin, each parses, calls a service and renders."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from ..services import workspace
from . import bp


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("coach.home"))
    return redirect(url_for("auth.login"))


@bp.route("/coach/")
@login_required
def home():  # type: ignore[no-untyped-def]
    overview = workspace.home_overview(current_user)
    return render_template("coach/home.html", organisations=overview)
