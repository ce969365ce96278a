"""Coach accounts: creation, roles, invitations, sign-in with lock-out, ending sessions.

Administrators manage organisations, coaches and memberships (``assess.admin``); the rules
live here so that the command line and the browser apply the same ones. See docs/accounts.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from ..database import run_write
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import Invitation, Membership, Organisation, User, as_utc, utcnow
from ..security import (
    check_password_rules,
    hash_password,
    keyed_digest,
    keyed_tag,
    timing_equaliser_hash,
    verify_password,
)
from ..text import has_control_characters, shown
from . import ratelimit

COACH = "coach"
ADMIN = "admin"
ROLES = (COACH, ADMIN)

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
        raise InvalidInput(f"'{shown(email)}' is not an email address.")
    return email


def clean_organisation_name(name: str) -> str:
    """An organisation name as stored: runs of white space made one space, trimmed;
    InvalidInput when it is empty, longer than 200 characters or holds control characters."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("The organisation name is empty.")
    if has_control_characters(clean):
        raise InvalidInput("The organisation name contains control characters.")
    if len(clean) > 200:
        raise InvalidInput("The organisation name is longer than 200 characters.")
    return clean


def get_or_create_organisation(name: str, *, is_demo: bool = False) -> Organisation:
    """The organisation with this name, created when missing (caller commits)."""
    clean = clean_organisation_name(name)
    org = db.session.scalar(select(Organisation).where(Organisation.name == clean))
    if org is None:
        org = Organisation(name=clean, is_demo=is_demo)
        db.session.add(org)
        db.session.flush()
    return org


def create_coach(email: str, org_name: str | None, password: str, *, display_name: str = "",
                 role: str = COACH) -> User:
    """Create a coach (or add an existing one to another organisation) and commit.

    An existing account keeps its password; it only gains access to the organisation (and
    becomes an administrator when ``role`` is ``"admin"``: a role is never lowered here).
    ``org_name`` may be None for an administrator, who needs no organisation.
    """
    if role not in ROLES:
        raise InvalidInput(f"The role must be one of: {', '.join(ROLES)}.")
    if org_name is None and role != ADMIN:
        raise InvalidInput("A coach needs an organisation.")
    email = validate_email(email)
    display_name = clean_display_name(display_name)
    if org_name is not None:
        clean_organisation_name(org_name)  # refused before the slow password hash
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
                        display_name=display_name, role=role)
            db.session.add(user)
            db.session.flush()
        elif role == ADMIN:
            user.role = ADMIN
        if org_name is not None:
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
        # Keyed, so that a copy of the database cannot be tested against guessed addresses.
        key = "login:" + keyed_tag("login-counter", email or "?", 40)
    window = dt.timedelta(seconds=int(cfg["LOGIN_LOCK_SECONDS"]))
    if not ratelimit.take(key, int(cfg["LOGIN_MAX_FAILURES"]), window):
        return LoginOutcome(None, LOCKED_MESSAGE, locked=True)
    if user is None:
        # Verifying against a real hash for unknown emails keeps response times alike, so the
        # form does not reveal which emails have accounts.
        verify_password(timing_equaliser_hash(), password)
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


# --- names -----------------------------------------------------------------------------------

def clean_display_name(name: str) -> str:
    """A coach's display name as stored (may be empty); InvalidInput when it is longer than
    200 characters or holds control characters."""
    clean = " ".join(name.split())
    if has_control_characters(clean):
        raise InvalidInput("The name contains control characters.")
    if len(clean) > 200:
        raise InvalidInput("The name is longer than 200 characters.")
    return clean


# --- administrators --------------------------------------------------------------------------

def is_admin(user: object) -> bool:
    """Whether `user` (Flask-Login's current user, possibly anonymous) is an enabled admin."""
    return (isinstance(user, User) and bool(getattr(user, "is_authenticated", False))
            and user.is_enabled and user.role == ADMIN)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    return user


def _organisation(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound("no such organisation")
    return org


def _enabled_admin_ids() -> list[int]:
    # Locked on PostgreSQL (FOR UPDATE), so that two admins demoting each other at once cannot
    # both see "another admin is left"; SQLite's write transaction is already exclusive.
    return list(db.session.scalars(
        select(User.id).where(User.role == ADMIN, User.is_enabled.is_(True))
        .order_by(User.id).with_for_update()))


def _keep_an_admin(user: User) -> None:
    if user.role == ADMIN and user.is_enabled and _enabled_admin_ids() == [user.id]:
        raise Conflict("This is the last enabled administrator: make another account "
                       "administrator first. Nothing was changed.")


def promote(email: str) -> User:
    """Make the account with this address an administrator and commit."""
    user_id = account_by_email(email).id

    def work() -> User:
        user = _user(user_id)
        user.role = ADMIN
        return user

    return run_write(work)


def set_role(user_id: int, role: str) -> User:
    """Make an account a coach or an administrator; never removes the last enabled admin."""
    if role not in ROLES:
        raise InvalidInput(f"The role must be one of: {', '.join(ROLES)}.")

    def work() -> User:
        user = _user(user_id)
        if role != ADMIN:
            _keep_an_admin(user)
        user.role = role
        return user

    return run_write(work)


def set_enabled(user_id: int, enabled: bool) -> User:
    """Enable or disable an account and commit. Disabling ends every session of it and
    never leaves the server without an enabled administrator."""

    def work() -> User:
        user = _user(user_id)
        if not enabled:
            _keep_an_admin(user)
            if user.is_enabled:
                user.session_version += 1
        user.is_enabled = enabled
        return user

    return run_write(work)


def create_organisation(name: str) -> Organisation:
    """A new organisation (InvalidInput for a bad name, Conflict for a taken one)."""
    clean = clean_organisation_name(name)

    def work() -> Organisation:
        if db.session.scalar(select(Organisation.id).where(Organisation.name == clean)):
            raise Conflict(f"An organisation named '{shown(clean)}' exists already.")
        org = Organisation(name=clean)
        db.session.add(org)
        return org

    return run_write(work)


def rename_organisation(org_id: int, name: str) -> Organisation:
    """Rename an organisation under the same rules as a new one, and commit."""
    clean = clean_organisation_name(name)

    def work() -> Organisation:
        org = _organisation(org_id)
        other = db.session.scalar(select(Organisation.id).where(
            Organisation.name == clean, Organisation.id != org.id))
        if other is not None:
            raise Conflict(f"An organisation named '{shown(clean)}' exists already.")
        org.name = clean
        return org

    return run_write(work)


def add_membership(user_id: int, org_id: int) -> bool:
    """Give a coach access to an organisation; False when they had it already."""

    def work() -> bool:
        user, org = _user(user_id), _organisation(org_id)
        if db.session.scalar(select(Membership.id).where(
                Membership.user_id == user.id, Membership.organisation_id == org.id)):
            return False
        db.session.add(Membership(user_id=user.id, organisation_id=org.id, role="coach"))
        return True

    return run_write(work)


def remove_membership(user_id: int, org_id: int) -> bool:
    """Take a coach's access to an organisation away; False when they had none."""

    def work() -> bool:
        membership = db.session.scalar(select(Membership).where(
            Membership.user_id == user_id, Membership.organisation_id == org_id))
        if membership is None:
            return False
        db.session.delete(membership)
        return True

    return run_write(work)


@dataclass(frozen=True)
class CoachRow:
    id: int
    email: str
    display_name: str
    role: str
    is_enabled: bool
    organisations: tuple[tuple[int, str], ...]
    open_link_expires_at: dt.datetime | None


def coach_rows() -> list[CoachRow]:
    """Every account with its organisations and its open set-password link, by address."""
    now = utcnow()
    open_links = dict(db.session.execute(
        select(Invitation.user_id, func.max(Invitation.expires_at))
        .where(Invitation.used_at.is_(None), Invitation.expires_at > now)
        .group_by(Invitation.user_id)).all())
    rows = []
    for user in db.session.scalars(select(User).order_by(User.email)):
        expires = open_links.get(user.id)
        rows.append(CoachRow(user.id, user.email, user.display_name, user.role,
                             user.is_enabled,
                             tuple((o.id, o.name) for o in user.organisations),
                             as_utc(expires) if expires is not None else None))
    return rows


@dataclass(frozen=True)
class OrganisationSummary:
    id: int
    name: str
    is_demo: bool
    coaches: int
    teams: int
    campaigns: int


def organisation_rows() -> list[OrganisationSummary]:
    """Every organisation with its numbers of coaches, teams and campaigns, by name."""
    return [OrganisationSummary(o.id, o.name, o.is_demo, len(o.memberships), len(o.teams),
                                len(o.campaigns))
            for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


def organisation(org_id: int) -> Organisation:
    """The organisation with this id; NotFound otherwise."""
    return _organisation(org_id)


def account(user_id: int) -> User:
    """The account with this id; NotFound otherwise."""
    return _user(user_id)


# --- invitations and set-password links ------------------------------------------------------

INVITATION_LIFETIME = dt.timedelta(hours=72)
INVITATION_TOKEN_BYTES = 32
INVALID_LINK_MESSAGE = ("This link is not valid any more. Please ask your administrator "
                        "for a new one.")


def _invitation_digest(token: str) -> str:
    return keyed_digest(b"invitation:" + token.encode("utf-8")).hex()


def _new_invitation(user: User, created_by_id: int | None) -> str:
    """Issue a set-password link for `user`, ending the user's older open ones (caller
    commits). Returns the token, which is stored only as its keyed digest."""
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
               Invitation.expires_at > now)
        .values(expires_at=now))
    token = base64.urlsafe_b64encode(secrets.token_bytes(INVITATION_TOKEN_BYTES)) \
        .decode("ascii").rstrip("=")
    db.session.add(Invitation(user_id=user.id, token_hash=_invitation_digest(token),
                              created_by_id=created_by_id, created_at=now,
                              expires_at=now + INVITATION_LIFETIME))
    return token


def invite_coach(email: str, organisation_ids: Iterable[int] = (), *, display_name: str = "",
                 invited_by: User | None = None) -> tuple[User, str]:
    """Create a coach account without a usable password, with access to the organisations,
    and a one-time set-password link. Returns the account and the link's token.

    An address that has an account already is refused: send that account a new link instead.
    """
    email = validate_email(email)
    display_name = clean_display_name(display_name)
    org_ids = sorted(set(organisation_ids))
    # A real hash of a secret nobody keeps: signing in fails in the time a real check takes.
    unusable = hash_password(secrets.token_urlsafe(32))
    invited_by_id = invited_by.id if invited_by is not None else None

    def work() -> tuple[User, str]:
        if db.session.scalar(select(User.id).where(User.email == email)):
            raise Conflict(f"'{shown(email)}' has an account already: send it a new link "
                           "from its page instead.")
        orgs = [_organisation(org_id) for org_id in org_ids]
        user = User(email=email, password_hash=unusable, display_name=display_name,
                    role=COACH)
        db.session.add(user)
        db.session.flush()
        for org in orgs:
            db.session.add(Membership(user_id=user.id, organisation_id=org.id, role="coach"))
        return user, _new_invitation(user, invited_by_id)

    return run_write(work)


def new_password_link(user_id: int, *, created_by: User | None = None) -> str:
    """A new set-password link for an enabled account (an invitation again, or a password
    reset); the account's older open links stop working. Returns the token."""
    created_by_id = created_by.id if created_by is not None else None

    def work() -> str:
        user = _user(user_id)
        if not user.is_enabled:
            raise Conflict("This account is disabled: enable it first. Nothing was changed.")
        return _new_invitation(user, created_by_id)

    return run_write(work)


def _open_invitation(token: str) -> Invitation | None:
    """The invitation this token opens, if it is unused, unexpired and for an enabled account.

    Unknown, malformed, used, expired and disabled all give None after the same lookup.
    """
    if not token or len(token) > 100:
        digest = _invitation_digest("")  # the same work as for a real token
    else:
        digest = _invitation_digest(token)
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest))
    if (invitation is None or invitation.used_at is not None
            or as_utc(invitation.expires_at) <= utcnow() or not invitation.user.is_enabled):
        return None
    return invitation


def invitation_is_open(token: str) -> bool:
    return _open_invitation(token) is not None


def invitation_email(token: str) -> str | None:
    """The address an open link is for (shown on the set-password page), else None."""
    invitation = _open_invitation(token)
    return invitation.user.email if invitation is not None else None


def accept_invitation(token: str, password: str) -> User:
    """Set the account's password from a link, once, and commit.

    The link is marked used in the same transaction that sets the password; every other
    session of the account ends. InvalidInput for a password that breaks the rules,
    NotFound when the link is not open (used meanwhile, expired, unknown, disabled).
    """
    problem = check_password_rules(password)
    if problem:
        raise InvalidInput(problem)
    password_hash = hash_password(password)

    def work() -> User:
        invitation = _open_invitation(token)
        if invitation is None:
            raise NotFound(INVALID_LINK_MESSAGE)
        now = utcnow()
        # Conditional: of two requests racing with the same link, one sets the password.
        claimed = db.session.execute(
            update(Invitation).where(Invitation.id == invitation.id,
                                     Invitation.used_at.is_(None))
            .values(used_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise NotFound(INVALID_LINK_MESSAGE)
        user = invitation.user
        user.password_hash = password_hash
        user.session_version += 1
        db.session.execute(
            update(Invitation)
            .where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
                   Invitation.expires_at > now)
            .values(expires_at=now).execution_options(synchronize_session=False))
        return user

    return run_write(work)


def account_by_email(email: str) -> User:
    """The account with this address (matched as at sign-in); NotFound otherwise."""
    address = login_email(email)
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    if user is None:
        raise NotFound(f"No account has the address '{shown(email.strip())}'.")
    return user
