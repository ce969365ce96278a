"""Fixtures of the respondent journey on the demo's open wave (helpers in survey_support)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from assess.definitions import Questionnaire
from tests.conftest import app_on, copy_demo
from tests.survey.survey_support import Respondent, campaign_definition, team_link_path


@pytest.fixture
def csrf_demo_app(tmp_path: Path, demo_db: tuple[Path, Path]) -> Iterator[Flask]:
    """The demo database with CSRF protection on, as in production."""
    yield from app_on(*copy_demo(tmp_path, demo_db))


@pytest.fixture
def link(demo_app: Flask) -> str:
    """The path (``/s/<token>``) of the Atlas team's link into the open wave."""
    path = team_link_path(demo_app)
    assert path is not None
    return path


@pytest.fixture
def new_respondent(demo_app: Flask, link: str) -> Callable[..., Respondent]:
    """A factory of respondents: each one is a new browser on a team link."""

    def make(*, started: bool = True, app: Flask | None = None,
             path: str | None = None) -> Respondent:
        target = app or demo_app
        person = Respondent(target, target.test_client(), path or link)
        if started:
            assert person.open().status_code == 302
            assert person.start().status_code == 302
        return person

    return make


@pytest.fixture
def respondent(new_respondent: Callable[..., Respondent]) -> Respondent:
    """A respondent who opened the team link and started a draft (now on page 1)."""
    return new_respondent()


@pytest.fixture
def definition(demo_app: Flask) -> Questionnaire:
    return campaign_definition(demo_app)
