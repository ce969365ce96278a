"""Behind a reverse proxy on another host: the scheme, host and client address are taken from
X-Forwarded-* headers only when the request comes from a configured trusted proxy, and only
hosts on the configured list are served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from assess import create_app
from tests.conftest import close_database, make_config

PROXY = "10.0.0.5"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "assess.example.org",
             "X-Forwarded-For": "203.0.113.9"}


def make_app(tmp_path: Path, migrated_db: Path, **extra: object) -> Iterator[Flask]:
    import shutil

    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_db, database)
    app = create_app(make_config(tmp_path / "instance", database, **extra))
    yield app
    close_database(app)


@pytest.fixture
def proxied(tmp_path: Path, migrated_db: Path) -> Iterator[Flask]:
    yield from make_app(tmp_path, migrated_db, TRUSTED_PROXIES="10.0.0.0/24, 192.0.2.1")


def get(app: Flask, remote: str, headers: dict[str, str]):
    return app.test_client().get("/login", headers=headers,
                                 environ_base={"REMOTE_ADDR": remote})


def test_a_trusted_proxy_sets_the_scheme_and_hsts_follows(proxied: Flask) -> None:
    response = get(proxied, PROXY, FORWARDED)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_an_untrusted_client_cannot_claim_https(proxied: Flask) -> None:
    response = get(proxied, "198.51.100.7", FORWARDED)
    assert "Strict-Transport-Security" not in response.headers


def test_without_trusted_proxies_forwarded_headers_mean_nothing(app: Flask) -> None:
    response = get(app, PROXY, FORWARDED)
    assert "Strict-Transport-Security" not in response.headers


def test_the_forwarded_scheme_and_host_build_absolute_urls(proxied: Flask) -> None:
    @proxied.get("/test-only/where")
    def _where() -> str:
        from flask import request, url_for

        return f"{url_for('auth.login', _external=True)} {request.remote_addr}"

    shown = get_text(proxied, "/test-only/where", PROXY)
    assert shown == "https://assess.example.org/login 203.0.113.9"
    assert get_text(proxied, "/test-only/where", "198.51.100.7") == \
        "http://localhost/login 198.51.100.7"


def get_text(app: Flask, path: str, remote: str) -> str:
    return app.test_client().get(path, headers=FORWARDED,
                                 environ_base={"REMOTE_ADDR": remote}).get_data(as_text=True)


@pytest.mark.parametrize("value", ["not-an-address", "10.0.0.0/33", "300.1.1.1"])
def test_a_bad_trusted_proxy_setting_stops_the_start(tmp_path: Path, migrated_db: Path,
                                                     value: str) -> None:
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        next(make_app(tmp_path, migrated_db, TRUSTED_PROXIES=value))


def test_trusted_hosts_refuse_other_host_headers(tmp_path: Path, migrated_db: Path) -> None:
    app = next(make_app(tmp_path, migrated_db, TRUSTED_HOSTS=["assess.example.org"]))
    client = app.test_client()
    assert client.get("/login", headers={"Host": "assess.example.org"}).status_code == 200
    refused = client.get("/login", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert refused.get_data(as_text=True) == "This address is not served here.\n"
    assert "evil.example" not in refused.get_data(as_text=True)
    assert refused.headers["X-Frame-Options"] == "DENY"
    close_database(app)


def test_trusted_hosts_come_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    from assess.config import load_config

    monkeypatch.setenv("ASSESS_TRUSTED_HOSTS", "assess.example.org, .example.net")
    monkeypatch.setenv("ASSESS_TRUSTED_PROXIES", "10.0.0.1")
    monkeypatch.setenv("ASSESS_SECRET_KEY", "s" * 40)
    app = Flask("probe", instance_path=str(tmp_path))
    load_config(app, None)
    assert app.config["TRUSTED_HOSTS"] == ["assess.example.org", ".example.net"]
    assert app.config["TRUSTED_PROXIES"] == "10.0.0.1"
