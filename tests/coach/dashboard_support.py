"""Reading the campaign dashboard's HTML back: its grid, organisation rows and method tables.

Every number of the page carries ``data-field`` (and ``data-value`` at full precision) inside
an element that names its place: ``data-row`` (a row of the grid, with ``data-kind``),
``data-org``, ``data-quality`` or ``data-icc``; cells carry ``data-dimension``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask import Flask
from sqlalchemy import select

from assess.extensions import db
from assess.models import Team

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


@dataclass
class Field:
    name: str
    value: str | None
    text: str


@dataclass
class GridRow:
    label: str = ""
    kind: str = ""
    cells: dict[str, list[Field]] = field(default_factory=dict)   # dimension -> fields
    cell_text: dict[str, str] = field(default_factory=dict)

    def get(self, dimension: str, name: str) -> Field | None:
        return next((f for f in self.cells.get(dimension, []) if f.name == name), None)


@dataclass
class Page:
    rows: list[GridRow]
    org: dict[str, list[Field]]
    quality: dict[str, list[Field]]
    icc: dict[str, list[Field]]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict[str, str | None]] = []
        self.open_fields: list[tuple[int, dict[str, str | None], list[str]]] = []
        self.cell_texts: list[tuple[int, list[str]]] = []
        self.rows: list[GridRow] = []
        self.org: dict[str, list[Field]] = {}
        self.quality: dict[str, list[Field]] = {}
        self.icc: dict[str, list[Field]] = {}
        self.in_svg = 0

    def _find(self, name: str) -> str | None:
        for attrs in reversed(self.stack):
            if name in attrs:
                return attrs[name]
        return None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag == "svg":
            self.in_svg += 1
        if tag in _VOID:
            return
        self.stack.append(attrs)
        if "data-row" in attrs:
            self.rows.append(GridRow(kind=attrs.get("data-kind") or ""))
        if tag == "td" and self._find("data-row") is not None:
            self.cell_texts.append((len(self.stack), []))
        if "data-field" in attrs:
            self.open_fields.append((len(self.stack), attrs, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_svg -= 1
        if tag in _VOID or not self.stack:
            return
        depth = len(self.stack)
        if self.open_fields and self.open_fields[-1][0] == depth:
            _, attrs, text = self.open_fields.pop()
            self._record(Field(str(attrs["data-field"]), attrs.get("data-value"),
                               " ".join("".join(text).split())))
        if self.cell_texts and self.cell_texts[-1][0] == depth:
            _, text = self.cell_texts.pop()
            dim = self.stack[-1].get("data-dimension")
            if dim and self.rows:
                self.rows[-1].cell_text[dim] = " ".join("".join(text).split())
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for _, _, text in self.open_fields:
            text.append(data)
        for _, text in self.cell_texts:
            text.append(data)

    def _record(self, f: Field) -> None:
        if self.in_svg:
            return
        dim = self._find("data-dimension")
        if self._find("data-row") is not None and self.rows:
            row = self.rows[-1]
            if f.name == "team":
                row.label = f.text
            elif dim is not None:
                row.cells.setdefault(dim, []).append(f)
        elif self._find("data-org") is not None and dim is not None:
            self.org.setdefault(dim, []).append(f)
        elif (q := self._find("data-quality")) is not None:
            self.quality.setdefault(q, []).append(f)
        elif (i := self._find("data-icc")) is not None:
            self.icc.setdefault(i, []).append(f)


def read(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    return Page(parser.rows, parser.org, parser.quality, parser.icc)


def set_parents(app: Flask, organisation_id: int, parents: dict[str, str]) -> dict[str, int]:
    """Give teams (by name) a parent team (by name, created when missing); the ids by name."""
    with app.app_context():
        teams = {t.name: t for t in db.session.scalars(
            select(Team).where(Team.organisation_id == organisation_id))}
        for child, parent in parents.items():
            if parent not in teams:
                teams[parent] = Team(organisation_id=organisation_id, name=parent)
                db.session.add(teams[parent])
                db.session.flush()
            teams[child].parent_id = teams[parent].id
        db.session.commit()
        return {name: t.id for name, t in teams.items()}
