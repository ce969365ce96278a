"""Baselines in the database: built from a wave, an organisation or a server-wide pool, or
imported from CSV; stored as aggregates; refused cleanly when the input is wrong."""

from __future__ import annotations

import math
import os
import secrets
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import func, select

from assess import answer_codec
from assess.errors import Conflict, InvalidInput, NotFound
from assess.extensions import db
from assess.models import (
    BaselineRecord,
    Campaign,
    CampaignStatus,
    Organisation,
    Response,
    ResponseStatus,
    Team,
    TeamLink,
)
from assess.scoring import Baseline, ScoringWarning, respondent_scores
from assess.services import answers as answer_loading
from assess.services import baselines, results
from assess.services.accounts import get_or_create_organisation
from assess.services.demo import DEMO_ORGANISATION
from assess.services.lookup import campaign_by_ref, organisation_by_name
from assess.services.questionnaires import definition_of, latest_version

MATURITY = "pmo-apo-maturity"
WAVE1, WAVE2 = "Maturity wave 1", "Maturity wave 2"
DIMENSIONS = ("standards", "delivery", "portfolio", "talent", "governance", "change",
              "tooling", "knowledge", "strategy")


@pytest.fixture
def ctx(demo_app: Flask) -> Iterator[Flask]:
    with demo_app.app_context():
        yield demo_app


def stored() -> int:
    return int(db.session.scalar(select(func.count()).select_from(BaselineRecord)))


def add_organisation(name: str, sizes: Sequence[int], *, seed: int = 1, level: float = 3.0,
                     key: str = MATURITY, is_demo: bool = False,
                     campaign_name: str = "Spring wave") -> Campaign:
    """A (by default non-demo) organisation with one closed campaign of complete responses."""
    version = latest_version(key)
    definition = definition_of(version)
    rng = np.random.default_rng(seed)
    org = get_or_create_organisation(name, is_demo=is_demo)
    campaign = Campaign(organisation=org, questionnaire_version=version, name=campaign_name,
                        status=CampaignStatus.CLOSED, is_demo=is_demo)
    db.session.add(campaign)
    item_ids = [item.id for item in definition.answer_items]
    for t, size in enumerate(sizes):
        team = db.session.scalar(select(Team).where(Team.organisation_id == org.id,
                                                    Team.name == f"Team {t + 1}"))
        if team is None:
            team = Team(organisation=org, name=f"Team {t + 1}")
            db.session.add(team)
        db.session.add(TeamLink(campaign=campaign, team=team))
        team_level = level + rng.normal(0, 0.4)
        for _ in range(size):
            person = team_level + rng.normal(0, 0.5)
            answers: dict[str, answer_codec.Answer] = {}
            for item in definition.answer_items:
                raw = int(np.clip(np.rint(person + rng.normal(0, 0.6)), 1, 5))
                answers[item.id] = 6 - raw if item.reverse else raw
            db.session.add(Response(
                uid=secrets.token_hex(16), campaign=campaign, team=team,
                questionnaire_version=version, status=ResponseStatus.COMPLETE,
                browser_key_hash=secrets.token_hex(32), submit_key=secrets.token_hex(16),
                values=answer_codec.encode(item_ids, answers), answered=len(answers),
                in_results=True))  # a closed wave: released at its close
    db.session.commit()
    return campaign


def person_scores(campaigns: Sequence[Campaign]) -> tuple[np.ndarray, np.ndarray]:
    """Respondent dimension scores and "<campaign>:<team>" labels, pooled."""
    blocks, labels = [], []
    for c in campaigns:
        answers = answer_loading.load_answers(c)
        spec = answer_loading.instrument_spec(definition_of(c.questionnaire_version), c)
        blocks.append(respondent_scores(answers.values, answers.dont_know, spec).scores)
        labels.extend(f"{c.id}:{t}" for t in answers.team_ids.tolist())
    return np.vstack(blocks), np.array(labels)


def visible_team_labels(campaigns: Sequence[Campaign]) -> dict[str, np.ndarray]:
    """Per "<campaign>:<team>" label, the dimensions on which the scored wave shows the team."""
    shown = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        for c in campaigns:
            result = results.campaign_result(c, None, with_previous=False)
            for team_id, name in answer_loading.team_names(c).items():
                row = result.teams.row(name)
                shown[f"{c.id}:{team_id}"] = ~result.teams.suppressed[row]
    return shown


def check_aggregates(record: BaselineRecord, campaigns: Sequence[Campaign]) -> None:
    """The stored baseline holds the moments of these campaigns' person scores, and the team
    means of exactly the teams each wave shows (none it hides, for whatever reason)."""
    scores, labels = person_scores(campaigns)
    shown = visible_team_labels(campaigns)
    b = baselines.baseline_of(record)
    assert b.dimension_ids == DIMENSIONS
    for j, dim in enumerate(b.dimensions):
        col = scores[:, j]
        valid = ~np.isnan(col)
        assert dim.n == valid.sum()
        assert math.isclose(dim.mean, col[valid].mean(), abs_tol=1e-12)
        assert math.isclose(dim.sd, col[valid].std(ddof=1), abs_tol=1e-12)
        team_means = sorted(col[valid & (labels == lab)].mean() for lab in set(labels)
                            if shown[lab][j])
        np.testing.assert_allclose(dim.team_means, team_means, rtol=0, atol=1e-12)
    assert record.n_respondents == max(d.n for d in b.dimensions)
    assert record.n_teams == max(d.team_count for d in b.dimensions)
    assert record.questionnaire_key == MATURITY


# =============================================================================================
# building
# =============================================================================================
@pytest.mark.usefixtures("ctx")
def test_build_from_campaign_stores_the_wave_aggregates():
    wave1 = campaign_by_ref(WAVE1)
    before = stored()
    record = baselines.build_from_campaign(wave1)
    assert stored() == before + 1
    assert record.name == "Maturity wave 1 (wave)"
    assert (record.kind, record.organisation_id, record.source_campaign_id) == (
        "previous_wave", wave1.organisation_id, wave1.id)
    check_aggregates(record, [wave1])
    # 51 respondents in 7 teams; the 3-person team is hidden, and one more team with it
    # (complementary suppression), so five team means remain
    assert (record.n_respondents, record.n_teams) == (51, 5)
    assert baselines.usability(record) is None
    assert baselines.find(record.name, wave1.organisation) == record
    assert baselines.find(str(record.id)) == record


@pytest.mark.usefixtures("ctx")
def test_build_for_organisation_pools_every_campaign_of_the_questionnaire():
    org = organisation_by_name(DEMO_ORGANISATION)
    record = baselines.build_for_organisation(org, MATURITY, "Demo, both waves")
    assert (record.kind, record.organisation_id, record.source_campaign_id) == (
        "organisation", org.id, None)
    campaigns = [campaign_by_ref(WAVE1), campaign_by_ref(WAVE2)]
    check_aggregates(record, campaigns)
    # each wave's teams are separate team means: 5 visible teams in wave 1; wave 2 is open
    # with interim results, released in steps of 5 per team: 5 of each team of six or more,
    # none of the three-person team (so no team needs hiding to protect it: 6 visible)
    assert (record.n_respondents, record.n_teams) == (51 + 6 * 5, 5 + 6)
    with pytest.raises(InvalidInput, match="has no campaign of 'no-such-questionnaire'"):
        baselines.build_for_organisation(org, "no-such-questionnaire")


@pytest.mark.usefixtures("ctx")
def test_pool_leaves_demo_organisations_out():
    first = add_organisation("Acme Logistics", [6, 7, 5, 8, 6], seed=11)
    second = add_organisation("Bolt Insurance", [9, 5, 4, 6], seed=12, level=3.6)
    add_organisation("Another demo (demo data)", [10, 10, 10], seed=13, level=1.5,
                     is_demo=True)
    before = stored()
    record = baselines.build_pool(MATURITY)
    assert stored() == before + 1
    assert (record.kind, record.organisation_id) == ("pool", None)
    assert record.name == f"All organisations: {MATURITY}"
    # exactly the two real organisations' respondents: no demo answer entered the pool
    check_aggregates(record, [first, second])
    scores, labels = person_scores([first, second])
    assert record.n_respondents == 6 + 7 + 5 + 8 + 6 + 9 + 5 + 4 + 6
    # the 4-person team is hidden, and one more of its organisation with it
    assert record.n_teams == 7
    # merged from per-organisation aggregates, equal to the baseline of the union
    union = Baseline.from_scores(scores, labels, DIMENSIONS, name="union")
    pooled = baselines.baseline_of(record)
    for a, b in zip(pooled.dimensions, union.dimensions, strict=True):
        assert a.n == b.n
        assert math.isclose(a.mean, b.mean, abs_tol=1e-12)
        assert math.isclose(a.sd, b.sd, abs_tol=1e-12)


@pytest.mark.usefixtures("ctx")
def test_pool_of_demo_data_only_is_refused():
    before = stored()
    with pytest.raises(InvalidInput, match="no organisation \\(other than demo data\\) has "
                                           "answers to 'pmo-apo-maturity'"):
        baselines.build_pool(MATURITY)
    assert stored() == before


@pytest.mark.usefixtures("ctx")
def test_duplicate_names_are_refused():
    wave1 = campaign_by_ref(WAVE1)
    baselines.build_from_campaign(wave1, "Spring reference")
    before = stored()
    with pytest.raises(Conflict, match="a baseline named 'Spring reference' exists already"):
        baselines.build_from_campaign(wave1, "Spring reference")
    with pytest.raises(Conflict, match="exists already"):
        baselines.build_for_organisation(wave1.organisation, MATURITY, "Spring reference")
    # the demo's own baseline name is taken too
    with pytest.raises(Conflict, match="exists already"):
        baselines.build_from_campaign(wave1, "Maturity wave 1 (demo baseline)")
    assert stored() == before
    # names are per organisation: another organisation, or the server-wide pools, may reuse it
    other = add_organisation("Acme Logistics", [6, 6, 6, 6, 6], seed=5)
    baselines.build_from_campaign(other, "Spring reference")
    baselines.build_pool(MATURITY, "Spring reference")
    with pytest.raises(Conflict, match="exists already"):
        baselines.build_pool(MATURITY, "Spring reference")
    assert stored() == before + 2
    # a name used by two organisations' baselines is ambiguous without an organisation
    with pytest.raises(NotFound, match="several baselines are named"):
        baselines.find("Spring reference")
    with pytest.raises(NotFound, match="no baseline with id or name 'nothing'"):
        baselines.find("nothing")


@pytest.mark.usefixtures("ctx")
def test_a_wave_baseline_carries_no_team_mean_the_wave_hides():
    wave1 = campaign_by_ref(WAVE1)
    result = results.campaign_result(wave1, None, with_previous=False)
    record = baselines.build_from_campaign(wave1, "Wave 1 reference")
    reference = baselines.baseline_of(record)
    for j, dim in enumerate(reference.dimensions):
        shown = result.teams.mean[:, j]
        shown = shown[np.isfinite(shown)]
        for m in dim.team_means:
            assert np.isclose(shown, m, rtol=0, atol=1e-12).any(), dim.id


# =============================================================================================
# CSV import
# =============================================================================================
def _rows(n_teams: int, size: int, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    lines = ["team," + ",".join(DIMENSIONS[:3])]
    for t in range(n_teams):
        for _ in range(size):
            values = np.round(rng.uniform(1, 5, size=3), 2)
            lines.append(f"T{t}," + ",".join(f"{v:g}" for v in values))
    return "\n".join(lines) + "\n"


@pytest.mark.usefixtures("ctx")
def test_import_a_good_file(tmp_path: Path):
    text = _rows(6, 6, seed=4) + "T0,3.5,,2\n\n"
    path = tmp_path / "norms.csv"
    path.write_text("\ufeff" + text, encoding="utf-8")  # a BOM, as spreadsheet exports write
    org = organisation_by_name(DEMO_ORGANISATION)
    before = stored()
    record = baselines.import_csv(path, MATURITY, "Sector norms 2025", org)
    assert stored() == before + 1
    assert (record.kind, record.organisation_id, record.name) == (
        "import", org.id, "Sector norms 2025")
    b = baselines.baseline_of(record)
    assert b.dimension_ids == DIMENSIONS[:3]
    body = [line.split(",") for line in text.strip().splitlines()[1:]]
    for j, dim in enumerate(b.dimensions):
        col = np.array([float(r[j + 1]) if r[j + 1] else np.nan for r in body])
        valid = ~np.isnan(col)
        assert dim.n == valid.sum()
        assert math.isclose(dim.mean, col[valid].mean(), abs_tol=1e-12)
        assert math.isclose(dim.sd, col[valid].std(ddof=1), abs_tol=1e-12)
        assert dim.team_count == 6
    assert (record.n_respondents, record.n_teams) == (37, 6)
    assert baselines.usability(record) is None
    # an import without an organisation is available to every organisation
    shared = baselines.import_csv(path, MATURITY, "Shared norms", None)
    assert shared.organisation_id is None


BAD_FILES = [
    pytest.param("name,standards\nA,3\n", r"line 1: the header must start with 'team'",
                 id="bad-header"),
    pytest.param("team,standards,delivery\nA,3,4\nB,3\n",
                 r"line 3: expected 3 fields", id="short-row"),
    pytest.param("team,standards\nA,3\nB,three\n",
                 r"line 3: 'standards' must be a number or empty, got 'three'", id="text"),
    pytest.param("team,standards\nA,3\n,4\n", r"line 3: the team label is empty",
                 id="no-team"),
    pytest.param("team,standards,teamwork\nA,3,3\n",
                 r"unknown dimension ids \['teamwork'\] for questionnaire 'pmo-apo-maturity'",
                 id="unknown-dimension"),
    pytest.param("team,standards\nA,3\nB,5.5\n",
                 r"line 3: 'standards' = 5.5 lies outside the scale \[1, 5\]", id="above-scale"),
    pytest.param("team,standards\nA,0\n", r"line 2: 'standards' = 0 lies outside the scale",
                 id="below-scale"),
    pytest.param("team,standards\nA,nan\n",
                 r"line 2: 'standards' must be a number or empty, got 'nan'", id="nan"),
    pytest.param("team,standards\nA,1e999\n", r"line 2: 'standards' must be a finite number",
                 id="overflow"),
    pytest.param("team,standards\nA,\uff13\n", r"line 2: 'standards' must be a number or empty",
                 id="full-width-digit"),
    pytest.param("team,standards\nA,\u0663\n", r"line 2: 'standards' must be a number or empty",
                 id="arabic-indic-digit"),
    pytest.param("team,standards\nA,3_0\n", r"line 2: 'standards' must be a number or empty",
                 id="digit-separator"),
    pytest.param("team,standards\nA,-\uff12\n", r"line 2: .*looks like a spreadsheet formula",
                 id="minus-full-width"),
    pytest.param("team,standards\nA,=3\n", r"line 2: .*'=3'", id="formula-score"),
    pytest.param("team,standards\nA,3\nB,+4\n", r"line 3: .*'\+4'", id="plus-score"),
    pytest.param("team,standards\nA,3\n=HYPERLINK(\"http://x\"),3\n",
                 r"line 3: .*formula", id="formula-team"),
    pytest.param("team,standards\n@SUM(A1),3\n", r"line 2: .*formula", id="at-team"),
    pytest.param("team,standards\n-cmd,3\n", r"line 2: .*formula", id="minus-team"),
    pytest.param("team,standards\n\tA,3\n", r"line 2: .*formula", id="tab-team"),
    pytest.param("team,=standards\nA,3\n", r"line 1: .*'=standards'", id="formula-header"),
    pytest.param("team,standards\nA,-2\n", r"line 2: 'standards' = -2 lies outside the scale",
                 id="negative-score"),
    pytest.param("team,standards\nA,-2+3\n", r"line 2: '-2\+3' looks like a spreadsheet formula",
                 id="minus-formula"),
    pytest.param("team,standards\nA,3\n" + "B" * 200_000 + ",3\n",
                 r"line 3: not a readable CSV line \(field larger than field limit",
                 id="huge-field"),
    pytest.param("", r"empty", id="empty"),
    pytest.param("\n\n  \n", r"empty", id="blank"),
    pytest.param("team,standards\n", r"header but no data rows", id="header-only"),
]


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_files_are_refused_and_nothing_is_stored(tmp_path: Path, text: str,
                                                     message: str):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    before = stored()
    with pytest.raises(InvalidInput, match=message) as info:
        baselines.import_csv(path, MATURITY, "Bad", None)
    assert str(path) in str(info.value)
    assert stored() == before


@pytest.mark.usefixtures("ctx")
def test_oversized_non_utf8_and_missing_files_are_refused(tmp_path: Path):
    before = stored()
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:  # sparse: the size check must come before reading
        handle.truncate(baselines.MAX_IMPORT_BYTES + 1)
    with pytest.raises(InvalidInput, match=f"{baselines.MAX_IMPORT_BYTES + 1} bytes; at most "
                                           f"{baselines.MAX_IMPORT_BYTES} are accepted"):
        baselines.import_csv(big, MATURITY, "Big", None)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("team,standards\nZürich,3\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="not UTF-8 text"):
        baselines.import_csv(latin, MATURITY, "Latin", None)
    with pytest.raises(InvalidInput, match="cannot read the file"):
        baselines.import_csv(tmp_path / "missing.csv", MATURITY, "Missing", None)
    good = tmp_path / "good.csv"
    good.write_text(_rows(6, 6), encoding="utf-8")
    with pytest.raises(InvalidInput, match="questionnaire 'no-such' is not loaded"):
        baselines.import_csv(good, "no-such", "Unknown questionnaire", None)
    assert stored() == before


@pytest.mark.usefixtures("ctx")
def test_a_negative_score_with_spaces_around_is_a_number_not_a_formula(tmp_path: Path):
    path = tmp_path / "spaced.csv"
    path.write_text("team,standards\nA, -2.5 \n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"'standards' = -2.5 lies outside the scale"):
        baselines.import_csv(path, MATURITY, "Spaced", None)


@pytest.mark.usefixtures("ctx")
def test_special_files_are_refused_without_reading_forever(tmp_path: Path):
    """A FIFO or a device reports size 0; the import refuses it instead of blocking on it."""
    before = stored()
    fifo = tmp_path / "scores.csv"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInput, match="not a regular file"):
        baselines.import_csv(fifo, MATURITY, "Fifo", None)
    with pytest.raises(InvalidInput, match="not a regular file"):
        baselines.import_csv("/dev/zero", MATURITY, "Zero", None)
    with pytest.raises(InvalidInput, match="not a regular file"):
        baselines.import_csv(tmp_path, MATURITY, "A folder", None)
    assert stored() == before


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 201, "the baseline name is 201 characters long; at most 200"),
        ("", "the baseline name is empty"),
        ("   ", "the baseline name is empty"),
        ("Norms\nDROP", "control characters"),
        ("Norms\u202e", "control characters"),  # right-to-left override
    ],
)
def test_bad_baseline_names_are_refused(tmp_path: Path, name: str, message: str):
    path = tmp_path / "norms.csv"
    path.write_text(_rows(6, 6), encoding="utf-8")
    before = stored()
    with pytest.raises(InvalidInput, match=message):
        baselines.import_csv(path, MATURITY, name, None)
    assert stored() == before


@pytest.mark.usefixtures("ctx")
def test_a_name_of_exactly_200_characters_is_stored(tmp_path: Path):
    path = tmp_path / "norms.csv"
    path.write_text(_rows(6, 6), encoding="utf-8")
    record = baselines.import_csv(path, MATURITY, "N" * 200, None)
    assert record.name == "N" * 200


@pytest.mark.usefixtures("ctx")
def test_import_refuses_a_duplicate_name(tmp_path: Path):
    path = tmp_path / "norms.csv"
    path.write_text(_rows(6, 6), encoding="utf-8")
    baselines.import_csv(path, MATURITY, "Norms", None)
    before = stored()
    with pytest.raises(Conflict, match="'Norms' exists already"):
        baselines.import_csv(path, MATURITY, "Norms", None)
    assert stored() == before


@pytest.mark.usefixtures("ctx")
def test_a_small_baseline_is_stored_but_not_usable(tmp_path: Path):
    path = tmp_path / "small.csv"
    path.write_text(_rows(2, 10), encoding="utf-8")  # 20 respondents, 2 teams
    record = baselines.import_csv(path, MATURITY, "Small norms", None)
    assert (record.n_respondents, record.n_teams) == (20, 2)
    reason = baselines.usability(record)
    assert reason is not None
    assert "20 respondents" in reason
    assert "at least 30" in reason
    # enough respondents but too few teams
    path.write_text(_rows(4, 10), encoding="utf-8")
    record = baselines.import_csv(path, MATURITY, "Few teams", None)
    reason = baselines.usability(record)
    assert reason is not None
    assert "4 teams" in reason
    assert "at least 5" in reason
    # ... and used anyway, it gives no verdict, percentile or effect size
    result = results.campaign_result(campaign_by_ref(WAVE2),
                                     baseline=baselines.baseline_of(record))
    assert all(v is None for v in result.teams.verdict.ravel())
    assert np.isnan(result.teams.d).all()
    assert np.isnan(result.teams.percentile).all()
    assert result.baseline_notes[0] is not None
    assert "at least 5" in result.baseline_notes[0]
    # dimensions the file does not cover say so
    assert "has no data for dimension 'governance'" in result.baseline_notes[4]


@pytest.mark.usefixtures("ctx")
def test_baseline_of_an_organisation_exactly_at_the_minimum_is_usable():
    campaign = add_organisation("Acme Logistics", [6, 6, 6, 6, 6], seed=21)
    record = baselines.build_from_campaign(campaign, "Exactly 30 and 5")
    assert (record.n_respondents, record.n_teams) == (30, 5)
    assert baselines.usability(record) is None
    smaller = add_organisation("Bolt Insurance", [6, 6, 6, 6, 5], seed=22)
    record = baselines.build_from_campaign(smaller, "29 respondents")
    assert "29 respondents" in (baselines.usability(record) or "")
    assert isinstance(db.session.get(Organisation, record.organisation_id), Organisation)
