"""Which team link and draft a respondent's request works on, read from the browser session.

Views ask here first. When the request may not go on (an invalid or superseded link, no draft
yet, a submitted response, a campaign outside its window), the functions below give, or end
the request with, the page the respondent should see instead.
"""

from __future__ import annotations

from typing import NoReturn

from flask import abort, jsonify, make_response, redirect, render_template, request, url_for

from ..models import ResponseStatus
from ..services import survey
from ..services.survey import Draft, LinkContext
from . import session_store


def link_context() -> LinkContext | None:
    """The link this browser is bound to, while it has the token the browser opened."""
    bound = session_store.binding()
    return None if bound is None else survey.context_for_link(bound.link_id, bound.token_hash)


def context_and_draft() -> tuple[LinkContext | None, Draft | None]:
    """:func:`link_context` and :func:`draft_of` in one database read."""
    bound = session_store.binding()
    if bound is None:
        return None, None
    return survey.context_and_draft(bound.link_id, bound.token_hash, bound.entry.uid or "",
                                    bound.entry.proof or "")


def draft_of(ctx: LinkContext) -> Draft | None:
    """This browser's draft (or completed response) on the link, if it proves one."""
    entry = session_store.current_entry()
    return survey.find_response(ctx, entry.uid or "", entry.proof or "")


def invalid_link() -> tuple[str, int]:
    """The page of a link that does not lead anywhere (404)."""
    # Unknown, malformed and revoked tokens all get exactly this answer; a browser that had
    # started a draft on its link is also reminded of its own resume code, which carries the
    # answers to the team's new link.
    code = session_store.current_entry().resume_code
    if code is not None and link_context() is not None:
        code = None  # this browser's own link still works: only the address opened is bad
    return render_template("survey/message.html", title="Link not valid",
                           message="This link is not valid. Please ask your coach for the "
                                   "current link of your team.",
                           resume_note=None if code is None else survey.format_code(code)), 404


def window_closed(ctx: LinkContext) -> tuple[str, int]:
    """The page of a campaign that is not open (403), saying why."""
    message = survey.WINDOW_MESSAGES.get(ctx.window_state, survey.WINDOW_MESSAGES["closed"])
    return render_template("survey/message.html", title=ctx.campaign.name, ctx=ctx,
                           message=message), 403


def already_answered(ctx: LinkContext) -> str:
    """The page of a response that was submitted and cannot change any more."""
    return render_template("survey/message.html", title="Already answered", ctx=ctx,
                           message="Thank you: your answers were submitted and count once. "
                                   "They cannot be changed any more.",
                           shared_device_note=True)


def page_url(ctx: LinkContext, response: Draft) -> str:
    """Where a draft continues: the first page not yet saved, or the review."""
    if response.page >= ctx.pages:
        return url_for("survey.review")
    return url_for("survey.page", number=response.page + 1)


def stop(body: str, status: int, reason: str, as_json: bool) -> NoReturn:
    """End the request with a page (or, for autosave, JSON saying why nothing was saved)."""
    if as_json:
        abort(make_response(jsonify({"saved": False, "reason": reason}), status))
    abort(make_response(body, status))


def current_draft(*, as_json: bool = False) -> tuple[LinkContext, Draft]:
    """This browser's link and its draft in an open campaign.

    Anything else ends the request with what the respondent should see instead: the invalid
    link page, the welcome page, "already answered" or the campaign window message.
    """
    ctx, response = context_and_draft()
    if ctx is None:
        stop(*invalid_link(), "invalid_link", as_json)
    if response is None:
        if as_json:
            stop("", 409, "not_started", as_json)
        abort(redirect(url_for("survey.welcome")))
    if response.status == ResponseStatus.COMPLETE:
        # A refused write says so in its status; a plain visit is simply shown the page.
        status = 409 if request.method == "POST" else 200
        stop(already_answered(ctx), status, "complete", as_json)
    if ctx.window_state != "open":
        stop(*window_closed(ctx), ctx.window_state, as_json)
    return ctx, response
