"""Configuration: defaults in code, then the instance config file, then environment variables.

Every setting can be given as an environment variable with the ``ASSESS_`` prefix
(``ASSESS_DATABASE_URL``, ``ASSESS_SECRET_KEY`` ...). Flask's own ``FLASK_*`` variables are
read too.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask

from .content import questionnaires_dir
from .security import ARGON2_SETTINGS

DEFAULTS: dict[str, object] = {
    # 2 MiB is far above any questionnaire page or upload Assess accepts; larger bodies get 413.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 512 * 1024,
    "MAX_FORM_PARTS": 2000,
    # A writer waits at most this long for SQLite's lock per attempt (3 attempts in all).
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "SESSION_COOKIE_HTTPONLY": True,
    # Respondents' sessions are permanent (they survive closing the tab); rewriting and
    # re-signing that cookie on every request would cost more than saving a page. It is
    # rewritten whenever it changes, and lives PERMANENT_SESSION_LIFETIME (31 days) from then.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "SESSION_COOKIE_SECURE": None,  # None: on when PREFERRED_URL_SCHEME is https
    "REMEMBER_COOKIE_SECURE": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 3600,
    "PREFERRED_URL_SCHEME": "http",
    # Public base URL of team links. Unset: the request's own host in web pages, and
    # http://127.0.0.1:5000 on the command line (which has no request to derive it from).
    "BASE_URL": None,
    # The shipped instruments (a source tree's top-level folder, or the installed package's copy).
    "QUESTIONNAIRE_DIR": str(questionnaires_dir()),
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_SECONDS": 300,
    # One JSON line per request on standard error (assess.request_log); off by default.
    "REQUEST_LOG": False,
    # Reverse proxies whose X-Forwarded-* headers are believed (assess.proxies); none.
    "TRUSTED_PROXIES": "",
    # A coach's sign-in ends this long after it began, and after this long without a request
    # to the coach's side (assess.auth.session).
    "COACH_SESSION_SECONDS": 12 * 3600,
    "COACH_IDLE_SECONDS": 30 * 60,
    **ARGON2_SETTINGS,
}

# Settings read from ASSESS_<NAME>; values are strings, converted by the type of the default.
_INT_SETTINGS = {
    "MAX_CONTENT_LENGTH",
    "SQLITE_BUSY_TIMEOUT_MS",
    "WTF_CSRF_TIME_LIMIT",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCK_SECONDS",
    "COACH_SESSION_SECONDS",
    "COACH_IDLE_SECONDS",
    *ARGON2_SETTINGS,
}
_BOOL_SETTINGS = {"SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "REQUEST_LOG"}
_STR_SETTINGS = {"SECRET_KEY", "BASE_URL", "QUESTIONNAIRE_DIR", "PREFERRED_URL_SCHEME",
                 "TRUSTED_PROXIES"}
# Comma-separated lists.
_LIST_SETTINGS = {"TRUSTED_HOSTS"}


def load_config(app: Flask, test_config: dict[str, object] | None) -> None:
    """Fill ``app.config`` in order: defaults, instance ``config.py``, environment, tests."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("FLASK")
        _from_assess_env(app)
    else:
        app.config.from_mapping(test_config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _default_database_url(app)
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # A server database may drop idle connections (restarts, failovers): test each one
        # on checkout. A SQLite file cannot, and the extra query would cost every request.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    _check_secret_key(app.config["SECRET_KEY"])
    for name in ("COACH_SESSION_SECONDS", "COACH_IDLE_SECONDS"):
        if not isinstance(app.config[name], int) or app.config[name] < 1:
            raise RuntimeError(f"{name} must be a whole number of seconds, at least 1; "
                               f"got {app.config[name]!r}")
    # Secure cookies follow the scheme unless configured explicitly (None means "not set":
    # Flask's own default of False would otherwise hide that nothing was configured).
    https = app.config.get("PREFERRED_URL_SCHEME") == "https"
    for name in _BOOL_SETTINGS:
        if app.config.get(name) is None:
            app.config[name] = https


#: Shortest configured secret key. It signs sessions and CSRF tokens and derives team-link
#: tokens and resume-code hashes, so a short one would make them guessable offline.
MIN_SECRET_KEY_LENGTH = 32


def _check_secret_key(key: object) -> None:
    if isinstance(key, bytes):
        length = len(key)
    elif isinstance(key, str):
        length = len(key.encode("utf-8"))
    else:
        raise RuntimeError(f"SECRET_KEY must be text, got {type(key).__name__}")
    if length < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            f"SECRET_KEY is {length} bytes long; use at least {MIN_SECRET_KEY_LENGTH} random "
            f"characters, or leave it unset and Assess keeps a generated one in the instance "
            f"folder"
        )


def _from_assess_env(app: Flask) -> None:
    url = os.environ.get("ASSESS_DATABASE_URL")
    if url:
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    for name in _INT_SETTINGS:
        raw = os.environ.get(f"ASSESS_{name}")
        if raw is not None:
            app.config[name] = int(raw)
    for name in _BOOL_SETTINGS:
        raw = os.environ.get(f"ASSESS_{name}")
        if raw is not None:
            app.config[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
    for name in _STR_SETTINGS:
        raw = os.environ.get(f"ASSESS_{name}")
        if raw is not None:
            app.config[name] = raw
    for name in _LIST_SETTINGS:
        raw = os.environ.get(f"ASSESS_{name}")
        if raw is not None:
            app.config[name] = [part.strip() for part in raw.split(",") if part.strip()]


def _default_database_url(app: Flask) -> str:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(Path(app.instance_path) / "assess.sqlite3")


def _instance_secret_key(app: Flask) -> str:
    """A random key kept in the instance folder, so sessions survive restarts and workers agree."""
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(50):
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            key = ""
        if len(key) >= 32:
            return key
        if not path.exists():
            _write_new_key(path)
        else:
            # Another worker is writing it (it appears complete, see _write_new_key), or a
            # crash left it empty: wait a moment, then replace an empty one.
            time.sleep(0.02)
            if path.exists() and not path.read_text().strip():
                path.unlink(missing_ok=True)
    raise RuntimeError(f"{path}: could not read or create the secret key")


def _write_new_key(path: Path) -> None:
    """Write a new random key; the file appears only once complete (link into place)."""
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    try:
        # link() fails if the name exists: when several workers start at once, the first wins.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
