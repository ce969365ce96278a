"""Reading the charts' SVG back: parse, walk, check the rules every chart keeps."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from assess.reports.charts import Chart

SVG = "{http://www.w3.org/2000/svg}"
NUMERIC_ATTRS = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height",
                 "font-size", "stroke-width", "fill-opacity"}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse(chart: Chart | str) -> ET.Element:
    svg = chart.svg if isinstance(chart, Chart) else chart
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def local(el: ET.Element) -> str:
    return el.tag.removeprefix(SVG)


def find_all(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(SVG + tag)
    if cls is None:
        return list(found)
    return [e for e in found if cls in (e.get("class") or "").split()]


def own_title(el: ET.Element) -> str | None:
    t = el.find(SVG + "title")
    return None if t is None else (t.text or "")


def all_titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "title")]


def visible_text(el: ET.Element) -> str:
    """The text an element draws: its text and tspans, without <title> children."""
    parts = [el.text or ""]
    for child in el:
        if local(child) != "title":
            parts.append(visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def drawn_texts(root: ET.Element) -> list[str]:
    return [visible_text(t) for t in root.iter(SVG + "text")]


def points(el: ET.Element) -> list[tuple[float, float]]:
    out = []
    for pair in (el.get("points") or "").split():
        x, y = pair.split(",")
        out.append((float(x), float(y)))
    return out


def check_common(chart: Chart, id_prefix: str) -> ET.Element:
    """The rules of every chart: well-formed, labelled, ids under the prefix, viewBox sizing,
    no style attribute, no script, only finite numbers."""
    svg = chart.svg
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("id") == id_prefix
    title_id, desc_id = root.get("aria-labelledby").split()
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert all(i.startswith(id_prefix) for i in ids)
    first, second = list(root)[:2]
    assert (local(first), first.get("id")) == ("title", title_id)
    assert (local(second), second.get("id")) == ("desc", desc_id)
    assert (first.text or "") == chart.title
    assert (second.text or "") == chart.description
    view = [float(v) for v in root.get("viewBox").split()]
    assert view[:2] == [0, 0]
    assert view[2] > 0
    assert view[3] > 0
    assert root.get("width") is None
    assert root.get("height") is None
    for el in root.iter():
        assert "style" not in el.attrib, f"style attribute on <{local(el)}>"
        assert local(el) not in {"style", "script", "foreignObject", "image", "a"}
        assert not any(k.startswith("on") for k in el.attrib)
        for name in NUMERIC_ATTRS & set(el.attrib):
            assert math.isfinite(float(el.get(name))), (name, el.get(name))
        for name in ("points", "viewBox", "transform", "stroke-dasharray"):
            value = el.get(name)
            if value is not None:
                assert not re.search(r"nan|inf", value, re.I), (name, value)
                for n in _NUMBER.findall(value):
                    assert math.isfinite(float(n))
        for name in ("fill", "stroke"):
            value = el.get(name)
            if value and value.startswith("url("):
                assert value[5:-1] in ids, f"{value} points at no element of the chart"
    assert "<script" not in svg.lower()
    assert "\u202e" not in svg
    for row in chart.rows:
        assert len(row) == len(chart.header)
        assert all(isinstance(cell, str) for cell in row)
    return root


_WORD_NAN = re.compile(r"\b(nan|inf|infinity)\b", re.I)


def assert_no_nan_text(root: ET.Element, chart: Chart) -> None:
    """No drawn text, title, desc or table cell reads NaN or inf (labels must not hold the
    words themselves in the tests that call this)."""
    texts = [*drawn_texts(root), *all_titles(root), chart.description,
             *(c for row in chart.rows for c in row)]
    for t in texts:
        assert not _WORD_NAN.search(t), t
