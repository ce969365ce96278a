"""The request class: form-field limits that hold for every body, not only multipart ones.

Werkzeug applies ``MAX_FORM_MEMORY_SIZE`` and ``MAX_FORM_PARTS`` to multipart bodies only; a
URL-encoded body up to ``MAX_CONTENT_LENGTH`` would be parsed whole, however many fields or
however long a value it holds. Here the same two limits apply to URL-encoded bodies, checked
before parsing, and a body beyond them gets 413 like any other oversized request.
"""

from __future__ import annotations

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

_URLENCODED = "application/x-www-form-urlencoded"


class AssessRequest(Request):
    """Flask's request, with the form limits applied to URL-encoded bodies too."""

    def _load_form_data(self) -> None:
        if "form" not in self.__dict__ and self.mimetype == _URLENCODED:
            # Already bounded by MAX_CONTENT_LENGTH; cached, so parsing reads it again.
            body = self.get_data(cache=True)
            memory, parts = self.max_form_memory_size, self.max_form_parts
            if memory is not None and len(body) > memory:
                raise RequestEntityTooLarge()
            if parts is not None and body.count(b"&") + 1 > parts:
                raise RequestEntityTooLarge()
        super()._load_form_data()
