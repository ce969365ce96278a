"""Device cookies: a browser that has signed in to an account before keeps its own sign-in
limit, so failing on purpose from elsewhere cannot lock the coach out of their own computer.

This follows OWASP's "device cookie" scheme. A successful sign-in leaves a signed cookie
naming the account (by a keyed hash of its address, never the address), a keyed hash of the
account's password hash, and a random device id. Later attempts for that account from that
browser are counted under the device id instead of under the address, which anyone may try.
A password change ends the trust: the cookie no longer matches the account.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from ..models import User
from ..security import keyed_tag
from ..services.accounts import DeviceClaim

COOKIE_NAME = "assess_device"
MAX_AGE_SECONDS = 180 * 24 * 3600  # a device stays known for about six months
_SALT = "assess-device-cookie"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _account_tag(email: str) -> str:
    return keyed_tag("device-account", email)


def device_for(email: str) -> DeviceClaim | None:
    """What this browser's cookie claims for the account `email`, if it is valid (the claim
    is checked against the account's password by ``accounts.authenticate``)."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw or len(raw) > 512:
        return None
    try:
        data: Any = _serializer().loads(raw, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # also an expired one (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or data.get("a") != _account_tag(email):
        return None
    device, password = data.get("d"), data.get("p")
    if not (isinstance(device, str) and len(device) == 32 and isinstance(password, str)):
        return None
    return DeviceClaim(device, password)


def remember_device(response: Response, user: User, claim: DeviceClaim | None) -> None:
    """Set (or renew) the device cookie after `user` signed in from this browser."""
    value = _serializer().dumps({
        "a": _account_tag(user.email),
        "d": claim.device if claim is not None else secrets.token_hex(16),
        "p": DeviceClaim.password_tag(user.password_hash),
    })
    response.set_cookie(
        COOKIE_NAME, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        path=url_for("auth.login"),
    )
