"""Password hashing, security headers and small token helpers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

import argon2
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, has_app_context, request

#: Argon2id cost settings and their defaults: the library's, RFC 9106's "low memory" profile
#: (3 passes over 64 MiB, 4 lanes). Configurable (ARGON2_TIME_COST, ARGON2_MEMORY_KIB,
#: ARGON2_PARALLELISM) for stronger machines; the test suite lowers them to stay fast.
ARGON2_SETTINGS: dict[str, int] = {
    "ARGON2_TIME_COST": argon2.DEFAULT_TIME_COST,
    "ARGON2_MEMORY_KIB": argon2.DEFAULT_MEMORY_COST,
    "ARGON2_PARALLELISM": argon2.DEFAULT_PARALLELISM,
}


@lru_cache(maxsize=8)
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    """The hasher of the running application's settings (the defaults outside one).

    Verifying reads the cost from the stored hash itself, so hashes made under other
    settings keep working.
    """
    source = current_app.config if has_app_context() else ARGON2_SETTINGS
    return _hasher_for(*(int(source.get(key, default))
                         for key, default in ARGON2_SETTINGS.items()))

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def hash_password(password: str) -> str:
    """Argon2id hash of a password, at the configured cost."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed hash too)."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def timing_equaliser_hash() -> str:
    """A hash at the configured cost that no password matches in practice: checking a
    password against it takes as long as a real check (for addresses without an account)."""
    hasher = _hasher()
    return _equaliser_for(hasher.time_cost, hasher.memory_cost, hasher.parallelism)


@lru_cache(maxsize=8)
def _equaliser_for(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher_for(time_cost, memory_kib, parallelism).hash(secrets.token_urlsafe(32))


def check_password_rules(password: str) -> str | None:
    """Return what is wrong with a new password, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password must have at most {MAX_PASSWORD_LENGTH} characters."
    return None


def new_token(nbytes: int = 24) -> str:
    """A URL-safe random token (24 bytes = 192 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """SHA-256 of a high-entropy token: enough for lookup, since tokens are not guessable."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed_digest(message: bytes) -> bytes:
    """HMAC-SHA256 of `message` under the app's secret key: what only this server can
    compute (link tokens, resume-code and browser-key hashes, tags)."""
    key = current_app.config["SECRET_KEY"]
    key_bytes = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(key_bytes, message, hashlib.sha256).digest()


def keyed_tag(purpose: str, value: str, length: int = 24) -> str:
    """A short HMAC of `value` under the app's secret key, separated by `purpose`: it can be
    compared with a later tag of the same value but neither reversed nor made up."""
    return keyed_digest(f"{purpose}\0{value}".encode()).hex()[:length]


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def register_security_headers(app: Flask) -> None:
    """Send the security headers docs/security.md lists on every response."""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Pages carry answers, team links and resume codes: no copy in any cache (a shared
            # computer's browser cache, a proxy). Static files keep their normal caching.
            headers.setdefault("Cache-Control", "no-store")
        return response
