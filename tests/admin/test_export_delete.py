"""An organisation exported whole (ZIP of JSON and CSV) and deleted whole.

The export carries everything the organisation holds and nothing secret or identifying
(no tokens or hashes, no response uid or keys, dates without times), with formula-looking
cells neutralised. Deleting needs the exact name; afterwards no row of any table refers to
the organisation or to anything it owned, and everything else is exactly as before (on
SQLite and on PostgreSQL).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from assess import answer_codec
from assess.extensions import db
from assess.models import (
    BaselineRecord,
    Campaign,
    GeneratedReport,
    Organisation,
    Plan,
    PlanItem,
    RateCounter,
    Response,
    Team,
    TeamLink,
    TextAnswer,
    User,
    utcnow,
)
from assess.services import links
from assess.services.accounts import ADMIN, create_coach
from assess.services.demo import DEMO_ORGANISATION, ensure_demo
from assess.services.organisation_export import (
    csv_cell,
    delete_organisation,
    export_file_name,
)
from assess.services.questionnaires import definition_of
from tests.admin.conftest import ADMIN_EMAIL, PASSWORD, Browser
from tests.conftest import app_on, close_database, copy_demo, make_config

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "-2+3", "@cmd",
            "\tindented", "\rreturn"]


@pytest.fixture
def demo_csrf(tmp_path: Path, demo_db: tuple[Path, Path]) -> Iterator[Flask]:
    """The demo database with CSRF on, an administrator and a second organisation."""
    for app in app_on(*copy_demo(tmp_path, demo_db)):
        with app.app_context():
            populate()
        yield app


def populate() -> None:
    """Add to the demo: an admin, another organisation with a coach, a plan with an item and
    a generated report, a resume rate counter, and formula-looking names and answers."""
    create_coach(ADMIN_EMAIL, None, PASSWORD, role=ADMIN)
    create_coach("other.coach@example.org", "Globex", PASSWORD)
    org = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
    assert org is not None
    campaign = org.campaigns[0]
    link = campaign.team_links[0]
    plan = Plan(campaign_id=campaign.id, team_id=link.team_id, coach_notes="=1+1 notes",
                targets={"portfolio": {"target": 3}})
    plan.items.append(PlanItem(action_id="a1", dimension_id="portfolio", notes="@note"))
    plan.reports.append(GeneratedReport(seed=7, content_hash="c" * 64, pdf=b"%PDF-1.7 demo"))
    db.session.add(plan)
    db.session.add(RateCounter(key=f"resume:{link.id}", expires_at=utcnow(), count=1))
    team = db.session.get(Team, link.team_id)
    assert team is not None
    team.name = FORMULAS[0]
    answer = db.session.scalar(select(TextAnswer).join(Response).where(
        Response.campaign_id == campaign.id))
    assert answer is not None
    answer.text = FORMULAS[1]
    globex = db.session.scalar(select(Organisation).where(Organisation.name == "Globex"))
    assert globex is not None
    other_team = Team(organisation=globex, name="Gemini")
    db.session.add(other_team)
    db.session.commit()


def demo_id(app: Flask) -> int:
    with app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(
            Organisation.name == DEMO_ORGANISATION))
        assert org_id is not None
        return org_id


def export(app: Flask, org_id: int) -> tuple[Any, zipfile.ZipFile]:
    admin = Browser(app).sign_in(ADMIN_EMAIL)
    response = admin.get(f"/admin/organisations/{org_id}/export")
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(response.get_data()))


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


# --- export ----------------------------------------------------------------------------------

def test_the_export_is_a_zip_described_by_its_manifest(demo_csrf: Flask) -> None:
    response, archive = export(demo_csrf, demo_id(demo_csrf))
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "assess-organisation-export"
    assert manifest["format_version"] == 1
    assert manifest["organisation"] == DEMO_ORGANISATION
    patterns = [re.compile(re.escape(name).replace(re.escape("<id>"), r"\d+")
                           .replace(re.escape("<plan id>"), r"\d+"))
                for name in manifest["files"]]
    names = archive.namelist()
    for name in names:
        assert any(p.fullmatch(name) for p in patterns), name
    for required in ("organisation.json", "teams.csv", "campaigns.json", "team_links.csv",
                     "text_answers.csv", "baselines.json", "plans.json"):
        assert required in names
    organisation = json.loads(archive.read("organisation.json"))
    assert organisation["name"] == DEMO_ORGANISATION
    assert organisation["is_demo"] is True


def test_responses_hold_the_decoded_answers(demo_csrf: Flask) -> None:
    org_id = demo_id(demo_csrf)
    _, archive = export(demo_csrf, org_id)
    with demo_csrf.app_context():
        for campaign in db.session.scalars(select(Campaign).where(
                Campaign.organisation_id == org_id)):
            columns = definition_of(campaign.questionnaire_version).answer_columns
            stored = list(db.session.scalars(select(Response).where(
                Response.campaign_id == campaign.id).order_by(Response.uid)))
            rows = read_csv(archive, f"responses/campaign-{campaign.id}.csv")
            assert len(rows) == len(stored)
            assert list(rows[0])[8:] == list(columns)
            for row, response in zip(rows, stored, strict=True):
                answers = answer_codec.decode(columns, response.values) \
                    if response.values else {}
                assert {k: row[k] for k in columns if row[k]} == {
                    k: str(v) for k, v in answers.items()}
                assert row["status"] == response.status
                assert row["completed_on"] == (response.completed_on.isoformat()
                                               if response.completed_on else "")
            assert [r["response"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
        texts = read_csv(archive, "text_answers.csv")
        assert len(texts) == db.session.scalar(
            select(func.count()).select_from(TextAnswer).join(Response).join(Campaign)
            .where(Campaign.organisation_id == org_id))


def test_the_export_holds_no_secret_and_no_time_of_day(demo_csrf: Flask) -> None:
    org_id = demo_id(demo_csrf)
    _, archive = export(demo_csrf, org_id)
    blob = b"\n".join(archive.read(name) for name in archive.namelist()
                      if not name.endswith(".pdf"))
    with demo_csrf.app_context():
        secrets: list[str] = []
        for response in db.session.scalars(select(Response)):
            secrets += [response.uid, response.browser_key_hash, response.submit_key]
            if response.resume_code_hash:
                secrets.append(response.resume_code_hash)
        for link in db.session.scalars(select(TeamLink)):
            secrets += [s for s in (link.token_hash, link.token_nonce) if s]
            token = links.current_token(link)
            if token:
                secrets.append(token)
        for user in db.session.scalars(select(User)):
            secrets.append(user.password_hash)
    assert secrets
    for secret in secrets:
        assert secret.encode() not in blob, secret
    assert not re.search(rb"\d\d:\d\d:\d\d", blob)  # dates only, never a time
    assert b"@example.org" not in blob  # no coach address either


def test_formula_looking_cells_are_neutralised(demo_csrf: Flask) -> None:
    _, archive = export(demo_csrf, demo_id(demo_csrf))
    teams = read_csv(archive, "teams.csv")
    assert "'" + FORMULAS[0] in [t["name"] for t in teams]
    assert FORMULAS[0] not in [t["name"] for t in teams]
    texts = [t["text"] for t in read_csv(archive, "text_answers.csv")]
    assert "'" + FORMULAS[1] in texts
    for name in archive.namelist():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8"), newline="")):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, cell)
                    assert not cell.startswith("-") or re.fullmatch(r"-\d+", cell), cell
    plans = json.loads(archive.read("plans.json"))
    assert plans[0]["coach_notes"] == "=1+1 notes"  # JSON keeps the text exactly
    assert plans[0]["items"][0]["notes"] == "@note"
    report = plans[0]["reports"][0]
    assert archive.read(report["file"]) == b"%PDF-1.7 demo"


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_cell_prefixes_formulas(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize(("value", "cell"), [(-2, "-2"), (3, "3"), (None, ""), (True, "true"),
                                             ("plain", "plain"), (" =x", " =x")])
def test_csv_cell_keeps_numbers_and_plain_text(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


@pytest.mark.parametrize(("name", "expected"), [
    ("Acme", "assess-Acme-2026-01-02.zip"),
    ('=1+2 "quoted" / ../ <b>', "assess-1-2-quoted-b-2026-01-02.zip"),
    ("Ünïcode Straße", "assess-Ünïcode-Straße-2026-01-02.zip"),
    ("////", "assess-organisation-7-2026-01-02.zip"),
    ("x" * 200, "assess-" + "x" * 60 + "-2026-01-02.zip"),
])
def test_export_file_names_are_safe(name: str, expected: str) -> None:
    import datetime as dt

    assert export_file_name(Organisation(id=7, name=name), dt.date(2026, 1, 2)) == expected


def test_the_download_header_has_an_ascii_fallback(demo_csrf: Flask) -> None:
    org_id = demo_id(demo_csrf)
    with demo_csrf.app_context():
        org = db.session.get(Organisation, org_id)
        assert org is not None
        org.name = 'Nörthwind "=1+2" \u05e9\u05dc\u05d5\u05dd'
        db.session.commit()
    response, _ = export(demo_csrf, org_id)
    header = response.headers["Content-Disposition"]
    header.encode("ascii")  # the header itself is ASCII
    assert "\r" not in header
    assert "\n" not in header
    assert "filename=assess-Northwind-1-2-" in header
    assert "filename*=UTF-8''assess-N%C3%B6rthwind-1-2-" in header


# --- delete ----------------------------------------------------------------------------------

def _rows() -> dict[str, list[dict[str, Any]]]:
    return {table.name: [dict(row) for row in db.session.execute(select(table)).mappings()]
            for table in db.metadata.sorted_tables}


def _pk(table_name: str, row: dict[str, Any]) -> tuple[Any, ...]:
    table = db.metadata.tables[table_name]
    return tuple(row[c.name] for c in table.primary_key.columns)


def owned_by(org_id: int) -> dict[str, set[tuple[Any, ...]]]:
    """Primary keys of every row that refers to the organisation, directly or through rows
    that do (accounts are not owned: coaches outlive an organisation)."""
    rows = _rows()
    owned: dict[str, set[tuple[Any, ...]]] = {name: set() for name in rows}
    owned["organisation"] = {(org_id,)}
    changed = True
    while changed:
        changed = False
        for table in db.metadata.sorted_tables:
            for row in rows[table.name]:
                key = _pk(table.name, row)
                if key in owned[table.name]:
                    continue
                for fk in table.foreign_keys:
                    target = fk.column.table.name
                    if target == "user_account":
                        continue
                    value = row[fk.parent.name]
                    if value is not None and (value,) in owned[target]:
                        owned[table.name].add(key)
                        changed = True
                        break
    return owned


def check_delete_removes_everything(app: Flask, org_id: int) -> None:
    with app.app_context():
        owned = owned_by(org_id)
        for name in ("team", "campaign", "team_link", "response", "text_answer", "membership",
                     "plan", "plan_item", "generated_report", "baseline"):
            assert owned[name], f"the test data has no {name} of the organisation"
        campaign_ids = {key[0] for key in owned["campaign"]}
        link_ids = {key[0] for key in owned["team_link"]}
        before = _rows()
        users = before["user_account"]
        # The resume-guess counters of its links name them by id (no foreign key): they go.
        resume_keys = {f"resume:{i}" for i in link_ids}
        owned["rate_counter"] = {(r["key"],) for r in before["rate_counter"]
                                 if r["key"] in resume_keys}
        assert owned["rate_counter"]

        assert delete_organisation(org_id, DEMO_ORGANISATION) == DEMO_ORGANISATION

        db.session.expire_all()
        after = _rows()
        for name, keys in owned.items():
            remaining = {_pk(name, row) for row in after[name]}
            assert not keys & remaining, name
        # Everything else is exactly as it was.
        for name, rows in before.items():
            kept = [row for row in rows if _pk(name, row) not in owned[name]]
            assert sorted(map(repr, kept)) == sorted(map(repr, after[name])), name
        assert after["user_account"] == users  # coaches stay
        # No plain-id references either.
        assert not any(b["source_campaign_id"] in campaign_ids
                       and b["organisation_id"] is not None for b in after["baseline"])
        assert not any(r["key"] in resume_keys for r in after["rate_counter"])
        # And nothing points into thin air.
        for table in db.metadata.sorted_tables:
            for fk in table.foreign_keys:
                targets = {row[fk.column.name] for row in after[fk.column.table.name]}
                for row in after[table.name]:
                    value = row[fk.parent.name]
                    assert value is None or value in targets, (table.name, fk.parent.name)


def test_delete_removes_the_organisation_and_everything_it_owns(demo_csrf: Flask) -> None:
    check_delete_removes_everything(demo_csrf, demo_id(demo_csrf))
    with demo_csrf.app_context():
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert db.session.scalar(select(func.count()).select_from(GeneratedReport)) == 0
        assert db.session.scalar(select(Organisation.name)) == "Globex"


@pytest.mark.postgres
def test_delete_removes_everything_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    config = make_config(tmp_path / "instance", tmp_path / "unused.sqlite3")
    config["SQLALCHEMY_DATABASE_URI"] = postgres_url
    from assess import create_app

    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
            ensure_demo()
            populate()
        check_delete_removes_everything(app, demo_id(app))
    finally:
        close_database(app)


def test_deleting_through_the_page_needs_the_exact_name(demo_csrf: Flask) -> None:
    from tests.survey.survey_support import database_snapshot

    org_id = demo_id(demo_csrf)
    admin = Browser(demo_csrf).sign_in(ADMIN_EMAIL)
    before = database_snapshot(demo_csrf)
    for wrong in ("", "northwind demo (demo data)", DEMO_ORGANISATION + " x", "Globex",
                  DEMO_ORGANISATION[:-1], "x" * 10_000, "=1+1"):
        response = admin.post(f"/admin/organisations/{org_id}/delete", {"confirm_name": wrong})
        assert response.status_code == 400, wrong
        page = response.get_data(as_text=True)
        assert ("Nothing was deleted." in page) or ("This field is required." in page), wrong
    assert database_snapshot(demo_csrf) == before

    response = admin.post(f"/admin/organisations/{org_id}/delete",
                          {"confirm_name": DEMO_ORGANISATION}, follow_redirects=True)
    assert response.status_code == 200
    assert (f"Organisation {DEMO_ORGANISATION} and all its data were deleted."
            in response.get_data(as_text=True))
    with demo_csrf.app_context():
        assert db.session.get(Organisation, org_id) is None
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(func.count()).select_from(BaselineRecord)) == 0
        demo_coach = db.session.scalar(select(User).where(User.email.like("demo%")))
        assert demo_coach is not None
        assert demo_coach.memberships == []
    assert admin.get(f"/admin/organisations/{org_id}").status_code == 404
    # The demo coach signs in to an empty workspace; the team links are dead.
    with demo_csrf.app_context():
        assert db.session.scalar(select(func.count()).select_from(TeamLink)) == 0
