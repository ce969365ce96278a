"""``assess team`` and ``assess campaign``: set up teams and waves from the command line.

Thin over :mod:`assess.services.setup`, the same rules as the coach's pages. Every command
takes ``--json`` and then prints one JSON object with stable keys (see each command's help).
Refusals print one line (values people typed are escaped and cut short) and exit 1.
"""

from __future__ import annotations

import json
from typing import cast

import click
from flask import Flask
from flask.cli import with_appcontext

from .cli import _fail
from .errors import AssessError

TEAM_KEYS = "id, organisation, name, parent (name or null), headcount (number or null)"
CAMPAIGN_KEYS = ("id, organisation, name, questionnaire (key), questionnaire_version, status "
                 "(draft, open or closed), opens and closes (YYYY-MM-DD or null; it closes at "
                 "the end of that day, UTC), opens_at and closes_at (UTC timestamps or null), "
                 "min_n, min_n_comments, interim_results, previous_campaign (id or null), "
                 "teams (a list of {team, url}; url null when revoked)")


def register_setup_cli(app: Flask) -> None:
    app.cli.add_command(team)
    app.cli.add_command(campaign)


def _given(**options: str | None) -> None:
    """Refuse an option given with an empty value (leave it out to mean "none")."""
    from .services.setup import FieldError

    for name, value in options.items():
        if value is not None and not value.strip():
            option = "--" + name.replace("_", "-")
            raise FieldError(name, f"{option} was given an empty value; leave it out instead.")


def _print(summary: dict[str, object], as_json: bool, text: str) -> None:
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(text)


@click.group("team")
def team() -> None:
    """Add teams to an organisation."""


@team.command("add", help=f"""Add the team NAME to the organisation ORG.

NAME follows the rules of organisation names: trimmed, 1-200 characters, no control
characters, unique in the organisation. --parent TEAM (id or name) groups it under another
team of ORG for roll-ups; --headcount N (1-100,000) gives response rates.

With --json, prints {{{TEAM_KEYS}}}.""")
@click.argument("org")
@click.argument("name")
@click.option("--parent", default=None, metavar="TEAM", help="A team of ORG (id or name).")
@click.option("--headcount", default=None, metavar="N", help="People in the team, 1-100,000.")
@click.option("--json", "as_json", is_flag=True, help="Print the team as a JSON object.")
@with_appcontext
def team_add(org: str, name: str, parent: str | None, headcount: str | None,
             as_json: bool) -> None:
    from .services import setup
    from .services.lookup import organisation_by_name
    from .text import shown

    try:
        _given(parent=parent, headcount=headcount)
        organisation = organisation_by_name(org)
        parent_id = (setup.team_in_organisation(organisation, parent).id
                     if parent is not None else None)
        created = setup.create_team(organisation, name, parent_id=parent_id,
                                    headcount=headcount)
    except AssessError as error:
        _fail(f"{error} Nothing was stored.")
        return
    _print(setup.team_summary(created), as_json,
           f"Team {created.id}: {shown(created.name)} in {shown(created.organisation.name)}.")


@click.group("campaign")
def campaign() -> None:
    """Create, open and close campaigns (assessment waves)."""


@campaign.command("create", help=f"""Create a draft campaign in the organisation ORG.

--questionnaire KEY or KEY:VERSION names a loaded questionnaire (KEY alone: its latest
version). --teams A,B,... lists teams of ORG by id or name, separated by commas (a team whose
name holds a comma is given by its id); each gets its own link. --opens and --closes are
dates as YYYY-MM-DD (UTC; the campaign closes at the end of the closing day, which must come
after the opening day). --min-n is the anonymity threshold (default and lowest: the
questionnaire's own, never below 3). --previous CAMPAIGN (id or name) is the closed wave to
compare with, 'none' for none; by default the latest closed campaign of the same
questionnaire in ORG.

With --json, prints {{{CAMPAIGN_KEYS}}}.""")
@click.argument("org")
@click.option("--questionnaire", "questionnaire", required=True, metavar="KEY[:VERSION]",
              help="A loaded questionnaire.")
@click.option("--name", required=True, help="The campaign's name, unique in ORG.")
@click.option("--teams", "team_refs", required=True, metavar="A,B,...",
              help="Teams of ORG by id or name, comma-separated.")
@click.option("--opens", default=None, metavar="DATE", help="First day, YYYY-MM-DD (UTC).")
@click.option("--closes", default=None, metavar="DATE", help="Last day, YYYY-MM-DD (UTC).")
@click.option("--min-n", "min_n", default=None, metavar="N", help="Anonymity threshold.")
@click.option("--interim-results", is_flag=True,
              help="Show results while open, in steps of at least min_n responses.")
@click.option("--previous", default=None, metavar="CAMPAIGN|none",
              help="The closed wave to compare with, or 'none'.")
@click.option("--json", "as_json", is_flag=True, help="Print the campaign as a JSON object.")
@with_appcontext
def campaign_create(org: str, questionnaire: str, name: str, team_refs: str,
                    opens: str | None, closes: str | None, min_n: str | None,
                    interim_results: bool, previous: str | None, as_json: bool) -> None:
    from .services import setup
    from .services.lookup import organisation_by_name

    try:
        _given(opens=opens, closes=closes, min_n=min_n, previous=previous)
        organisation = organisation_by_name(org)
        version = setup.questionnaire_by_ref(questionnaire)
        refs = team_refs.split(",")
        if any(not ref.strip() for ref in refs):
            raise setup.FieldError("teams", "--teams lists team ids or names separated by "
                                            "commas, none of them empty.")
        team_ids = [setup.team_in_organisation(organisation, ref).id for ref in refs]
        settings = setup.CampaignSettings(
            name=name, questionnaire_id=version.id, opens=opens, closes=closes, min_n=min_n,
            interim_results=interim_results,
            previous=setup.previous_by_ref(organisation, previous))
        created = setup.create_campaign(organisation, settings, team_ids)
    except AssessError as error:
        _fail(f"{error} Nothing was stored.")
        return
    summary = setup.campaign_summary(created)
    _print(summary, as_json, _describe(summary))


@campaign.command("open", help=f"""Open the draft CAMPAIGN (id or name): its team links work
in its window. It needs at least one team, and a closing date (if any) still to come.

With --json, prints {{{CAMPAIGN_KEYS}}}.""")
@click.argument("campaign_ref", metavar="CAMPAIGN")
@click.option("--json", "as_json", is_flag=True, help="Print the campaign as a JSON object.")
@with_appcontext
def campaign_open(campaign_ref: str, as_json: bool) -> None:
    _change_status(campaign_ref, as_json, opening=True)


@campaign.command("close", help=f"""Close the open CAMPAIGN (id or name), for good: its links
stop working and it cannot open again.

With --json, prints {{{CAMPAIGN_KEYS}}}.""")
@click.argument("campaign_ref", metavar="CAMPAIGN")
@click.option("--json", "as_json", is_flag=True, help="Print the campaign as a JSON object.")
@with_appcontext
def campaign_close(campaign_ref: str, as_json: bool) -> None:
    _change_status(campaign_ref, as_json, opening=False)


def _change_status(ref: str, as_json: bool, *, opening: bool) -> None:
    from .services import setup
    from .services.lookup import campaign_by_ref

    try:
        target = campaign_by_ref(ref)
        changed = setup.open_campaign(target) if opening else setup.close_campaign(target)
    except AssessError as error:
        _fail(f"{error} Nothing was changed.")
        return
    summary = setup.campaign_summary(changed)
    _print(summary, as_json, _describe(summary))


def _describe(summary: dict[str, object]) -> str:
    from .text import shown

    lines = [f"Campaign {summary['id']}: {shown(str(summary['name']))} ({summary['status']}), "
             f"{summary['questionnaire']} version {summary['questionnaire_version']}, "
             f"min_n {summary['min_n']}."]
    for row in cast("list[dict[str, str | None]]", summary["teams"]):
        lines.append(f"  {shown(str(row['team']))}: {row['url'] or '(revoked)'}")
    return "\n".join(lines)
