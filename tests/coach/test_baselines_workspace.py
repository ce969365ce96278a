"""Baselines in the coach's workspace: the organisation's baselines page, building a baseline
from a closed campaign, importing a file, and the baseline selector macro.

Who may see and do what (owner, another organisation's coach, an administrator without the
organisation, a respondent, anonymous; GET and POST), CSRF on every POST, GET changes
nothing, hostile names appear literally, and the numbers on the page are the services'.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from playwright.sync_api import Page, ViewportSize, expect
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assess.extensions import db
from assess.models import BaselineRecord, Campaign, Organisation
from assess.scoring import baseline_from_csv
from assess.services import baseline_choices, baselines
from assess.services.accounts import ADMIN, create_coach
from tests.browser.conftest import (  # noqa: F401  (fixtures of the browser test below)
    LiveServer,
    base_url,
    browser_type_launch_args,
    live_server,
)
from tests.browser.test_survey_browser import PHONE, _axe_violations, _no_horizontal_scroll
from tests.coach.conftest import PASSWORD, Workspace, make_workspace
from tests.coach.test_coach_csrf import CSRF_REFUSAL, token_in
from tests.conftest import demo_credentials
from tests.services.test_baseline_choices import add_campaign
from tests.survey.survey_support import Element, database_snapshot, parse_html

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
RTL = "\u05e7\u05d5 \u05d1\u05e1\u05d9\u05e1 \u05e9\u05dc \u05d4\u05d0\u05e8\u05d2\u05d5\u05df"
LONG = "L" * 10_000
ADMIN_EMAIL = "admin@example.org"


@dataclass(frozen=True)
class Site:
    acme: Workspace
    globex: Workspace
    org: int                 # Acme
    globex_org: int
    closed: int              # Acme's closed maturity wave (6 teams of 6)
    small: int               # Acme's closed second wave (16 respondents)
    open: int                # Acme's open readiness campaign (from make_workspace)
    globex_closed: int
    record: int              # the baseline stored from Acme's closed wave
    globex_record: int


def build_site(app: Flask) -> Site:
    acme = make_workspace(app, "acme.coach@example.org", "Acme", "Acme readiness",
                          ["Apollo", "Artemis"])
    globex = make_workspace(app, "globex.coach@example.org", "Globex", "Globex readiness",
                            ["Gemini"])
    with app.app_context():
        create_coach(ADMIN_EMAIL, None, PASSWORD, role=ADMIN)
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Acme"))
        other = db.session.scalar(select(Organisation).where(Organisation.name == "Globex"))
        assert org is not None
        assert other is not None
        closed = add_campaign(org, "Acme maturity 1", [6] * 6, seed=1)
        small = add_campaign(org, "Acme maturity 2", [6, 6, 4], seed=2, previous=closed)
        globex_closed = add_campaign(other, "Globex maturity", [6] * 5, seed=3,
                                     prefix="Squad")
        record = baselines.build_from_campaign(closed, "Acme maturity 1 stored")
        globex_record = baselines.build_from_campaign(globex_closed, "Globex stored")
        return Site(acme, globex, org.id, other.id, closed.id, small.id, acme.campaign_id,
                    globex_closed.id, record.id, globex_record.id)


@pytest.fixture
def site(app: Flask) -> Site:
    return build_site(app)


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def stored_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BaselineRecord)) or 0


def csv_file(text: str | bytes, name: str = "scores.csv") -> tuple[io.BytesIO, str]:
    data = text.encode() if isinstance(text, str) else text
    return io.BytesIO(data), name


GOOD_CSV = "team,standards,delivery\n" + "".join(
    f"T{t},{2 + (i % 3)},{3 + (i % 2)}\n" for t in range(6) for i in range(6))


def same_page(a: TestResponse, b: TestResponse) -> bool:
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    return token.sub("", a.get_data(as_text=True)) == token.sub("", b.get_data(as_text=True))


def get_routes(s: Site) -> list[str]:
    return [f"/coach/organisations/{s.org}/baselines",
            f"/coach/organisations/{s.org}/baselines?campaign={s.closed}",
            f"/coach/organisations/{s.org}/baselines?campaign={s.open}"]


def post_routes(s: Site) -> list[tuple[str, dict[str, object]]]:
    return [
        (f"/coach/campaigns/{s.closed}/baselines", {"name": "Intruder baseline"}),
        (f"/coach/organisations/{s.org}/baselines/import",
         {"name": "Intruder import", "questionnaire": "pmo-apo-maturity",
          "file": csv_file(GOOD_CSV)}),
    ]


def missing_site(s: Site) -> Site:
    return Site(s.acme, s.globex, 99_999, s.globex_org, 99_999, 99_999, 99_999, 99_999,
                99_999, 99_999)


# --- who may see and do what -----------------------------------------------------------------

def test_every_baseline_route_is_in_the_matrix(app: Flask, site: Site) -> None:
    adapter = app.url_map.bind("localhost")
    covered = ({adapter.match(url.split("?")[0], "GET")[0] for url in get_routes(site)}
               | {adapter.match(url, "POST")[0] for url, _ in post_routes(site)})
    from assess.coach import baseline_views

    mine = {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("coach.")
            and app.view_functions[rule.endpoint].__module__ == baseline_views.__name__}
    assert covered == mine


def test_the_owner_sees_the_pages_and_get_changes_nothing(app: Flask, site: Site) -> None:
    client = signed_in(app, site.acme.email)
    before = database_snapshot(app)
    for url in get_routes(site):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"].startswith("text/html")
    assert database_snapshot(app) == before


def test_another_organisations_coach_gets_404_and_changes_nothing(app: Flask,
                                                                 site: Site) -> None:
    client = signed_in(app, site.globex.email)
    missing = missing_site(site)
    before = database_snapshot(app)
    for url, nothing_url in zip(get_routes(site), get_routes(missing), strict=True):
        theirs, nothing = client.get(url), client.get(nothing_url)
        assert theirs.status_code == nothing.status_code == 404, url
        assert same_page(theirs, nothing), url  # no existence oracle
    for (url, data), (nothing_url, nothing_data) in zip(post_routes(site), post_routes(missing),
                                                        strict=True):
        theirs, nothing = client.post(url, data=data), client.post(nothing_url,
                                                                   data=nothing_data)
        assert theirs.status_code == nothing.status_code == 404, url
        assert same_page(theirs, nothing), url
    assert database_snapshot(app) == before


def test_an_administrator_is_answered_as_by_the_rest_of_the_workspace(app: Flask,
                                                                      site: Site) -> None:
    """The baselines pages take their scope from assess.services.workspace, like every coach
    page: what an administrator without the organisation gets on its campaign page, they get
    here (the issue's rule: the owner and the administrator see it, everyone else 404)."""
    client = signed_in(app, ADMIN_EMAIL)
    reference = client.get(f"/coach/campaigns/{site.open}").status_code
    assert reference in (200, 404)
    before = database_snapshot(app)
    for url in get_routes(site):
        assert client.get(url).status_code == reference, url
    assert database_snapshot(app) == before
    for url, data in post_routes(site):
        assert client.post(url, data=data).status_code == (303 if reference == 200 else 404)
    if reference == 404:
        assert database_snapshot(app) == before


def test_an_administrator_who_belongs_to_the_organisation_sees_it(app: Flask,
                                                                  site: Site) -> None:
    with app.app_context():
        create_coach(ADMIN_EMAIL, "Acme", PASSWORD, role=ADMIN)
    client = signed_in(app, ADMIN_EMAIL)
    assert client.get(get_routes(site)[1]).status_code == 200


@pytest.mark.parametrize("visitor", ["anonymous", "respondent"])
def test_anonymous_visitors_and_respondents_get_nothing(app: Flask, site: Site,
                                                        visitor: str) -> None:
    """Answered like the workspace's other pages with an id (a sign-in redirect or 404),
    never the page, and nothing changes."""
    client = app.test_client()
    if visitor == "respondent":  # a survey session gives no coach rights
        assert client.get(f"/s/{site.acme.tokens['Apollo']}").status_code == 302
    reference = client.get(f"/coach/campaigns/{site.open}")
    assert reference.status_code in (302, 404)
    before = database_snapshot(app)
    for url in get_routes(site):
        response = client.get(url)
        assert response.status_code == reference.status_code, url
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")
    for url, data in post_routes(site):
        response = client.post(url, data=data)
        assert response.status_code == reference.status_code, url
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")
    assert database_snapshot(app) == before


def test_another_organisations_campaign_in_the_address_is_not_found(app: Flask,
                                                                    site: Site) -> None:
    client = signed_in(app, site.acme.email)
    base = f"/coach/organisations/{site.org}/baselines?campaign="
    for value in (str(site.globex_closed), "99999", "abc", "../", "%2e%2e%2f", LONG,
                  "\u202e", "\uff11", "0", "-1", f"{site.closed} ", "2147483648"):
        assert client.get(base + value).status_code == 404, value[:20]
    assert client.get(base).status_code == 200  # empty: no campaign chosen


# --- CSRF ------------------------------------------------------------------------------------

@pytest.fixture
def csrf_site(csrf_app: Flask) -> Site:
    return build_site(csrf_app)


@pytest.mark.parametrize("token", [None, "", "not-a-csrf-token"], ids=["none", "empty", "bad"])
def test_every_baseline_post_needs_the_token(csrf_app: Flask, csrf_site: Site,
                                             token: str | None) -> None:
    client = csrf_app.test_client()
    login_token = token_in(parse_html(client.get("/login")))
    client.post("/login", data={"email": csrf_site.acme.email, "password": PASSWORD,
                                "csrf_token": login_token})
    before = database_snapshot(csrf_app)
    for url, data in post_routes(csrf_site):
        sent = dict(data) if token is None else {**data, "csrf_token": token}
        response = client.post(url, data=sent)
        assert response.status_code == 400, url
        if token is None:
            assert CSRF_REFUSAL in response.get_data(as_text=True)
    assert database_snapshot(csrf_app) == before


def test_the_pages_tokens_are_accepted(csrf_app: Flask, csrf_site: Site) -> None:
    client = csrf_app.test_client()
    login_token = token_in(parse_html(client.get("/login")))
    client.post("/login", data={"email": csrf_site.acme.email, "password": PASSWORD,
                                "csrf_token": login_token})
    page = parse_html(client.get(get_routes(csrf_site)[1]))
    build = page.find("form", action=f"/coach/campaigns/{csrf_site.closed}/baselines")
    upload = page.find("form", action=f"/coach/organisations/{csrf_site.org}/baselines/import")
    assert build is not None
    assert upload is not None
    assert upload.attrs["enctype"] == "multipart/form-data"
    (url, data), (import_url, import_data) = post_routes(csrf_site)
    response = client.post(url, data={**data, "csrf_token": token_in(build)})
    assert response.status_code == 303
    response = client.post(import_url, data={**import_data, "csrf_token": token_in(upload)})
    assert response.status_code == 303
    with csrf_app.app_context():
        names = set(db.session.scalars(select(BaselineRecord.name)))
    assert {"Intruder baseline", "Intruder import"} <= names


# --- the page and its numbers ----------------------------------------------------------------

def _cells(row: Element) -> list[str]:
    return [" ".join(c.text.split()) for c in row.children
            if isinstance(c, Element) and c.tag in ("th", "td")]


def test_the_stored_baselines_table_shows_the_stored_numbers(app: Flask, site: Site) -> None:
    client = signed_in(app, site.acme.email)
    page = parse_html(client.get(get_routes(site)[0]))
    with app.app_context():
        record = db.session.get(BaselineRecord, site.record)
        assert record is not None
        row = page.find("tr", id=f"baseline-{record.id}")
        assert row is not None
        cells = _cells(row)
        assert cells[0] == record.name
        assert cells[1] == "built from one wave: Acme maturity 1"
        assert cells[3] == record.created_at.date().isoformat()
        assert (int(cells[4]), int(cells[5])) == (record.n_respondents, record.n_teams)
        assert cells[6] == ("usable" if baselines.usability(record) is None else cells[6])
        assert cells[6] == "usable"
    # another organisation's baseline is not listed
    assert page.find("tr", id=f"baseline-{site.globex_record}") is None


def test_a_campaigns_comparisons_show_the_services_numbers_and_reasons(app: Flask,
                                                                      site: Site) -> None:
    client = signed_in(app, site.acme.email)
    url = f"/coach/organisations/{site.org}/baselines?campaign={site.small}"
    page = parse_html(client.get(url))
    with app.app_context():
        campaign = db.session.get(Campaign, site.small)
        assert campaign is not None
        options = baseline_choices.options(campaign)
    table = page.find("table", class_="baseline-options")
    assert table is not None
    rows = [r for r in table.find_all("tr") if "data-key" in r.attrs]
    assert [r.attrs["data-key"] for r in rows] == [o.key for o in options]
    for row, option in zip(rows, options, strict=True):
        cells = _cells(row)
        assert cells[0].startswith(option.label)
        shown_n = None if cells[2] == "none" else int(cells[2])
        shown_t = None if cells[3] == "none" else int(cells[3])
        assert (shown_n, shown_t) == (option.n_respondents, option.n_teams), option.key
        if option.usable:
            assert cells[4] == "usable"
        elif option.kind != "none":
            assert option.reason is not None
            assert cells[4] == f"not usable: {option.reason}"
    wave = next(o for o in options if o.key == "wave")
    assert (wave.n_respondents, wave.usable) == (16, False)
    assert wave.reason is not None
    assert "at least 30" in wave.reason


def test_an_open_campaign_offers_no_build(app: Flask, site: Site) -> None:
    client = signed_in(app, site.acme.email)
    page = client.get(get_routes(site)[2]).get_data(as_text=True)
    assert "A baseline is built from a closed campaign; this one is open." in page
    assert f'action="/coach/campaigns/{site.open}/baselines"' not in page
    before = stored_count(app)
    response = client.post(f"/coach/campaigns/{site.open}/baselines", data={"name": "Too soon"})
    assert response.status_code == 409
    assert "Nothing was stored." in response.get_data(as_text=True)
    assert stored_count(app) == before


def test_the_campaign_page_links_to_its_comparisons(app: Flask, site: Site) -> None:
    client = signed_in(app, site.acme.email)
    page = client.get(f"/coach/campaigns/{site.open}").get_data(as_text=True)
    assert (f'href="/coach/organisations/{site.org}/baselines?campaign={site.open}'
            f'#campaign-choices"') in page


# --- building ----------------------------------------------------------------------------------

def test_a_baseline_is_built_from_a_closed_campaign(app: Flask, site: Site) -> None:
    client = signed_in(app, site.acme.email)
    response = client.post(f"/coach/campaigns/{site.closed}/baselines",
                           data={"name": "  Spring reference  "})
    assert response.status_code == 303
    with app.app_context():
        record = db.session.scalar(select(BaselineRecord).where(
            BaselineRecord.name == "  Spring reference  "))
        assert record is not None
        campaign = db.session.get(Campaign, site.closed)
        assert campaign is not None
        expected = baselines.from_campaigns([campaign], name="x", kind="previous_wave")
        assert record.data["dimensions"] == expected.to_dict()["dimensions"]
        assert (record.organisation_id, record.source_campaign_id) == (site.org, site.closed)
        counts = (record.n_respondents, record.n_teams)
    assert response.headers["Location"] == (
        f"/coach/organisations/{site.org}/baselines?campaign={site.closed}"
        f"#baseline-{record.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{counts[0]} respondents, {counts[1]} teams" in page


@pytest.mark.parametrize(("name", "message"), [
    ("", "Give the baseline a name."),
    ("   ", "the baseline name is empty"),
    (LONG, "At most 200 characters."),
    ("Ops\u202e", "control characters"),
    ("Acme maturity 1 stored", "exists already"),
])
def test_a_refused_name_is_shown_and_nothing_is_stored(app: Flask, site: Site, name: str,
                                                       message: str) -> None:
    client = signed_in(app, site.acme.email)
    before = database_snapshot(app)
    response = client.post(f"/coach/campaigns/{site.closed}/baselines", data={"name": name})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Please check the form" in page
    assert message in page
    assert 'aria-invalid="true"' in page
    assert database_snapshot(app) == before


def test_a_wave_without_visible_results_builds_nothing(app: Flask, site: Site) -> None:
    with app.app_context():
        org = db.session.get(Organisation, site.org)
        assert org is not None
        empty = add_campaign(org, "Empty wave", [2, 2], seed=9)
        empty_id = empty.id
    client = signed_in(app, site.acme.email)
    before = stored_count(app)
    response = client.post(f"/coach/campaigns/{empty_id}/baselines", data={"name": "Empty"})
    assert response.status_code == 200
    assert "no visible results" in response.get_data(as_text=True)
    assert stored_count(app) == before


@pytest.mark.parametrize("name", [HOSTILE, RTL, "x" * 200])
def test_hostile_names_appear_literally(app: Flask, site: Site, name: str) -> None:
    client = signed_in(app, site.acme.email)
    response = client.post(f"/coach/campaigns/{site.closed}/baselines", data={"name": name})
    assert response.status_code == 303
    response = client.get(response.headers["Location"])
    page = parse_html(response)
    body = response.get_data(as_text=True)
    assert "<img src=x" not in body
    assert "<script>alert" not in body
    with app.app_context():
        record_id = db.session.scalar(select(BaselineRecord.id).where(
            BaselineRecord.name == name))
    row = page.find("tr", id=f"baseline-{record_id}")
    assert row is not None
    bdi = row.find("bdi")
    assert bdi is not None
    assert bdi.text == name  # the name, isolated for right-to-left text
    option = page.find("tr", id=f"option-stored-{record_id}")
    assert option is not None
    assert _cells(option)[0] == f"Stored: {name}"


def test_a_long_hostile_campaign_name_appears_literally(app: Flask, site: Site) -> None:
    name = HOSTILE + RTL + LONG
    with app.app_context():
        campaign = db.session.get(Campaign, site.closed)
        assert campaign is not None
        campaign.name = name  # longer than the form allows, as an old row might be
        db.session.commit()
    client = signed_in(app, site.acme.email)
    response = client.get(get_routes(site)[1])
    assert response.status_code == 200
    page = parse_html(response)
    body = response.get_data(as_text=True)
    assert "<img src=x" not in body
    heading = page.find("h3", id=f"choices-of-{site.closed}")
    assert heading is not None
    assert heading.find("bdi") is not None
    assert heading.find("bdi").text == name  # type: ignore[union-attr]
    select_ = page.find("select", id="campaign-select")
    assert select_ is not None
    assert any(name in o.text for o in select_.find_all("option"))
    # the default name would be too long: the field is left empty for the coach to fill
    field = page.find("input", id="build-name")
    assert field is not None
    assert field.attrs.get("value") == ""


# --- importing ---------------------------------------------------------------------------------

def _import(client: FlaskClient, site: Site, text: str | bytes, *, name: str = "Imported",
            questionnaire: str = "pmo-apo-maturity", filename: str = "scores.csv"
            ) -> TestResponse:
    return client.post(f"/coach/organisations/{site.org}/baselines/import",
                       data={"name": name, "questionnaire": questionnaire,
                             "file": csv_file(text, filename)})


def test_a_file_is_imported_with_the_rules_of_the_command_line(app: Flask, site: Site) -> None:
    client = signed_in(app, site.acme.email)
    response = _import(client, site, GOOD_CSV)
    assert response.status_code == 303
    with app.app_context():
        record = db.session.scalar(select(BaselineRecord).where(
            BaselineRecord.name == "Imported"))
        assert record is not None
        expected = baseline_from_csv(GOOD_CSV, name="Imported", scale=(1, 5), min_team_n=5)
        assert record.data == expected.to_dict()
        assert (record.kind, record.organisation_id, record.questionnaire_key) == (
            "import", site.org, "pmo-apo-maturity")
        assert (record.n_respondents, record.n_teams) == (36, 6)
        record_id = record.id
    assert response.headers["Location"] == (
        f"/coach/organisations/{site.org}/baselines#baseline-{record_id}")
    page = parse_html(client.get(response.headers["Location"]))
    row = page.find("tr", id=f"baseline-{record_id}")
    assert row is not None
    cells = _cells(row)
    assert (cells[1], cells[4], cells[5]) == ("imported from a file", "36", "6")
    # two focus areas of nine: listed, and says what is missing
    assert cells[6].startswith("not usable: It has no data for")


@pytest.mark.parametrize(("text", "message"), [
    ("team,standards\nA,=1+2\n", "bad.csv: line 2: '=1+2' looks like a spreadsheet formula"),
    ("team,standards\nA,@SUM(1)\n", "looks like a spreadsheet formula"),
    ("team,nonsense\nA,3\n", "unknown dimension ids ['nonsense']"),
    ("team,standards\nA,9\n", "lies outside the scale [1, 5]"),
    ("team,standards\nA,three\n", "line 2: 'standards' must be a number or empty"),
    ("", "text is empty"),
    ("team,standards\n", "a header but no data rows"),
    (b"team,standards\nA,\xff\n", "not UTF-8 text"),
    ("colour,standards\nA,3\n", "the header must start with 'team'"),
])
def test_a_bad_file_is_refused_with_a_clear_error_and_nothing_stored(
        app: Flask, site: Site, text: str | bytes, message: str) -> None:
    client = signed_in(app, site.acme.email)
    before = database_snapshot(app)
    response = _import(client, site, text, filename="bad.csv")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    page = parse_html(body)
    error = page.find("p", id="import-file-error")
    assert error is not None
    assert message in error.text
    assert error.text.endswith("Nothing was imported.")
    assert "assess-import-" not in body  # the server's temporary file is not named
    assert database_snapshot(app) == before


def test_a_file_over_the_limit_is_refused(app: Flask, site: Site,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(baselines, "MAX_IMPORT_BYTES", 1_000)
    client = signed_in(app, site.acme.email)
    before = database_snapshot(app)
    response = _import(client, site, GOOD_CSV * 4)
    assert response.status_code == 200
    error = parse_html(response).find("p", id="import-file-error")
    assert error is not None
    assert "is larger than 1,000 bytes" in error.text
    assert database_snapshot(app) == before
    # beyond the application's request limit the server refuses before reading it
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2_000)
    response = _import(client, site, "team,standards\n" + "A,3\n" * 2_000)
    assert response.status_code == 413
    assert database_snapshot(app) == before


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "No file", "questionnaire": "pmo-apo-maturity"}, "import-file",
     "Choose a CSV file to import."),
    ({"name": "Q", "questionnaire": "no-such-questionnaire", "file": "x"}, "import-questionnaire",
     "Not a valid choice"),
    ({"name": "", "questionnaire": "pmo-apo-maturity", "file": "x"}, "import-name",
     "Give the baseline a name."),
    ({"name": "Ops\u202e", "questionnaire": "pmo-apo-maturity", "file": "x"}, "import-name",
     "control characters"),
    ({"name": "Acme maturity 1 stored", "questionnaire": "pmo-apo-maturity", "file": "x"},
     "import-name", "exists already"),
])
def test_a_refused_import_form_says_which_field(app: Flask, site: Site,
                                                data: dict[str, object], field: str,
                                                message: str) -> None:
    client = signed_in(app, site.acme.email)
    sent = dict(data)
    if sent.get("file") == "x":
        sent["file"] = csv_file(GOOD_CSV)
    before = database_snapshot(app)
    response = client.post(f"/coach/organisations/{site.org}/baselines/import", data=sent)
    assert response.status_code == 200
    error = parse_html(response).find("p", id=f"{field}-error")
    assert error is not None, response.get_data(as_text=True)[:2000]
    assert message in error.text
    assert database_snapshot(app) == before


def test_a_hostile_file_name_appears_literally(app: Flask, site: Site) -> None:
    client = signed_in(app, site.acme.email)
    # (a double quote would end the file name in the multipart header: none here)
    name = "<img src=x onerror=alert(1)>" + RTL + ".csv"
    response = _import(client, site, "team,standards\nA,=1\n", filename=name)
    body = response.get_data(as_text=True)
    assert "<img src=x" not in body
    error = parse_html(body).find("p", id="import-file-error")
    assert error is not None
    assert error.text.startswith(f"{name}: line 2:")


# --- the selector macro ------------------------------------------------------------------------

PICKER = ('{% from "_macros/baseline_picker.html" import baseline_picker %}'
          '{{ baseline_picker(options, key, "/somewhere", keep={"value": "level"}) }}')


@pytest.fixture
def ctx(app: Flask, site: Site) -> Iterator[Site]:
    with app.test_request_context("/"):
        yield site


def test_the_picker_is_a_get_form_that_works_without_javascript(ctx: Site) -> None:
    campaign = db.session.get(Campaign, ctx.small)
    assert campaign is not None
    options = baseline_choices.options(campaign)
    page = parse_html(render_template_string(PICKER, options=options, key="wave"))
    form = page.find("form")
    assert form is not None
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/somewhere")
    assert form.find("input", type="hidden", name="value", value="level") is not None
    select_ = form.find("select", name="baseline")
    assert select_ is not None
    label = form.find("label")
    assert label is not None
    assert label.attrs["for"] == select_.attrs["id"]
    assert form.find("button", type="submit") is not None
    values = [o.attrs["value"] for o in select_.find_all("option")]
    assert values == [o.key for o in options]
    selected = [o.attrs["value"] for o in select_.find_all("option") if "selected" in o.attrs]
    assert selected == ["wave"]
    status = form.find("p", id=select_.attrs["aria-describedby"] or "")
    assert status is not None
    wave = next(o for o in options if o.key == "wave")
    assert status.text == baseline_choices.missing_reason(wave)
    texts = {o.attrs["value"]: o.text.strip() for o in select_.find_all("option")}
    assert texts["wave"].endswith("· 16 respondents, 1 team · too small")
    assert texts["previous"].endswith("· 36 respondents, 6 teams")
    assert texts["pool"].endswith("· not available")
    assert texts["none"] == "\u2068No comparison\u2069"


def test_the_picker_says_when_a_baseline_is_usable(ctx: Site) -> None:
    campaign = db.session.get(Campaign, ctx.small)
    assert campaign is not None
    options = baseline_choices.options(campaign)
    page = parse_html(render_template_string(PICKER, options=options, key="previous"))
    status = page.find("p", class_="baseline-status")
    assert status is not None
    assert status.text.endswith("36 respondents, 6 teams, large enough for percentiles and "
                                "verdicts.")


def test_the_picker_shows_hostile_labels_literally(ctx: Site) -> None:
    option = baseline_choices.BaselineOption(
        "stored-1", f"Stored: {HOSTILE}{RTL}", "stored", 40, 6, True, None)
    body = render_template_string(PICKER, options=[option], key="stored-1")
    assert "<img src=x" not in body
    page = parse_html(body)
    text = page.find("option")
    assert text is not None
    assert f"Stored: {HOSTILE}{RTL}" in text.text
    assert page.find("bdi") is not None
    assert page.find("bdi").text == f"Stored: {HOSTILE}{RTL}"  # type: ignore[union-attr]



# --- in a browser: accessible, and readable on a phone -----------------------------------------

@pytest.mark.browser
def test_the_baselines_page_is_accessible_and_fits_a_phone(
        page: Page, request: pytest.FixtureRequest) -> None:
    server: LiveServer = request.getfixturevalue("live_server")
    credentials = demo_credentials(server.app)
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(credentials["email"])
    page.get_by_label("Password").fill(credentials["password"])
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
    page.get_by_role("link", name="Maturity wave 1").first.click()
    page.get_by_role("link", name="Baselines").click()
    expect(page.get_by_role("heading", name=re.compile("What Maturity wave 1 can be"))
           ).to_be_visible()
    phone = ViewportSize(width=PHONE["width"], height=PHONE["height"])
    for size in (ViewportSize(width=1280, height=900), phone):
        page.set_viewport_size(size)
        assert _no_horizontal_scroll(page), page.url
        assert _axe_violations(page) == []
    # keyboard only: choose another campaign and show its comparisons
    page.get_by_label("Campaign", exact=True).focus()
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("What Maturity wave 2 can be"))
           ).to_be_visible()
    assert _axe_violations(page) == []
    # build a baseline from the closed wave: the new row says its size
    page.goto(page.url.split("?")[0] + "?campaign=1")
    page.get_by_label("Name of the new baseline", exact=True).first.fill("Browser reference")
    page.get_by_role("button", name="Build baseline").click()
    expect(page.get_by_text("Baseline Browser reference was built")).to_be_visible()
    assert _axe_violations(page) == []
