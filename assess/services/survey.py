"""The respondent journey's rules: links, drafts, page saves and the one final submit.

Views parse and validate input with WTForms first; the functions here then hold SQLite's
write lock for one short transaction each. Nothing here stores who a respondent is: a draft is
found again through a secret kept in the respondent's own browser session (or the resume code),
of which the database keeps only keyed hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select, update

from .. import answer_codec
from ..database import run_write
from ..definitions import Questionnaire
from ..errors import Conflict
from ..extensions import db
from ..models import (
    Campaign,
    Response,
    ResponseStatus,
    TeamLink,
    TextAnswer,
    utctoday,
)
from . import links, ratelimit
from .questionnaires import definition_of

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read aloud and type.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RESUME_CODE_CHARS = 12  # 60 bits; with the per-link attempt limit, guessing is hopeless
RESUME_ATTEMPTS = 10
RESUME_WINDOW = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class LinkContext:
    """What a team link leads to, derived on the server from the token alone."""

    link: TeamLink
    campaign: Campaign
    definition: Questionnaire

    @property
    def pages(self) -> int:
        return len(self.definition.dimensions)

    @property
    def window_state(self) -> str:
        return self.campaign.window_state()


@dataclass(frozen=True)
class NewResponse:
    uid: str
    proof: str
    resume_code: str


def keyed_hash(secret: str) -> str:
    """HMAC-SHA256 under the app's secret key: a leaked database alone cannot test guesses."""
    key = current_app.config["SECRET_KEY"]
    key_bytes = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(key_bytes, secret.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    """Upper-case, drop separators and spaces, map look-alike letters (O->0, I/L->1)."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def context_for_token(token: str) -> LinkContext | None:
    link = links.find_link(token)
    return None if link is None else _context(link)


def context_for_link(link_id: int) -> LinkContext | None:
    link = db.session.get(TeamLink, link_id)
    if link is None or link.token_hash is None:
        return None  # revoked since the respondent opened it
    return _context(link)


def _context(link: TeamLink) -> LinkContext:
    campaign = link.campaign
    return LinkContext(link, campaign, definition_of(campaign.questionnaire_version))


def start_response(ctx: LinkContext, role: str | None) -> NewResponse:
    """Create a draft for a new respondent of the link's team."""
    _require_open(ctx)
    proof = secrets.token_urlsafe(24)
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(RESUME_CODE_CHARS))
    uid = secrets.token_hex(16)
    campaign_id, team_id = ctx.campaign.id, ctx.link.team_id
    version_id = ctx.campaign.questionnaire_version_id

    def work() -> None:
        db.session.add(Response(
            uid=uid, campaign_id=campaign_id, team_id=team_id,
            questionnaire_version_id=version_id, role=role,
            status=ResponseStatus.DRAFT, browser_key_hash=keyed_hash(proof),
            resume_code_hash=keyed_hash(code), submit_key=secrets.token_hex(16),
            page=0, values=b"", answered=0,
        ))

    run_write(work)
    return NewResponse(uid, proof, code)


def find_response(ctx: LinkContext, uid: str, proof: str) -> Response | None:
    """The response this browser may work on: its uid, proven by browser key or resume code."""
    if not uid or not proof:
        return None
    response = db.session.scalar(select(Response).where(Response.uid == uid))
    if response is None or response.campaign_id != ctx.campaign.id:
        return None
    if response.team_id != ctx.link.team_id:
        return None
    digest = keyed_hash(proof)
    if hmac.compare_digest(digest, response.browser_key_hash):
        return response
    if response.resume_code_hash and hmac.compare_digest(digest, response.resume_code_hash):
        return response
    return None


def resume_with_code(ctx: LinkContext, code: str) -> Response | None:
    """The draft of this link's team with that resume code; attempts are limited per link.

    Raises :class:`Conflict` while the link has too many failed attempts.
    """
    key = f"resume:{ctx.link.id}"
    if ratelimit.over_limit(key, RESUME_ATTEMPTS, RESUME_WINDOW):
        raise Conflict("Too many wrong codes were tried for this link. "
                       "Please wait 15 minutes and try again.")
    normalised = normalise_code(code)
    response = None
    if len(normalised) == RESUME_CODE_CHARS:
        response = db.session.scalar(select(Response).where(
            Response.resume_code_hash == keyed_hash(normalised),
            Response.campaign_id == ctx.campaign.id,
            Response.team_id == ctx.link.team_id))
    if response is None:
        ratelimit.record_attempt(key, RESUME_WINDOW)
    return response


def page_items(ctx: LinkContext, page: int):  # type: ignore[no-untyped-def]
    """The dimension shown on page ``page`` (1-based)."""
    return ctx.definition.dimensions[page - 1]


def answers_of(ctx: LinkContext, response: Response) -> dict[str, answer_codec.Answer]:
    ids = [item.id for item in ctx.definition.answer_items]
    return answer_codec.decode(ids, response.values)


def texts_of(response: Response) -> dict[str, str]:
    return {t.item_id: t.text for t in response.texts}


def save_page(ctx: LinkContext, response_id: int, page: int,
              answers: dict[str, answer_codec.Answer | None], texts: dict[str, str],
              *, reached: int) -> None:
    """Store one page's answers (None clears an answer) and the furthest page reached.

    Only a draft of an open campaign accepts writes; raises :class:`Conflict` otherwise.
    The read-merge-write of the packed answers happens inside one write transaction, so two
    tabs saving different pages at once cannot lose each other's answers.
    """
    _require_open(ctx)
    item_ids = [item.id for item in ctx.definition.answer_items]

    def work() -> None:
        response = db.session.get(Response, response_id)
        if response is None or response.status != ResponseStatus.DRAFT:
            raise Conflict("This response was already submitted; it cannot be changed.")
        merged = answer_codec.decode(item_ids, response.values)
        for item_id, value in answers.items():
            if value is None:
                merged.pop(item_id, None)
            else:
                merged[item_id] = value
        response.values = answer_codec.encode(item_ids, merged)
        response.answered = len(merged)
        response.page = max(response.page, reached)
        response.updated_on = utctoday()
        existing = {t.item_id: t for t in response.texts}
        for item_id, text in texts.items():
            if text:
                if item_id in existing:
                    existing[item_id].text = text
                else:
                    db.session.add(TextAnswer(response=response, item_id=item_id, text=text))
            elif item_id in existing:
                db.session.execute(delete(TextAnswer).where(
                    TextAnswer.id == existing[item_id].id))

    run_write(work)


def submit(ctx: LinkContext, response_id: int, submit_key: str) -> bool:
    """Complete the draft exactly once. True when this call completed it.

    A conditional update (``status = 'draft'`` in the WHERE clause) makes double clicks,
    refreshes and concurrent retries harmless: only one of them changes the row.
    """
    _require_open(ctx)

    def work() -> bool:
        result = db.session.execute(
            update(Response)
            .where(Response.id == response_id, Response.submit_key == submit_key,
                   Response.status == ResponseStatus.DRAFT)
            .values(status=ResponseStatus.COMPLETE, completed_on=utctoday(),
                    updated_on=utctoday())
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    return run_write(work)


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
