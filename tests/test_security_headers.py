"""Security headers on every response, and session cookies the browser keeps to itself."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import demo_credentials


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_headers(response) -> None:
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    for directive in ("default-src", "script-src", "style-src"):
        sources = csp.get(directive, csp["default-src"])
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
        assert "*" not in sources
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/coach/"),  # redirect to sign in
    ("GET", "/no/such/page"),  # 404
    ("GET", "/logout"),  # 405
    ("GET", "/s/not-a-real-token"),  # invalid team link
    ("GET", "/static/assess.css"),
    ("GET", "/api/anything"),  # JSON error
])
def test_every_response_carries_the_security_headers(client: FlaskClient, method: str,
                                                     path: str) -> None:
    with client.open(path, method=method) as response:  # closes a streamed static file
        _assert_headers(response)


def test_a_crash_still_carries_the_security_headers(app: Flask) -> None:
    @app.get("/test-only/explode")
    def _explode():
        raise RuntimeError("boom")

    response = app.test_client().get("/test-only/explode")
    assert response.status_code == 500
    _assert_headers(response)


def test_signed_in_pages_carry_the_headers(demo_app: Flask) -> None:
    client = demo_app.test_client()
    credentials = demo_credentials(demo_app)
    client.post("/login", data=credentials)
    response = client.get("/coach/")
    assert response.status_code == 200
    _assert_headers(response)


def _inline_code(page: str) -> list[str]:
    """Inline scripts, inline styles and event handler attributes: what the CSP blocks."""
    found = [m.group(0) for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", page)]
    found += re.findall(r"<style\b", page)
    found += re.findall(r"\sstyle=", page)
    found += re.findall(r"\son[a-z]+=", page)
    return found


def test_pages_need_no_inline_code_the_policy_would_block(demo_app: Flask) -> None:
    client = demo_app.test_client()
    assert _inline_code(client.get("/login").get_data(as_text=True)) == []
    assert _inline_code(client.get("/nowhere").get_data(as_text=True)) == []
    client.post("/login", data=demo_credentials(demo_app))
    assert _inline_code(client.get("/coach/").get_data(as_text=True)) == []


def test_session_cookie_is_httponly_and_samesite_lax(demo_app: Flask) -> None:
    client = demo_app.test_client()
    response = client.post("/login", data=demo_credentials(demo_app))
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie")
               if c.startswith(demo_app.config["SESSION_COOKIE_NAME"] + "=")]
    assert cookies, "signing in sets the session cookie"
    attributes = [a.strip().lower() for a in cookies[-1].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_no_hsts_over_plain_http(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_over_https(client: FlaskClient) -> None:
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(response.headers["Strict-Transport-Security"].split("=")[1]) >= 15552000


@pytest.mark.parametrize("path", ["/login", "/coach/", "/s/not-a-real-token", "/nowhere",
                                  "/api/anything"])
def test_pages_are_not_stored_in_any_cache(client: FlaskClient, path: str) -> None:
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_signed_in_coach_pages_are_not_stored_in_any_cache(demo_app: Flask) -> None:
    client = demo_app.test_client()
    client.post("/login", data=demo_credentials(demo_app))
    response = client.get("/coach/")
    assert response.status_code == 200  # the page with every team link
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching(client: FlaskClient) -> None:
    with client.get("/static/assess.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")
