"""Rules every chart keeps: well-formed SVG, accessible names, ids, sizing, no inline style,
hostile labels escaped and truncated, purity of the module."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assess.reports.charts import (
    Chart,
    HeatCell,
    ItemCounts,
    RadarAxis,
    ReadinessPlacement,
    TransitionPoint,
    WavePoint,
    diverging_bars,
    heat_map,
    radar,
    readiness_matrix,
    transition_map,
    trend,
)
from tests.reports.svg_helpers import (
    all_titles,
    assert_no_nan_text,
    check_common,
    drawn_texts,
)

REPO = Path(__file__).resolve().parents[2]
SCALE = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]


def draw_all(label: str, prefix: str = "c") -> dict[str, Chart]:
    """Every chart with `label` as its user text, ids under `prefix`."""
    return {
        "heat map": heat_map(
            [label, "Atlas"], [label, "Portfolio management"],
            [[HeatCell(3.42, None, 3.01, 3.83, "clearly above", True, n=8),
              HeatCell(hidden=True, n=3)],
             [HeatCell(2.1, verdict="clearly below"), HeatCell(3.0, verdict="in line")]],
            id_prefix=f"{prefix}-heat", title=label, description=label),
        "radar": radar(
            [RadarAxis(label, 3.4, 3.0, 3.8, 3.1, 2.8, 3.5), RadarAxis("Delivery", 2.0),
             RadarAxis("Portfolio management", 4.0, 3.5, 4.5, 3.0, 2.5, 3.5)],
            id_prefix=f"{prefix}-radar", title=label, team_label=label, baseline_label=label),
        "transition map": transition_map(
            [TransitionPoint(label, 62, 41), TransitionPoint("Portfolio", 30, 70)],
            id_prefix=f"{prefix}-map", title=label, x_label=label),
        "diverging bars": diverging_bars(
            [ItemCounts(label, [1, 2, 3, 4, 5], 2), ItemCounts("Hidden", [0] * 5, hidden=True)],
            [label, *SCALE[1:]], id_prefix=f"{prefix}-bars", title=label),
        "trend": trend(
            [WavePoint(label, 3.0, 2.6, 3.4), WavePoint("Autumn", 3.6, 3.3, 3.9, 0.6, True)],
            id_prefix=f"{prefix}-trend", title=label, series_label=label),
        "readiness matrix": readiness_matrix(
            [ReadinessPlacement(label, "ready", 2.5), ReadinessPlacement("Comet", "not yet", 4),
             ReadinessPlacement(label + " 2")],
            id_prefix=f"{prefix}-matrix", title=label, maturity_label=label),
    }


CHARTS = list(draw_all("Atlas"))


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_accessible_well_formed_svg_without_inline_style(name):
    chart = draw_all("Atlas", "fig1")[name]
    root = check_common(chart, {"heat map": "fig1-heat", "radar": "fig1-radar",
                                "transition map": "fig1-map", "diverging bars": "fig1-bars",
                                "trend": "fig1-trend", "readiness matrix": "fig1-matrix"}[name])
    assert_no_nan_text(root, chart)
    assert chart.title == "Atlas"
    assert chart.__html__() == chart.svg == str(chart)
    assert chart.header
    assert chart.rows


def test_two_charts_on_one_page_share_no_id():
    first, second = draw_all("Atlas", "a"), draw_all("Atlas", "b")
    ids: list[str] = []
    for chart in [*first.values(), *second.values()]:
        root = check_common(chart, chart.svg.split('id="', 1)[1].split('"', 1)[0])
        ids += [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


HOSTILE = "<script>alert(1)</script> & \"quoted\" 'single' \u202eevil " + "x" * 10_000
# as drawn: the right-to-left override replaced, everything else kept
HOSTILE_SHOWN = HOSTILE.replace("\u202e", "\ufffd")


@pytest.mark.parametrize("name", CHARTS)
def test_hostile_label_is_escaped_truncated_and_kept_whole_in_titles(name):
    chart = draw_all(HOSTILE)[name]
    root = check_common(chart, chart.svg.split('id="', 1)[1].split('"', 1)[0])
    assert "<script" not in chart.svg
    assert "&lt;script&gt;" in chart.svg
    assert "\u202e" not in chart.svg
    # drawn text stays short (the layout holds); the full text is in a <title>
    assert max(len(t) for t in drawn_texts(root)) < 200
    assert any(HOSTILE_SHOWN in t for t in all_titles(root))
    # and in the table
    assert any(HOSTILE_SHOWN in cell for row in chart.rows for cell in row)


@pytest.mark.parametrize("name", CHARTS)
def test_control_characters_in_labels_keep_the_xml_well_formed(name):
    label = "Team\x00\x01\x1b[31m\x7f\u0085\ud800\ufffe\t\nnext \u2066iso\u2069 \u200fmark"
    chart = draw_all(label)[name]
    root = check_common(chart, chart.svg.split('id="', 1)[1].split('"', 1)[0])
    for bad in "\x00\x01\x1b\x7f\u0085\ud800\ufffe\u2066\u2069\u200f":
        assert bad not in chart.svg
    assert any("Team" in t for t in all_titles(root) + drawn_texts(root))


@pytest.mark.parametrize("bad", ["", "1chart", "a b", 'x"><script>', "a" * 65, "é"])
@pytest.mark.parametrize("name", CHARTS)
def test_bad_id_prefix_is_refused(name, bad):
    calls: dict[str, Callable[[], Chart]] = {
        "heat map": lambda: heat_map([], [], [], id_prefix=bad, title="t"),
        "radar": lambda: radar([], id_prefix=bad, title="t"),
        "transition map": lambda: transition_map([], id_prefix=bad, title="t"),
        "diverging bars": lambda: diverging_bars([], SCALE, id_prefix=bad, title="t"),
        "trend": lambda: trend([], id_prefix=bad, title="t"),
        "readiness matrix": lambda: readiness_matrix([], id_prefix=bad, title="t"),
    }
    with pytest.raises(ValueError, match="id_prefix"):
        calls[name]()


def test_empty_inputs_draw_a_message_not_an_error():
    charts = [
        heat_map([], [], [], id_prefix="e1", title="t"),
        heat_map(["Atlas"], [], [[]], id_prefix="e2", title="t"),
        radar([], id_prefix="e3", title="t"),
        transition_map([], id_prefix="e4", title="t"),
        diverging_bars([], SCALE, id_prefix="e5", title="t"),
        trend([], id_prefix="e6", title="t"),
        readiness_matrix([], id_prefix="e7", title="t"),
    ]
    for chart in charts:
        root = check_common(chart, chart.svg.split('id="', 1)[1].split('"', 1)[0])
        assert_no_nan_text(root, chart)
    assert any("No data to show" in t for t in drawn_texts(check_common(charts[0], "e1")))


PROBE = """
import json, sys
import assess.reports.charts
forbidden = ("flask", "sqlalchemy", "wtforms", "flask_wtf", "weasyprint")
print(json.dumps(sorted(name for name in sys.modules
                        if name.split(".")[0] in forbidden or name.startswith("flask_"))))
"""


def test_charts_import_no_web_database_form_or_pdf_library():
    # a fresh interpreter, so modules other tests loaded cannot hide a leak
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_probe_would_see_a_leak():
    probe = PROBE.replace("import assess.reports.charts", "import assess.reports.charts, flask")
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                            text=True, timeout=120, check=False)
    assert "flask" in json.loads(result.stdout.strip().splitlines()[-1])


def test_stylesheet_styles_the_classes_the_charts_use():
    css = (REPO / "assess" / "static" / "charts.css").read_text(encoding="utf-8")
    for cls in ("chart", "chart-fill-above", "chart-fill-below", "chart-fill-none",
                "chart-divided", "chart-missing", "chart-radar-team", "chart-radar-team-band",
                "chart-radar-baseline", "chart-point", "chart-trend-line", "chart-clear-change",
                "chart-segment", "chart-scroll", "chart-heat-map", "chart-on-dark",
                "chart-point-label"):
        assert f".{cls}" in css, cls
    assert "style=" not in css
