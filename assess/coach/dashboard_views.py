"""The campaign dashboard: every team and roll-up by focus area, against a baseline.

Like :mod:`assess.coach.views`: the campaign comes through :mod:`assess.services.workspace`,
scoped to the signed-in coach (any organisation for an administrator), so another
organisation's id answers 404 like an unknown one. GET only; nothing is written. The view
model is :func:`assess.services.dashboard.dashboard`.
"""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..services import baseline_choices, dashboard, workspace
from . import bp


@bp.get("/coach/campaigns/<id:campaign_id>/results")
@login_required
def results(campaign_id: int) -> ResponseReturnValue:
    campaign = workspace.campaign_for(current_user, campaign_id)
    state = dashboard.results_state(campaign)  # first: it may record a release that is due
    key = request.args.get("baseline") or baseline_choices.default_key(campaign)
    value = request.args.get("value") or None
    view = None
    choice = baseline_choices.resolve(campaign, key) if state.visible else None  # 404 if unknown
    if state.visible:
        view = dashboard.dashboard(campaign, choice, value=value)
        baseline_choices.remember_summary(campaign, view.result)
    options, option = baseline_choices.options_and_option(campaign, key)
    if view is not None:
        view = dashboard.with_provenance(view, campaign, option)
    team_page = "coach.team_results" in current_app.view_functions
    return render_template(
        "coach/dashboard.html", campaign=campaign, view=view, state=state,
        pending_note=state.pending_note() if state.visible else None,
        options=options, current_key=key, option=option, team_page=team_page,
        value=view.value if view else (value or dashboard.default_value(campaign)),
        action_url=url_for("coach.results", campaign_id=campaign.id))
