"""A campaign's answers as arrays, and the scoring view of its questionnaire.

What the results service and the baselines feed the engine: :func:`load_answers` reads every
released response in one query and decodes it at once, :func:`instrument_spec` turns a
questionnaire definition into the engine's :class:`InstrumentSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from .. import answer_codec
from ..definitions import Questionnaire
from ..errors import InvalidInput
from ..extensions import db
from ..models import Campaign, Response, ResponseStatus, Team
from ..scoring import DimensionSpec, InstrumentSpec, ReadinessThresholds
from .questionnaires import definition_of


@dataclass(frozen=True)
class CampaignAnswers:
    """A campaign's complete responses as arrays (rows = responses, columns = answer items)."""

    values: np.ndarray          # float, NaN = unanswered or don't know
    dont_know: np.ndarray       # bool
    team_ids: np.ndarray        # int, one per row
    roles: np.ndarray           # object (str or None), one per row
    item_ids: tuple[str, ...]


def instrument_spec(definition: Questionnaire, campaign: Campaign | None = None) -> InstrumentSpec:
    """The scoring description of a questionnaire (thresholds from the campaign, if given)."""
    columns = {item_id: i for i, item_id in enumerate(definition.answer_columns)}
    scales = {definition.scales[item.scale or ""] for item in definition.answer_items
              if item.type == "likert"}
    ranges = {(s.min, s.max) for s in scales}
    if len(ranges) != 1:
        raise InvalidInput(f"questionnaire {definition.id}: scored items must share one scale "
                           f"range to be scored together, found {sorted(ranges)}")
    (scale_min, scale_max), = ranges
    dims = []
    for dimension in definition.dimensions:
        scored = dimension.scored_items
        rubric = dimension.rubric_item
        dims.append(DimensionSpec(
            id=dimension.id,
            columns=tuple(columns[i.id] for i in scored),
            reverse=tuple(i.reverse for i in scored),
            weights=tuple(float(i.weight) for i in scored),
            orientation=tuple(i.orientation for i in scored),
            rubric_column=None if rubric is None else columns[rubric.id],
            label=dimension.title.get(definition.language),
        ))
    anonymity = definition.anonymity
    min_n = campaign.min_n if campaign is not None else anonymity.min_n
    # Levels only where the questionnaire defines them (a readiness check has none).
    level_labels = tuple(level.get(definition.language) for level in definition.levels)
    level_cuts = tuple(definition.level_cuts) if level_labels else ()
    rules = definition.readiness
    return InstrumentSpec(
        dimensions=tuple(dims),
        scale_min=scale_min,
        scale_max=scale_max,
        dont_know=any(s.dont_know for s in scales),
        level_cuts=level_cuts,
        level_labels=level_labels,
        rubric_quorum=definition.rubric_quorum,
        min_n=min_n,
        min_n_comments=campaign.min_n_comments if campaign is not None
        else anonymity.min_n_comments,
        min_n_spread=max(min_n, campaign.min_n_spread if campaign is not None
                         else anonymity.min_n_spread),
        readiness=None if rules is None else ReadinessThresholds(
            ready_at=rules.ready_at, blocker_below=rules.blocker_below),
    )


def load_answers(campaign: Campaign) -> CampaignAnswers:
    """Read the campaign's released responses in one query and decode them at once.

    Released: complete and ``in_results`` (:mod:`assess.services.release`), so every result
    moves only in steps of at least ``min_n`` responses per team; whether a coach may see
    the result at all is :func:`assess.services.release.results_state`. The roles of a
    campaign with interim results are withheld (all None).
    """
    definition = definition_of(campaign.questionnaire_version)
    item_ids = definition.answer_columns
    rows = db.session.execute(
        select(Response.team_id, Response.role, Response.values)
        .where(Response.campaign_id == campaign.id,
               Response.status == ResponseStatus.COMPLETE,
               Response.in_results.is_(True))
    ).all()
    # Role groups cut across the steps of the teams: a step of five with one team lead would
    # move the organisation's "team lead" figures by one person. A campaign with interim
    # results is therefore scored without roles (docs/anonymity.md).
    with_roles = not campaign.interim_results
    if rows:
        team_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        roles = np.array([r[1] if with_roles else None for r in rows], dtype=object)
        values, dont_know = answer_codec.to_matrix([r[2] for r in rows], len(item_ids))
    else:
        team_ids = np.zeros(0, dtype=np.int64)
        roles = np.zeros(0, dtype=object)
        values = np.zeros((0, len(item_ids)))
        dont_know = np.zeros((0, len(item_ids)), dtype=bool)
    return CampaignAnswers(values, dont_know, team_ids, roles, item_ids)


def team_names(campaign: Campaign) -> dict[int, str]:
    """The names of the campaign's teams, by team id."""
    ids = [link.team_id for link in campaign.team_links]
    return {t.id: t.name for t in db.session.scalars(select(Team).where(Team.id.in_(ids)))}
