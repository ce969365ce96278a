"""Coach accounts: creation, sign-in with lock-out, ending sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..database import run_write
from ..errors import InvalidInput
from ..extensions import db
from ..models import Membership, Organisation, User, utcnow
from ..security import check_password_rules, hash_password, keyed_tag, verify_password
from ..text import has_control_characters
from . import ratelimit

# Verifying against a real hash for unknown emails keeps response times alike, so the form
# does not reveal which emails have accounts.
_DUMMY_HASH = hash_password("assess-timing-equaliser")

GENERIC_FAILURE = "Email or password is not right."
LOCKED_MESSAGE = "Too many failed attempts. Please wait a few minutes and try again."


@dataclass(frozen=True)
class DeviceClaim:
    """What a browser's device cookie says: its device id, and a keyed hash of the password
    hash the account had when the browser signed in (see ``assess.auth.device``)."""

    device: str
    password: str

    @staticmethod
    def password_tag(password_hash: str) -> str:
        return keyed_tag("device-password", password_hash)

    def holds_for(self, user: User) -> bool:
        return hmac.compare_digest(self.password, self.password_tag(user.password_hash))


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    message: str = ""
    locked: bool = False


def normalise_email(email: str) -> str:
    """Trimmed, composed (NFC: "é" typed as e + accent is the same address) and lower-case."""
    return unicodedata.normalize("NFC", email.strip()).lower()


# A new address as people type them: an RFC 5322/6531 dot-atom before the @ (letters of any
# script, digits and the RFC's symbols; no quoted forms, no '<', '>', spaces or control
# characters), and a domain of at least two labels of letters, digits and hyphens, the last
# one letters or an IDNA "xn--" label.
_ATOM = r"(?:[^\W_]|[!#$%&'*+/=?^_`{|}~-])+"
_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*"
    r"@(?:[^\W_](?:[^\W_]|-){0,62}\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
)


def validate_email(email: str) -> str:
    """The normalised address of a new account; InvalidInput when it is not one."""
    email = normalise_email(email)
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidInput(f"'{email[:80]}' is not an email address.")
    return email


def get_or_create_organisation(name: str, *, is_demo: bool = False) -> Organisation:
    """The organisation with this name, created when missing (caller commits)."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("The organisation name is empty.")
    if has_control_characters(clean):
        raise InvalidInput("The organisation name contains control characters.")
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
    # Hashed before the write transaction opens: Argon2 is slow on purpose, and the write lock
    # is held by no one else meanwhile (it is only used if the account is new).
    password_hash = None if problem else hash_password(password)

    def work() -> User:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            if password_hash is None:
                raise InvalidInput(problem or "The password is not acceptable.")
            user = User(email=email, password_hash=password_hash,
                        display_name=display_name.strip()[:200], role=role)
            db.session.add(user)
            db.session.flush()
        org = get_or_create_organisation(org_name)
        if not any(m.organisation_id == org.id for m in user.memberships):
            db.session.add(Membership(user=user, organisation=org, role="coach"))
        return user

    return run_write(work)


def login_email(email: str) -> str:
    """The address a sign-in is for, as counted and looked up: normalised, or "" when it
    cannot be one (no account has it: answered as for an unknown one).

    Deliberately more lenient than :func:`validate_email`: an account created under older or
    other rules must still be able to sign in.
    """
    email = normalise_email(email)
    if not 3 <= len(email) <= 254 or "@" not in email:
        return ""
    if any(ch.isspace() or not ch.isprintable() for ch in email):
        return ""
    return email


def authenticate(email: str, password: str, *,
                 device: DeviceClaim | None = None) -> LoginOutcome:
    """Check a sign-in, with at most LOGIN_MAX_FAILURES attempts per address and window.

    Every address counts alike, whether it has an account or not, so neither the answers nor
    the lock-out reveal which addresses have accounts. The attempt is counted before the
    password is checked; a successful sign-in clears the count. `device` is the claim of a
    browser that signed in to this account before (see ``assess.auth.device``): while it
    holds for the account's current password, its attempts have a count of their own, so
    failures from elsewhere cannot lock it out.
    """
    email = login_email(email)
    cfg = current_app.config
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if device is not None and user is not None and device.holds_for(user):
        key = "login-device:" + device.device
    else:
        key = "login:" + hashlib.sha256((email or "?").encode("utf-8")).hexdigest()[:40]
    window = dt.timedelta(seconds=int(cfg["LOGIN_LOCK_SECONDS"]))
    if not ratelimit.take(key, int(cfg["LOGIN_MAX_FAILURES"]), window):
        return LoginOutcome(None, LOCKED_MESSAGE, locked=True)
    if user is None:
        verify_password(_DUMMY_HASH, password)  # the same time as a real check
        return LoginOutcome(None, GENERIC_FAILURE)
    # The password is checked for a disabled account too: answering it without the hash would
    # be faster, which tells disabled accounts apart.
    password_ok = verify_password(user.password_hash, password)
    if not (user.is_enabled and password_ok):
        return LoginOutcome(None, GENERIC_FAILURE)
    ratelimit.clear(key)
    user_id = user.id

    def work() -> User:
        fresh = db.session.get(User, user_id)
        if fresh is None:  # deleted between the password check and now
            raise InvalidInput("This account no longer exists.")
        fresh.last_login_at = utcnow()
        return fresh

    return LoginOutcome(run_write(work))


def end_all_sessions(user: User) -> None:
    """Invalidate every session of this account (logout, password change)."""
    user_id = user.id

    def work() -> None:
        fresh = db.session.get(User, user_id)
        if fresh is not None:
            fresh.session_version += 1

    run_write(work)
