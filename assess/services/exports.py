"""A campaign's results and raw responses as files: CSV, XLSX and JSON (docs/exports.md).

Flask-free: the views pass a campaign, a baseline choice and the results state; this module
scores through :func:`assess.services.results.campaign_result` and writes bytes.

* **Results** (aggregated): one row per group (teams, the organisation, roles) x focus
  area, from :meth:`CampaignResult.to_dict`, so that a hidden cell carries exactly what the
  JSON carries (its ``n`` and why it is hidden, never a statistic). The JSON export *is*
  ``assess score CAMPAIGN --json``: the same function and the same ``json.dumps``.
* **Responses** (raw): one row per released complete response of a team at or above the
  anonymity threshold that no cell hides to protect a smaller team, in random order, without
  ids, dates or anything else that tells respondents apart; the role column only where every
  team x role group in the file is at or above the threshold. Comments only in the XLSX
  (a sheet of their own, never beside the answers), for teams at or above the comment
  threshold.

Every file names the campaign, the questionnaire key and version, the baseline and the
suppression rules: CSV in a block of ``# key``, value rows ended by an empty row, XLSX on an
"About" sheet. Text that a spreadsheet could run as a formula is neutralised in CSV (a
leading ``'``) and stored as text with Excel's quote prefix in XLSX; numbers stay numbers.
openpyxl ships no type information (its stubs are not among the pinned test tools): its
imports carry ``type: ignore``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import numpy as np
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]
from sqlalchemy import select

from .. import answer_codec
from ..extensions import db
from ..models import Campaign, CampaignStatus, Response, ResponseStatus, TextAnswer, utcnow
from ..scoring import CampaignResult
from .answers import CampaignAnswers, load_answers, team_names
from .csv_cells import formula_like, strict_csv_cell
from .questionnaires import definition_of
from .release import ResultsState
from .results import CAMPAIGN_BASELINE, BaselineChoice, campaign_result

#: What a hidden cell says instead of its numbers.
NOT_ENOUGH = "not enough responses"
PROTECTING = "hidden to protect a smaller group"
SHOWN = "shown"

#: How "don't know" is written in the raw responses.
DONT_KNOW = answer_codec.DONT_KNOW_VALUE

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MIMETYPE = "application/json"

#: Longest part of a download name taken from the campaign's name (characters).
MAX_NAME_PART = 60


@dataclass(frozen=True)
class ExportFile:
    """A file to download: its bytes, media type and name (see :func:`content_disposition`)."""

    data: bytes
    mimetype: str
    filename: str


# --- the columns of the results ---------------------------------------------------------------

#: (column, record key) of the results table after group, name, dimension and title.
RESULT_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("status", None),
    ("n", "n"),
    ("mean", "mean"),
    ("sd", "sd"),
    ("ci_low", "ci_low"),
    ("ci_high", "ci_high"),
    ("pomp", "pomp"),
    ("level_band", "level_band"),
    ("level_label", None),
    ("level_rubric", "level_rubric"),
    ("percentile", "percentile"),
    ("verdict", "verdict"),
    ("p", "p"),
    ("p_adjusted", "p_adjusted"),
    ("p_adjusted_grid", "p_adjusted_grid"),
    ("d", "d"),
    ("rwg_j", "rwg_j"),
    ("rwg_j_star", "rwg_j_lindell"),
    ("ad_m", "ad_m"),
    ("divided_views", "divided_views"),
    ("dont_know_rate", "dont_know_rate"),
    ("pmo_index", "pmo_index"),
    ("apo_index", "apo_index"),
    ("quadrant", "quadrant"),
    ("change", "change"),
    ("change_ci_low", "change_ci_low"),
    ("change_ci_high", "change_ci_high"),
    ("change_g", "change_g"),
    ("clear_change", "clear_change"),
    ("baseline_note", None),
)

RESULT_HEADER: tuple[str, ...] = ("group", "name", "dimension", "dimension_title",
                                  *(c for c, _ in RESULT_COLUMNS))


def result_rows(result: CampaignResult) -> list[list[object]]:
    """The results table: teams, then the organisation, then roles, each x focus area.

    Built from :meth:`CampaignResult.to_dict` (the engine decides what a hidden cell shows):
    a hidden cell has its ``n`` and the reason in ``status``, and every statistic empty.
    """
    data = result.to_dict()
    titles = {d.id: d.label or d.id for d in result.spec.dimensions}
    labels = result.spec.level_labels
    notes = data["baseline"]["notes"]
    groups: list[tuple[str, str, list[dict[str, Any]]]] = [
        ("team", "team", data["teams"]),
        ("organisation", "team", data["organisation"]),
        ("role", "role", data["roles"] or []),
    ]
    rows: list[list[object]] = []
    for group, key, records in groups:
        for rec in records:
            dim = rec["dimension"]
            status = SHOWN
            if rec["suppressed"]:
                status = PROTECTING if rec["complementary"] else NOT_ENOUGH
            row: list[object] = [group, rec[key], dim, titles.get(dim, dim)]
            for column, field in RESULT_COLUMNS:
                if column == "status":
                    row.append(status)
                elif column == "level_label":
                    level = rec["level_band"]
                    row.append(labels[level - 1] if isinstance(level, int)
                               and 1 <= level <= len(labels) else None)
                elif column == "baseline_note":
                    row.append(None if group == "role" else notes.get(dim))
                else:
                    assert field is not None
                    row.append(rec[field])
            rows.append(row)
    return rows


# --- what every file says about itself --------------------------------------------------------

def _baseline_text(result: CampaignResult) -> str:
    if result.baseline_name is None:
        return "none (no percentiles or verdicts)"
    return f"{result.baseline_name} ({result.baseline_kind})"


def about(campaign: Campaign, result: CampaignResult, state: ResultsState | None, *,
          what: str, baseline_key: str | None = None) -> list[tuple[str, object]]:
    """The description of an export: (key, value) pairs, shown first in CSV, on "About" in
    XLSX."""
    version = campaign.questionnaire_version
    previous = campaign.previous_campaign
    interim = bool(state is not None and state.interim)
    pending = state.pending_total if state is not None and interim else 0
    results_state = ("interim: the campaign is open; teams' numbers change only in steps of "
                     f"at least {campaign.min_n} responses"
                     + (f" ({pending} complete responses not yet included)" if pending else "")
                     if interim else
                     "final" if campaign.status == CampaignStatus.CLOSED else "as released")
    pairs: list[tuple[str, object]] = [
        ("export", what),
        ("campaign", campaign.name),
        ("organisation", campaign.organisation.name),
        ("questionnaire", str(version.title)),
        ("questionnaire_key", version.key),
        ("questionnaire_version", version.version),
        ("campaign_status", campaign.status),
        ("results", results_state),
        ("baseline", _baseline_text(result)),
        ("baseline_key", baseline_key or "campaign"),
        ("previous_wave", previous.name if previous is not None else "none"),
        ("min_n", campaign.min_n),
        ("min_n_comments", campaign.min_n_comments),
        ("min_n_spread", result.spec.min_n_spread),
        ("hidden_cells", f"groups with fewer than {campaign.min_n} valid scores on a focus "
                         f"area say '{NOT_ENOUGH}' and show their n only, never a number"),
        ("complementary_suppression", "on: a group is also hidden where its numbers, with "
                                      "the organisation's or the other groups', would reveal "
                                      f"a hidden group's (it says '{PROTECTING}')"),
        ("exported_on", utcnow().date().isoformat()),
    ]
    return pairs


# --- the results files ------------------------------------------------------------------------

def results_json(result: CampaignResult) -> bytes:
    """Exactly what ``assess score CAMPAIGN --json`` prints for the same baseline."""
    return (json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n").encode("utf-8")


def _csv_bytes(meta: Sequence[tuple[str, object]], header: Sequence[str],
               rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (spreadsheets then read it as UTF-8): the ``# key``,
    value rows, an empty row, the header, the rows; RFC 4180 quoting, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for key, value in meta:
        writer.writerow([f"# {key}", strict_csv_cell(value)])
    writer.writerow([])
    writer.writerow([strict_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([strict_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_xlsx_text(text: str) -> str:
    # openpyxl refuses the C0 control characters XML 1.0 cannot hold; the app refuses them
    # in names and comments already, so this only guards against older rows.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _put(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """One cell: numbers as numbers, booleans as TRUE/FALSE, text always as text (never a
    formula: openpyxl would store "=..." as one), with the quote prefix where a spreadsheet
    could read it as a formula once edited."""
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, bool | int | float | np.integer | np.floating):
        cell.value = value.item() if isinstance(value, np.generic) else value
        return
    text = _safe_xlsx_text(str(value))
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True


def _sheet(book: Workbook, title: str, header: Sequence[str],
           rows: Iterable[Sequence[object]], *, first: bool = False) -> Worksheet:
    sheet = book.active if first else book.create_sheet()
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    bold = Font(bold=True)
    for c, name in enumerate(header, start=1):
        _put(sheet, 1, c, name)
        sheet.cell(row=1, column=c).font = bold
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            _put(sheet, r, c, value)
    sheet.freeze_panes = "A2"
    return sheet


def _xlsx_bytes(meta: Sequence[tuple[str, object]],
                sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]
                ) -> bytes:
    book = Workbook()
    _sheet(book, "About", ("key", "value"), meta, first=True)
    for title, header, rows in sheets:
        _sheet(book, title, header, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_results(campaign: Campaign, fmt: str, *,
                   baseline: BaselineChoice = CAMPAIGN_BASELINE,
                   baseline_key: str | None = None,
                   state: ResultsState | None = None,
                   today: dt.date | None = None) -> ExportFile:
    """The campaign's aggregated results as ``fmt`` ("csv", "xlsx" or "json")."""
    if fmt not in ("csv", "xlsx", "json"):
        raise ValueError(f"fmt: expected csv, xlsx or json, got {fmt!r}")
    result = campaign_result(campaign, baseline)
    name = download_name(campaign.name, "results", fmt, today=today,
                         fallback=f"campaign-{campaign.id}")
    if fmt == "json":
        return ExportFile(results_json(result), JSON_MIMETYPE, name)
    meta = about(campaign, result, state, what="aggregated results per group and focus area",
                 baseline_key=baseline_key)
    rows = result_rows(result)
    if fmt == "csv":
        return ExportFile(_csv_bytes(meta, RESULT_HEADER, rows), CSV_MIMETYPE, name)
    return ExportFile(_xlsx_bytes(meta, [("Results", RESULT_HEADER, rows)]), XLSX_MIMETYPE,
                      name)


# --- raw responses ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RawResponses:
    """The rows of a raw export and what decided them."""

    header: tuple[str, ...]
    rows: list[list[object]]               # shuffled
    teams: tuple[str, ...]                 # teams whose responses are in the file
    left_out: tuple[tuple[str, str], ...]  # (team, why) for the campaign's other teams
    with_roles: bool
    roles_note: str
    comments: list[list[object]]           # (team, item id, text), shuffled
    comment_teams: tuple[str, ...]


def _cell(value: float, dont_know: bool) -> object:
    if dont_know:
        return DONT_KNOW
    if value != value:  # NaN: no answer
        return None
    return int(value)


def _released_texts(campaign: Campaign) -> list[tuple[int, str, str]]:
    """(team id, item id, text) of the campaign's released responses (complete and
    ``in_results``), as :func:`~assess.services.answers.load_answers` selects them."""
    rows = db.session.execute(
        select(Response.team_id, TextAnswer.item_id, TextAnswer.text)
        .join(TextAnswer, TextAnswer.response_id == Response.id)
        .where(Response.campaign_id == campaign.id,
               Response.status == ResponseStatus.COMPLETE,
               Response.in_results.is_(True))
    ).all()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def raw_responses(campaign: Campaign, result: CampaignResult | None = None,
                  answers: CampaignAnswers | None = None) -> RawResponses:
    """What a raw export holds (see the module notes and docs/exports.md)."""
    answers = answers if answers is not None else load_answers(campaign)
    result = result if result is not None else campaign_result(campaign, None,
                                                                with_previous=False)
    names = team_names(campaign)
    min_n, min_n_comments = campaign.min_n, campaign.min_n_comments
    counts = Counter(int(t) for t in answers.team_ids)
    protecting = {label for g, label in enumerate(result.teams.labels)
                  if bool(np.any(result.teams.complementary[g]))}
    included: set[int] = set()
    left_out: list[tuple[str, str]] = []
    for team_id, name in sorted(names.items(), key=lambda kv: kv[1]):
        n = counts.get(team_id, 0)
        if n < min_n:
            left_out.append((name, f"fewer than {min_n} complete responses"))
        elif name in protecting:
            left_out.append((name, PROTECTING))
        else:
            included.add(team_id)
    keep = np.array([int(t) in included for t in answers.team_ids], dtype=bool)
    team_ids = answers.team_ids[keep]
    roles = answers.roles[keep]
    values = answers.values[keep]
    dont_know = answers.dont_know[keep]

    role_of = ["not given" if r is None else str(r) for r in roles]
    groups = Counter(zip((int(t) for t in team_ids), role_of, strict=True))
    distinct_roles = {r for _, r in groups}
    with_roles = bool(groups) and len(distinct_roles) > 1 and min(groups.values()) >= min_n
    if not groups:
        roles_note = "left out: no responses in the file"
    elif len(distinct_roles) <= 1:
        roles_note = "left out: every response in the file has the same role"
    elif with_roles:
        roles_note = f"included: every team x role group in the file has at least {min_n}"
    else:
        roles_note = (f"left out: some team x role group in the file has fewer than {min_n} "
                      "responses")

    header = ("team", *(("role",) if with_roles else ()), *answers.item_ids)
    rows: list[list[object]] = []
    for i in range(values.shape[0]):
        row: list[object] = [names.get(int(team_ids[i]), str(int(team_ids[i])))]
        if with_roles:
            row.append(role_of[i])
        row.extend(_cell(float(v), bool(k))
                   for v, k in zip(values[i].tolist(), dont_know[i].tolist(), strict=True))
        rows.append(row)
    shuffle = secrets.SystemRandom().shuffle
    shuffle(rows)

    comment_ids = {t for t in included if counts.get(t, 0) >= min_n_comments}
    comments: list[list[object]] = [[names[t], item, text]
                                    for t, item, text in _released_texts(campaign)
                                    if t in comment_ids]
    shuffle(comments)
    return RawResponses(
        header, rows, tuple(sorted(names[t] for t in included)), tuple(left_out), with_roles,
        roles_note, comments, tuple(sorted(names[t] for t in comment_ids)))


def _item_rows(campaign: Campaign) -> list[list[object]]:
    """The answer columns described: item id, focus area, type, scale, orientation, reverse
    keying and the item's text."""
    definition = definition_of(campaign.questionnaire_version)
    language = definition.language
    dimension_of = {item.id: d for d in definition.dimensions for item in d.items}
    rows: list[list[object]] = []
    for item in definition.answer_items:
        dimension = dimension_of[item.id]
        rows.append([item.id, dimension.id, dimension.title.get(language), item.type,
                     item.scale or "", item.orientation if item.type == "likert" else "",
                     item.reverse if item.type == "likert" else "", item.text.get(language)])
    return rows


def export_responses(campaign: Campaign, fmt: str, *, state: ResultsState | None = None,
                     today: dt.date | None = None) -> ExportFile:
    """The campaign's raw responses as ``fmt`` ("csv" or "xlsx"); see :func:`raw_responses`."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"fmt: expected csv or xlsx, got {fmt!r}")
    result = campaign_result(campaign, None, with_previous=False)
    raw = raw_responses(campaign, result)
    meta = about(campaign, result, state, what="raw responses", baseline_key="none")
    meta = [(k, v) for k, v in meta if k not in ("baseline", "baseline_key", "previous_wave")]
    meta += [
        ("rows", f"one per complete response included in the results, {len(raw.rows)} in "
                 "all, in random order (no ids, dates or order of arrival)"),
        ("teams_included", "; ".join(raw.teams) or "none"),
        ("teams_left_out", "; ".join(f"{t} ({why})" for t, why in raw.left_out) or "none"),
        ("role_column", raw.roles_note),
        ("answers", f"the scale value; '{DONT_KNOW}' for don't know; empty for no answer; "
                    "columns in the questionnaire's order, reverse-keyed items as answered"),
        ("comments", (f"in the XLSX file's Comments sheet, apart from the answers, for "
                      f"teams with at least {campaign.min_n_comments} responses")
                     if fmt == "xlsx" else
                     "not in the CSV file (the XLSX file has them on a sheet of their own)"),
    ]
    name = download_name(campaign.name, "responses", fmt, today=today,
                         fallback=f"campaign-{campaign.id}")
    if fmt == "csv":
        return ExportFile(_csv_bytes(meta, raw.header, raw.rows), CSV_MIMETYPE, name)
    sheets: list[tuple[str, Sequence[str], Iterable[Sequence[object]]]] = [
        ("Responses", raw.header, raw.rows),
        ("Comments", ("team", "item", "comment"), raw.comments),
        ("Items", ("item", "dimension", "dimension_title", "type", "scale", "orientation",
                   "reverse", "text"), _item_rows(campaign)),
    ]
    return ExportFile(_xlsx_bytes(meta, sheets), XLSX_MIMETYPE, name)


# --- file names -------------------------------------------------------------------------------

def _slug(text: str, pattern: str) -> str:
    return re.sub(pattern, "-", text).strip("-_")[:MAX_NAME_PART].strip("-_")


def download_name(campaign_name: str, what: str, fmt: str, *, fallback: str,
                  today: dt.date | None = None) -> str:
    """``assess-<campaign>-<what>-<date>.<fmt>``: the name's letters, digits, ``-`` and
    ``_`` (any script, at most :data:`MAX_NAME_PART` of them; bidi and control characters,
    dots, slashes and quotes never), or ``fallback`` when nothing is left."""
    name = unicodedata.normalize("NFKC", campaign_name)
    part = _slug(name, r"[^\w]+") or fallback
    return f"assess-{part}-{what}-{(today or utcnow().date()).isoformat()}.{fmt}"


def ascii_name(filename: str) -> str:
    """The ASCII fallback of a download name: accents dropped, other letters left out."""
    stem, dot, ext = filename.rpartition(".")
    decomposed = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_-]+", "-", decomposed)).strip("-_")
    return f"{cleaned or 'assess-export'}{dot}{re.sub(r'[^A-Za-z0-9]', '', ext)}"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the RFC 5987 ``filename*`` (UTF-8)."""
    fallback = ascii_name(filename)
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
