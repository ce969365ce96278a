"""Respondent views. Thin: each parses its form, calls the survey service and renders.

The browser session (:mod:`.session_store`) holds only the link id, the response's random uid
and a secret proving the right to continue it; the server derives campaign, team and
questionnaire from the link (:mod:`.access`). Forms and answers convert in
:mod:`.answer_forms`.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..errors import Conflict
from ..models import ResponseStatus
from ..services import survey
from ..services.survey import Draft, LinkContext
from . import access, session_store
from .answer_forms import answers_from_form, field_name, form_data
from .forms import PageForm, ResumeForm, StartForm, SubmitForm, SwitchForm, make_page_form

bp = Blueprint("survey", __name__, url_prefix="/s")


def _resume_code() -> str | None:
    code = session_store.current_entry().resume_code
    return None if code is None else survey.format_code(code)


# --- entry -----------------------------------------------------------------------------

@bp.get("/<token>")
def open_link(token: str) -> ResponseReturnValue:
    """Bind the browser to the team link, then continue at a URL without the token.

    While this browser has a draft in progress on another link, ask first: any page can make
    a browser open a team link, so switching away takes the respondent's own confirmation.
    """
    ctx = survey.context_for_token(token)
    if ctx is None:
        return access.invalid_link()
    unfinished = _unfinished_elsewhere(ctx)
    if unfinished is not None:
        return render_template("survey/switch.html", ctx=unfinished, new=ctx,
                               form=SwitchForm(), token=token)
    session_store.bind(ctx.link.id, ctx.link.token_hash)
    return redirect(url_for("survey.welcome"))


@bp.post("/<token>/switch")
def switch_link(token: str) -> ResponseReturnValue:
    """The respondent confirmed: open this link, leaving the other draft to resume later."""
    ctx = survey.context_for_token(token)
    if ctx is None:
        return access.invalid_link()
    form = SwitchForm()
    if not form.validate_on_submit():
        unfinished = _unfinished_elsewhere(ctx)
        if unfinished is None:  # nothing to protect any more: open it as a GET would
            session_store.bind(ctx.link.id, ctx.link.token_hash)
            return redirect(url_for("survey.welcome"))
        form.switch.errors = ["The form expired; please choose once more."]
        return render_template("survey/switch.html", ctx=unfinished, new=ctx, form=form,
                               token=token), 400
    session_store.bind(ctx.link.id, ctx.link.token_hash)
    return redirect(url_for("survey.welcome"))


def _unfinished_elsewhere(new: LinkContext) -> LinkContext | None:
    """The link of this browser's draft in progress, when it is another link than ``new``."""
    current, draft = access.context_and_draft()
    if current is None or current.link.id == new.link.id or draft is None:
        return None
    if draft.status != ResponseStatus.DRAFT or current.window_state != "open":
        return None
    return current


@bp.get("/")
def welcome() -> ResponseReturnValue:
    ctx = access.link_context()
    if ctx is None:
        return access.invalid_link()
    response = access.draft_of(ctx)
    if response is not None and response.status == ResponseStatus.COMPLETE:
        return access.already_answered(ctx)
    if ctx.window_state != "open":
        return access.window_closed(ctx)
    if response is not None:
        return redirect(access.page_url(ctx, response))
    return _render_welcome(ctx, StartForm(), ResumeForm())


def _render_welcome(ctx: LinkContext, start: StartForm, resume: ResumeForm,
                    status: int = 200) -> ResponseReturnValue:
    start.offer_roles(ctx.definition)
    return render_template("survey/welcome.html", ctx=ctx, start_form=start,
                           resume_form=resume, team_full=survey.team_is_full(ctx)), status


@bp.post("/start")
def start() -> ResponseReturnValue:
    ctx = access.link_context()
    if ctx is None:
        return access.invalid_link()
    existing = access.draft_of(ctx)
    if existing is not None:  # a second click on Start: continue the same draft
        return redirect(url_for("survey.welcome"))
    form = StartForm()
    form.offer_roles(ctx.definition)
    if not form.validate_on_submit():
        return _render_welcome(ctx, form, ResumeForm(), 400)
    try:
        new = survey.start_response(ctx, form.chosen_role(ctx.definition),
                                    start_nonce=session_store.current_entry().start_nonce)
    except Conflict:
        return access.window_closed(ctx)
    session_store.update_current(uid=new.uid, proof=new.proof, resume_code=new.resume_code)
    return redirect(url_for("survey.page", number=1))


@bp.post("/resume")
def resume() -> ResponseReturnValue:
    ctx = access.link_context()
    if ctx is None:
        return access.invalid_link()
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
    session_store.update_current(uid=response.uid, proof=code, resume_code=code)
    if response.status == ResponseStatus.COMPLETE:
        return access.already_answered(ctx)
    return redirect(access.page_url(ctx, response))


# --- pages -----------------------------------------------------------------------------

@bp.route("/page/<id:number>", methods=["GET", "POST"])
def page(number: int) -> ResponseReturnValue:
    # An autosave is answered in JSON whatever happens, so the page can say it was not saved.
    autosave = request.method == "POST" and request.headers.get("X-Assess-Autosave") == "1"
    ctx, response = access.current_draft(as_json=autosave)
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
    answers, texts = answers_from_form(form, ctx.definition, dimension)
    reached = number if valid and not autosave else max(response.page, 0)
    try:
        survey.save_page(ctx, response.id, answers, texts, reached=reached)
    except Conflict as error:
        if autosave:
            return jsonify({"saved": False, "reason": str(error)}), 409
        return render_template("survey/message.html", title=ctx.campaign.name, ctx=ctx,
                               message=str(error)), 409
    if autosave:
        return jsonify({"saved": True, "errors": form.errors_by_field()}), (200 if valid else 400)
    if not valid:
        return _render_page(ctx, response, number, form, status=400)
    if request.form.get("nav") == "back" or form.back.data:
        return redirect(url_for("survey.page", number=number - 1) if number > 1
                        else url_for("survey.page", number=1))
    if number >= ctx.pages:
        return redirect(url_for("survey.review"))
    return redirect(url_for("survey.page", number=number + 1))


def _render_page(ctx: LinkContext, response: Draft, number: int, form: PageForm | None,
                 *, notice: str | None = None, status: int = 200) -> ResponseReturnValue:
    dimension = ctx.definition.dimensions[number - 1]
    if form is None:  # the saved answers
        data = form_data(dimension, survey.answers_of(ctx, response), survey.texts_of(response))
        form = make_page_form(ctx.definition, dimension, data=data)
    return render_template(
        "survey/page.html", ctx=ctx, dimension=dimension, form=form, number=number,
        pages=ctx.pages, notice=notice, resume_code=_resume_code(),
        field_name=field_name,
    ), status


# --- review and submit -----------------------------------------------------------------

@bp.get("/review")
def review() -> ResponseReturnValue:
    ctx, response = access.current_draft()
    if response.page < ctx.pages:
        return redirect(access.page_url(ctx, response))
    form = SubmitForm(data={"submit_key": response.submit_key})
    return _render_review(ctx, response, form)


def _render_review(ctx: LinkContext, response: Draft, form: SubmitForm,
                   status: int = 200) -> ResponseReturnValue:
    summary = survey.review_summary(ctx, response)
    return render_template("survey/review.html", ctx=ctx, form=form, unanswered=summary.pages,
                           answered=summary.answered, total=summary.total,
                           comments=summary.comments, resume_code=_resume_code()), status


@bp.post("/submit")
def submit() -> ResponseReturnValue:
    ctx = access.link_context()
    if ctx is None:
        return access.invalid_link()
    response = access.draft_of(ctx)
    if response is None:
        return redirect(url_for("survey.welcome"))
    if response.status == ResponseStatus.COMPLETE:
        # A double click, a refresh or another device submitting the same draft a moment
        # earlier: the same thank-you, nothing changes. (Not access.current_draft(): its second
        # read could see that completion and refuse this request instead.)
        return redirect(url_for("survey.thanks"))
    if ctx.window_state != "open":
        return access.window_closed(ctx)
    if response.page < ctx.pages:
        return redirect(access.page_url(ctx, response))
    form = SubmitForm()
    if not form.validate_on_submit():
        form = SubmitForm(data={"submit_key": response.submit_key})
        form.submit.errors = ["The form expired; please press Submit once more."]
        return _render_review(ctx, response, form, 400)
    try:
        completed = survey.submit(ctx, response.id, form.submit_key.data or "")
    except survey.TeamFull as full:
        form = SubmitForm(data={"submit_key": response.submit_key})
        form.submit.errors = [str(full)]
        return _render_review(ctx, response, form, 409)
    except Conflict:
        return access.window_closed(ctx)
    if not completed and not survey.is_complete(response.id):
        form = SubmitForm(data={"submit_key": response.submit_key})
        form.submit.errors = ["This submission did not match your response; please press "
                              "Submit once more."]
        return _render_review(ctx, response, form, 400)
    # Completed by this request or by a double click a moment earlier: either way, done once.
    return redirect(url_for("survey.thanks"))


@bp.get("/thanks")
def thanks() -> ResponseReturnValue:
    ctx = access.link_context()
    if ctx is None:
        return access.invalid_link()
    response = access.draft_of(ctx)
    if response is None or response.status != ResponseStatus.COMPLETE:
        return redirect(url_for("survey.welcome"))
    return render_template("survey/thanks.html", ctx=ctx)
