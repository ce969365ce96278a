"""The results service: a campaign and a chosen baseline become a :class:`CampaignResult`.

This is the one place where the database meets :mod:`assess.scoring` for a campaign's results:
it loads the answers as arrays, builds the instrument spec from the questionnaire, chooses the
baseline (the one asked for, else the campaign's own) and checks that it fits, and calls the
engine. The coach views, the command line, the PDF and the API all call
:func:`campaign_result`; how a result is shown is theirs to decide.
"""

from __future__ import annotations

import warnings
from typing import Final

import numpy as np

from ..errors import InvalidInput
from ..extensions import db
from ..models import BaselineRecord, Campaign
from ..scoring import Baseline, CampaignResult, ScoringWarning, score_campaign
from ..text import shown
from . import baselines
from .answers import instrument_spec, load_answers, team_names
from .questionnaires import definition_of


class _CampaignDefault:
    """The baseline the campaign names (``Campaign.baseline_id``), or none."""

    def __repr__(self) -> str:
        return "CAMPAIGN_BASELINE"


#: Use the campaign's own baseline: the default of :func:`campaign_result`.
CAMPAIGN_BASELINE: Final = _CampaignDefault()

BaselineChoice = Baseline | BaselineRecord | str | None | _CampaignDefault


def choose_baseline(campaign: Campaign, choice: BaselineChoice = CAMPAIGN_BASELINE
                    ) -> BaselineRecord | None:
    """The stored baseline to compare ``campaign`` with.

    ``choice`` is a reference typed by a person (id or name, looked up among the baselines
    the campaign's organisation may use; an empty one is refused), a record, ``None`` for no
    baseline, or :data:`CAMPAIGN_BASELINE` for the one the campaign names. A baseline of
    another questionnaire is refused with :class:`InvalidInput`.
    """
    if isinstance(choice, _CampaignDefault):
        if campaign.baseline_id is None:
            return None
        record = db.session.get(BaselineRecord, campaign.baseline_id)
    elif isinstance(choice, str):
        record = baselines.find(choice, campaign.organisation)
    elif isinstance(choice, BaselineRecord) or choice is None:
        record = choice
    else:
        raise TypeError(f"not a stored baseline choice: {choice!r}")
    key = campaign.questionnaire_version.key
    if record is not None and record.questionnaire_key != key:
        raise InvalidInput(f"baseline '{shown(record.name)}' is of questionnaire "
                           f"'{record.questionnaire_key}', campaign '{shown(campaign.name)}' "
                           f"of '{key}'")
    return record


def campaign_result(campaign: Campaign, baseline: BaselineChoice = CAMPAIGN_BASELINE, *,
                    with_previous: bool = True) -> CampaignResult:
    """Score the campaign's complete responses per team (labelled by team name).

    ``baseline`` is anything :func:`choose_baseline` takes, or a :class:`Baseline` already
    in hand. With ``with_previous`` the campaign's previous wave is scored too (without a
    baseline or a wave before it) for the change since then.

    The engine's warnings about cells with fewer than 2 scores or without spread are not
    raised: the result itself hides or flags those cells.
    """
    reference = baseline if isinstance(baseline, Baseline) else None
    if reference is None:
        record = choose_baseline(campaign, baseline)
        reference = None if record is None else baselines.baseline_of(record)
    definition = definition_of(campaign.questionnaire_version)
    spec = instrument_spec(definition, campaign)
    answers = load_answers(campaign)
    names = team_names(campaign)
    labels = np.array([names.get(int(t), str(int(t))) for t in answers.team_ids], dtype=object)
    previous = None
    if with_previous and campaign.previous_campaign is not None:
        previous = campaign_result(campaign.previous_campaign, None, with_previous=False)
    roles = answers.roles if answers.values.shape[0] else None
    if roles is not None:
        roles = np.array([r if r is not None else "not given" for r in roles], dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        return score_campaign(
            answers.values, answers.dont_know, labels, spec,
            baseline=reference, previous=previous, roles=roles,
            team_labels=sorted(names.values()),
        )
