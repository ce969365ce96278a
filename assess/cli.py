"""The ``assess`` command line: thin commands that call services.

``assess`` is a Flask CLI group, so ``flask --app assess <command>`` works the same.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .errors import AssessError
from .text import escape_controls

if TYPE_CHECKING:  # the models load SQLAlchemy; commands import what they use when run
    from .models import BaselineRecord


def main() -> None:
    """Entry point of the ``assess`` console script."""
    from . import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="Assess: maturity assessments.")
    cli.main(prog_name="assess")


def register_cli(app: Flask) -> None:
    for command in (init_db, validate, load_questionnaires, create_coach, promote, password_link,
                    demo, links, baseline, score, backup):
        app.cli.add_command(command)
    from .cli_setup import register_setup_cli  # team add, campaign create/open/close
    register_setup_cli(app)


def _fail(message: str, code: int = 1) -> None:
    # Messages quote what people typed and what files hold: nothing in them may steer the
    # terminal (escape sequences, bidi overrides), so control characters print escaped.
    click.echo(escape_controls(message, keep="\n\t"), err=True)
    sys.exit(code)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database schema is up to date.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def backup(file: Path, force: bool, as_json: bool) -> None:
    """Copy the SQLite database to FILE while Assess keeps serving (online backup)."""
    from .services.backup import backup_sqlite

    try:
        result = backup_sqlite(file, overwrite=force)
    except (AssessError, OSError) as error:
        _fail(str(error))
        return
    if as_json:
        click.echo(json.dumps({"path": str(result.path), "bytes": result.bytes}))
    else:
        click.echo(f"Backed up to {result.path} ({result.bytes:,} bytes, integrity ok).")


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def validate(paths: tuple[str, ...]) -> None:
    """Check questionnaire and playbook files (default: the shipped questionnaires).

    Exits 0 when all files are valid; otherwise prints one line per problem and exits 1.
    """
    from .definitions import validate_paths

    targets = list(paths) or [current_app.config["QUESTIONNAIRE_DIR"]]
    problems = validate_paths(targets)
    for problem in problems:
        # File names and values come from the files: printed escaped, never acted on.
        click.echo(escape_controls(str(problem)))
    if problems:
        sys.exit(1)
    click.echo(escape_controls(f"All definitions valid in {', '.join(str(t) for t in targets)}."))


@click.command("load-questionnaires")
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def load_questionnaires(paths: tuple[str, ...]) -> None:
    """Validate and store questionnaire and playbook versions (all or nothing)."""
    from .definitions import DefinitionError
    from .services.questionnaires import load_into_database

    targets = list(paths) or [current_app.config["QUESTIONNAIRE_DIR"]]
    try:
        report = load_into_database(targets)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        _fail("Nothing was loaded.")
        return
    except AssessError as error:
        _fail(f"{error}\nNothing was loaded.")
        return
    for line in report.added:
        click.echo(f"loaded {line}")
    for line in report.unchanged:
        click.echo(f"unchanged {line}")


@click.command("create-coach")
@click.argument("email")
@click.option("--org", "org_name", default=None,
              help="Organisation (created when missing); optional with --admin.")
@click.option("--name", "display_name", default="", help="The coach's display name.")
@click.option("--admin", "make_admin", is_flag=True,
              help="Make the account an administrator (an existing one is promoted).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_coach(email: str, org_name: str | None, display_name: str, make_admin: bool,
                 password_stdin: bool) -> None:
    """Create a coach account for EMAIL with access to an organisation (or an administrator,
    with --admin)."""
    from .services.accounts import ADMIN, COACH
    from .services.accounts import create_coach as create

    if org_name is None and not make_admin:
        _fail("Give --org NAME (or --admin for an administrator).", 2)
        return
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create(email, org_name, password, display_name=display_name,
                      role=ADMIN if make_admin else COACH)
    except AssessError as error:
        _fail(str(error))
        return
    if make_admin:
        where = f" and has access to {escape_controls(org_name.strip())}" if org_name else ""
        click.echo(f"Administrator {user.email}{where}.")
        return
    click.echo(f"Coach {user.email} has access to {(org_name or '').strip()}.")


@click.command("promote")
@click.argument("email")
@with_appcontext
def promote(email: str) -> None:
    """Make the existing account EMAIL an administrator."""
    from .services.accounts import promote as make_admin

    try:
        user = make_admin(email)
    except AssessError as error:
        _fail(str(error))
        return
    click.echo(f"{user.email} is an administrator.")


@click.command("password-link")
@click.argument("email")
@with_appcontext
def password_link(email: str) -> None:
    """Print a one-time set-password link (72 hours) for the account EMAIL; its older links
    stop working. For an administrator who cannot sign in any more."""
    from flask import url_for

    from .services.accounts import account_by_email, new_password_link

    try:
        token = new_password_link(account_by_email(email).id)
    except AssessError as error:
        _fail(str(error))
        return
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        click.echo(url_for("auth.invitation", token=token, _external=True))


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the demo organisation and create it anew.")
@click.option("--if-empty", is_flag=True,
              help="Create demo data only when the database has no organisation yet.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@with_appcontext
def demo(reset: bool, if_empty: bool, as_json: bool) -> None:
    """Create (or show) the demo organisation, clearly labelled as demo data."""
    from .services import demo as demo_service

    try:
        info = demo_service.ensure_demo(reset=reset, only_if_empty=if_empty)
    except AssessError as error:
        _fail(str(error))
        return
    if info is None:
        if not as_json:
            click.echo("The database has data already; no demo data was added.")
        else:
            click.echo(json.dumps(None))
        return
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(demo_service.describe(info))


@click.command("links")
@click.argument("campaign")
@click.option("--regenerate", "regenerate", metavar="TEAM", multiple=True,
              help="Give TEAM (id or name) a new link; the old one stops working.")
@click.option("--revoke", "revoke", metavar="TEAM", multiple=True,
              help="Stop TEAM's link working.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@with_appcontext
def links(campaign: str, regenerate: tuple[str, ...], revoke: tuple[str, ...],
          as_json: bool) -> None:
    """Print the team links of CAMPAIGN (id or name) with each team's participation."""
    from .services import links as link_service
    from .services.lookup import campaign_by_ref, team_in_campaign

    try:
        target = campaign_by_ref(campaign)
        for ref in regenerate:
            link_service.regenerate(target, team_in_campaign(target, ref))
        for ref in revoke:
            link_service.revoke_team(target, team_in_campaign(target, ref))
    except AssessError as error:
        _fail(str(error))
        return
    rows = link_service.link_rows(target)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{target.name} ({target.status}):")
    for row in rows:
        url = row["url"] or "(revoked)"
        click.echo(f"  {row['team']}: {url}  started {row['started']}, "
                   f"completed {row['completed']}")


@click.group("baseline")
def baseline() -> None:
    """Build, import and list baselines (reference populations for comparisons)."""


@baseline.command("build")
@click.option("--from-campaign", "campaign_ref", metavar="CAMPAIGN",
              help="A previous wave: the respondents of this campaign (id or name).")
@click.option("--organisation", "org_name", metavar="NAME",
              help="All teams of this organisation (with --questionnaire).")
@click.option("--pool", is_flag=True,
              help="All organisations on this server, aggregates only (with --questionnaire).")
@click.option("--questionnaire", "questionnaire_key", metavar="KEY",
              help="Questionnaire id, e.g. pmo-apo-maturity.")
@click.option("--name", default=None, help="Name of the new baseline.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@with_appcontext
def baseline_build(campaign_ref: str | None, org_name: str | None, pool: bool,
                   questionnaire_key: str | None, name: str | None, as_json: bool) -> None:
    """Build and store a baseline from answers in this database."""
    from .services import baselines
    from .services.lookup import campaign_by_ref, organisation_by_name

    sources = [bool(campaign_ref), bool(org_name), pool]
    if sum(sources) != 1:
        _fail("Give exactly one of --from-campaign, --organisation or --pool.", 2)
        return
    try:
        if campaign_ref:
            record = baselines.build_from_campaign(campaign_by_ref(campaign_ref), name)
        else:
            if not questionnaire_key:
                _fail("--questionnaire KEY is needed with --organisation and --pool.", 2)
                return
            if org_name:
                record = baselines.build_for_organisation(
                    organisation_by_name(org_name), questionnaire_key, name)
            else:
                record = baselines.build_pool(questionnaire_key, name)
    except AssessError as error:
        _fail(str(error))
        return
    _print_baseline(record, as_json)


@baseline.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--questionnaire", "questionnaire_key", required=True, metavar="KEY",
              help="Questionnaire whose dimension ids the file's columns use.")
@click.option("--name", required=True, help="Name of the new baseline.")
@click.option("--organisation", "org_name", metavar="NAME", default=None,
              help="Organisation that owns it (default: available to every organisation).")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@with_appcontext
def baseline_import(file: str, questionnaire_key: str, name: str, org_name: str | None,
                    as_json: bool) -> None:
    """Import respondent-level dimension scores from a CSV FILE (header: team,<dimension>...)."""
    from .services import baselines
    from .services.lookup import organisation_by_name

    try:
        organisation = organisation_by_name(org_name) if org_name else None
        record = baselines.import_csv(file, questionnaire_key, name, organisation)
    except AssessError as error:
        _fail(f"{error}\nNothing was imported.")
        return
    _print_baseline(record, as_json)


@baseline.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@with_appcontext
def baseline_list(as_json: bool) -> None:
    """List stored baselines and whether each is large enough for comparisons."""
    from sqlalchemy import select

    from .extensions import db
    from .models import BaselineRecord
    from .services import baselines

    records = list(db.session.scalars(select(BaselineRecord).order_by(BaselineRecord.id)))
    rows = [_baseline_row(r, baselines.usability(r)) for r in records]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "usable" if row["usable"] else f"not usable: {row['reason']}"
        click.echo(f"{row['id']}: {row['name']} ({row['kind']}, {row['questionnaire']}, "
                   f"{row['respondents']} respondents, {row['teams']} teams) - {state}")


def _baseline_row(record: BaselineRecord, reason: str | None) -> dict[str, object]:
    return {"id": record.id, "name": record.name, "kind": record.kind,
            "questionnaire": record.questionnaire_key, "respondents": record.n_respondents,
            "teams": record.n_teams, "usable": reason is None, "reason": reason}


def _print_baseline(record: BaselineRecord, as_json: bool) -> None:
    from .services import baselines

    row = _baseline_row(record, baselines.usability(record))
    if as_json:
        click.echo(json.dumps(row, indent=2))
        return
    click.echo(f"Stored baseline {row['id']}: {row['name']} ({row['respondents']} respondents, "
               f"{row['teams']} teams).")
    if row["reason"]:
        click.echo(f"Too small for comparisons: {row['reason']}.")


@click.command("score")
@click.argument("campaign")
@click.option("--baseline", "baseline_ref", default=None, metavar="BASELINE",
              help="Compare with this stored baseline (id or name).")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@with_appcontext
def score(campaign: str, baseline_ref: str | None, as_json: bool) -> None:
    """Score CAMPAIGN per team and dimension (hidden cells say "not enough responses")."""
    from .cli_text import describe_result
    from .services import release, results
    from .services.lookup import campaign_by_ref

    try:
        target = campaign_by_ref(campaign)
        # Given, even empty, --baseline is looked up (and '' refused); else the campaign's own.
        choice = results.CAMPAIGN_BASELINE if baseline_ref is None else baseline_ref
        result = results.campaign_result(target, choice)
    except AssessError as error:
        _fail(str(error))
        return
    notice = release.score_notice(target)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        if notice:  # on stderr, so that stdout stays the JSON the exports equal
            click.echo(notice, err=True)
        return
    click.echo(describe_result(result))
    if notice:
        click.echo(f"\n{notice}")
