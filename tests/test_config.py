"""Configuration order: defaults, then the instance config.py, then ASSESS_* / FLASK_* variables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask

from assess import create_app
from tests.conftest import close_database


@pytest.fixture
def instance(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("ASSESS_", "FLASK_")):
            monkeypatch.delenv(name)
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(folder))
    monkeypatch.setenv("ASSESS_DATABASE_URL", "sqlite://")
    return folder


def _configured() -> Flask:
    app = create_app()
    close_database(app)
    return app


@pytest.mark.usefixtures("instance")
def test_safe_defaults() -> None:
    config = _configured().config
    assert config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"] is False  # plain http by default
    assert config["LOGIN_MAX_FAILURES"] == 5
    assert config["WTF_CSRF_ENABLED"] is not False


def test_instance_config_file_overrides_the_defaults(instance: Path) -> None:
    (instance / "config.py").write_text('BASE_URL = "https://assess.example.org"\n'
                                        "LOGIN_MAX_FAILURES = 3\n")
    config = _configured().config
    assert config["BASE_URL"] == "https://assess.example.org"
    assert config["LOGIN_MAX_FAILURES"] == 3


def test_environment_overrides_the_instance_config_file(instance: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (instance / "config.py").write_text('BASE_URL = "https://from-file.example.org"\n')
    monkeypatch.setenv("ASSESS_BASE_URL", "https://from-env.example.org")
    assert _configured().config["BASE_URL"] == "https://from-env.example.org"


@pytest.mark.usefixtures("instance")
def test_numbers_and_flags_from_the_environment_are_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_MAX_CONTENT_LENGTH", "4096")
    monkeypatch.setenv("ASSESS_LOGIN_LOCK_SECONDS", "60")
    monkeypatch.setenv("ASSESS_SESSION_COOKIE_SECURE", "yes")
    config = _configured().config
    assert config["MAX_CONTENT_LENGTH"] == 4096
    assert config["LOGIN_LOCK_SECONDS"] == 60
    assert config["SESSION_COOKIE_SECURE"] is True


def test_secret_key_from_the_environment_is_not_written_to_disk(
        instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_SECRET_KEY", "a-key-from-the-operator-0123456789")
    assert _configured().config["SECRET_KEY"] == "a-key-from-the-operator-0123456789"
    assert not (instance / "secret_key").exists()


@pytest.mark.usefixtures("instance")
@pytest.mark.parametrize("key", ["short", "x" * 31, "é" * 15])
def test_a_short_secret_key_stops_the_start_with_a_clear_message(
        monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    monkeypatch.setenv("ASSESS_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match=r"SECRET_KEY is \d+ bytes long; use at least 32"):
        _configured()


@pytest.mark.usefixtures("instance")
def test_a_secret_key_of_32_bytes_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_SECRET_KEY", "é" * 16)  # 16 characters, 32 bytes
    assert _configured().config["SECRET_KEY"] == "é" * 16


@pytest.mark.usefixtures("instance")
def test_flask_prefixed_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_BASE_URL", "https://flask-env.example.org")
    assert _configured().config["BASE_URL"] == "https://flask-env.example.org"


@pytest.mark.usefixtures("instance")
def test_https_turns_on_secure_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_PREFERRED_URL_SCHEME", "https")
    config = _configured().config
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True


def test_https_session_cookie_is_marked_secure(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "k" * 32, "PREFERRED_URL_SCHEME": "https",
                      "WTF_CSRF_ENABLED": True})
    try:
        response = app.test_client().get("/login", base_url="https://localhost")
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        close_database(app)


@pytest.mark.usefixtures("instance")
def test_an_explicit_choice_wins_over_the_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_PREFERRED_URL_SCHEME", "https")
    monkeypatch.setenv("ASSESS_SESSION_COOKIE_SECURE", "false")
    assert _configured().config["SESSION_COOKIE_SECURE"] is False
