"""Sign-in and sign-out views: thin, the checks live in services.accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from ..services import accounts
from . import bp, device
from .forms import LoginForm


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
    """Only same-site relative paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
