"""The respondent journey's rules: links, drafts, page saves and the one final submit.

Views parse and validate input with WTForms first; the functions here then hold SQLite's
write lock for one short transaction each. Nothing here stores who a respondent is: a draft is
found again through a secret kept in the respondent's own browser session (or the resume code),
of which the database keeps only keyed hashes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .. import answer_codec
from ..database import forget_deleted_text, run_write
from ..definitions import Dimension, Item, Questionnaire
from ..errors import Conflict
from ..extensions import db
from ..models import (
    Campaign,
    Organisation,
    Response,
    ResponseStatus,
    Team,
    TeamLink,
    TextAnswer,
    utctoday,
)
from ..models.campaign import window_state
from ..security import keyed_digest
from . import links, ratelimit, release
from .questionnaires import definition_by_version_id

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read aloud and type.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RESUME_CODE_CHARS = 12  # 60 bits; with the per-link attempt limit, guessing is hopeless
RESUME_ATTEMPTS = 10
RESUME_WINDOW = dt.timedelta(minutes=15)


def _sql() -> Connection:
    """The session's connection, for the journey's prebuilt Core statements.

    Executing on the connection skips the ORM's statement handling, which costs more than
    SQLite's own work for these small statements; the transaction is still the session's.
    """
    return db.session.connection()


@dataclass(frozen=True)
class LinkInfo:
    """The team link a respondent came through."""

    id: int
    team_id: int
    team_name: str
    token_hash: str


@dataclass(frozen=True)
class CampaignInfo:
    """What the respondent journey needs of a campaign (read in one query per request)."""

    id: int
    name: str
    status: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    questionnaire_version_id: int
    min_n: int
    min_n_comments: int
    is_demo: bool
    organisation_name: str

    def window_state(self) -> str:
        return window_state(self.status, self.opens_at, self.closes_at)


@dataclass(frozen=True)
class LinkContext:
    """What a team link leads to, derived on the server from the token alone."""

    link: LinkInfo
    campaign: CampaignInfo
    definition: Questionnaire

    @property
    def pages(self) -> int:
        return len(self.definition.dimensions)

    @property
    def window_state(self) -> str:
        return self.campaign.window_state()


@dataclass(frozen=True)
class Draft:
    """A respondent's response as the journey sees it (no answers: those load per page)."""

    id: int
    uid: str
    status: str
    page: int
    submit_key: str


@dataclass(frozen=True)
class NewResponse:
    uid: str
    proof: str
    resume_code: str


def keyed_hash(secret: str) -> str:
    """HMAC-SHA256 under the app's secret key: a leaked database alone cannot test guesses."""
    return keyed_digest(secret.encode("utf-8")).hex()


_LOOK_ALIKES = str.maketrans("OIL", "011")


def normalise_code(code: str) -> str:
    """Upper-case, drop separators and spaces, map look-alike letters (O->0, I/L->1)."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(_LOOK_ALIKES)


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


_CONTEXT_COLUMNS = (
    TeamLink.id, TeamLink.team_id, Team.name, TeamLink.token_hash,
    Campaign.id, Campaign.name, Campaign.status, Campaign.opens_at, Campaign.closes_at,
    Campaign.questionnaire_version_id, Campaign.min_n, Campaign.min_n_comments,
    Campaign.is_demo, Organisation.name,
)


def context_for_token(token: str) -> LinkContext | None:
    """The active link of a token; None for unknown, malformed and revoked tokens alike."""
    link = links.find_link(token)
    return None if link is None or link.token_hash is None else context_for_link(
        link.id, link.token_hash)


def context_for_link(link_id: int, bound_hash: str) -> LinkContext | None:
    """The link a browser session is bound to, while it still has the token the browser
    opened: None once that link was revoked or regenerated."""
    row = _sql().execute(_CONTEXT_QUERY, {"link_id": link_id, "token_hash": bound_hash}).first()
    return None if row is None else _context_of(row)


def _context_of(row: Any) -> LinkContext:
    """The link context held by the first columns of a row (``_CONTEXT_COLUMNS``)."""
    link = LinkInfo(*row[:4])
    campaign = CampaignInfo(*row[4:len(_CONTEXT_COLUMNS)])
    return LinkContext(link, campaign, definition_by_version_id(campaign.questionnaire_version_id))


# Every survey request starts with this read, so it is one plain joined query, built once
# (statements built per call cost more Python time than SQLite spends running them).
_CONTEXT_QUERY = (
    select(*_CONTEXT_COLUMNS)
    .join(Team, Team.id == TeamLink.team_id)
    .join(Campaign, Campaign.id == TeamLink.campaign_id)
    .join(Organisation, Organisation.id == Campaign.organisation_id)
    .where(TeamLink.id == bindparam("link_id"), TeamLink.token_hash == bindparam("token_hash"))
)


def start_response(ctx: LinkContext, role: str | None, *,
                   start_nonce: str | None = None) -> NewResponse:
    """Create a draft for a new respondent of the link's team.

    `start_nonce` is a random value this browser's session received when it opened the link.
    The draft's id, browser key and resume code are derived from it (with the secret key), so
    a double click on Start that sends two requests before either answers (possible without
    JavaScript) makes one draft: the second insert meets the first one's id and continues it.
    Without a nonce they are random.
    """
    _require_open(ctx)
    if start_nonce:
        uid, proof, code = _derived_identity(ctx.link.id, start_nonce)
    else:
        proof = secrets.token_urlsafe(24)
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(RESUME_CODE_CHARS))
        uid = secrets.token_hex(16)
    campaign_id, team_id = ctx.campaign.id, ctx.link.team_id
    version_id = ctx.campaign.questionnaire_version_id

    def work() -> None:
        if start_nonce and db.session.scalar(select(Response.id).where(Response.uid == uid)):
            return  # the same Start, sent twice: the draft exists
        db.session.add(Response(
            uid=uid, campaign_id=campaign_id, team_id=team_id,
            questionnaire_version_id=version_id, role=role,
            status=ResponseStatus.DRAFT, browser_key_hash=keyed_hash(proof),
            resume_code_hash=keyed_hash(code), submit_key=secrets.token_hex(16),
            page=0, values=b"", answered=0,
        ))

    try:
        run_write(work)
    except IntegrityError:
        # Both requests found no draft and inserted at once (PostgreSQL): the first one won.
        db.session.rollback()
        if not start_nonce or db.session.scalar(select(Response.id).where(
                Response.uid == uid)) is None:
            raise
    return NewResponse(uid, proof, code)


def _derived_identity(link_id: int, nonce: str) -> tuple[str, str, str]:
    """Draft id, browser key and resume code derived from a session's start nonce."""
    seed = keyed_digest(f"assess-start:{link_id}:{nonce}".encode())

    def part(label: str) -> bytes:
        return hmac.new(seed, label.encode(), hashlib.sha256).digest()

    uid = part("uid").hex()[:32]
    proof = base64.urlsafe_b64encode(part("proof")[:24]).decode("ascii")
    bits = int.from_bytes(part("code"), "big")
    code = "".join(_CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(RESUME_CODE_CHARS))
    return uid, proof, code


def find_response(ctx: LinkContext, uid: str, proof: str) -> Draft | None:
    """The response this browser may work on: its uid, proven by browser key or resume code."""
    if not uid or not proof:
        return None
    row = _sql().execute(_DRAFT_QUERY, {"uid": uid, "campaign_id": ctx.campaign.id,
                                            "team_id": ctx.link.team_id}).first()
    return None if row is None else _proven(row, proof)


def context_and_draft(link_id: int, bound_hash: str, uid: str, proof: str
                      ) -> tuple[LinkContext | None, Draft | None]:
    """:func:`context_for_link` and :func:`find_response` in one query (every page save,
    review and submit needs both)."""
    row = _sql().execute(_CONTEXT_DRAFT_QUERY, {
        "link_id": link_id, "token_hash": bound_hash, "uid": uid or None}).first()
    if row is None:
        return None, None
    ctx = _context_of(row)
    draft_row = row[len(_CONTEXT_COLUMNS):]
    if not uid or not proof or draft_row[0] is None:
        return ctx, None
    return ctx, _proven(_DraftRow(*draft_row), proof)


def _proven(row: Any, proof: str) -> Draft | None:
    """The draft of `row` if `proof` is its browser key or its resume code."""
    digest = keyed_hash(proof)
    proven = hmac.compare_digest(digest, row.browser_key_hash) or bool(
        row.resume_code_hash and hmac.compare_digest(digest, row.resume_code_hash))
    return Draft(row.id, row.uid, row.status, row.page, row.submit_key) if proven else None


_DRAFT_COLUMNS = (
    Response.id, Response.uid, Response.status, Response.page, Response.submit_key,
    Response.browser_key_hash, Response.resume_code_hash,
)

_DRAFT_QUERY = select(*_DRAFT_COLUMNS).where(
    Response.uid == bindparam("uid"), Response.campaign_id == bindparam("campaign_id"),
    Response.team_id == bindparam("team_id"))


class _DraftRow(NamedTuple):
    id: int
    uid: str
    status: str
    page: int
    submit_key: str
    browser_key_hash: str
    resume_code_hash: str | None


# The same read with the browser's draft, if any (outer join: the link may have none yet).
_CONTEXT_DRAFT_QUERY = _CONTEXT_QUERY.add_columns(*_DRAFT_COLUMNS).outerjoin(
    Response, and_(Response.uid == bindparam("uid"),
                   Response.campaign_id == TeamLink.campaign_id,
                   Response.team_id == TeamLink.team_id))


def resume_with_code(ctx: LinkContext, code: str) -> Draft | None:
    """The draft of this link's team with that resume code; attempts are limited per link.

    Raises :class:`Conflict` while the link has too many failed attempts.
    """
    key = f"resume:{ctx.link.id}"
    if not ratelimit.take(key, RESUME_ATTEMPTS, RESUME_WINDOW):
        raise Conflict("Too many wrong codes were tried for this link. "
                       "Please wait 15 minutes and try again.")
    normalised = normalise_code(code)
    draft = None
    if len(normalised) == RESUME_CODE_CHARS:
        row = db.session.execute(
            select(Response.id, Response.uid, Response.status, Response.page,
                   Response.submit_key)
            .where(Response.resume_code_hash == keyed_hash(normalised),
                   Response.campaign_id == ctx.campaign.id,
                   Response.team_id == ctx.link.team_id)).first()
        draft = None if row is None else Draft(*row)
    if draft is not None:
        ratelimit.forgive(key)  # only wrong codes count against the link
    return draft


def answers_of(ctx: LinkContext, draft: Draft) -> dict[str, answer_codec.Answer]:
    """The draft's saved scored answers, by item id."""
    blob = db.session.scalar(select(Response.values).where(Response.id == draft.id))
    return answer_codec.decode(ctx.definition.answer_columns, blob or b"")


def texts_of(draft: Draft) -> dict[str, str]:
    """The draft's saved free-text answers, by item id."""
    rows = db.session.execute(select(TextAnswer.item_id, TextAnswer.text)
                              .where(TextAnswer.response_id == draft.id))
    return {item_id: text for item_id, text in rows}


class PageProgress(NamedTuple):
    """One questionnaire page (numbered from 1) and its scored questions not yet answered."""

    number: int
    dimension: Dimension
    missing: tuple[Item, ...]


@dataclass(frozen=True)
class ReviewSummary:
    """What the review page shows of a draft before the final submit."""

    pages: tuple[PageProgress, ...]
    answered: int  # scored questions with a value or "don't know"
    total: int  # scored questions of the questionnaire
    comments: int  # free-text answers that are not empty


def review_summary(ctx: LinkContext, draft: Draft) -> ReviewSummary:
    """The draft's answered and unanswered questions, page by page."""
    saved = answers_of(ctx, draft)
    texts = texts_of(draft)
    pages = tuple(
        PageProgress(number, dimension, tuple(
            item for item in dimension.items if item.type != "text" and item.id not in saved))
        for number, dimension in enumerate(ctx.definition.dimensions, start=1))
    return ReviewSummary(pages, answered=len(saved), total=len(ctx.definition.answer_columns),
                         comments=sum(1 for text in texts.values() if text))


def save_page(ctx: LinkContext, response_id: int,
              answers: dict[str, answer_codec.Answer | None], texts: dict[str, str],
              *, reached: int) -> None:
    """Store one page's answers (None clears an answer) and the furthest page reached.

    Only a draft of an open campaign accepts writes; raises :class:`Conflict` otherwise.
    The read-merge-write of the packed answers happens inside one write transaction, so two
    tabs saving different pages at once cannot lose each other's answers.
    """
    _require_open(ctx)
    item_ids = ctx.definition.answer_columns
    text_ids = [item_id for item_id in texts]

    def work() -> bool:
        # Prebuilt Core statements only: this transaction holds SQLite's write lock.
        row = _sql().execute(_SAVED_VALUES, {"response_id": response_id}).first()
        if row is None:
            raise Conflict("This response was already submitted; it cannot be changed.")
        merged = answer_codec.decode(item_ids, row.values)
        for item_id, value in answers.items():
            if value is None:
                merged.pop(item_id, None)
            else:
                merged[item_id] = value
        _sql().execute(_SAVE_VALUES, {
            "response_id": response_id, "new_values": answer_codec.encode(item_ids, merged),
            "answered": len(merged), "reached": reached, "today": utctoday()})
        if not text_ids:
            return False
        # RETURNING tells, in the same statement, whether an earlier text was removed.
        removed = dict(_sql().execute(_DELETE_TEXTS, {"response_id": response_id,
                                                      "items": text_ids}).all())
        rows = [{"response_id": response_id, "item_id": item_id, "text": text}
                for item_id, text in texts.items() if text]
        if rows:
            _sql().execute(_INSERT_TEXT, rows)
        return any(old and old != texts.get(item_id) for item_id, old in removed.items())

    if run_write(work):
        # A comment was cleared or rewritten: its old text must leave the write-ahead log too.
        forget_deleted_text()


_INSERT_TEXT = insert(TextAnswer)
# FOR UPDATE: on PostgreSQL two saves of one draft (two tabs) would otherwise both read the
# old answers and the later write would drop the other's page. SQLite ignores it: BEGIN
# IMMEDIATE already serialises writers.
_SAVED_VALUES = select(Response.values).where(
    Response.id == bindparam("response_id"), Response.status == ResponseStatus.DRAFT
).with_for_update()
_SAVE_VALUES = (
    update(Response).where(Response.id == bindparam("response_id"))
    .values(values=bindparam("new_values"), answered=bindparam("answered"),
            page=case((Response.page < bindparam("reached"), bindparam("reached")),
                      else_=Response.page),
            updated_on=bindparam("today"))
    .execution_options(synchronize_session=False)
)
_DELETE_TEXTS = (
    delete(TextAnswer)
    .where(TextAnswer.response_id == bindparam("response_id"),
           TextAnswer.item_id.in_(bindparam("items", expanding=True)))
    .returning(TextAnswer.item_id, TextAnswer.text)
    .execution_options(synchronize_session=False)
)


def submit(ctx: LinkContext, response_id: int, submit_key: str) -> bool:
    """Complete the draft exactly once. True when this call completed it.

    A conditional update (``status = 'draft'`` in the WHERE clause) makes double clicks,
    refreshes and concurrent retries harmless: only one of them changes the row.
    """
    _require_open(ctx)
    campaign_id, team_id = ctx.campaign.id, ctx.link.team_id

    def work() -> bool:
        # The team's link row lock serialises this team's submits (PostgreSQL; SQLite's
        # BEGIN IMMEDIATE serialises every writer): the release below counts and releases
        # exactly once. Read after the lock, the window is the one a close just committed.
        release.lock_team(campaign_id, team_id)
        campaign = _sql().execute(_SUBMIT_CAMPAIGN, {"campaign_id": campaign_id}).first()
        state = "closed" if campaign is None else window_state(
            campaign.status, campaign.opens_at, campaign.closes_at)
        if state != "open":
            raise Conflict(WINDOW_MESSAGES.get(state, WINDOW_MESSAGES["closed"]))
        result = _sql().execute(_COMPLETE, {"response_id": response_id,
                                                "given_key": submit_key, "today": utctoday()})
        if not result.rowcount:
            return False
        # Counted after this completion and under the team's lock, so concurrent submits
        # cannot pass the cap together; raising rolls this completion back.
        fill = _sql().execute(_TEAM_FILL, {"campaign_id": campaign_id,
                                           "team_id": team_id}).one()
        if fill.headcount is not None and fill.completed > fill.headcount:
            raise TeamFull(TEAM_FULL_MESSAGE.format(headcount=fill.headcount))
        if campaign is not None and campaign.interim_results:
            release.release_team_locked(campaign_id, team_id, campaign.min_n)
        return True

    return run_write(work)


class TeamFull(Conflict):
    """The team link already has as many completed responses as the team has members."""


TEAM_FULL_MESSAGE = (
    "This team's link already has as many completed responses as the team has members "
    "({headcount}). Your answers are kept: ask your coach to check the team's size, then "
    "submit again.")

_COMPLETED_OF_TEAM = (
    select(func.count()).select_from(Response)
    .where(Response.campaign_id == bindparam("campaign_id"),
           Response.team_id == bindparam("team_id"),
           Response.status == ResponseStatus.COMPLETE)
    .scalar_subquery()
)
_TEAM_FILL = select(Team.headcount, _COMPLETED_OF_TEAM.label("completed")).where(
    Team.id == bindparam("team_id"))


def team_is_full(ctx: LinkContext) -> bool:
    """Whether the link's team has a headcount and as many completed responses already
    (every further submit would be refused until the coach raises it)."""
    fill = db.session.execute(_TEAM_FILL, {"campaign_id": ctx.campaign.id,
                                           "team_id": ctx.link.team_id}).one()
    return fill.headcount is not None and fill.completed >= fill.headcount


_SUBMIT_CAMPAIGN = select(Campaign.status, Campaign.opens_at, Campaign.closes_at,
                          Campaign.interim_results, Campaign.min_n).where(
    Campaign.id == bindparam("campaign_id"))


_COMPLETE = (
    update(Response)
    .where(Response.id == bindparam("response_id"),
           Response.submit_key == bindparam("given_key"),
           Response.status == ResponseStatus.DRAFT)
    .values(status=ResponseStatus.COMPLETE, completed_on=bindparam("today"),
            updated_on=bindparam("today"))
    .execution_options(synchronize_session=False)
)


def is_complete(response_id: int) -> bool:
    """Read the status afresh (another request may have just completed the response)."""
    db.session.expire_all()
    status = db.session.scalar(select(Response.status).where(Response.id == response_id))
    return status == ResponseStatus.COMPLETE


def _require_open(ctx: LinkContext) -> None:
    state = ctx.campaign.window_state()
    if state != "open":
        raise Conflict(WINDOW_MESSAGES.get(state, WINDOW_MESSAGES["closed"]))


WINDOW_MESSAGES = {
    "draft": "This assessment has not started yet.",
    "not_open": "This assessment has not opened yet.",
    "closed": "This assessment is closed. Thank you for your interest; no answers can be "
              "added any more.",
}
