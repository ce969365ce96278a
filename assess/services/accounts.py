"""Coach accounts: creation, sign-in with lock-out, ending sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..database import run_write
from ..errors import InvalidInput
from ..extensions import db
from ..models import Membership, Organisation, User, as_utc, utcnow
from ..security import check_password_rules, hash_password, verify_password
from . import ratelimit

# Verifying against a real hash for unknown emails keeps response times alike, so the form
# does not reveal which emails have accounts.
_DUMMY_HASH = hash_password("assess-timing-equaliser")

GENERIC_FAILURE = "Email or password is not right."
LOCKED_MESSAGE = "Too many failed attempts. Please wait a few minutes and try again."


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    message: str = ""
    locked: bool = False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_email(email: str) -> str:
    email = normalise_email(email)
    local, at, domain = email.partition("@")
    # No spaces and no control characters (PostgreSQL refuses NUL in text outright).
    malformed = (not at or not local or "." not in domain
                 or any(c.isspace() or not c.isprintable() for c in email))
    if malformed or len(email) > 254:
        raise InvalidInput(f"'{email}' is not an email address.")
    return email


def get_or_create_organisation(name: str, *, is_demo: bool = False) -> Organisation:
    """The organisation with this name, created when missing (caller commits)."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("The organisation name is empty.")
    if len(clean) > 200:
        raise InvalidInput("The organisation name is longer than 200 characters.")
    org = db.session.scalar(select(Organisation).where(Organisation.name == clean))
    if org is None:
        org = Organisation(name=clean, is_demo=is_demo)
        db.session.add(org)
        db.session.flush()
    return org


def create_coach(email: str, org_name: str, password: str, *, display_name: str = "",
                 role: str = "coach") -> User:
    """Create a coach (or add an existing one to another organisation) and commit.

    An existing account keeps its password; it only gains access to the organisation.
    """
    email = validate_email(email)
    problem = check_password_rules(password)

    def work() -> User:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            if problem:
                raise InvalidInput(problem)
            user = User(email=email, password_hash=hash_password(password),
                        display_name=display_name.strip()[:200], role=role)
            db.session.add(user)
            db.session.flush()
        org = get_or_create_organisation(org_name)
        if not any(m.organisation_id == org.id for m in user.memberships):
            db.session.add(Membership(user=user, organisation=org, role="coach"))
        return user

    return run_write(work)


def authenticate(email: str, password: str) -> LoginOutcome:
    """Check a sign-in; count failures per account and lock it for a while after too many."""
    try:
        email = validate_email(email)
    except InvalidInput:
        email = ""  # no account has a malformed address: answer as for an unknown one
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    now = utcnow()
    if user is None:
        # Unknown addresses are locked out after as many failures as real accounts, so the
        # "too many attempts" answer does not reveal which addresses have an account.
        key = "login:" + hashlib.sha256((email or "?").encode("utf-8")).hexdigest()[:40]
        cfg = current_app.config
        window = dt.timedelta(seconds=int(cfg["LOGIN_LOCK_SECONDS"]))
        if ratelimit.over_limit(key, int(cfg["LOGIN_MAX_FAILURES"]), window):
            return LoginOutcome(None, LOCKED_MESSAGE, locked=True)
        verify_password(_DUMMY_HASH, password)
        ratelimit.record_attempt(key, window)
        return LoginOutcome(None, GENERIC_FAILURE)
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        return LoginOutcome(None, LOCKED_MESSAGE, locked=True)
    if not user.is_enabled or not verify_password(user.password_hash, password):
        _record_failure(user.id)
        return LoginOutcome(None, GENERIC_FAILURE)
    user_id = user.id

    def work() -> User:
        fresh = db.session.get(User, user_id)
        if fresh is None:  # deleted between the password check and now
            raise InvalidInput("This account no longer exists.")
        fresh.failed_logins = 0
        fresh.locked_until = None
        fresh.last_login_at = now
        return fresh

    return LoginOutcome(run_write(work))


def _record_failure(user_id: int) -> None:
    cfg = current_app.config
    max_failures = int(cfg["LOGIN_MAX_FAILURES"])
    lock = dt.timedelta(seconds=int(cfg["LOGIN_LOCK_SECONDS"]))

    def work() -> None:
        user = db.session.get(User, user_id)
        if user is None:
            return
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.failed_logins = 0
            user.locked_until = utcnow() + lock

    run_write(work)


def end_all_sessions(user: User) -> None:
    """Invalidate every session of this account (logout, password change)."""
    user_id = user.id

    def work() -> None:
        fresh = db.session.get(User, user_id)
        if fresh is not None:
            fresh.session_version += 1

    run_write(work)
