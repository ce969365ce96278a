"""Coach views: thin, each parses, calls a service and renders.

Every page with an id in its address finds its object through :mod:`assess.services.workspace`,
scoped to the signed-in coach (or any organisation, for an administrator): another
organisation's id answers 404, like one that does not exist, and so does every such page to an
anonymous visitor. GET never changes anything; every POST carries the CSRF token (checked app-wide).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from ..errors import Conflict
from ..models import Campaign, CampaignStatus, Organisation, Team
from ..services import links, setup, workspace
from . import bp
from .forms import AddTeamsForm, CampaignForm, ConfirmForm, LinkActionForm, TeamForm


@bp.before_request
def _no_address_with_an_id_for_anonymous_visitors() -> None:
    """Anonymous visitors (a respondent's survey session included) get 404 on every page
    with an id in its address, the same answer as for an id that does not exist: the address
    of a campaign or team says nothing to someone who is not signed in. Pages without an id
    (the workspace home) still lead to the sign-in page."""
    if request.view_args and not current_user.is_authenticated:
        abort(404)


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


# --- helpers ---------------------------------------------------------------------------------

def _show_field_error(form: FlaskForm, error: setup.FieldError) -> None:
    field = getattr(form, error.field, None)
    if field is None:
        form.form_errors.append(str(error))
    else:
        field.errors = [*field.errors, str(error)]


def _campaign_url(campaign_id: int, team_id: int | None = None) -> str:
    anchor = f"#team-{team_id}" if team_id is not None else ""
    return url_for("coach.campaign", campaign_id=campaign_id) + anchor


def _team_choices(org: Organisation) -> list[SelectChoice]:
    return [SelectChoice(str(t.id), t.name) for t in sorted(org.teams, key=lambda t: t.name)]


# --- teams -----------------------------------------------------------------------------------

@bp.route("/coach/organisations/<id:organisation_id>/teams")
@login_required
def teams(organisation_id: int) -> ResponseReturnValue:
    org = workspace.organisation_for(current_user, organisation_id)
    return render_template("coach/teams.html", org=org, teams=workspace.teams_of(org))


def _parent_choices(org: Organisation, team: Team | None) -> list[SelectChoice]:
    others = [t for t in sorted(org.teams, key=lambda t: t.name)
              if team is None or t.id != team.id]
    return [SelectChoice("", "No parent team"), *(SelectChoice(str(t.id), t.name)
                                                  for t in others)]


def _team_form(org: Organisation, team: Team | None) -> TeamForm:
    form = TeamForm()
    form.parent.choices = _parent_choices(org, team)
    if team is not None and request.method == "GET":
        form.name.data = team.name
        form.parent.data = str(team.parent_id) if team.parent_id else ""
        form.headcount.data = str(team.headcount) if team.headcount else ""
    return form


@bp.route("/coach/organisations/<id:organisation_id>/teams/new", methods=["GET", "POST"])
@login_required
def new_team(organisation_id: int) -> ResponseReturnValue:
    org = workspace.organisation_for(current_user, organisation_id)
    form = _team_form(org, None)
    if form.validate_on_submit():
        try:
            team = setup.create_team(org, form.name.data or "",
                                     parent_id=int(form.parent.data) if form.parent.data else None,
                                     headcount=form.headcount.data)
        except setup.FieldError as error:
            _show_field_error(form, error)
        else:
            flash(f"Team {team.name} was added.", "info")
            return redirect(url_for("coach.teams", organisation_id=org.id) + f"#team-{team.id}")
    return render_template("coach/team_form.html", org=org, form=form, team=None)


@bp.route("/coach/teams/<id:team_id>/edit", methods=["GET", "POST"])
@login_required
def edit_team(team_id: int) -> ResponseReturnValue:
    team = workspace.team_for(current_user, team_id)
    org = team.organisation
    form = _team_form(org, team)
    if form.validate_on_submit():
        try:
            setup.update_team(team, form.name.data or "",
                              parent_id=int(form.parent.data) if form.parent.data else None,
                              headcount=form.headcount.data)
        except setup.FieldError as error:
            _show_field_error(form, error)
        else:
            flash(f"Team {team.name} was saved.", "info")
            return redirect(url_for("coach.teams", organisation_id=org.id) + f"#team-{team.id}")
    return render_template("coach/team_form.html", org=org, form=form, team=team)


# --- campaigns -------------------------------------------------------------------------------

def _campaign_form(org: Organisation, campaign: Campaign | None) -> CampaignForm:
    form = CampaignForm()
    form.questionnaire.choices = [
        SelectChoice(str(v.id), f"{v.title} ({v.key}, version {v.version})")
        for v in setup.questionnaire_choices()]
    form.teams.choices = _team_choices(org)
    closed = setup.closed_campaigns(org.id, exclude=campaign.id if campaign else None)
    form.previous.choices = [
        SelectChoice("latest", "The latest closed wave of the same questionnaire"),
        SelectChoice("none", "None"),
        *(SelectChoice(str(c.id), f"{c.name} ({c.questionnaire_version.key})")
          for c in closed)]
    if campaign is not None and request.method == "GET":
        form.name.data = campaign.name
        form.questionnaire.data = str(campaign.questionnaire_version_id)
        opens, closes = setup.opens_on(campaign), setup.closes_on(campaign)
        form.opens.data = opens.isoformat() if opens else ""
        form.closes.data = closes.isoformat() if closes else ""
        form.min_n.data = str(campaign.min_n)
        form.interim_results.data = campaign.interim_results
        form.previous.data = (str(campaign.previous_campaign_id)
                              if campaign.previous_campaign_id else "none")
    elif request.method == "GET":
        form.previous.data = "latest"
    return form


def _settings(form: CampaignForm) -> setup.CampaignSettings:
    choice = form.previous.data or "latest"
    previous: setup.Previous = (setup.LATEST if choice == "latest" else
                                None if choice == "none" else int(choice))
    return setup.CampaignSettings(
        name=form.name.data or "", questionnaire_id=int(form.questionnaire.data or 0),
        opens=form.opens.data, closes=form.closes.data, min_n=form.min_n.data,
        interim_results=bool(form.interim_results.data), previous=previous)


@bp.route("/coach/organisations/<id:organisation_id>/campaigns/new", methods=["GET", "POST"])
@login_required
def new_campaign(organisation_id: int) -> ResponseReturnValue:
    org = workspace.organisation_for(current_user, organisation_id)
    form = _campaign_form(org, None)
    if form.validate_on_submit():
        try:
            campaign = setup.create_campaign(org, _settings(form),
                                             [int(t) for t in form.teams.data or []])
        except setup.FieldError as error:
            _show_field_error(form, error)
        else:
            flash(f"Campaign {campaign.name} was created as a draft.", "info")
            return redirect(_campaign_url(campaign.id))
    return render_template("coach/campaign_form.html", org=org, form=form, campaign=None)


@bp.route("/coach/campaigns/<id:campaign_id>")
@login_required
def campaign(campaign_id: int) -> ResponseReturnValue:
    view = workspace.campaign_view(current_user, campaign_id)
    add_form = AddTeamsForm()
    add_form.teams.choices = [SelectChoice(str(t.id), t.name) for t in view.addable_teams]
    return render_template("coach/campaign.html", c=view, add_form=add_form,
                           action_form=ConfirmForm())


@bp.route("/coach/campaigns/<id:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit_campaign(campaign_id: int) -> ResponseReturnValue:
    target = workspace.campaign_for(current_user, campaign_id)
    if target.status == CampaignStatus.CLOSED:
        raise Conflict("A closed campaign cannot be changed.")
    org = target.organisation
    form = _campaign_form(org, target)
    del form.teams  # teams are added on the campaign page
    if form.validate_on_submit():
        try:
            setup.update_campaign(target, _settings(form))
        except setup.FieldError as error:
            _show_field_error(form, error)
        else:
            flash(f"Campaign {target.name} was saved.", "info")
            return redirect(_campaign_url(target.id))
    return render_template("coach/campaign_form.html", org=org, form=form, campaign=target)


@bp.post("/coach/campaigns/<id:campaign_id>/teams")
@login_required
def add_teams(campaign_id: int) -> ResponseReturnValue:
    target = workspace.campaign_for(current_user, campaign_id)
    form = AddTeamsForm()
    present = {link.team_id for link in target.team_links}
    form.teams.choices = [choice for choice in _team_choices(target.organisation)
                          if int(choice.value) not in present]
    if not form.validate_on_submit():
        flash("Choose at least one team to add.", "error")
        return redirect(_campaign_url(target.id) + "#add-teams")
    try:
        added = setup.add_teams(target, [int(t) for t in form.teams.data or []])
    except (setup.FieldError, Conflict) as error:
        flash(str(error), "error")
        return redirect(_campaign_url(target.id))
    flash(f"Added {len(added)} team{'s' if len(added) != 1 else ''}, each with its own link.",
          "info")
    return redirect(_campaign_url(target.id) + "#teams")


@bp.post("/coach/campaigns/<id:campaign_id>/open")
@login_required
def open_campaign(campaign_id: int) -> ResponseReturnValue:
    target = workspace.campaign_for(current_user, campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        setup.open_campaign(target)
    except Conflict as error:
        flash(str(error), "error")
    else:
        flash(f"Campaign {target.name} is open: its team links work in its window.", "info")
    return redirect(_campaign_url(target.id))


@bp.route("/coach/campaigns/<id:campaign_id>/close", methods=["GET", "POST"])
@login_required
def close_campaign(campaign_id: int) -> ResponseReturnValue:
    """GET asks for confirmation (closing is final); POST closes."""
    view = workspace.campaign_view(current_user, campaign_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            setup.close_campaign(workspace.campaign_for(current_user, campaign_id))
        except Conflict as error:
            flash(str(error), "error")
        else:
            flash(f"Campaign {view.name} is closed.", "info")
        return redirect(_campaign_url(view.id))
    if view.status != CampaignStatus.OPEN:
        raise Conflict("Only an open campaign can be closed.")
    return render_template("coach/confirm_close.html", c=view, form=form)


# --- team links ------------------------------------------------------------------------------

@bp.get("/coach/campaigns/<id:campaign_id>/teams/<id:team_id>/link/"
        "<any(regenerate, revoke):action>")
@login_required
def confirm_link(campaign_id: int, team_id: int, action: str) -> ResponseReturnValue:
    """Ask before a link is renewed or revoked (no JavaScript needed)."""
    target, team = workspace.campaign_team_for(current_user, campaign_id, team_id)
    links.ensure_changeable(target)
    back = "campaign" if request.args.get("back") == "campaign" else "home"
    cancel = (_campaign_url(target.id, team.id) if back == "campaign"
              else url_for("coach.home") + f"#campaign-{target.id}")
    return render_template("coach/confirm_link.html", campaign=target, team=team,
                           action=action, back=back, cancel=cancel, form=LinkActionForm())


@bp.post("/coach/campaigns/<id:campaign_id>/teams/<id:team_id>/link")
@login_required
def manage_link(campaign_id: int, team_id: int) -> ResponseReturnValue:
    """Regenerate or revoke a team's link (the old link stops working either way).

    With ``step=ask`` (the buttons on the pages) the coach is asked first.
    """
    # The team first: to anyone but its coaches the address does not exist, whatever is posted.
    target, team = workspace.campaign_team_for(current_user, campaign_id, team_id)
    form = LinkActionForm()
    if not form.validate_on_submit():
        abort(400)
    if form.asks_first:
        return redirect(url_for("coach.confirm_link", campaign_id=target.id, team_id=team.id,
                                action=form.action.data,
                                back="campaign" if form.back_to_campaign else "home"), 303)
    if form.action.data == "regenerate":
        links.regenerate(target, team)
        flash(f"{team.name} has a new link; the old one no longer works.", "info")
    else:
        links.revoke_team(target, team)
        flash(f"{team.name}'s link was revoked.", "info")
    if form.back_to_campaign:
        return redirect(_campaign_url(target.id, team.id))
    return redirect(url_for("coach.home") + f"#campaign-{target.id}")


@bp.get("/coach/campaigns/<id:campaign_id>/teams/<id:team_id>/invitation")
@login_required
def invitation(campaign_id: int, team_id: int) -> ResponseReturnValue:
    """A printable invitation sheet: the link, its QR code, the window, the anonymity promise."""
    sheet = workspace.invitation(current_user, campaign_id, team_id)
    return render_template("coach/invitation.html", sheet=sheet, c=sheet.campaign)
