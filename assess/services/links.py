"""Team links: unguessable tokens the server can show again but the database cannot reveal.

A link token is ``HMAC-SHA256(SECRET_KEY, "team-link:" + nonce)``, 192 bits, URL-safe. The
database keeps the random nonce and the token's SHA-256 (for lookup); without the secret key
neither gives the token away. Regenerating draws a new nonce; revoking clears the hash.
"""

from __future__ import annotations

import base64
import secrets
from io import BytesIO

import segno
from flask import current_app, has_request_context, request
from sqlalchemy import func, select

from ..database import run_write
from ..errors import Conflict
from ..extensions import db
from ..models import Campaign, CampaignStatus, Response, ResponseStatus, Team, TeamLink, utcnow
from ..security import keyed_digest, token_hash

TOKEN_CHARS = 32  # 24 bytes of HMAC output, base64url: 192 bits


def _token_for(nonce: str) -> str:
    digest = keyed_digest(b"team-link:" + nonce.encode("ascii"))
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def issue_token(link: TeamLink) -> str:
    """Give the link a fresh token (old one stops working); the caller commits."""
    link.token_nonce = secrets.token_hex(16)
    token = _token_for(link.token_nonce)
    link.token_hash = token_hash(token)
    link.token_created_at = utcnow()
    link.revoked_at = None
    return token


def revoke(link: TeamLink) -> None:
    """Stop the link working; the caller commits."""
    link.token_hash = None
    link.token_nonce = None
    link.revoked_at = utcnow()


def current_token(link: TeamLink) -> str | None:
    """The link's token, or None when it is revoked or was never issued."""
    if not link.token_nonce or not link.token_hash:
        return None
    token = _token_for(link.token_nonce)
    # A changed SECRET_KEY makes old nonces produce other tokens: those links are dead.
    return token if token_hash(token) == link.token_hash else None


DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def link_url(token: str, base_url: str | None = None) -> str:
    """The full team link: configured BASE_URL, else the current request's host."""
    base = base_url or current_app.config.get("BASE_URL")
    if not base:
        base = request.host_url if has_request_context() else DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/s/{token}"


def find_link(token: str) -> TeamLink | None:
    """The active link for a token; None for unknown, malformed or revoked tokens alike."""
    if not token or len(token) != TOKEN_CHARS:
        return None
    link = db.session.scalar(select(TeamLink).where(TeamLink.token_hash == token_hash(token)))
    # A token the current secret key no longer produces is dead, as the coach is shown.
    if link is None or current_token(link) != token:
        return None
    return link


def participation(campaign: Campaign) -> dict[int, dict[str, int]]:
    """Per team id: responses started (drafts and complete) and completed."""
    rows = db.session.execute(
        select(Response.team_id, Response.status, func.count())
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.team_id, Response.status)
    ).all()
    counts: dict[int, dict[str, int]] = {
        link.team_id: {"started": 0, "completed": 0} for link in campaign.team_links
    }
    for team_id, status, count in rows:
        entry = counts.setdefault(team_id, {"started": 0, "completed": 0})
        entry["started"] += count
        if status == ResponseStatus.COMPLETE:
            entry["completed"] += count
    return counts


def _link_of(campaign: Campaign, team: Team) -> TeamLink:
    return next(link for link in campaign.team_links if link.team_id == team.id)


def ensure_changeable(campaign: Campaign) -> None:
    """Conflict for a closed campaign: its links are neither renewed nor revoked."""
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict("The campaign is closed: its team links can no longer be renewed or "
                       "revoked.")


def regenerate(campaign: Campaign, team: Team) -> str:
    """Issue a new token for the team's link and commit; the old link stops working.

    Refused (Conflict) on a closed campaign.
    """
    ensure_changeable(campaign)
    link_id = _link_of(campaign, team).id

    def work() -> str:
        link = db.session.get(TeamLink, link_id)
        if link is None:
            raise LookupError("team link vanished")
        return issue_token(link)

    return run_write(work)


def revoke_team(campaign: Campaign, team: Team) -> None:
    """Revoke the team's link and commit; refused (Conflict) on a closed campaign."""
    ensure_changeable(campaign)
    link_id = _link_of(campaign, team).id

    def work() -> None:
        link = db.session.get(TeamLink, link_id)
        if link is not None:
            revoke(link)

    run_write(work)


def link_rows(campaign: Campaign) -> list[dict[str, int | str | None]]:
    """One row per team: ``team``, ``url`` (None when revoked), ``started``, ``completed``."""
    counts = participation(campaign)
    rows = []
    for link in sorted(campaign.team_links, key=lambda lk: lk.team.name):
        token = current_token(link)
        count = counts.get(link.team_id, {"started": 0, "completed": 0})
        rows.append({"team": link.team.name, "url": link_url(token) if token else None,
                     "started": count["started"], "completed": count["completed"]})
    return rows


def qr_svg(url: str, title: str) -> str:
    """The link as a QR code: an inline SVG element (no XML declaration, no size, no style
    attribute, which the CSP forbids) with ``role="img"`` and an escaped ``<title>``.

    Error correction level M survives a crease or a smudge on a printed sheet.
    """
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True,
                                    omitsize=True, title=title, svgclass="qr", lineclass=None,
                                    border=4)
    svg = buffer.getvalue().decode("utf-8")
    return svg.replace("<svg ", '<svg role="img" ', 1)
