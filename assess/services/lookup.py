"""Find campaigns, teams and organisations by what people type: an id or a name.

A reference that is both the id of one record and the name of another is refused as
ambiguous instead of silently meaning the id, so that a campaign named "1" is never mistaken
for campaign 1 (and is reached by its own id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from sqlalchemy import select

from ..converters import row_id
from ..errors import NotFound
from ..extensions import db
from ..models import Campaign, Organisation, Team
from ..text import shown


class Named(Protocol):
    id: int
    name: str


R = TypeVar("R", bound=Named)


def resolve(ref: str, what: str, by_id: Callable[[int], R | None],
            by_name: Callable[[str], Iterable[R]], where: str = "",
            missing: Callable[[str], str] | None = None) -> R:
    """The one record that ``ref`` (an id or a name) names; :class:`NotFound` otherwise.

    ``by_id`` and ``by_name`` return only records the caller may see; ``what`` names the kind
    of record in messages ("campaign"), ``where`` optionally says where it was looked for,
    and ``missing`` builds the "no such record" message from the (escaped) reference.
    """
    ref = ref.strip()
    number = row_id(ref)
    found_by_id = by_id(number) if number is not None else None
    named = [r for r in by_name(ref) if found_by_id is None or r.id != found_by_id.id]
    label = shown(ref)
    if found_by_id is not None and named:
        ids = ", ".join(str(r.id) for r in named)
        raise NotFound(f"'{label}' is the id of {what} '{shown(found_by_id.name)}' and the name "
                       f"of {what} {ids}: give the id of the one you mean")
    if found_by_id is not None:
        return found_by_id
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(str(r.id) for r in named)
        raise NotFound(f"several {what}s{where} are named '{label}' (ids {ids}); give the id")
    if missing is not None:
        raise NotFound(missing(label))
    raise NotFound(f"no {what}{where} with id or name '{label}'")


def campaign_by_ref(ref: str) -> Campaign:
    """The campaign whose id or (unique) name is ``ref``."""
    return resolve(
        ref, "campaign",
        lambda number: db.session.get(Campaign, number),
        lambda name: db.session.scalars(select(Campaign).where(Campaign.name == name)))


def team_in_campaign(campaign: Campaign, ref: str) -> Team:
    """A team of the campaign, by id or name."""
    teams = [link.team for link in campaign.team_links]
    return resolve(
        ref, "team",
        lambda number: next((t for t in teams if t.id == number), None),
        lambda name: [t for t in teams if t.name == name],
        where=f" in campaign '{shown(campaign.name)}'",
        missing=lambda label: (f"campaign '{shown(campaign.name)}' has no team with id or "
                               f"name '{label}'"))


def organisation_by_name(name: str) -> Organisation:
    clean = " ".join(name.split())
    org = db.session.scalar(select(Organisation).where(Organisation.name == clean))
    if org is None:
        raise NotFound(f"no organisation named '{shown(clean)}'")
    return org
