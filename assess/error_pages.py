"""Friendly error answers of the web layer: an HTML page, or JSON where the blueprint says so.

Every HTTP error and every domain error (:mod:`assess.errors`) becomes a short message that
says what happened and that nothing was half-saved; a traceback never reaches the client.
Which body a request gets is decided by the blueprint that serves it: a blueprint that calls
:func:`json_errors` (the API) answers in JSON, including for unknown addresses below its
mount point; the others render ``error.html``. A client that asks for JSON in its Accept
header gets JSON anywhere.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .database import is_unavailable, unavailable
from .errors import Conflict, InvalidInput, NotFound
from .extensions import db

# app.extensions key: {blueprint name: URL prefix it is mounted at} of JSON-error blueprints
_JSON_BLUEPRINTS = "assess.json_error_blueprints"

_TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Not possible now",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Busy",
}

_MESSAGES = {
    400: "The request could not be understood. Nothing was changed.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address.",
    405: "This page cannot be used that way.",
    409: "This cannot be done in the current state. Nothing was changed.",
    413: "What was sent is larger than Assess accepts. Nothing was changed.",
    429: "Too many attempts. Please wait a few minutes and try again.",
    500: "An unexpected error happened. It has been logged; nothing you sent was half-saved.",
    503: "Assess is busy right now. Please try again in a moment.",
}


def json_errors(bp: Blueprint) -> Blueprint:
    """Make ``bp`` answer its errors in JSON, also for unknown addresses below its prefix."""

    def remember(state: BlueprintSetupState) -> None:
        registry = state.app.extensions.setdefault(_JSON_BLUEPRINTS, {})
        registry[state.name] = state.url_prefix or ""

    bp.record_once(remember)
    return bp


def register_error_handlers(app: Flask) -> None:
    """Answer every HTTP and domain error with a friendly page (or JSON, see above)."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        if getattr(error, "specific_message", False):
            message = error.description or _MESSAGES.get(code, "")
        else:
            message = _MESSAGES.get(code, error.description or "")
        return _render(code, message), code, _headers(error)

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error: SecurityError) -> ResponseReturnValue:
        # A Host outside TRUSTED_HOSTS: no page is built (its links would name that host).
        return Response("This address is not served here.\n", 400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> ResponseReturnValue:
        message = ("Your form expired or was sent from elsewhere. "
                   "Please reload the page and try again.")
        return _render(400, message), 400

    @app.errorhandler(NotFound)
    def _not_found(_error: NotFound) -> ResponseReturnValue:
        # Domain "not found" (including "not yours") answers exactly like an unknown URL.
        return _render(404, _MESSAGES[404]), 404

    @app.errorhandler(Conflict)
    def _conflict(error: Conflict) -> ResponseReturnValue:
        return _render(409, str(error) or _MESSAGES[409]), 409

    @app.errorhandler(InvalidInput)
    def _invalid(error: InvalidInput) -> ResponseReturnValue:
        return _render(400, str(error) or _MESSAGES[400]), 400

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError) -> ResponseReturnValue:
        # Lost or refused connections (a restart) are the database's absence, not a bug.
        try:
            db.session.rollback()
        except DBAPIError:
            pass  # the connection is gone; the pool replaces it
        if is_unavailable(error):
            app.logger.error("database unavailable: %s", error.orig)
            return _http_error(unavailable())
        return _unexpected(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error", exc_info=error)
        return _render(500, _MESSAGES[500]), 500

    app.register_error_handler(InternalServerError, _unexpected)


def _headers(error: HTTPException) -> list[tuple[str, str]]:
    # The error's own headers (Allow on 405, Retry-After on 429/503), not its content type:
    # the friendly page or JSON sets that.
    return [(name, value) for name, value in error.get_headers()
            if name.lower() != "content-type"]


def _wants_json() -> bool:
    if request.accept_mimetypes.best == "application/json":
        return True
    registry: dict[str, str] = current_app.extensions.get(_JSON_BLUEPRINTS, {})
    if request.url_rule is not None:
        return any(name in registry for name in request.blueprints)
    # No route matched (404, or 405 before a view): the blueprint mounted at this address.
    path = request.path
    return any(prefix and (path == prefix or path.startswith(prefix.rstrip("/") + "/"))
               for prefix in registry.values())


def _render(code: int, message: str) -> Response:
    title = _TITLES.get(code, "Error")
    if _wants_json():
        return jsonify({"error": {"status": code, "title": title, "message": message}})
    return make_response(render_template("error.html", code=code, title=title, message=message))
