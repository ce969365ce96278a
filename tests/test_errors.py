"""Friendly error pages: HTML for people, JSON for API clients, never a traceback.

Which format a request gets is decided by its blueprint (``json_errors``), not by its path.
"""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask, abort
from flask.testing import FlaskClient
from werkzeug.exceptions import ServiceUnavailable

from assess.error_pages import json_errors
from assess.errors import NotFound

FRIENDLY = {
    400: ("Bad request", "The request could not be understood. Nothing was changed."),
    403: ("Forbidden", "You do not have access to this page."),
    404: ("Not found", "There is nothing at this address."),
    405: ("Method not allowed", "This page cannot be used that way."),
    413: ("Too large", "What was sent is larger than Assess accepts. Nothing was changed."),
    500: ("Something went wrong", "An unexpected error happened."),
}


class Exploded(RuntimeError):
    pass


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """The app with test-only routes that fail in each way a real view can."""

    @app.get("/test-only/abort/<int:code>")
    def _abort(code: int):
        abort(code)

    @app.get("/test-only/explode")
    def _explode():
        raise Exploded("database password is hunter2 at /srv/assess/secret.py line 42")

    # A blueprint that answers in JSON, mounted where the API will be.
    api = json_errors(Blueprint("test_api", __name__, url_prefix="/api"))

    @api.get("/test-only/explode")
    def _api_explode():
        raise Exploded("database password is hunter2")

    app.register_blueprint(api)

    @app.get("/test-only/busy")
    def _busy():
        raise ServiceUnavailable(retry_after=30)

    @app.get("/test-only/missing-object")
    def _missing_object():
        raise NotFound("campaign 7 belongs to another organisation")

    return app


@pytest.fixture
def failing(failing_app: Flask) -> FlaskClient:
    return failing_app.test_client()


def _assert_friendly_html(response, code: int) -> None:
    title, message = FRIENDLY[code]
    assert response.status_code == code
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert message.replace("'", "&#39;") in page
    assert 'href="/"' in page  # a way back
    assert "Traceback" not in page
    assert "werkzeug" not in page.lower()


@pytest.mark.parametrize("code", [400, 403, 404])
def test_aborted_requests_render_the_friendly_page(failing: FlaskClient, code: int) -> None:
    _assert_friendly_html(failing.get(f"/test-only/abort/{code}"), code)


def test_unknown_address_is_a_friendly_404(client: FlaskClient) -> None:
    _assert_friendly_html(client.get("/no/such/page"), 404)


def test_wrong_method_is_a_friendly_405(client: FlaskClient) -> None:
    response = client.get("/logout")
    _assert_friendly_html(response, 405)
    assert "POST" in response.headers["Allow"].split(", ")


def test_oversized_body_is_refused_with_413(app: Flask, client: FlaskClient) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * limit})
    _assert_friendly_html(response, 413)


def test_oversized_body_is_refused_before_sign_in_is_tried(app: Flask,
                                                           client: FlaskClient) -> None:
    """A body just over the limit is refused even though every field is short."""
    app.config["MAX_CONTENT_LENGTH"] = 1000
    body = {"email": "a@example.org", "password": "correct horse", "padding": "p" * 1000}
    _assert_friendly_html(client.post("/login", data=body), 413)
    # The same request within the limit is an ordinary (failed) sign-in.
    body["padding"] = "p"
    assert client.post("/login", data=body).status_code == 200


def test_a_crashing_view_shows_no_traceback(failing: FlaskClient,
                                            caplog: pytest.LogCaptureFixture) -> None:
    response = failing.get("/test-only/explode")
    _assert_friendly_html(response, 500)
    page = response.get_data(as_text=True)
    assert "hunter2" not in page
    assert "Exploded" not in page
    assert "secret.py" not in page
    # The operator still gets the details in the log.
    assert any(record.exc_info and record.exc_info[0] is Exploded for record in caplog.records)


@pytest.mark.usefixtures("client")
def test_domain_not_found_answers_like_an_unknown_address(failing: FlaskClient) -> None:
    response = failing.get("/test-only/missing-object")
    _assert_friendly_html(response, 404)
    assert "another organisation" not in response.get_data(as_text=True)


def test_api_errors_are_json(failing: FlaskClient) -> None:
    response = failing.get("/api/test-only/explode")
    assert response.status_code == 500
    assert response.is_json
    assert response.get_json() == {"error": {
        "status": 500, "title": "Something went wrong",
        "message": "An unexpected error happened. It has been logged; nothing you sent was "
                   "half-saved."}}
    assert "hunter2" not in response.get_data(as_text=True)


def test_unknown_api_address_is_json_404(failing: FlaskClient) -> None:
    response = failing.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
    assert response.get_json()["error"]["title"] == "Not found"


@pytest.mark.parametrize("code", [400, 403, 404])
def test_clients_asking_for_json_get_json(failing: FlaskClient, code: int) -> None:
    response = failing.get(f"/test-only/abort/{code}", headers={"Accept": "application/json"})
    assert response.status_code == code
    assert response.is_json
    error = response.get_json()["error"]
    assert error == {"status": code, "title": FRIENDLY[code][0],
                     "message": error["message"]}
    assert error["message"].startswith(FRIENDLY[code][1])


def test_browsers_get_html_even_though_they_accept_anything(failing: FlaskClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = failing.get("/test-only/abort/404", headers={"Accept": accept})
    assert response.mimetype == "text/html"


def test_wrong_method_as_json(client: FlaskClient) -> None:
    response = client.get("/logout", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.get_json()["error"]["title"] == "Method not allowed"


def test_oversized_body_as_json(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/login", data={"padding": "p" * 200},
                           headers={"Accept": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413


def test_busy_answers_503_with_retry_after(failing: FlaskClient) -> None:
    response = failing.get("/test-only/busy")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Assess is busy right now" in response.get_data(as_text=True)


def test_missing_csrf_token_is_400_with_a_reload_hint(csrf_app: Flask) -> None:
    response = csrf_app.test_client().post("/login", data={"email": "a@example.org",
                                                           "password": "whatever-long"})
    assert response.status_code == 400
    assert "Please reload the page and try again." in response.get_data(as_text=True)


def test_json_is_chosen_by_the_blueprint_not_the_path(app: Flask) -> None:
    """A view under /api/ that belongs to no JSON blueprint answers with the HTML page."""

    @app.get("/api/plain-view")
    def _plain():
        abort(404)

    _assert_friendly_html(app.test_client().get("/api/plain-view"), 404)


def test_domain_errors_import_without_flask() -> None:
    import subprocess
    import sys

    code = ("import sys, assess.errors; "
            "sys.exit(1 if 'flask' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
