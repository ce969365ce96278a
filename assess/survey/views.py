"""Respondent views. Thin: session bookkeeping, form parsing, a service call, a template.

The browser session holds only the link id, the response's random uid and a secret proving
the right to continue it; the server derives campaign, team and questionnaire from the link.
"""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from flask import (
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from wtforms.fields.choices import SelectChoice

from .. import answer_codec
from ..errors import Conflict
from ..models import ResponseStatus
from ..services import survey
from ..services.survey import Draft, LinkContext
from . import bp
from .forms import (
    ResumeForm,
    StartForm,
    SubmitForm,
    field_name,
    make_page_form,
)

SESSION_KEY = "survey"
# Links remembered per browser (one entry per team link opened: a respondent may answer the
# maturity and the readiness campaign side by side); the oldest entries drop out first.
MAX_LINKS_PER_BROWSER = 6


# --- session helpers -------------------------------------------------------------------
# The session holds {"current": link id, "links": {link id: {"hash": token hash the browser
# opened, "uid", "proof", "code"}}}: no answers, nothing the respondent did not already have.

def _session_value() -> dict[str, Any]:
    value = session.get(SESSION_KEY)
    if not isinstance(value, dict) or not isinstance(value.get("links"), dict):
        return {"current": None, "links": {}}
    return {"current": value.get("current"), "links": dict(value["links"])}


def _state() -> dict[str, Any]:
    """This browser's entry for the link it is currently using (empty when none)."""
    value = _session_value()
    entry = value["links"].get(str(value["current"]))
    return dict(entry) if isinstance(entry, dict) else {}


def _start_nonce() -> str | None:
    """The random value this browser's session got for its Start (see ``open_link``)."""
    nonce = _state().get("start")
    return nonce if isinstance(nonce, str) and len(nonce) == 32 else None


def _save_state(entry: dict[str, Any], link_id: int | None = None) -> None:
    """Store the entry of the current link (or make ``link_id`` current with this entry)."""
    value = _session_value()
    current = link_id if link_id is not None else value["current"]
    entries = value["links"]
    entries.pop(str(current), None)
    entries[str(current)] = entry  # re-inserted last: the most recently used
    while len(entries) > MAX_LINKS_PER_BROWSER:
        entries.pop(next(iter(entries)))
    session[SESSION_KEY] = {"current": current, "links": entries}
    # A permanent session survives closing the tab and the browser: "resume on this device".
    session.permanent = True


def _binding() -> tuple[int, dict[str, Any]] | None:
    """The link this browser is using and its entry, while the entry names a token hash."""
    link_id = _session_value()["current"]
    entry = _state()
    if not isinstance(link_id, int) or not isinstance(entry.get("hash"), str):
        return None
    return link_id, entry


def _context() -> LinkContext | None:
    bound = _binding()
    return None if bound is None else survey.context_for_link(bound[0], bound[1]["hash"])


def _context_and_draft() -> tuple[LinkContext | None, Draft | None]:
    """:func:`_context` and :func:`_response` in one database read."""
    bound = _binding()
    if bound is None:
        return None, None
    link_id, entry = bound
    return survey.context_and_draft(link_id, entry["hash"], str(entry.get("uid", "")),
                                    str(entry.get("proof", "")))


def _response(ctx: LinkContext) -> Draft | None:
    state = _state()
    return survey.find_response(ctx, str(state.get("uid", "")), str(state.get("proof", "")))


def _invalid_link() -> tuple[str, int]:
    # Unknown, malformed and revoked tokens all get exactly this answer.
    return render_template("survey/message.html", title="Link not valid",
                           message="This link is not valid. Please ask your coach for the "
                                   "current link of your team."), 404


def _window_closed(ctx: LinkContext) -> tuple[str, int]:
    message = survey.WINDOW_MESSAGES.get(ctx.window_state, survey.WINDOW_MESSAGES["closed"])
    return render_template("survey/message.html", title=ctx.campaign.name, ctx=ctx,
                           message=message), 403


def _already_answered(ctx: LinkContext) -> str:
    return render_template("survey/message.html", title="Already answered", ctx=ctx,
                           message="Thank you: your answers were submitted and count once. "
                                   "They cannot be changed any more.",
                           shared_device_note=True)


def _page_url(ctx: LinkContext, response: Draft) -> str:
    if response.page >= ctx.pages:
        return url_for("survey.review")
    return url_for("survey.page", number=response.page + 1)


def _stop(body: str, status: int, reason: str, as_json: bool) -> NoReturn:
    """End the request with a page (or, for autosave, JSON saying why nothing was saved)."""
    if as_json:
        abort(make_response(jsonify({"saved": False, "reason": reason}), status))
    abort(make_response(body, status))


def _current_draft(*, as_json: bool = False) -> tuple[LinkContext, Draft]:
    """This browser's link and its draft in an open campaign.

    Anything else ends the request with what the respondent should see instead: the invalid
    link page, the welcome page, "already answered" or the campaign window message.
    """
    ctx, response = _context_and_draft()
    if ctx is None:
        _stop(*_invalid_link(), "invalid_link", as_json)
    if response is None:
        if as_json:
            _stop("", 409, "not_started", as_json)
        abort(redirect(url_for("survey.welcome")))
    if response.status == ResponseStatus.COMPLETE:
        # A refused write says so in its status; a plain visit is simply shown the page.
        status = 409 if request.method == "POST" else 200
        _stop(_already_answered(ctx), status, "complete", as_json)
    if ctx.window_state != "open":
        _stop(*_window_closed(ctx), ctx.window_state, as_json)
    return ctx, response


# --- entry -----------------------------------------------------------------------------

@bp.get("/<token>")
def open_link(token: str):  # type: ignore[no-untyped-def]
    """Bind the browser to the team link, then continue at a URL without the token."""
    ctx = survey.context_for_token(token)
    if ctx is None:
        return _invalid_link()
    entry = _session_value()["links"].get(str(ctx.link.id))
    if not isinstance(entry, dict) or entry.get("hash") != ctx.link.token_hash:
        # First visit through this token (or through a link regenerated since): no draft yet.
        # The start nonce makes Start idempotent (see survey.start_response).
        entry = {"hash": ctx.link.token_hash, "start": secrets.token_hex(16)}
    _save_state(entry, link_id=ctx.link.id)
    return redirect(url_for("survey.welcome"))


@bp.get("/")
def welcome():  # type: ignore[no-untyped-def]
    ctx = _context()
    if ctx is None:
        return _invalid_link()
    response = _response(ctx)
    if response is not None and response.status == ResponseStatus.COMPLETE:
        return _already_answered(ctx)
    if ctx.window_state != "open":
        return _window_closed(ctx)
    if response is not None:
        return redirect(_page_url(ctx, response))
    return _render_welcome(ctx, StartForm(), ResumeForm())


def _render_welcome(ctx: LinkContext, start: StartForm, resume: ResumeForm, status: int = 200):
    _set_role_choices(ctx, start)
    return render_template("survey/welcome.html", ctx=ctx, start_form=start,
                           resume_form=resume), status


def _set_role_choices(ctx: LinkContext, form: StartForm) -> None:
    lang = ctx.definition.language
    form.role.choices = [SelectChoice(str(i), role.get(lang))
                         for i, role in enumerate(ctx.definition.roles)]


@bp.post("/start")
def start():  # type: ignore[no-untyped-def]
    ctx = _context()
    if ctx is None:
        return _invalid_link()
    existing = _response(ctx)
    if existing is not None:  # a second click on Start: continue the same draft
        return redirect(url_for("survey.welcome"))
    form = StartForm()
    _set_role_choices(ctx, form)
    if not form.validate_on_submit():
        return _render_welcome(ctx, form, ResumeForm(), 400)
    role = None
    if form.role.data not in (None, "", "None"):
        role = str(ctx.definition.roles[int(form.role.data)])
    try:
        new = survey.start_response(ctx, role, start_nonce=_start_nonce())
    except Conflict:
        return _window_closed(ctx)
    state = _state()
    state.update(uid=new.uid, proof=new.proof, code=new.resume_code)
    _save_state(state)
    return redirect(url_for("survey.page", number=1))


@bp.post("/resume")
def resume():  # type: ignore[no-untyped-def]
    ctx = _context()
    if ctx is None:
        return _invalid_link()
    form = ResumeForm()
    if not form.validate_on_submit():
        return _render_welcome(ctx, StartForm(), form, 400)
    try:
        response = survey.resume_with_code(ctx, form.code.data or "")
    except Conflict as error:
        form.code.errors = [str(error)]
        return _render_welcome(ctx, StartForm(), form, 429)
    if response is None:
        form.code.errors = ["This code does not match an unfinished response of this team. "
                            "Please check it and try again."]
        return _render_welcome(ctx, StartForm(), form, 400)
    code = survey.normalise_code(form.code.data or "")
    state = _state()
    state.update(uid=response.uid, proof=code, code=code)
    _save_state(state)
    if response.status == ResponseStatus.COMPLETE:
        return _already_answered(ctx)
    return redirect(_page_url(ctx, response))


# --- pages -----------------------------------------------------------------------------

@bp.route("/page/<id:number>", methods=["GET", "POST"])
def page(number: int):  # type: ignore[no-untyped-def]
    # An autosave is answered in JSON whatever happens, so the page can say it was not saved.
    autosave = request.method == "POST" and request.headers.get("X-Assess-Autosave") == "1"
    ctx, response = _current_draft(as_json=autosave)
    if not 1 <= number <= ctx.pages:
        abort(404)
    if number > response.page + 1:
        # No skipping ahead: pages are answered in order (going back is always fine).
        if autosave:
            return jsonify({"saved": False, "reason": "not_reached"}), 409
        if request.method == "POST":
            return render_template(
                "survey/message.html", title="Page not reached yet", ctx=ctx,
                message="That page cannot be saved before the pages ahead of it. Nothing "
                        "from it was stored.",
                continue_url=url_for("survey.page", number=response.page + 1)), 409
        return redirect(url_for("survey.page", number=response.page + 1))
    dimension = ctx.definition.dimensions[number - 1]
    if request.method == "GET":
        return _render_page(ctx, response, number, None)

    form = make_page_form(ctx.definition, dimension, formdata=request.form)
    valid = form.validate()
    csrf_failed = bool(form.csrf_token.errors) if hasattr(form, "csrf_token") else False
    if csrf_failed:
        # An expired form: nothing from it is trusted, but nothing typed is lost either. The
        # page comes back with the posted answers and a fresh token, to be sent again.
        if autosave:
            return jsonify({"saved": False, "reason": "expired"}), 400
        return _render_page(ctx, response, number, form, status=400, notice=(
            "This page was open for a long time, so its security token expired. Your answers "
            "are shown again below: please press the button once more to save them."))
    answers, texts = _valid_answers(form, dimension)
    reached = number if valid and not autosave else max(response.page, 0)
    try:
        survey.save_page(ctx, response.id, number, answers, texts, reached=reached)
    except Conflict as error:
        if autosave:
            return jsonify({"saved": False, "reason": str(error)}), 409
        return render_template("survey/message.html", title=ctx.campaign.name, ctx=ctx,
                               message=str(error)), 409
    if autosave:
        return jsonify({"saved": True, "errors": _error_map(form)}), (200 if valid else 400)
    if not valid:
        return _render_page(ctx, response, number, form, status=400)
    if request.form.get("nav") == "back" or form.back.data:
        return redirect(url_for("survey.page", number=number - 1) if number > 1
                        else url_for("survey.page", number=1))
    if number >= ctx.pages:
        return redirect(url_for("survey.review"))
    return redirect(url_for("survey.page", number=number + 1))


def _valid_answers(form, dimension):  # type: ignore[no-untyped-def]
    """The page's answers that passed validation; fields with errors are left untouched."""
    answers: dict[str, answer_codec.Answer | None] = {}
    texts: dict[str, str] = {}
    for item in dimension.items:
        field = form[field_name(item)]
        if field.errors:
            continue
        if item.type == "text":
            texts[item.id] = field.data or ""
        elif field.data in (None, "", "None"):
            answers[item.id] = None
        elif field.data == answer_codec.DONT_KNOW_VALUE:
            answers[item.id] = answer_codec.DONT_KNOW_VALUE
        else:
            answers[item.id] = int(field.data)
    return answers, texts


def _error_map(form) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    errors = {name: list(field.errors) for name, field in form._fields.items() if field.errors}
    if form.form_errors:
        errors["_page"] = list(form.form_errors)
    return errors


def _render_page(ctx: LinkContext, response: Draft, number: int, form,  # type: ignore[no-untyped-def]
                 *, notice: str | None = None, status: int = 200):
    dimension = ctx.definition.dimensions[number - 1]
    if form is None:
        saved = survey.answers_of(ctx, response)
        texts = survey.texts_of(response)
        data: dict[str, Any] = {}
        for item in dimension.items:
            if item.type == "text":
                data[field_name(item)] = texts.get(item.id, "")
            elif item.id in saved:
                data[field_name(item)] = str(saved[item.id])
        form = make_page_form(ctx.definition, dimension, data=data)
    return render_template(
        "survey/page.html", ctx=ctx, dimension=dimension, form=form, number=number,
        pages=ctx.pages, notice=notice, resume_code=_resume_code(),
        field_name=field_name,
    ), status


def _resume_code() -> str | None:
    code = _state().get("code")
    return survey.format_code(code) if isinstance(code, str) else None


# --- review and submit -----------------------------------------------------------------

@bp.get("/review")
def review():  # type: ignore[no-untyped-def]
    ctx, response = _current_draft()
    if response.page < ctx.pages:
        return redirect(_page_url(ctx, response))
    form = SubmitForm(data={"submit_key": response.submit_key})
    return _render_review(ctx, response, form)


def _render_review(ctx: LinkContext, response: Draft, form: SubmitForm, status: int = 200):
    saved = survey.answers_of(ctx, response)
    texts = survey.texts_of(response)
    unanswered = []
    for number, dimension in enumerate(ctx.definition.dimensions, start=1):
        missing = [item for item in dimension.items
                   if (item.type != "text" and item.id not in saved)]
        unanswered.append((number, dimension, missing))
    comments = sum(1 for t in texts.values() if t)
    return render_template("survey/review.html", ctx=ctx, form=form, unanswered=unanswered,
                           answered=len(saved), total=len(ctx.definition.answer_items),
                           comments=comments, resume_code=_resume_code()), status


@bp.post("/submit")
def submit():  # type: ignore[no-untyped-def]
    ctx = _context()
    if ctx is None:
        return _invalid_link()
    response = _response(ctx)
    if response is None:
        return redirect(url_for("survey.welcome"))
    if response.status == ResponseStatus.COMPLETE:
        # A double click, a refresh or another device submitting the same draft a moment
        # earlier: the same thank-you, nothing changes. (Not _current_draft(): its second read
        # could see that completion and refuse this request instead.)
        return redirect(url_for("survey.thanks"))
    if ctx.window_state != "open":
        return _window_closed(ctx)
    if response.page < ctx.pages:
        return redirect(_page_url(ctx, response))
    form = SubmitForm()
    if not form.validate_on_submit():
        form = SubmitForm(data={"submit_key": response.submit_key})
        form.submit.errors = ["The form expired; please press Submit once more."]
        return _render_review(ctx, response, form, 400)
    try:
        completed = survey.submit(ctx, response.id, form.submit_key.data or "")
    except Conflict:
        return _window_closed(ctx)
    if not completed and not survey.is_complete(response.id):
        form = SubmitForm(data={"submit_key": response.submit_key})
        form.submit.errors = ["This submission did not match your response; please press "
                              "Submit once more."]
        return _render_review(ctx, response, form, 400)
    # Completed by this request or by a double click a moment earlier: either way, done once.
    return redirect(url_for("survey.thanks"))


@bp.get("/thanks")
def thanks():  # type: ignore[no-untyped-def]
    ctx = _context()
    if ctx is None:
        return _invalid_link()
    response = _response(ctx)
    if response is None or response.status != ResponseStatus.COMPLETE:
        return redirect(url_for("survey.welcome"))
    return render_template("survey/thanks.html", ctx=ctx)
