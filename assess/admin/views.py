"""Administration views: thin, the rules live in services.accounts and
services.organisation_export. GET never changes anything; every change is a POST."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from ..errors import Conflict, InvalidInput
from ..extensions import csrf
from ..services import accounts, organisation_export
from . import bp
from .forms import (
    ConfirmForm,
    DeleteOrganisationForm,
    InviteForm,
    MembershipForm,
    OrganisationForm,
    organisation_choices,
)


@bp.before_request
def admins_only() -> None:
    """404 for everyone but an enabled administrator, then the CSRF check of every POST."""
    if not accounts.is_admin(current_user._get_current_object()):
        abort(404)
    config = current_app.config
    if config.get("WTF_CSRF_ENABLED", True) and config.get("WTF_CSRF_CHECK_DEFAULT", True):
        csrf.protect()


def _all_organisations() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in accounts.organisation_rows()]


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.organisations.choices = organisation_choices(_all_organisations())
    return form


def _set_password_url(token: str) -> str:
    base = current_app.config.get("BASE_URL")
    path = url_for("auth.invitation", token=token)
    return f"{base.rstrip('/')}{path}" if base else url_for("auth.invitation", token=token,
                                                             _external=True)


def _show_link(user_id: int, token: str, *, new_account: bool) -> ResponseReturnValue:
    user = accounts.account(user_id)
    return render_template("admin/link.html", user=user, url=_set_password_url(token),
                           new_account=new_account,
                           hours=int(accounts.INVITATION_LIFETIME.total_seconds() // 3600))


# --- overview --------------------------------------------------------------------------------

@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("admin/index.html", organisations=accounts.organisation_rows(),
                           coaches=accounts.coach_rows(), org_form=OrganisationForm(),
                           invite_form=_invite_form())


# --- organisations ---------------------------------------------------------------------------

@bp.post("/organisations")
def create_organisation() -> ResponseReturnValue:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = accounts.create_organisation(form.name.data or "")
        except (InvalidInput, Conflict) as error:
            form.name.errors = [str(error)]
        else:
            flash(f"Organisation {org.name} was created.", "info")
            return redirect(url_for("admin.organisation", org_id=org.id))
    return render_template("admin/index.html", organisations=accounts.organisation_rows(),
                           coaches=accounts.coach_rows(), org_form=form,
                           invite_form=_invite_form()), 400


def _render_organisation(org_id: int, *, rename: OrganisationForm | None = None,
                         remove: DeleteOrganisationForm | None = None,
                         status: int = 200) -> ResponseReturnValue:
    org = accounts.organisation(org_id)
    if rename is None:
        rename = OrganisationForm(formdata=None, data={"name": org.name})
    coaches = sorted((m.user for m in org.memberships), key=lambda u: u.email)
    return render_template("admin/organisation.html", org=org, coaches=coaches,
                           rename_form=rename, delete_form=remove or DeleteOrganisationForm(),
                           action_form=ConfirmForm()), status


@bp.get("/organisations/<id:org_id>")
def organisation(org_id: int) -> ResponseReturnValue:
    return _render_organisation(org_id)


@bp.post("/organisations/<id:org_id>/rename")
def rename_organisation(org_id: int) -> ResponseReturnValue:
    accounts.organisation(org_id)  # 404 before anything else
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = accounts.rename_organisation(org_id, form.name.data or "")
        except (InvalidInput, Conflict) as error:
            form.name.errors = [str(error)]
        else:
            flash(f"The organisation is now called {org.name}.", "info")
            return redirect(url_for("admin.organisation", org_id=org_id))
    return _render_organisation(org_id, rename=form, status=400)


@bp.get("/organisations/<id:org_id>/export")
def export_organisation(org_id: int) -> ResponseReturnValue:
    org = accounts.organisation(org_id)
    data = organisation_export.export_organisation(org.id)
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=organisation_export.export_file_name(org))
    response.headers["Cache-Control"] = "no-store"  # personal data: no copy in any cache
    return response


@bp.post("/organisations/<id:org_id>/delete")
def delete_organisation(org_id: int) -> ResponseReturnValue:
    accounts.organisation(org_id)
    form = DeleteOrganisationForm()
    if form.validate_on_submit():
        try:
            name = organisation_export.delete_organisation(org_id, form.confirm_name.data or "")
        except InvalidInput as error:
            form.confirm_name.errors = [str(error)]
        else:
            flash(f"Organisation {name} and all its data were deleted. Its coaches keep "
                  "their accounts.", "info")
            return redirect(url_for("admin.index"))
    return _render_organisation(org_id, remove=form, status=400)


# --- coaches ---------------------------------------------------------------------------------

@bp.post("/coaches")
def invite() -> ResponseReturnValue:
    form = _invite_form()
    if form.validate_on_submit():
        try:
            user, token = accounts.invite_coach(
                form.email.data or "", form.organisations.data or [],
                display_name=form.display_name.data or "",
                invited_by=current_user._get_current_object())
        except InvalidInput as error:
            form.email.errors = [str(error)]
        except Conflict as error:
            form.email.errors = [str(error)]
        else:
            return _show_link(user.id, token, new_account=True)
    return render_template("admin/index.html", organisations=accounts.organisation_rows(),
                           coaches=accounts.coach_rows(), org_form=OrganisationForm(),
                           invite_form=form), 400


def _membership_form(user_id: int) -> MembershipForm:
    user = accounts.account(user_id)
    have = {m.organisation_id for m in user.memberships}
    form = MembershipForm()
    form.organisation.choices = organisation_choices(
        (org_id, name) for org_id, name in _all_organisations() if org_id not in have)
    return form


@bp.get("/coaches/<id:user_id>")
def coach(user_id: int) -> ResponseReturnValue:
    user = accounts.account(user_id)
    row = next(r for r in accounts.coach_rows() if r.id == user.id)
    return render_template("admin/coach.html", user=user, row=row,
                           membership_form=_membership_form(user_id), action_form=ConfirmForm())


def _back_to(user_id: int) -> ResponseReturnValue:
    return redirect(url_for("admin.coach", user_id=user_id))


def _action(user_id: int) -> None:
    """Check the (CSRF-only) form of a one-button action on an existing account."""
    accounts.account(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.post("/coaches/<id:user_id>/memberships")
def add_membership(user_id: int) -> ResponseReturnValue:
    form = _membership_form(user_id)
    if not form.validate_on_submit():
        flash("Choose one of the listed organisations.", "error")
        return _back_to(user_id)
    org = accounts.organisation(form.organisation.data)
    accounts.add_membership(user_id, org.id)
    flash(f"Access to {org.name} was given.", "info")
    return _back_to(user_id)


@bp.post("/coaches/<id:user_id>/memberships/<id:org_id>/delete")
def remove_membership(user_id: int, org_id: int) -> ResponseReturnValue:
    _action(user_id)
    org = accounts.organisation(org_id)
    if accounts.remove_membership(user_id, org.id):
        flash(f"Access to {org.name} was taken away.", "info")
    return _back_to(user_id)


def _change(user_id: int, change: str) -> ResponseReturnValue:
    _action(user_id)
    try:
        if change == "enable":
            accounts.set_enabled(user_id, True)
            flash("The account is enabled.", "info")
        elif change == "disable":
            accounts.set_enabled(user_id, False)
            flash("The account is disabled and signed out everywhere.", "info")
        else:
            accounts.set_role(user_id, change)
            flash("The account is now an administrator." if change == accounts.ADMIN
                  else "The account is now a coach (not an administrator).", "info")
    except Conflict as error:
        flash(str(error), "error")
    return _back_to(user_id)


@bp.post("/coaches/<id:user_id>/enable")
def enable(user_id: int) -> ResponseReturnValue:
    return _change(user_id, "enable")


@bp.post("/coaches/<id:user_id>/disable")
def disable(user_id: int) -> ResponseReturnValue:
    return _change(user_id, "disable")


@bp.post("/coaches/<id:user_id>/make-admin")
def make_admin(user_id: int) -> ResponseReturnValue:
    return _change(user_id, accounts.ADMIN)


@bp.post("/coaches/<id:user_id>/make-coach")
def make_coach(user_id: int) -> ResponseReturnValue:
    return _change(user_id, accounts.COACH)


@bp.post("/coaches/<id:user_id>/link")
def new_link(user_id: int) -> ResponseReturnValue:
    _action(user_id)
    try:
        token = accounts.new_password_link(user_id,
                                           created_by=current_user._get_current_object())
    except Conflict as error:
        flash(str(error), "error")
        return _back_to(user_id)
    return _show_link(user_id, token, new_account=False)


@bp.after_request
def _no_referrer(response: Response) -> Response:
    # Pages here show set-password links: no Referer at all, not even to this site.
    if request.endpoint in {"admin.invite", "admin.new_link"}:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response

