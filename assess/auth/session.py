"""Flask-Login wiring: sessions that carry the account's session version, and end.

A coach's sign-in ends ``COACH_SESSION_SECONDS`` after it began (12 hours by default) and
after ``COACH_IDLE_SECONDS`` without a request to the coach's side (30 minutes), whichever
comes first (OWASP ASVS V3.3). Both times are kept in the signed session cookie and checked by
the server on every request, so neither the cookie's own lifetime nor a browser that keeps it
can stretch them. A respondent's survey session in the same browser is permanent (it must
survive a closed tab), but survey pages do not count as a coach's activity: they never move
the idle clock.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import logout_user, user_logged_in

from ..extensions import db, login_manager
from ..models import User

#: Session keys: when this sign-in began, and the coach's latest request (Unix seconds).
SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"

#: Blueprints whose requests are a coach's activity (and lead to sign-in once it has ended).
_COACH_BLUEPRINTS = frozenset({"auth", "coach", "admin"})

# The idle clock is written back at most this often: rewriting the cookie on every request
# would cost every page, and a minute is nothing against a 30-minute limit.
_SEEN_RESOLUTION = 60

ENDED_MESSAGE = "Your session has ended. Please sign in again."


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_version != int(version) or not user.is_enabled:
            return None
        return user

    user_logged_in.connect(_stamp_sign_in, app)
    app.before_request(_end_expired_sign_in)


def _stamp_sign_in(_app: Flask, user: User) -> None:  # noqa: ARG001 - the signal's signature
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def _expired(now: int) -> bool:
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if type(signed_in) is not int or type(seen) is not int:
        return True  # a session from before the limits, or one not made by sign-in
    cfg = current_app.config
    return (now - signed_in >= int(cfg["COACH_SESSION_SECONDS"])
            or now - seen >= int(cfg["COACH_IDLE_SECONDS"]))


def _end_expired_sign_in() -> ResponseReturnValue | None:
    """End a coach's sign-in that is too old or idle; else count this request as activity."""
    if "_user_id" not in session:
        return None  # respondents and visitors: nothing to check, nothing written
    now = int(time.time())
    coach_side = request.blueprint in _COACH_BLUEPRINTS
    if _expired(now):
        logout_user()
        session.pop(SIGNED_IN_AT, None)
        session.pop(SEEN_AT, None)
        if not coach_side:
            return None
        flash(ENDED_MESSAGE, "info")
        if request.method == "GET" and request.endpoint != "auth.login":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.login"))
    seen = session[SEEN_AT]
    if coach_side and now - seen >= _SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return None
