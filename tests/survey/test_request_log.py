"""The request log: one JSON line per request, and never a token, resume code, password,
answer or comment in it (checked by grepping the lines of a whole journey)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask import Flask

from assess.extensions import db
from assess.services.accounts import invite_coach
from tests.conftest import demo_credentials
from tests.survey.survey_support import Respondent, field

COMMENT_SECRET = "Our sponsor quietly QZXWV-canary prefers Fridays"
NEW_PASSWORD = "a brand new long passphrase 42"


def lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "assess.requests"]


def test_a_whole_journey_logs_no_secret(demo_app: Flask, new_respondent,
                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="assess.requests")
    person: Respondent = new_respondent()
    person.post_page(1, person.page_data(1, {field("standards.comment"): COMMENT_SECRET}))
    person.answer_pages()
    code = person.resume_code
    other = new_respondent(started=False)
    other.open()
    other.client.post("/s/resume", data={"code": code})
    assert person.submit().status_code == 302

    coach = demo_app.test_client()
    owner = demo_credentials(demo_app)
    coach.post("/login", data={"email": owner["email"], "password": owner["password"]})
    coach.get("/coach/")
    with demo_app.app_context():
        _user, invitation = invite_coach("new.coach@example.org")
        db.session.commit()
    invited = demo_app.test_client()
    invited.get(f"/invite/{invitation}")
    invited.post("/invite/", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    coach.get("/coach/nowhere/\x1b[31m")

    logged = lines(caplog)
    assert len(logged) >= person.pages + 10
    text = "\n".join(r.getMessage() for r in caplog.records)
    token = person.link.removeprefix("/s/")
    for secret in (token, invitation, code, code.replace("-", ""), COMMENT_SECRET,
                   owner["password"], NEW_PASSWORD, person.uid):
        assert secret not in text, secret
    assert "\x1b" not in text
    for line in logged:
        assert set(line) == {"method", "route", "path", "status", "ms", "bytes"}
        assert isinstance(line["status"], int)
    assert {"route": "/s/<token>", "path": "/s/<token>"}.items() <= next(
        line for line in logged if line["route"] == "/s/<token>").items()
    assert any(re.fullmatch(r"/s/page/\d+", str(line["path"])) for line in logged)
    assert any(line["status"] == 404 for line in logged)


def test_no_address_or_agent_is_logged(demo_app: Flask,
                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="assess.requests")
    demo_app.test_client().get("/login?next=/coach/", headers={"User-Agent": "Canary-UA/1"},
                               environ_base={"REMOTE_ADDR": "198.51.100.77"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "198.51.100.77" not in text
    assert "Canary-UA" not in text
    assert "next=" not in text


def test_request_log_on_writes_json_lines_to_stderr(tmp_path) -> None:
    import os
    import subprocess
    import sys

    script = ("from assess import create_app\n"
              "app = create_app()\n"
              "app.test_client().get('/login')\n")
    env = dict(os.environ, ASSESS_REQUEST_LOG="1", ASSESS_SECRET_KEY="k" * 40,
               ASSESS_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
               ASSESS_INSTANCE_PATH=str(tmp_path / "instance"))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["route"] == "/login"
    assert line["status"] == 200
