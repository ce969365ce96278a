"""An organisation exported whole (a ZIP of JSON and CSV) and deleted whole.

What the export holds is listed in its own ``manifest.json`` and in docs/accounts.md. It
carries no secret and nothing that identifies a respondent: no link tokens, nonces or hashes,
no response uid, browser key, resume code or submit key, and dates without times. Responses
are numbered in an order that says nothing about their order of arrival.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from typing import Any

from sqlalchemy import delete, or_, select, update

from .. import answer_codec
from ..database import run_write
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..models import (
    BaselineRecord,
    Campaign,
    GeneratedReport,
    Membership,
    Organisation,
    Plan,
    PlanItem,
    RateCounter,
    Response,
    Team,
    TeamLink,
    TextAnswer,
    utcnow,
)
from .csv_cells import FORMULA_START, csv_cell, csv_text
from .questionnaires import definition_of

FORMAT = "assess-organisation-export"
FORMAT_VERSION = 1

__all__ = ["FORMULA_START", "csv_cell", "csv_text", "delete_organisation",
           "export_file_name", "export_organisation"]

def _day(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False, sort_keys=True)


FILES: dict[str, str] = {
    "manifest.json": "this list: the export's format, version and files",
    "organisation.json": "the organisation: id, name, demo flag, creation date",
    "teams.csv": "teams: id, name, parent team id, headcount, creation date",
    "campaigns.json": "campaigns (waves): questionnaire key and version, status, window "
                      "dates, anonymity thresholds, previous wave, baseline, teams",
    "team_links.csv": "which team takes part in which campaign, whether its link is active, "
                      "the dates it was issued or revoked (never the link or its token)",
    "responses/campaign-<id>.csv": "one file per campaign: one row per response (numbered in "
                                   "a random order, not the order of arrival), its team, role, "
                                   "status, dates, then one column per answer item in the "
                                   "questionnaire's order: the scale value, 'dk' for don't "
                                   "know, empty for no answer",
    "text_answers.csv": "free-text answers: campaign, response number (as in the response "
                        "files), item id, text",
    "baselines.json": "the organisation's own baselines, with their aggregates",
    "plans.json": "coaching plans per campaign and team, with their items and the list of "
                  "generated reports",
    "reports/plan-<plan id>-report-<id>.pdf": "the generated coaching-plan PDFs",
}


def export_organisation(org_id: int) -> bytes:
    """The organisation's data as ZIP bytes (see :data:`FILES`)."""
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound("no such organisation")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, text: str | bytes) -> None:
            archive.writestr(name, text)

        teams = list(db.session.scalars(
            select(Team).where(Team.organisation_id == org.id).order_by(Team.id)))
        campaigns = list(db.session.scalars(
            select(Campaign).where(Campaign.organisation_id == org.id).order_by(Campaign.id)))
        team_names = {t.id: t.name for t in teams}

        put("manifest.json", _json({
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "exported_on": _day(utcnow()), "organisation": org.name, "files": FILES}))
        put("organisation.json", _json({
            "id": org.id, "name": org.name, "is_demo": org.is_demo,
            "created_on": _day(org.created_at)}))
        put("teams.csv", csv_text(
            ["id", "name", "parent_id", "headcount", "created_on"],
            ([t.id, t.name, t.parent_id, t.headcount, _day(t.created_at)] for t in teams)))
        put("campaigns.json", _json([_campaign_dict(c) for c in campaigns]))
        put("team_links.csv", csv_text(
            ["campaign_id", "team_id", "team", "active", "issued_on", "revoked_on"],
            ([link.campaign_id, link.team_id, team_names.get(link.team_id),
              link.token_hash is not None, _day(link.token_created_at), _day(link.revoked_at)]
             for c in campaigns for link in sorted(c.team_links, key=lambda lk: lk.team_id))))

        text_rows: list[list[object]] = []
        for campaign in campaigns:
            put(f"responses/campaign-{campaign.id}.csv",
                _responses_csv(campaign, team_names, text_rows))
        put("text_answers.csv", csv_text(["campaign_id", "response", "item_id", "text"],
                                         text_rows))

        baselines = db.session.scalars(select(BaselineRecord).where(
            BaselineRecord.organisation_id == org.id).order_by(BaselineRecord.id))
        put("baselines.json", _json([{
            "id": b.id, "name": b.name, "kind": b.kind, "questionnaire": b.questionnaire_key,
            "source_campaign_id": b.source_campaign_id, "respondents": b.n_respondents,
            "teams": b.n_teams, "created_on": _day(b.created_at), "data": b.data}
            for b in baselines]))

        plans = list(db.session.scalars(
            select(Plan).where(Plan.campaign_id.in_([c.id for c in campaigns]))
            .order_by(Plan.id)))
        put("plans.json", _json([_plan_dict(p) for p in plans]))
        for plan in plans:
            for report in sorted(plan.reports, key=lambda r: r.id):
                put(f"reports/plan-{plan.id}-report-{report.id}.pdf", report.pdf)
    return buffer.getvalue()


def _campaign_dict(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.id, "name": c.name, "questionnaire": c.questionnaire_version.key,
        "questionnaire_version": c.questionnaire_version.version, "status": c.status,
        "opens_on": _day(c.opens_at), "closes_on": _day(c.closes_at),
        "anonymous": c.anonymous, "min_n": c.min_n, "min_n_comments": c.min_n_comments,
        "min_n_spread": c.min_n_spread, "interim_results": c.interim_results,
        "previous_campaign_id": c.previous_campaign_id, "baseline_id": c.baseline_id,
        "is_demo": c.is_demo, "created_on": _day(c.created_at),
        "team_ids": sorted(link.team_id for link in c.team_links),
    }


def _responses_csv(campaign: Campaign, team_names: dict[int, str],
                   text_rows: list[list[object]]) -> str:
    columns = definition_of(campaign.questionnaire_version).answer_columns
    # The random uid orders the rows: the numbers say nothing about the order of arrival.
    responses = db.session.scalars(
        select(Response).where(Response.campaign_id == campaign.id).order_by(Response.uid))
    rows = []
    for number, response in enumerate(responses, start=1):
        answers = answer_codec.decode(columns, response.values) if response.values else {}
        rows.append([number, response.team_id, team_names.get(response.team_id),
                     response.role, response.status, _day(response.started_on),
                     _day(response.updated_on), _day(response.completed_on),
                     *(answers.get(item) for item in columns)])
        for text in sorted(response.texts, key=lambda t: t.item_id):
            text_rows.append([campaign.id, number, text.item_id, text.text])
    header = ["response", "team_id", "team", "role", "status", "started_on", "updated_on",
              "completed_on", *columns]
    return csv_text(header, rows)


def _plan_dict(p: Plan) -> dict[str, Any]:
    return {
        "id": p.id, "campaign_id": p.campaign_id, "team_id": p.team_id, "status": p.status,
        "targets": p.targets, "formula": p.formula, "coach_notes": p.coach_notes,
        "created_on": _day(p.created_at), "updated_on": _day(p.updated_at),
        "items": [{"action_id": i.action_id, "dimension_id": i.dimension_id,
                   "status": i.status, "rank": i.rank, "horizon": i.horizon,
                   "edited_text": i.edited_text, "notes": i.notes} for i in p.items],
        "reports": [{"id": r.id, "seed": r.seed, "content_hash": r.content_hash,
                     "created_on": _day(r.created_at),
                     "file": f"reports/plan-{p.id}-report-{r.id}.pdf"}
                    for r in sorted(p.reports, key=lambda r: r.id)],
    }


def export_file_name(org: Organisation, today: dt.date | None = None) -> str:
    """A download name that is safe anywhere: letters, digits, '-' and '_' of the name (any
    script; the HTTP layer adds an ASCII fallback), at most 60 of them, and the date."""
    name = unicodedata.normalize("NFKC", org.name)
    slug = re.sub(r"[^\w]+", "-", name).strip("-_")[:60].strip("-_") or f"organisation-{org.id}"
    return f"assess-{slug}-{(today or utcnow().date()).isoformat()}.zip"


# --- deleting --------------------------------------------------------------------------------

def delete_organisation(org_id: int, typed_name: str) -> str:
    """Delete the organisation and everything it owns, once its exact name was typed; commit.

    Goes: answers and text answers, responses, team links, plans with their items and
    generated reports, campaigns, teams, baselines owned by it, memberships and the rate
    counters of its links. Coaches stay (with their other memberships). Returns the name.
    InvalidInput, and nothing deleted, when the typed name is not the organisation's.
    """

    def work() -> str:
        org = db.session.get(Organisation, org_id)
        if org is None:
            raise NotFound("no such organisation")
        if typed_name.strip() != org.name:
            raise InvalidInput("The name you typed is not this organisation's name. "
                               "Nothing was deleted.")
        name = org.name
        campaign_ids = list(db.session.scalars(
            select(Campaign.id).where(Campaign.organisation_id == org.id)))
        team_ids = list(db.session.scalars(select(Team.id).where(Team.organisation_id == org.id)))
        baseline_ids = list(db.session.scalars(
            select(BaselineRecord.id).where(BaselineRecord.organisation_id == org.id)))
        link_ids = list(db.session.scalars(select(TeamLink.id).where(or_(
            TeamLink.campaign_id.in_(campaign_ids), TeamLink.team_id.in_(team_ids)))))
        response_ids = select(Response.id).where(or_(
            Response.campaign_id.in_(campaign_ids), Response.team_id.in_(team_ids)))
        plan_ids = list(db.session.scalars(select(Plan.id).where(or_(
            Plan.campaign_id.in_(campaign_ids), Plan.team_id.in_(team_ids)))))

        run = db.session.execute
        run(delete(GeneratedReport).where(GeneratedReport.plan_id.in_(plan_ids)))
        run(delete(PlanItem).where(PlanItem.plan_id.in_(plan_ids)))
        run(delete(Plan).where(Plan.id.in_(plan_ids)))
        run(delete(TextAnswer).where(TextAnswer.response_id.in_(response_ids)))
        run(delete(Response).where(Response.id.in_(response_ids)))
        run(delete(TeamLink).where(TeamLink.id.in_(link_ids)))
        run(delete(RateCounter).where(RateCounter.key.in_(
            [f"resume:{link_id}" for link_id in link_ids])))
        # Other organisations' campaigns never point here, but a stale pointer must not
        # keep a deleted wave or baseline alive (or fail the delete).
        run(update(Campaign).where(Campaign.previous_campaign_id.in_(campaign_ids))
            .values(previous_campaign_id=None))
        run(update(Campaign).where(Campaign.baseline_id.in_(baseline_ids))
            .values(baseline_id=None))
        run(delete(Campaign).where(Campaign.id.in_(campaign_ids)))
        run(update(Team).where(Team.parent_id.in_(team_ids)).values(parent_id=None))
        run(delete(Team).where(Team.id.in_(team_ids)))
        run(delete(BaselineRecord).where(BaselineRecord.id.in_(baseline_ids)))
        run(delete(Membership).where(Membership.organisation_id == org.id))
        run(delete(Organisation).where(Organisation.id == org.id))
        return name

    result = run_write(work)
    db.session.expire_all()
    return result
