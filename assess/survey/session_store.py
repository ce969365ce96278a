"""What a respondent's browser session remembers of the team links it opened.

The session (Flask's signed cookie) holds, under :data:`SESSION_KEY`::

    {"current": link id,
     "links": {"<link id>": {"hash": token hash the browser opened,
                             "start": start nonce,
                             "uid": response uid, "proof": browser secret,
                             "code": resume code}}}

no answers, nothing the respondent did not already have. ``uid``, ``proof`` and ``code`` appear
once a draft was started or resumed. Only the entry of the link in use is read or rewritten;
the entries of other links stay as they are.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from flask import session

SESSION_KEY = "survey"
# Links remembered per browser (one entry per team link opened: a respondent may answer the
# maturity and the readiness campaign side by side); the oldest entries without a draft drop
# out first. Opening a link is a GET that any site can cause, so entries with a draft are
# never pushed out by links opened since: only beyond MAX_DRAFTS_PER_BROWSER drafts (which
# take a Start in this browser each) does the oldest draft's entry go, and its resume code
# still opens it. Eight entries keep the session cookie well under 4 KB.
MAX_LINKS_PER_BROWSER = 6
MAX_DRAFTS_PER_BROWSER = 8
START_NONCE_CHARS = 32  # 128 random bits, as hex


@dataclass(frozen=True)
class LinkEntry:
    """This browser's entry for one team link (None: not in the entry)."""

    token_hash: str | None = None
    start_nonce: str | None = None
    uid: str | None = None
    proof: str | None = None
    resume_code: str | None = None

    @classmethod
    def from_session(cls, raw: object) -> LinkEntry | None:
        """The entry stored as ``raw``; None when it is not an entry at all.

        Values of the wrong type (and a start nonce of the wrong length) count as absent.
        """
        if not isinstance(raw, dict):
            return None
        nonce = _text(raw.get("start"))
        return cls(
            token_hash=_text(raw.get("hash")),
            start_nonce=nonce if nonce is not None and len(nonce) == START_NONCE_CHARS else None,
            uid=_text(raw.get("uid")),
            proof=_text(raw.get("proof")),
            resume_code=_text(raw.get("code")),
        )

    def to_session(self) -> dict[str, str]:
        """The entry as stored in the session (absent values left out)."""
        stored = {"hash": self.token_hash, "start": self.start_nonce, "uid": self.uid,
                  "proof": self.proof, "code": self.resume_code}
        return {key: value for key, value in stored.items() if value is not None}


class Binding(NamedTuple):
    """The link this browser is using, the token hash it opened it with, and its entry."""

    link_id: int
    token_hash: str
    entry: LinkEntry


def current_entry() -> LinkEntry:
    """This browser's entry for the link it is currently using (empty when none)."""
    value = _read()
    return LinkEntry.from_session(value["links"].get(str(value["current"]))) or LinkEntry()


def binding() -> Binding | None:
    """The current link and its entry, while the entry names a token hash; else None."""
    link_id = _read()["current"]
    entry = current_entry()
    if not isinstance(link_id, int) or entry.token_hash is None:
        return None
    return Binding(link_id, entry.token_hash, entry)


def bind(link_id: int, token_hash: str) -> None:
    """Make ``link_id`` the current link of this browser, opened through ``token_hash``.

    The link's entry is kept while it names the same token hash. On a first visit (or one
    through a link regenerated since) the entry starts afresh, with no draft and a new
    random start nonce, which makes Start idempotent (see ``survey.start_response``).
    """
    entry = LinkEntry.from_session(_read()["links"].get(str(link_id)))
    if entry is None or entry.token_hash != token_hash:
        entry = LinkEntry(token_hash=token_hash,
                          start_nonce=secrets.token_hex(START_NONCE_CHARS // 2))
    _write(entry, link_id)


def update_current(*, uid: str, proof: str, resume_code: str) -> None:
    """Record in the current link's entry the draft this browser now works on."""
    _write(replace(current_entry(), uid=uid, proof=proof, resume_code=resume_code),
           _read()["current"])


def _read() -> dict[str, Any]:
    value = session.get(SESSION_KEY)
    if not isinstance(value, dict) or not isinstance(value.get("links"), dict):
        return {"current": None, "links": {}}
    return {"current": value.get("current"), "links": dict(value["links"])}


def _write(entry: LinkEntry, current: object) -> None:
    """Store ``entry`` as the entry of ``current`` and make that link the current one."""
    entries = _read()["links"]
    entries.pop(str(current), None)
    entries[str(current)] = entry.to_session()  # re-inserted last: the most recently used
    kept = str(current)
    while len(entries) > MAX_LINKS_PER_BROWSER:
        spare = next((key for key, raw in entries.items()
                      if key != kept and not _has_draft(raw)), None)
        if spare is None:
            break
        entries.pop(spare)
    while len(entries) > MAX_DRAFTS_PER_BROWSER:
        entries.pop(next(key for key in entries if key != kept))
    session[SESSION_KEY] = {"current": current, "links": entries}
    # A permanent session survives closing the tab and the browser: "resume on this device".
    session.permanent = True


def _has_draft(raw: object) -> bool:
    entry = LinkEntry.from_session(raw)
    return entry is not None and entry.uid is not None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
