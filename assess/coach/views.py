"""Coach views: thin, each parses, calls a service and renders."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..services import links, workspace
from . import bp
from .forms import LinkActionForm


@bp.route("/")
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("coach.home"))
    return redirect(url_for("auth.login"))


@bp.route("/coach/")
@login_required
def home() -> ResponseReturnValue:
    overview = workspace.home_overview(current_user)
    return render_template("coach/home.html", organisations=overview, link_form=LinkActionForm())


@bp.post("/coach/campaigns/<id:campaign_id>/teams/<id:team_id>/link")
@login_required
def manage_link(campaign_id: int, team_id: int) -> ResponseReturnValue:
    """Regenerate or revoke a team's link (the old link stops working either way)."""
    form = LinkActionForm()
    if not form.validate_on_submit():
        abort(400)
    campaign, team = workspace.campaign_team_for(current_user, campaign_id, team_id)
    if form.action.data == "regenerate":
        links.regenerate(campaign, team)
        flash(f"{team.name} has a new link; the old one no longer works.", "info")
    else:
        links.revoke_team(campaign, team)
        flash(f"{team.name}'s link was revoked.", "info")
    return redirect(url_for("coach.home") + f"#campaign-{campaign.id}")
