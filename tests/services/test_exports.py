"""The exports service: every number of the CSV, XLSX and JSON against the engine's result on
the same data, the anonymity rules of the raw responses, formula cells and file names.

The campaign: teams with hostile names at, above and just under the anonymity threshold
(5), so that one team is hidden for too few responses and one more to protect it
(complementary suppression), comments that look like formulas, and roles in too small groups.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import numpy as np
import openpyxl
import pytest
from flask import Flask
from sqlalchemy import select

from assess import answer_codec
from assess.extensions import db
from assess.models import Campaign, Response, ResponseStatus
from assess.scoring import CampaignResult, GroupScores
from assess.services import baselines, exports, results
from assess.services.csv_cells import formula_like, strict_csv_cell
from assess.services.questionnaires import definition_of
from tests.coach.team_page_support import Built, TeamSpec, build

HOSTILE_COMMENTS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1", " =2+2", "\uff1d1+1"]
BIG = "=cmd|' /C calc'!A0"      # 12 respondents, 11 members and a lead
TEN = "+1"                      # 10 members: exactly the comment threshold
AT = "-1"                       # 5 members: exactly the threshold
UNDER = "@SUM(1)"               # 4: just under
LEADS = "\t=1"                  # 5 leads

TEAMS = {
    BIG: TeamSpec(["team member"] * 11 + ["team lead"], comments=HOSTILE_COMMENTS),
    TEN: TeamSpec(["team member"] * 10, comments=["Plain words, with a comma", "-1"]),
    AT: TeamSpec(["team member"] * 5, comments=["under the comment threshold"]),
    UNDER: TeamSpec(["team member"] * 4, comments=["hidden team's comment"]),
    LEADS: TeamSpec(["team lead"] * 5, level=3.6),
}


@pytest.fixture
def built(app: Flask) -> Built:
    return build(app, TEAMS)


@pytest.fixture
def ctx(app: Flask, built: Built) -> Iterator[Campaign]:
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert campaign is not None
        yield campaign


# --- reading the files ------------------------------------------------------------------------

def read_csv(data: bytes) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """(about, header, rows) of an export: the "# key", value rows up to the empty row."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    end = rows.index([])
    about = {}
    for row in rows[:end]:
        assert row[0].startswith("# "), row
        about[row[0][2:]] = row[1]
    return about, rows[end + 1], rows[end + 2:]


def in_csv(text: str) -> str:
    """How a text appears in an exported CSV cell."""
    return "'" + text if formula_like(text) else text


def sheet_rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


NUMERIC = {
    "n": "n", "mean": "mean", "sd": "sd", "ci_low": "ci_low", "ci_high": "ci_high",
    "pomp": "pomp", "level_band": "level_band", "level_rubric": "level_rubric",
    "percentile": "percentile", "p": "p", "p_adjusted": "p_adjusted",
    "p_adjusted_grid": "p_adjusted_grid", "d": "d", "rwg_j": "rwg_j",
    "rwg_j_star": "rwg_j_lindell", "ad_m": "ad_m", "dont_know_rate": "dont_know_rate",
    "pmo_index": "pmo_index", "apo_index": "apo_index", "change": "change",
    "change_ci_low": "change_ci_low", "change_ci_high": "change_ci_high",
    "change_g": "change_g",
}
TRISTATE = {"verdict", "quadrant", "divided_views", "clear_change"}


def groups_of(result: CampaignResult) -> dict[str, GroupScores]:
    out = {"team": result.teams, "organisation": result.organisation}
    if result.roles is not None:
        out["role"] = result.roles
    return out


def check_row(result: CampaignResult, cells: dict[str, Any], label: Any, *,
              from_csv: bool) -> None:
    """One exported row against the engine's arrays; ``cells`` maps column to value (CSV
    text, or XLSX values)."""
    groups = groups_of(result)
    scores = groups[cells["group"]]
    g = scores.row(label)
    j = scores.dimensions.index(cells["dimension"])
    hidden = bool(scores.suppressed[g, j])
    titles = {d.id: d.label for d in result.spec.dimensions}
    assert cells["dimension_title"] == titles[cells["dimension"]]
    empty = "" if from_csv else None

    def number(value: Any) -> float | None:
        if value == empty:
            return None
        return float(value)

    if hidden:
        expected = (exports.PROTECTING if scores.complementary[g, j] else exports.NOT_ENOUGH)
        assert cells["status"] == expected
        assert number(cells["n"]) == scores.n[g, j]
        for column in [*NUMERIC, *TRISTATE, "level_label"]:
            if column != "n":
                assert cells[column] == empty, (label, column, cells[column])
        return
    assert cells["status"] == exports.SHOWN
    for column, field in NUMERIC.items():
        value = float(getattr(scores, field)[g, j])
        got = number(cells[column])
        if math.isnan(value):
            assert got is None, (label, column)
        else:
            if from_csv:  # CSV holds the shortest repr: exact
                assert got == value, (label, column, got, value)
            else:  # openpyxl writes 16 significant digits (Excel itself keeps 15)
                assert got is not None
                assert math.isclose(got, value, rel_tol=1e-15, abs_tol=1e-300), (
                    label, column, got, value)
    for column in TRISTATE:
        value = getattr(scores, column)[g, j]
        if value is None:
            assert cells[column] == empty
        elif isinstance(value, bool | np.bool_):
            assert cells[column] == (("true" if value else "false") if from_csv
                                     else bool(value))
        else:
            assert cells[column] == value
    level = scores.level_band[g, j]
    if math.isnan(level):
        assert cells["level_label"] == empty
    else:
        assert cells["level_label"] == result.spec.level_labels[int(level) - 1]


# --- the aggregated results -------------------------------------------------------------------

def test_the_campaign_has_every_case(ctx: Campaign) -> None:
    """The data set covers what the tests below rely on."""
    result = results.campaign_result(ctx)
    t = result.teams
    hidden = {label for g, label in enumerate(t.labels) if t.suppressed[g].all()}
    protecting = {label for g, label in enumerate(t.labels) if t.complementary[g].any()}
    assert UNDER in hidden
    assert protecting
    assert protecting <= {AT, LEADS}
    assert result.roles is not None


def test_results_csv_numbers_are_the_engines(ctx: Campaign) -> None:
    result = results.campaign_result(ctx)
    file = exports.export_results(ctx, "csv")
    about, header, rows = read_csv(file.data)
    assert tuple(header) == exports.RESULT_HEADER
    expected_rows = sum(len(s.labels) for s in groups_of(result).values()) * len(
        result.dimensions)
    assert len(rows) == expected_rows
    labels = {in_csv(str(label)): label for s in groups_of(result).values()
              for label in s.labels}
    seen = Counter()
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        check_row(result, cells, labels[cells["name"]], from_csv=True)
        seen[cells["group"]] += 1
    assert set(seen) == {"team", "organisation", "role"}
    assert about["campaign"] == "Wave 1"
    assert about["questionnaire_key"] == "pmo-apo-maturity"
    assert about["questionnaire_version"] == "1"
    assert about["min_n"] == "5"
    assert about["min_n_comments"] == "10"
    assert about["baseline"].startswith("none")
    assert exports.PROTECTING in about["complementary_suppression"]


def test_a_hidden_team_says_why_and_shows_no_number(ctx: Campaign) -> None:
    _, header, rows = read_csv(exports.export_results(ctx, "csv").data)
    mine = [dict(zip(header, r, strict=True)) for r in rows if r[1] == in_csv(UNDER)]
    assert len(mine) == len(definition_of(ctx.questionnaire_version).dimensions)
    for cells in mine:
        assert cells["status"] == exports.NOT_ENOUGH
        assert cells["n"] == "4"
        shown = {k: v for k, v in cells.items()
                 if k not in ("group", "name", "dimension", "dimension_title", "status", "n",
                              "baseline_note")}
        assert set(shown.values()) == {""}, shown


def test_results_xlsx_numbers_are_the_engines(ctx: Campaign) -> None:
    result = results.campaign_result(ctx)
    book = openpyxl.load_workbook(io.BytesIO(exports.export_results(ctx, "xlsx").data))
    assert book.sheetnames == ["About", "Results"]
    about = dict(sheet_rows(book["About"])[1:])
    assert about["campaign"] == "Wave 1"
    assert about["questionnaire_key"] == "pmo-apo-maturity"
    assert about["questionnaire_version"] == 1
    assert about["min_n"] == 5
    sheet = book["Results"]
    rows = sheet_rows(sheet)
    header = rows[0]
    assert tuple(header) == exports.RESULT_HEADER
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        check_row(result, cells, cells["name"], from_csv=False)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str) and formula_like(cell.value):
                assert cell.quotePrefix, cell.coordinate
    names = {r[1] for r in rows[1:]}
    assert {BIG, TEN, AT, UNDER, LEADS} <= names  # the names exactly, not prefixed


def test_results_json_is_what_assess_score_prints(app: Flask, built: Built) -> None:
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["score", str(built.campaign_id), "--json"])
    assert printed.exit_code == 0, printed.output
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert campaign is not None
        file = exports.export_results(campaign, "json")
        record = baselines.build_from_campaign(campaign, "Own wave")
        record_id = record.id
        with_baseline = exports.export_results(campaign, "json", baseline=record)
    assert file.data == printed.stdout_bytes
    assert file.mimetype == exports.JSON_MIMETYPE
    printed = runner.invoke(args=["score", str(built.campaign_id), "--json",
                                  "--baseline", str(record_id)])
    assert printed.exit_code == 0, printed.output
    assert with_baseline.data == printed.stdout_bytes
    assert json.loads(with_baseline.data)["baseline"]["name"] == "Own wave"


def test_the_baseline_is_named(ctx: Campaign) -> None:
    record = baselines.build_from_campaign(ctx, "=Own wave")
    about, _, rows = read_csv(exports.export_results(
        ctx, "csv", baseline=record, baseline_key=f"stored-{record.id}").data)
    assert about["baseline"] == "'=Own wave (previous_wave)"
    assert about["baseline_key"] == f"stored-{record.id}"
    book = openpyxl.load_workbook(io.BytesIO(exports.export_results(
        ctx, "xlsx", baseline=record).data))
    assert dict(sheet_rows(book["About"])[1:])["baseline"] == "=Own wave (previous_wave)"
    notes = {r[exports.RESULT_HEADER.index("baseline_note")] for r in rows if r[0] == "team"}
    assert "no baseline selected" not in notes  # compared (too small a baseline says so)


# --- raw responses ----------------------------------------------------------------------------

def stored_rows(campaign: Campaign, teams: set[str]) -> list[tuple[Any, ...]]:
    """The expected raw rows, decoded from the database independently of the service."""
    columns = definition_of(campaign.questionnaire_version).answer_columns
    out = []
    for response in db.session.scalars(select(Response).where(
            Response.campaign_id == campaign.id, Response.status == ResponseStatus.COMPLETE,
            Response.in_results.is_(True))):
        if response.team.name in teams:
            answers = answer_codec.decode(columns, response.values)
            out.append((response.team.name, *(answers.get(c) for c in columns)))
    return out


def expected_teams(result: CampaignResult) -> set[str]:
    t = result.teams
    return {str(label) for g, label in enumerate(t.labels)
            if int(t.n_respondents[g]) >= 5 and not t.complementary[g].any()
            and len(TEAMS[label].roles) >= 5}


def test_raw_responses_only_of_teams_at_or_above_the_threshold(ctx: Campaign) -> None:
    result = results.campaign_result(ctx)
    teams = expected_teams(result)
    assert BIG in teams
    assert TEN in teams
    assert UNDER not in teams
    assert {AT, LEADS} - teams  # one of them is hidden to protect the small team
    assert teams & {AT, LEADS}  # and the other, exactly at the threshold, is exported
    about, header, rows = read_csv(exports.export_responses(ctx, "csv").data)
    columns = definition_of(ctx.questionnaire_version).answer_columns
    assert header == ["team", *columns]  # no role column: the lead of BIG is alone
    assert "role" not in header
    by_csv = {in_csv(t): t for t in TEAMS}

    def parse(cell: str) -> Any:
        if cell == "":
            return None
        return cell if cell == answer_codec.DONT_KNOW_VALUE else int(cell)

    got = sorted(((by_csv[r[0]], *(parse(c) for c in r[1:])) for r in rows), key=repr)
    assert got == sorted(stored_rows(ctx, teams), key=repr)
    assert "dk" in {c for r in rows for c in r}
    assert about["role_column"].startswith("left out")
    assert f"{UNDER} (fewer than 5 complete responses)" in about["teams_left_out"]
    assert about["comments"].startswith("not in the CSV")
    text = exports.export_responses(ctx, "csv").data.decode()
    for comment in ("Plain words, with a comma", "under the comment threshold",
                    "hidden team's comment", "\uff1d1+1", " =2+2"):
        assert comment not in text


def test_raw_responses_xlsx(ctx: Campaign) -> None:
    result = results.campaign_result(ctx)
    teams = expected_teams(result)
    book = openpyxl.load_workbook(io.BytesIO(exports.export_responses(ctx, "xlsx").data))
    assert book.sheetnames == ["About", "Responses", "Comments", "Items"]
    rows = sheet_rows(book["Responses"])
    columns = definition_of(ctx.questionnaire_version).answer_columns
    assert rows[0] == ["team", *columns]
    assert sorted((tuple(r) for r in rows[1:]), key=repr) == sorted(
        stored_rows(ctx, teams), key=repr)
    items = sheet_rows(book["Items"])
    assert [r[0] for r in items[1:]] == list(columns)
    for row in book["Responses"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_comments_only_for_teams_at_or_above_the_comment_threshold(ctx: Campaign) -> None:
    book = openpyxl.load_workbook(io.BytesIO(exports.export_responses(ctx, "xlsx").data))
    sheet = book["Comments"]
    rows = sheet_rows(sheet)
    assert rows[0] == ["team", "item", "comment"]
    got = Counter((r[0], r[2]) for r in rows[1:])
    expected = Counter([(BIG, c) for c in HOSTILE_COMMENTS]
                       + [(TEN, "Plain words, with a comma"), (TEN, "-1")])
    assert got == expected  # exactly as written, neither the 5 nor the 4 team's
    for row in sheet.iter_rows(min_row=2):
        cell = row[2]
        assert cell.data_type == "s"
        assert cell.quotePrefix == formula_like(cell.value), cell.value
        assert cell.quotePrefix == (cell.value in [*HOSTILE_COMMENTS, "-1"]), cell.value


def role_campaign(app: Flask, *, small: bool) -> Built:
    lead_count = 4 if small else 5
    return build(app, {
        "North": TeamSpec(["team member"] * 5 + ["team lead"] * 5),
        "South": TeamSpec(["team member"] * 6 + ["team lead"] * lead_count),
    }, email="roles@example.org", organisation="Roles Inc", campaign="Roles wave")


@pytest.mark.parametrize("small", [False, True])
def test_the_role_column_only_where_every_team_role_group_is_big_enough(
        app: Flask, small: bool) -> None:
    built = role_campaign(app, small=small)
    with app.app_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        assert campaign is not None
        about, header, rows = read_csv(exports.export_responses(campaign, "csv").data)
        book = openpyxl.load_workbook(io.BytesIO(
            exports.export_responses(campaign, "xlsx").data))
    xlsx_header = sheet_rows(book["Responses"])[0]
    if small:
        assert "role" not in header
        assert "role" not in xlsx_header
        assert about["role_column"].startswith("left out")
    else:
        assert header[:2] == ["team", "role"]
        assert xlsx_header[:2] == ["team", "role"]
        assert Counter((r[0], r[1]) for r in rows) == {
            ("North", "team member"): 5, ("North", "team lead"): 5,
            ("South", "team member"): 6, ("South", "team lead"): 5}
        assert about["role_column"].startswith("included")


def test_raw_rows_are_in_random_order(ctx: Campaign) -> None:
    """27 rows: two exports (or an export and the order in the database) in the same order
    by chance has probability 1/27!, about 1e-28."""
    teams = expected_teams(results.campaign_result(ctx))
    first = read_csv(exports.export_responses(ctx, "csv").data)[2]
    second = read_csv(exports.export_responses(ctx, "csv").data)[2]
    assert len(first) >= 10
    assert sorted(first) == sorted(second)
    assert first != second
    by_csv = {in_csv(t): t for t in TEAMS}
    stored = [tuple("" if v is None else str(v) for v in row)
              for row in stored_rows(ctx, teams)]
    exported = [(by_csv[r[0]], *r[1:]) for r in first]
    assert exported != stored
    assert sorted(exported) == sorted(stored)


def test_raw_responses_carry_no_ids_or_dates(ctx: Campaign) -> None:
    data = exports.export_responses(ctx, "csv").data.decode()
    _, header, _ = read_csv(data.encode())
    assert not {"id", "uid", "response", "completed_on", "started_on", "updated_on"} & set(
        header)
    with db.session.no_autoflush:
        for response in db.session.scalars(select(Response).where(
                Response.campaign_id == ctx.id)):
            assert response.uid not in data
            assert response.submit_key not in data


# --- cells and names --------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", " =1", "  +1", "\u00a0@x",
    "\n=1", "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20x", " \t=1",
])
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert formula_like(value)
    assert strict_csv_cell(value) == "'" + value


@pytest.mark.parametrize(("value", "cell"), [
    (-1, "-1"), (-2.5, "-2.5"), (0, "0"), (None, ""), (True, "true"), ("plain", "plain"),
    ("a=b", "a=b"), ("", ""), ("   ", "   "), ("1+1", "1+1"),
])
def test_numbers_stay_numbers_and_plain_text_stays(value: object, cell: str) -> None:
    assert strict_csv_cell(value) == cell


HOSTILE_NAMES = [
    "../../etc/passwd", 'Wave "one"; filename=evil.exe', "Wave\r\nSet-Cookie: x=1",
    "\u202eexe.txt", "=cmd|' /C calc'!A0", "x" * 10_000, "Ünïcode Straße 2026",
    "日本語のキャンペーン", "////", "..", "\u200f\u202b", "a\x00b",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_download_names_are_safe_and_bounded(name: str) -> None:
    import datetime as dt

    filename = exports.download_name(name, "results", "csv", fallback="campaign-7",
                                     today=dt.date(2026, 1, 2))
    assert filename.startswith("assess-")
    assert filename.endswith("-results-2026-01-02.csv")
    assert len(filename) <= 7 + exports.MAX_NAME_PART + 24
    for bad in ("/", "\\", "..", '"', "'", ";", "\r", "\n", "\x00", "\u202e", "\u200f",
                "\u202b", " "):
        assert bad not in filename, (bad, filename)
    header = exports.content_disposition(filename)
    header.encode("ascii")  # the header itself is ASCII
    assert "\r" not in header
    assert "\n" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.endswith(".csv")
    assert all(c.isalnum() or c in "-_." for c in fallback)
    if "filename*=" in header:
        assert unquote(header.split("filename*=UTF-8''", 1)[1]) == filename


def test_a_unicode_name_keeps_its_letters_in_filename_star() -> None:
    filename = exports.download_name("Ünïcode Straße", "results", "xlsx", fallback="c")
    assert filename.startswith("assess-Ünïcode-Straße-results-")
    header = exports.content_disposition(filename)
    assert 'filename="assess-Unicode-Strae-results-' in header
    assert "filename*=UTF-8''assess-%C3%9Cn%C3%AFcode-Stra%C3%9Fe-results-" in header


def test_unknown_formats_are_refused(ctx: Campaign) -> None:
    with pytest.raises(ValueError, match="fmt"):
        exports.export_results(ctx, "html")
    with pytest.raises(ValueError, match="fmt"):
        exports.export_responses(ctx, "json")
