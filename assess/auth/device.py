"""Device cookies: a browser that has signed in to an account before keeps its own sign-in
limit, so failing on purpose from elsewhere cannot lock the coach out of their own computer.

This follows OWASP's "device cookie" scheme. A successful sign-in leaves a signed cookie
naming the account (by a hash of its address, never the address) and a random device id.
Later attempts for that account from that browser are counted under the device id instead of
under the address, which anyone may try.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "assess_device"
MAX_AGE_SECONDS = 180 * 24 * 3600  # a device stays known for about six months
_SALT = "assess-device-cookie"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _account_tag(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:24]


def device_for(email: str) -> str | None:
    """The device id of this browser for the account `email`, if its cookie is valid."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw or len(raw) > 512:
        return None
    try:
        data: Any = _serializer().loads(raw, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # also an expired one (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or data.get("a") != _account_tag(email):
        return None
    device = data.get("d")
    return device if isinstance(device, str) and len(device) == 32 else None


def remember_device(response: Response, email: str, device: str | None) -> None:
    """Set (or renew) the device cookie after a successful sign-in to `email`."""
    value = _serializer().dumps({"a": _account_tag(email), "d": device or secrets.token_hex(16)})
    response.set_cookie(
        COOKIE_NAME, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), path="/login",
    )
