"""Every CLI command given wrong, hostile or oversized values: a one-line message and a
failing exit code, never a traceback, and nothing stored."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import BaselineRecord, Organisation, User

LONG = "x" * 5000
HOSTILE = [
    LONG,
    "\u202eevil",  # right-to-left override
    "line\nbreak",
    "tab\there",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "\uff11",  # a full-width digit
    "",
]


def _counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(int(db.session.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (Organisation, User, BaselineRecord))


def _refused(result) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert result.output.strip(), "a refusal says why"


@pytest.mark.parametrize("value", HOSTILE)
def test_campaign_and_baseline_references(demo_app: Flask, value: str) -> None:
    cli = demo_app.test_cli_runner()
    before = _counts(demo_app)
    for args in (["links", value], ["links", value, "--json"],
                 ["links", "Maturity wave 2", "--revoke", value],
                 ["links", "Maturity wave 2", "--regenerate", value],
                 ["score", value], ["score", "Maturity wave 2", "--baseline", value],
                 ["baseline", "build", "--from-campaign", value, "--name", "B"]):
        _refused(cli.invoke(args=args))
    assert _counts(demo_app) == before


@pytest.mark.parametrize("name", [LONG, "x" * 201, "", "   ", "Acme\x07", "Acme\u202e"])
def test_organisation_names(app: Flask, name: str) -> None:
    cli = app.test_cli_runner()
    before = _counts(app)
    result = cli.invoke(args=["create-coach", "coach@example.org", "--org", name,
                              "--password-stdin"], input="a-long-enough-password\n")
    _refused(result)
    assert _counts(app) == before


@pytest.mark.parametrize("email", [LONG + "@example.org", "a@b", "\u202e@example.org",
                                   "<script>@example.org", "coach@exa mple.org",
                                   "coach@@example.org", "coach@example", "coach@.example.org",
                                   "coach.@example.org", "coach@example.org\x00"])
def test_coach_addresses(app: Flask, email: str) -> None:
    cli = app.test_cli_runner()
    before = _counts(app)
    result = cli.invoke(args=["create-coach", email, "--org", "Acme", "--password-stdin"],
                        input="a-long-enough-password\n")
    _refused(result)
    assert _counts(app) == before


@pytest.mark.parametrize("name", [LONG, "x" * 201, "", "B\nC"])
def test_baseline_names(demo_app: Flask, name: str) -> None:
    cli = demo_app.test_cli_runner()
    before = _counts(demo_app)
    _refused(cli.invoke(args=["baseline", "build", "--from-campaign", "Maturity wave 1",
                              "--name", name]))
    assert _counts(demo_app) == before


@pytest.mark.parametrize("path", ["/dev/zero", "/nonexistent/file.csv", "/etc"])
def test_baseline_import_paths(demo_app: Flask, path: str) -> None:
    cli = demo_app.test_cli_runner()
    before = _counts(demo_app)
    _refused(cli.invoke(args=["baseline", "import", path, "--questionnaire",
                              "pmo-apo-maturity", "--name", "Imported"]))
    assert _counts(demo_app) == before


def _rename_campaign(app: Flask, old: str, new: str) -> int:
    from assess.models import Campaign

    with app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.name == old))
        campaign.name = new
        db.session.commit()
        return campaign.id


def test_a_reference_that_is_an_id_and_a_name_is_refused_as_ambiguous(demo_app: Flask) -> None:
    """A campaign named "1" is not silently mistaken for campaign 1: the reference is
    refused with both candidates named, and each is reached by its own id."""
    from assess.models import Campaign

    with demo_app.app_context():
        first = db.session.scalar(select(Campaign).order_by(Campaign.id))
        first_id, first_name = first.id, first.name
    renamed_id = _rename_campaign(demo_app, "Maturity wave 2", str(first_id))
    assert renamed_id != first_id
    cli = demo_app.test_cli_runner()
    result = cli.invoke(args=["links", str(first_id)])
    _refused(result)
    assert f"'{first_id}' is the id of campaign '{first_name}'" in result.output
    assert f"the name of campaign {renamed_id}" in result.output
    reached = cli.invoke(args=["links", str(renamed_id)])
    assert reached.exit_code == 0, reached.output
    assert reached.output.startswith(f"{first_id} (open):")


def test_a_name_that_looks_like_an_id_of_nothing_is_found_by_name(demo_app: Flask) -> None:
    _rename_campaign(demo_app, "Maturity wave 2", "999999")
    result = demo_app.test_cli_runner().invoke(args=["links", "999999"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("999999 (open):")


@pytest.mark.parametrize("value", ["\x1b[2J\x1b[31mred", "\u202eevil", "nul\x00byte",
                                   "bell\x07", "zero\u200bwidth"])
def test_control_characters_in_references_are_printed_escaped(demo_app: Flask,
                                                              value: str) -> None:
    cli = demo_app.test_cli_runner()
    for args in (["links", value], ["score", value],
                 ["score", "Maturity wave 2", "--baseline", value],
                 ["links", "Maturity wave 2", "--revoke", value]):
        result = cli.invoke(args=args)
        _refused(result)
        assert not any(ch in result.output for ch in "\x1b\u202e\x00\x07\u200b"), result.output
        assert "\\x" in result.output or "\\u" in result.output


def test_long_references_are_cut_short_in_messages(demo_app: Flask) -> None:
    result = demo_app.test_cli_runner().invoke(args=["links", LONG])
    _refused(result)
    assert len(result.output) < 300


def test_validate_prints_file_names_and_values_with_controls_escaped(app: Flask,
                                                                      tmp_path) -> None:
    bad = tmp_path / "evil\x1b[31m\u202e.yaml"
    bad.write_text('id: "x\\e]0;title\\a"\nversion: 1\nunknown_key: "\\e[2J"\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["validate", str(bad)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "\u202e" not in result.output
    assert "\x07" not in result.output
    assert "\\x1b" in result.output  # shown, not acted on
