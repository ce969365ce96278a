"""When a campaign's results may be shown, and which responses they include.

Watching a team's numbers move with each submission would reveal each person's answers
(differencing). So a response counts in the shown results only once it is *released*
(``Response.in_results``), and a team's released set grows only in steps of at least
``min_n`` completed responses (docs/anonymity.md):

* A campaign with interim results releases a team's pending responses (complete, not yet
  released) as soon as there are at least ``min_n`` of them: in the same transaction as the
  submit that makes them ``min_n`` (:func:`release_team_locked`, under the lock the submit
  took with :func:`lock_team`).
* At close the same rule applies, so a remainder of fewer than ``min_n`` responses since a
  team's last step stays out of the final numbers for good. The one exception is a campaign
  of which nothing was ever released: then nothing was ever shown, and the close releases
  every complete response at once (a team under the threshold stays hidden by the engine's
  suppression, its answers count in the organisation and parent roll-ups as one snapshot).
* Whatever is shown was released (stored) before: :func:`results_state` records a release
  that became due by time (a window that ended without a close), so a later step is always
  measured from what a coach may have seen.
* A campaign with interim results is scored without roles (``services.answers``): a step
  may hold a single team lead, whose answers the organisation's role breakdown would show.

Concurrency: the release runs under a row lock on the team's link (``SELECT ... FOR UPDATE``
on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises every writer), so two submits of one
team that finish at once count and release exactly once, never in two overlapping steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.engine import Connection

from ..database import run_write
from ..extensions import db
from ..models import Campaign, Response, ResponseStatus, TeamLink
from ..models.campaign import window_state

NOT_OPEN_REASON = "Results appear when the campaign closes."
OPEN_REASON = ("Results appear when the campaign closes, so that nobody's answers can be "
               "worked out by watching the numbers move.")


@dataclass(frozen=True)
class ResultsState:
    """What a coach may see of a campaign's results right now."""

    visible: bool            # closed, or open with interim results
    interim: bool            # open with interim results: the numbers may still change
    reason: str | None       # why not visible (a sentence for the page), else None
    pending: dict[int, int]  # team_id -> completed responses not yet included
    pending_total: int
    min_n: int = 0           # the campaign's threshold: the size of a step
    closed: bool = False     # the final numbers (a remainder left out stays out)

    def pending_note(self, team_id: int | None = None) -> str | None:
        """The sentence a page shows: how many responses are not yet included and why.

        For one team with ``team_id``, else for the whole campaign; None when every
        completed response is included (or results are not visible at all).
        """
        if not self.visible:
            return None
        count = self.pending_total if team_id is None else self.pending.get(team_id, 0)
        if count <= 0:
            return None
        responses = "response is" if count == 1 else "responses are"
        if self.closed:
            return (f"{count} {responses} not included: fewer than {self.min_n} arrived after "
                    "the last interim results, and adding them would let anyone read their "
                    "answers from the change.")
        return (f"{count} {responses} not yet included: results move in steps of at least "
                f"{self.min_n} responses so that no one's answers can be read from the change.")


def _window(campaign: Campaign) -> str:
    return window_state(campaign.status, campaign.opens_at, campaign.closes_at)


def results_state(campaign: Campaign) -> ResultsState:
    """Whether results may be shown now, and what is not yet included.

    When a release is due (the window ended by time without a close, or interim results were
    switched on after responses arrived), it is recorded first, so what is shown is always
    what is stored as released.
    """
    state = _window(campaign)
    closed = state == "closed"
    interim = state == "open" and bool(campaign.interim_results)
    visible = closed or interim
    pending = _pending_counts(campaign.id)
    if visible and _release_is_due(campaign, pending, closed) and release_due(campaign):
        pending = _pending_counts(campaign.id)
    reason = None
    if not visible:
        reason = OPEN_REASON if state == "open" else NOT_OPEN_REASON
    return ResultsState(visible=visible, interim=interim, reason=reason, pending=pending,
                        pending_total=sum(pending.values()), min_n=campaign.min_n,
                        closed=closed)


def release_due(campaign: Campaign, team_id: int | None = None) -> int:
    """Apply the release rule now (its own write transaction); return responses released.

    Releases nothing while the campaign is a draft, not yet open, or open without interim
    results.
    """
    campaign_id = campaign.id
    return run_write(lambda: release_in_transaction(campaign_id, team_id))


def score_notice(campaign: Campaign) -> str | None:
    """What ``assess score`` should say beside a campaign's numbers: why they are empty or
    partial (not visible to coaches yet, or responses not yet included), else None."""
    state = results_state(campaign)
    if not state.visible:
        return (f"Results of this campaign are not visible to coaches yet: {state.reason} "
                "Only released responses are scored.")
    return state.pending_note()


# -- the rule, inside a write transaction ---------------------------------------------------

_LOCK_LINKS = (
    select(TeamLink.id).where(TeamLink.campaign_id == bindparam("campaign_id"))
    .order_by(TeamLink.id).with_for_update()
)
_LOCK_LINK = (
    select(TeamLink.id).where(TeamLink.campaign_id == bindparam("campaign_id"),
                              TeamLink.team_id == bindparam("team_id"))
    .with_for_update()
)
_CAMPAIGN = select(Campaign.status, Campaign.opens_at, Campaign.closes_at,
                   Campaign.interim_results, Campaign.min_n).where(
    Campaign.id == bindparam("campaign_id"))
_PENDING = (
    select(Response.team_id, func.count())
    .where(Response.campaign_id == bindparam("campaign_id"),
           Response.status == ResponseStatus.COMPLETE, Response.in_results.is_(False))
    .group_by(Response.team_id)
)
_ANY_RELEASED = select(exists().where(Response.campaign_id == bindparam("campaign_id"),
                                      Response.in_results.is_(True)))
_RELEASE = (
    update(Response)
    .where(Response.campaign_id == bindparam("cid"),
           Response.team_id.in_(bindparam("team_ids", expanding=True)),
           Response.status == ResponseStatus.COMPLETE, Response.in_results.is_(False))
    .values(in_results=True)
    .execution_options(synchronize_session=False)
)


def _sql() -> Connection:
    """The session's connection (its transaction) for the prebuilt Core statements."""
    return db.session.connection()


def lock_team(campaign_id: int, team_id: int) -> None:
    """Take the row lock that serialises releases of one team (no-op on SQLite)."""
    _sql().execute(_LOCK_LINK, {"campaign_id": campaign_id, "team_id": team_id})


def release_in_transaction(campaign_id: int, team_id: int | None = None) -> int:
    """The release rule inside the caller's write transaction; returns responses released.

    Locks the team's link (or every link of the campaign, in id order), then reads the
    campaign afresh: on PostgreSQL a statement after the lock sees everything committed
    before it (a submit that completed a response first).
    """
    before = _sql().execute(_CAMPAIGN, {"campaign_id": campaign_id}).first()
    if before is None:
        return 0
    if team_id is None or window_state(before.status, before.opens_at,
                                       before.closes_at) == "closed":
        # A closed campaign's first release takes every team at once: lock them all.
        _sql().execute(_LOCK_LINKS, {"campaign_id": campaign_id})
    else:
        lock_team(campaign_id, team_id)
    row = _sql().execute(_CAMPAIGN, {"campaign_id": campaign_id}).first()
    if row is None:
        return 0
    state = window_state(row.status, row.opens_at, row.closes_at)
    closed = state == "closed"
    if not (closed or (state == "open" and row.interim_results)):
        return 0
    pending = _pending_counts(campaign_id)
    teams: Iterable[int]
    if closed and not _sql().scalar(_ANY_RELEASED, {"campaign_id": campaign_id}):
        # Nothing was ever shown: the final numbers are the first, every response in them.
        teams = pending
    else:
        teams = [t for t, n in pending.items()
                 if n >= row.min_n and (team_id is None or t == team_id)]
    chosen = sorted(teams)
    if not chosen:
        return 0
    result = _sql().execute(_RELEASE, {"cid": campaign_id, "team_ids": chosen})
    return int(result.rowcount or 0)


_TEAM_PENDING = (
    select(func.count()).select_from(Response)
    .where(Response.campaign_id == bindparam("campaign_id"),
           Response.status == ResponseStatus.COMPLETE,
           Response.team_id == bindparam("team_id"), Response.in_results.is_(False))
)
_RELEASE_TEAM = (
    update(Response)
    .where(Response.campaign_id == bindparam("cid"),
           Response.status == ResponseStatus.COMPLETE,
           Response.team_id == bindparam("tid"), Response.in_results.is_(False))
    .values(in_results=True)
    .execution_options(synchronize_session=False)
)


def release_team_locked(campaign_id: int, team_id: int, min_n: int) -> int:
    """The step of an open campaign with interim results, for a team whose link the caller
    has locked (the submit): release its pending responses when there are ``min_n``."""
    params = {"campaign_id": campaign_id, "team_id": team_id}
    if (_sql().scalar(_TEAM_PENDING, params) or 0) < min_n:
        return 0
    return int(_sql().execute(_RELEASE_TEAM, {"cid": campaign_id, "tid": team_id}).rowcount
               or 0)


def _pending_counts(campaign_id: int) -> dict[int, int]:
    rows = _sql().execute(_PENDING, {"campaign_id": campaign_id}).all()
    return {int(t): int(n) for t, n in rows if n}


def _release_is_due(campaign: Campaign, pending: dict[int, int], closed: bool) -> bool:
    if not pending:
        return False
    if any(n >= campaign.min_n for n in pending.values()):
        return True
    return closed and not _sql().scalar(_ANY_RELEASED, {"campaign_id": campaign.id})
