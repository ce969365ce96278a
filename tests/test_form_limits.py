"""MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS hold for URL-encoded bodies as for multipart ones:
413 with the friendly page, before any field is read, and nothing changed."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

FORM = "application/x-www-form-urlencoded"


def post(client: FlaskClient, body: str):
    return client.post("/login", data=body, content_type=FORM)


def test_too_many_urlencoded_fields_get_413(app: Flask, client: FlaskClient) -> None:
    parts = app.config["MAX_FORM_PARTS"]
    response = post(client, "&".join(f"f{i}=1" for i in range(parts + 1)))
    assert response.status_code == 413
    assert "larger than Assess accepts" in response.get_data(as_text=True)


def test_a_urlencoded_body_over_the_form_memory_gets_413(app: Flask,
                                                          client: FlaskClient) -> None:
    size = app.config["MAX_FORM_MEMORY_SIZE"]
    assert size < app.config["MAX_CONTENT_LENGTH"]
    assert post(client, "email=" + "x" * size).status_code == 413


def test_forms_within_the_limits_are_read(app: Flask, client: FlaskClient) -> None:
    parts = app.config["MAX_FORM_PARTS"]
    filler = "&".join(f"f{i}=1" for i in range(parts - 2))
    response = post(client, f"email=a%40example.org&password=wrong-password&{filler}")
    assert response.status_code == 200  # an ordinary failed sign-in
    assert "Sign in" in response.get_data(as_text=True)


def test_json_bodies_are_not_counted_as_form_fields(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_FORM_PARTS"] = 3
    # '&' in a JSON body means nothing; only form bodies are held to the field count.
    response = client.post("/login", data='{"a": "&&&&&&"}', content_type="application/json")
    assert response.status_code != 413
