"""Coach pages of baselines: what an organisation can compare with, build one, import one.

Like :mod:`assess.coach.views`: every object comes through :mod:`assess.services.workspace`,
scoped to the signed-in coach, so another organisation's ids answer 404 like unknown ones;
GET never changes anything; every POST carries the CSRF token (checked app-wide).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from wtforms.fields.choices import SelectChoice

from ..converters import row_id
from ..errors import Conflict, InvalidInput, NotFound
from ..models import Campaign, CampaignStatus, Organisation
from ..services import baseline_choices, baselines, setup, workspace
from ..text import shown
from . import bp
from .baseline_forms import BuildBaselineForm, ImportBaselineForm


def _upload_limit() -> int:
    """Largest file the browser import takes: the file rule, and the app's request limit."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or baselines.MAX_IMPORT_BYTES
    return int(min(limit, baselines.MAX_IMPORT_BYTES))


def _questionnaire_choices() -> list[SelectChoice]:
    seen: dict[str, str] = {}
    for version in setup.questionnaire_choices():  # newest version of each key first
        seen.setdefault(version.key, f"{version.title} ({version.key})")
    return [SelectChoice(key, label) for key, label in seen.items()]


def _chosen_campaign(org: Organisation, value: str | None) -> Campaign | None:
    """The campaign ``?campaign=`` names, among the organisation's; None when none is given."""
    if not value:
        return None
    number = row_id(value)
    chosen = next((c for c in org.campaigns if c.id == number), None) if number else None
    if chosen is None:
        raise NotFound("no such campaign")
    return chosen


def _sentence(message: str) -> str:
    return message if message.endswith((".", "!", "?")) else message + "."


def _default_name(campaign: Campaign) -> str:
    name = f"{campaign.name} (wave)"
    return name if len(name) <= baselines.MAX_NAME_LENGTH else ""


def _page(org: Organisation, campaign: Campaign | None, *,
          build_form: BuildBaselineForm | None = None,
          import_form: ImportBaselineForm | None = None) -> str:
    if build_form is None:
        build_form = BuildBaselineForm(formdata=None)
        if campaign is not None:
            build_form.name.data = _default_name(campaign)
    if import_form is None:
        import_form = ImportBaselineForm(formdata=None)
    import_form.questionnaire.choices = _questionnaire_choices()
    campaigns = sorted(org.campaigns, key=lambda c: (c.created_at, c.id), reverse=True)
    return render_template(
        "coach/baselines.html", org=org, stored=baseline_choices.stored_for(org),
        campaigns=campaigns, campaign=campaign,
        options=baseline_choices.options(campaign) if campaign is not None else None,
        build_form=build_form, import_form=import_form, upload_limit=_upload_limit(),
        min_respondents=baselines.MIN_RESPONDENTS, min_teams=baselines.MIN_TEAMS,
        closed=CampaignStatus.CLOSED)


@bp.get("/coach/organisations/<id:organisation_id>/baselines")
@login_required
def baselines_page(organisation_id: int) -> ResponseReturnValue:
    """The baselines the organisation can use; with ``?campaign=`` a campaign's choices."""
    org = workspace.organisation_for(current_user, organisation_id)
    campaign = _chosen_campaign(org, request.args.get("campaign"))
    return _page(org, campaign)


@bp.post("/coach/campaigns/<id:campaign_id>/baselines")
@login_required
def build_baseline(campaign_id: int) -> ResponseReturnValue:
    """Build and store a baseline from a closed campaign's released results."""
    campaign = workspace.campaign_for(current_user, campaign_id)
    org = campaign.organisation
    form = BuildBaselineForm()
    if not form.validate_on_submit():
        return _page(org, campaign, build_form=form)
    if campaign.status != CampaignStatus.CLOSED:
        raise Conflict("A baseline is built from a closed campaign; this one is still "
                       f"{campaign.status}. Nothing was stored.")
    name = form.name.data or ""
    try:
        baselines.check_name(name)
    except InvalidInput as error:
        form.name.errors = [*form.name.errors, str(error)]
        return _page(org, campaign, build_form=form)
    try:
        record = baselines.build_from_campaign(campaign, name)
    except InvalidInput as error:  # nothing to build from
        form.form_errors.append(f"{_sentence(str(error))} Nothing was stored.")
        return _page(org, campaign, build_form=form)
    except Conflict as error:  # the name is taken
        form.name.errors = [*form.name.errors, str(error)]
        return _page(org, campaign, build_form=form)
    flash(f"Baseline {record.name} was built from {campaign.name}: "
          f"{record.n_respondents} respondents, {record.n_teams} teams.", "info")
    return redirect(url_for("coach.baselines_page", organisation_id=org.id,
                            campaign=campaign.id) + f"#baseline-{record.id}", 303)


@bp.post("/coach/organisations/<id:organisation_id>/baselines/import")
@login_required
def import_baseline(organisation_id: int) -> ResponseReturnValue:
    """Import a CSV file of dimension scores, by the rules of ``assess baseline import``:
    all or nothing, and a refused file says why."""
    org = workspace.organisation_for(current_user, organisation_id)
    form = ImportBaselineForm()
    form.questionnaire.choices = _questionnaire_choices()
    if not form.validate_on_submit():
        return _page(org, None, import_form=form)
    upload: FileStorage = form.file.data
    label = shown(Path(upload.filename or "the file").name) or "the file"
    name = form.name.data or ""
    try:
        baselines.check_name(name)
    except InvalidInput as error:
        form.name.errors = [*form.name.errors, str(error)]
        return _page(org, None, import_form=form)
    limit = _upload_limit()
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        form.file.errors = [*form.file.errors,
                            f"{label} is larger than {limit:,} bytes, the most this page "
                            f"accepts (use `assess baseline import` for larger files). "
                            f"Nothing was imported."]
        return _page(org, None, import_form=form)
    with tempfile.TemporaryDirectory(prefix="assess-import-") as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(data)
        try:
            record = baselines.import_csv(path, form.questionnaire.data or "", name, org)
        except Conflict as error:
            form.name.errors = [*form.name.errors, str(error)]
            return _page(org, None, import_form=form)
        except (InvalidInput, NotFound) as error:
            message = str(error).replace(str(path), label)
            form.file.errors = [*form.file.errors, f"{_sentence(message)} Nothing was imported."]
            return _page(org, None, import_form=form)
    flash(f"Baseline {record.name} was imported: {record.n_respondents} respondents, "
          f"{record.n_teams} teams.", "info")
    return redirect(url_for("coach.baselines_page", organisation_id=org.id)
                    + f"#baseline-{record.id}", 303)
