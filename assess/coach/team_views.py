"""The team page: one team's results in a campaign, against a baseline and the previous wave.

Like :mod:`assess.coach.views`: the campaign and the team come through
:mod:`assess.services.workspace`, scoped to the signed-in coach, so another organisation's
ids answer 404 like unknown ones (any organisation for an administrator), and a team that is
not in the campaign does too. GET only; nothing is written but what
:func:`assess.services.release.results_state` records of a release that is due.
"""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..services import baseline_choices, release, team_report, workspace
from . import bp


@bp.get("/coach/campaigns/<id:campaign_id>/results/teams/<id:team_id>")
@login_required
def team_results(campaign_id: int, team_id: int) -> ResponseReturnValue:
    campaign, team = workspace.campaign_team_for(current_user, campaign_id, team_id)
    state = release.results_state(campaign)  # first: it may record a release that is due
    key = request.args.get("baseline") or baseline_choices.default_key(campaign)
    report = None
    if state.visible:
        choice = baseline_choices.resolve(campaign, key, team=team.name)  # 404 if unknown
        report = team_report.team_report(campaign, team, choice)
        baseline_choices.remember_summary(campaign, report.result)
    options, option = baseline_choices.options_and_option(campaign, key, team=team.name)
    dashboard_url = (url_for("coach.results", campaign_id=campaign.id)
                     if "coach.results" in current_app.view_functions else None)
    return render_template(
        "coach/team_results.html", campaign=campaign, team=team, report=report, state=state,
        pending_note=state.pending_note(team.id) if state.visible else None,
        options=options, current_key=key,
        option=option, dashboard_url=dashboard_url,
        action_url=url_for("coach.team_results", campaign_id=campaign.id, team_id=team.id))
