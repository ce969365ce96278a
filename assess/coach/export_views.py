"""Downloads of a campaign's results and raw responses (docs/exports.md).

Like the other coach pages: the campaign comes through :mod:`assess.services.workspace`,
scoped to the signed-in coach (any organisation for an administrator), so another
organisation's campaign answers 404 like an unknown one, and so does every address here to an
anonymous visitor or a respondent's survey session. GET only; nothing is written. Before its
results are released (:func:`assess.services.release.results_state`) a campaign's exports are
refused with 409 and the page says why: the coach may see the campaign, so a 404 would be
untrue, and the answer tells nobody else anything.
"""

from __future__ import annotations

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..errors import Conflict
from ..models import Campaign
from ..services import baseline_choices, exports, release, workspace
from . import bp


def _released(campaign_id: int) -> tuple[Campaign, release.ResultsState]:
    campaign = workspace.campaign_for(current_user, campaign_id)
    state = release.results_state(campaign)
    if not state.visible:
        raise Conflict(f"No results to download yet. {state.reason or ''}".strip())
    return campaign, state


def _download(file: exports.ExportFile) -> Response:
    response = Response(file.data, mimetype=file.mimetype)
    response.headers["Content-Disposition"] = exports.content_disposition(file.filename)
    response.headers["Cache-Control"] = "no-store"  # answers of teams: no copy in any cache
    return response


@bp.get("/coach/campaigns/<id:campaign_id>/export/results.<any(csv, xlsx, json):fmt>")
@login_required
def export_results(campaign_id: int, fmt: str) -> ResponseReturnValue:
    campaign, state = _released(campaign_id)
    key = request.args.get("baseline") or baseline_choices.default_key(campaign)
    choice = baseline_choices.resolve(campaign, key)
    return _download(exports.export_results(campaign, fmt, baseline=choice, baseline_key=key,
                                            state=state))


@bp.get("/coach/campaigns/<id:campaign_id>/export/responses.<any(csv, xlsx):fmt>")
@login_required
def export_responses(campaign_id: int, fmt: str) -> ResponseReturnValue:
    campaign, state = _released(campaign_id)
    return _download(exports.export_responses(campaign, fmt, state=state))
