"""Sign-in, sign-out and set-password views: thin, the checks live in services.accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import InvalidInput, NotFound
from ..services import accounts
from ..text import has_control_characters
from . import bp, device
from .forms import LoginForm, SetPasswordForm

# Where the set-password link's token waits after the first visit, out of the URL.
_INVITATION_KEY = "invitation_token"


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("coach.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        email = accounts.login_email(form.email.data or "")
        claim = device.device_for(email) if email else None
        outcome = accounts.authenticate(email, form.password.data or "", device=claim)
        if outcome.user is not None:
            login_user(outcome.user)
            response = redirect(_safe_next(form.next.data) or url_for("coach.home"))
            device.remember_device(response, outcome.user, claim)
            return response
        flash(outcome.message, "error")
        status = 429 if outcome.locked else 200
        return render_template("auth/login.html", form=form), status
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    accounts.end_all_sessions(current_user)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: never an open redirect, and never a control or format
    character (CR/LF would end the Location header; others have no place in a path)."""
    if not target or has_control_characters(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


# --- set-password links (invitations and resets) ---------------------------------------------

def _invalid_link() -> ResponseReturnValue:
    session.pop(_INVITATION_KEY, None)
    return render_template("auth/invalid_link.html",
                           message=accounts.INVALID_LINK_MESSAGE), 404


@bp.get("/invite/<token>")
def invitation(token: str) -> ResponseReturnValue:
    """Keep the token in this browser's session, then continue at a URL without it (so it
    stays out of the history, of logs behind this point and of any Referer)."""
    if not accounts.invitation_is_open(token):
        return _invalid_link()
    session[_INVITATION_KEY] = token
    return redirect(url_for("auth.set_password"))


@bp.route("/invite/", methods=["GET", "POST"])
def set_password() -> ResponseReturnValue:
    token = session.get(_INVITATION_KEY)
    email = accounts.invitation_email(token) if isinstance(token, str) else None
    if email is None or not isinstance(token, str):
        return _invalid_link()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(token, form.password.data or "")
        except InvalidInput as error:
            form.password.errors = [str(error)]
        except NotFound:
            return _invalid_link()
        else:
            session.pop(_INVITATION_KEY, None)
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            flash("Your password is set and you are signed in.", "info")
            return redirect(url_for("coach.home"))
        return render_template("auth/set_password.html", form=form, email=email), 400
    status = 400 if form.is_submitted() else 200
    return render_template("auth/set_password.html", form=form, email=email), status
