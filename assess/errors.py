"""Domain errors and the friendly error pages (HTML, or JSON under /api/)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


class AssessError(Exception):
    """Base class of domain errors: a message fit to show to the person who caused it."""


class NotFound(AssessError):
    """The named object does not exist (or is not visible to the caller)."""


class Conflict(AssessError):
    """The request contradicts the current state (a frozen version, a closed campaign...)."""


class InvalidInput(AssessError):
    """Input that cannot be accepted, with a message that says what was expected."""


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


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error as a friendly page, or as JSON for API clients."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        return _render(code, _MESSAGES.get(code, error.description or "")), code, _headers(error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        message = ("Your form expired or was sent from elsewhere. "
                   "Please reload the page and try again.")
        return _render(400, message), 400

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):  # type: ignore[no-untyped-def]
        # Domain "not found" (including "not yours") answers exactly like an unknown URL.
        return _render(404, _MESSAGES[404]), 404

    @app.errorhandler(Conflict)
    def _conflict(error: Conflict):  # type: ignore[no-untyped-def]
        return _render(409, str(error) or _MESSAGES[409]), 409

    @app.errorhandler(InvalidInput)
    def _invalid(error: InvalidInput):  # type: ignore[no-untyped-def]
        return _render(400, str(error) or _MESSAGES[400]), 400

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error", exc_info=error)
        return _render(500, _MESSAGES[500]), 500

    app.register_error_handler(InternalServerError, _unexpected)


def _headers(error: HTTPException) -> list[tuple[str, str]]:
    # The error's own headers (Allow on 405, Retry-After on 429/503), not its content type:
    # the friendly page or JSON sets that.
    return [(name, value) for name, value in error.get_headers()
            if name.lower() != "content-type"]


def _render(code: int, message: str):  # type: ignore[no-untyped-def]
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify({"error": {"status": code, "title": _TITLES.get(code, "Error"),
                                  "message": message}})
    return render_template("error.html", code=code, title=_TITLES.get(code, "Error"),
                           message=message)
