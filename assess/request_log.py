"""One structured log line per request, with nothing in it that identifies a respondent.

Each request that ends logs a JSON object on the ``assess.requests`` logger (INFO)::

    {"method": "POST", "route": "/s/page/<int:number>", "path": "/s/page/3",
     "status": 302, "ms": 2.1, "bytes": 0}

Never logged: query strings and bodies (answers, comments, resume codes, passwords), the
client's address or user agent (respondents are promised neither is kept), cookies, and any
URL part that is a secret: for routes with a ``token`` argument (team links, set-password
links) the path is the route's pattern, not the address. Unknown addresses are logged cut to
:data:`MAX_PATH` characters with control characters escaped.

Where the lines go is the operator's choice: Python logging's usual configuration; with
``REQUEST_LOG`` on (``ASSESS_REQUEST_LOG=1``), Assess writes them to standard error itself,
which gunicorn passes to its error log.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, Response, g, request

from .text import escape_controls

logger = logging.getLogger("assess.requests")

MAX_PATH = 200
_SECRET_ARGUMENTS = frozenset({"token"})


def _path() -> tuple[str | None, str]:
    rule = request.url_rule
    if rule is None:
        return None, escape_controls(request.path[:MAX_PATH])
    if _SECRET_ARGUMENTS & set(rule.arguments):
        return rule.rule, rule.rule
    return rule.rule, escape_controls(request.path[:MAX_PATH])


def record(response: Response) -> dict[str, object]:
    """The fields logged for ``response`` to the current request."""
    route, path = _path()
    started = g.get("_request_started")
    return {
        "method": request.method,
        "route": route,
        "path": path,
        "status": response.status_code,
        "ms": None if started is None else round((time.perf_counter() - started) * 1000, 1),
        "bytes": response.calculate_content_length(),
    }


def install(app: Flask) -> None:
    """Time every request and log its line when it ends."""
    if app.config.get("REQUEST_LOG") and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    @app.before_request
    def _start() -> None:
        g._request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if logger.isEnabledFor(logging.INFO):
            logger.info(json.dumps(record(response), separators=(",", ":")))
        return response
