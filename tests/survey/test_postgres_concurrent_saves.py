"""Concurrent writes on a real PostgreSQL database: no answer is lost, conflicts are retried.

SQLite serialises writers with ``BEGIN IMMEDIATE``; PostgreSQL does not, so there the page save
relies on ``SELECT ... FOR UPDATE`` around its read-merge-write of the packed answers, and
``run_write`` relies on retrying serialization failures (SQLSTATE 40001) and deadlocks (40P01).
These tests provoke both for real:

* two tabs (two test clients on one draft) save different pages at the same moment, released
  together by a barrier, round after round; and one exact interleaving on the service layer,
  where the second save starts while the first holds the row between its read and its write;
* genuine serialization failures and a genuine deadlock between two PostgreSQL sessions hit a
  ``run_write`` transaction, which is retried and commits; a conflict that never goes away ends
  in :class:`DatabaseBusy` (503 with Retry-After), never in a 500.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from assess import answer_codec, create_app
from assess.database import BUSY_RETRY_AFTER, DatabaseBusy, run_write
from assess.definitions import Dimension
from assess.extensions import db
from tests.conftest import close_database, make_config
from tests.pg import PostgresCluster
from tests.survey.survey_support import Respondent, field, team_link_path

pytestmark = pytest.mark.postgres

ROUNDS = 20
WAIT = 10.0  # seconds: an upper bound on every wait below, reached only when a test fails


# --- fixtures ----------------------------------------------------------------------------

def _pg_app(instance: Path, url: str, **extra: object) -> Flask:
    config = make_config(instance, instance.parent / "unused.sqlite3", **extra)
    config["SQLALCHEMY_DATABASE_URI"] = url
    return create_app(config)


@pytest.fixture(scope="module")
def pg_demo(postgres_cluster: PostgresCluster,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """One migrated PostgreSQL database with the demo loaded, shared by this module's tests
    (each test starts its own drafts): its URL and the instance folder."""
    from flask_migrate import upgrade

    from assess.services.demo import ensure_demo

    root = tmp_path_factory.mktemp("pg-concurrent-saves")
    url = postgres_cluster.create_database(f"assess_concurrent_saves_{root.name}".lower()
                                           .replace("-", "_"))
    app = _pg_app(root / "instance", url)
    with app.app_context():
        upgrade()
        ensure_demo()
    close_database(app)
    return url, root / "instance"


@pytest.fixture
def demo_pg_app(pg_demo: tuple[str, Path]) -> Iterator[Flask]:
    url, instance = pg_demo
    app = _pg_app(instance, url, WTF_CSRF_ENABLED=False)
    yield app
    close_database(app)


def _dsn(url: str) -> str:
    """The libpq address of a SQLAlchemy URL, for psycopg connections of our own."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# --- two tabs, different pages, the same moment ---------------------------------------

def _next_page_data(dimension: Dimension, expected: dict[str, Any], texts: dict[str, str],
                    note: str) -> dict[str, str]:
    """Form data for a page in which every scored answer differs from the stored one.

    Each value steps on (1..5, then 1 again), so a save lost to the other tab's write would
    leave an old value behind and never be mistaken for the new one.
    """
    data: dict[str, str] = {"nav": "next"}
    for item in dimension.items:
        if item.type == "text":
            data[field(item)] = note
            texts[item.id] = note
        else:
            value = int(expected[item.id]) % 5 + 1
            data[field(item)] = str(value)
            expected[item.id] = value
    return data


def _second_tab_same_browser(app: Flask, first: Respondent) -> Respondent:
    """A second tab of the first tab's browser: another client with the same session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = first.client.get_cookie(name)
    assert cookie is not None
    other = Respondent(app, app.test_client(), first.link)
    other.client.set_cookie(name, cookie.value)
    return other


def _second_device_with_resume_code(app: Flask, first: Respondent) -> Respondent:
    """Another browser that opened the team link and continued the draft with its code."""
    other = Respondent(app, app.test_client(), first.link)
    assert other.open().status_code == 302
    resumed = other.client.post("/s/resume", data={"code": first.resume_code})
    assert resumed.status_code == 302, resumed.get_data(as_text=True)
    return other


@pytest.mark.parametrize("second_tab", [_second_tab_same_browser,
                                        _second_device_with_resume_code],
                         ids=["same-browser-session", "resume-code"])
def test_two_tabs_saving_different_pages_at_once_lose_nothing(
        demo_pg_app: Flask, second_tab: Callable[[Flask, Respondent], Respondent]) -> None:
    link = team_link_path(demo_pg_app)
    assert link is not None
    tab_a = Respondent(demo_pg_app, demo_pg_app.test_client(), link)
    assert tab_a.open().status_code == 302
    assert tab_a.start().status_code == 302
    tab_a.answer_pages()  # every page reached, so either tab may save any page
    tab_b = second_tab(demo_pg_app, tab_a)
    assert tab_b.uid == tab_a.uid
    expected = dict(tab_a.answers())
    assert expected == {k: v for n in range(1, tab_a.pages + 1)
                        for k, v in tab_a.expected(n).items()}
    texts: dict[str, str] = {}
    pages = tab_a.pages
    barrier = threading.Barrier(2, timeout=WAIT)

    def save(tab: Respondent, number: int, data: dict[str, str]) -> int:
        barrier.wait()  # both tabs send at the same moment
        return tab.post_page(number, data).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        for round_number in range(ROUNDS):
            page_a = 1 + round_number % pages
            page_b = 1 + (round_number + 4) % pages
            data_a = _next_page_data(tab_a.dimension(page_a), expected, texts,
                                     f"round {round_number}, tab A")
            data_b = _next_page_data(tab_b.dimension(page_b), expected, texts,
                                     f"round {round_number}, tab B")
            futures = [pool.submit(save, tab_a, page_a, data_a),
                       pool.submit(save, tab_b, page_b, data_b)]
            statuses = [future.result(timeout=WAIT) for future in futures]
            assert statuses == [302, 302], (round_number, statuses)
            stored = tab_a.answers()
            lost = {k: (v, stored.get(k)) for k, v in expected.items() if stored.get(k) != v}
            assert not lost, (f"round {round_number} (pages {page_a} and {page_b}): "
                              f"answers lost (expected, stored): {lost}")
    assert tab_a.answers() == expected
    assert len(expected) == len(tab_a.definition.answer_items)
    assert tab_a.texts() == texts
    row = tab_a.row()
    assert row["answered"] == len(expected)
    assert row["page"] == pages
    assert row["status"] == "draft"


def _backend_waits_on_a_lock(monitor: psycopg.Connection[Any], pid: int) -> bool:
    """Whether that backend is waiting for a lock another backend holds (read live)."""
    found = monitor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", (pid,)).fetchone()
    return bool(found and found[0])


def _some_backend_waits_on_a_lock(monitor: psycopg.Connection[Any]) -> bool:
    """Whether another session of this database is waiting for a lock (autocommit: each
    query sees the current activity, not a snapshot)."""
    found = monitor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'").fetchone()
    return bool(found and found[0])


def _hold_until_another_waits_on_a_lock(dsn: str, other_done: threading.Event) -> bool:
    """Pause (inside the caller's open transaction) until another session of the database
    waits for a lock, or the other side finished, or WAIT passed; True if one was seen."""
    with psycopg.connect(dsn, autocommit=True) as monitor:
        deadline = time.monotonic() + WAIT
        while not other_done.is_set() and time.monotonic() < deadline:
            if _some_backend_waits_on_a_lock(monitor):
                return True
            time.sleep(0.005)
    return False


def test_a_save_that_starts_while_another_holds_the_draft_waits_and_merges(
        demo_pg_app: Flask, pg_demo: tuple[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One exact interleaving, without luck: B reads the draft after A read it, before A wrote.

    A pauses right after reading the draft's answers (inside its transaction) until B either
    finished or is seen waiting on A's row lock in PostgreSQL. With the lock, B waits and then
    merges into A's result; without it, B would write first and A's write would drop B's page.
    """
    from assess.services import survey

    link = team_link_path(demo_pg_app)
    assert link is not None
    token = link.rsplit("/", 1)[-1]
    with demo_pg_app.app_context():
        ctx = survey.context_for_token(token)
        assert ctx is not None
        new = survey.start_response(ctx, None)
        draft = survey.find_response(ctx, new.uid, new.proof)
        assert draft is not None
    definition = ctx.definition
    page_a, page_b = definition.dimensions[0], definition.dimensions[1]
    answers_a = {item.id: 2 for item in page_a.items if item.type != "text"}
    answers_b = {item.id: 5 for item in page_b.items if item.type != "text"}

    a_has_read = threading.Event()
    b_done = threading.Event()
    seen_b_waiting: list[bool] = []
    original_decode = answer_codec.decode
    dsn = _dsn(pg_demo[0])

    def decode_then_hold(item_ids: Any, blob: bytes) -> dict[str, answer_codec.Answer]:
        if threading.current_thread().name == "tab-a" and not a_has_read.is_set():
            a_has_read.set()
            if _hold_until_another_waits_on_a_lock(dsn, b_done):
                seen_b_waiting.append(True)
        return original_decode(item_ids, blob)

    monkeypatch.setattr(answer_codec, "decode", decode_then_hold)

    def tab_a() -> None:
        with demo_pg_app.app_context():
            survey.save_page(ctx, draft.id, dict(answers_a), {}, reached=1)

    def tab_b() -> None:
        try:
            assert a_has_read.wait(WAIT), "tab A never read the draft"
            with demo_pg_app.app_context():
                survey.save_page(ctx, draft.id, dict(answers_b), {}, reached=2)
        finally:
            b_done.set()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_named("tab-a", tab_a))
        second = pool.submit(_named("tab-b", tab_b))
        first.result(timeout=WAIT * 2)
        second.result(timeout=WAIT * 2)

    with demo_pg_app.app_context():
        stored = survey.answers_of(ctx, draft)
    assert stored == {**answers_a, **answers_b}, "a save lost the other save's page"
    assert seen_b_waiting == [True], "tab B should have waited for tab A's row lock"


def _named(name: str, function: Callable[[], None]) -> Callable[[], None]:
    """Run ``function`` under a thread name the decode hook recognises."""

    def run() -> None:
        thread = threading.current_thread()
        old, thread.name = thread.name, name
        try:
            function()
        finally:
            thread.name = old

    return run


# --- run_write retries serialization failures and deadlocks ------------------------------

@pytest.fixture
def probe_app(tmp_path: Path, postgres_url: str) -> Iterator[Flask]:
    """An app on an empty PostgreSQL database holding one table: probe(id, n), rows 1 and 2."""
    with psycopg.connect(_dsn(postgres_url), autocommit=True) as setup:
        setup.execute("CREATE TABLE probe (id integer PRIMARY KEY, n integer NOT NULL)")
        setup.execute("INSERT INTO probe VALUES (1, 0), (2, 0)")
    app = _pg_app(tmp_path / "instance", postgres_url, WTF_CSRF_ENABLED=False)
    yield app
    close_database(app)


@contextmanager
def _database_errors() -> Iterator[list[str]]:
    """The SQLSTATE of every error the app's engine raises meanwhile (needs an app context)."""
    codes: list[str] = []

    def record(context: Any) -> None:
        codes.append(getattr(context.original_exception, "sqlstate", None) or "?")

    engine = db.engine
    event.listen(engine, "handle_error", record)
    try:
        yield codes
    finally:
        event.remove(engine, "handle_error", record)


def _probe(app: Flask) -> dict[int, int]:
    with psycopg.connect(_dsn(app.config["SQLALCHEMY_DATABASE_URI"]), autocommit=True) as c:
        return dict(c.execute("SELECT id, n FROM probe ORDER BY id").fetchall())


def _conflicting_increment(app: Flask, attempts: list[int], *, conflicts: int
                           ) -> Callable[[], int]:
    """Work for ``run_write``: read n at REPEATABLE READ, then write n + 1.

    During the first ``conflicts`` attempts another session adds 100 and commits between the
    read and the write, so PostgreSQL refuses the write with a real serialization failure.
    """
    dsn = _dsn(app.config["SQLALCHEMY_DATABASE_URI"])

    def work() -> int:
        attempts.append(len(attempts) + 1)
        db.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        n = db.session.execute(text("SELECT n FROM probe WHERE id = 1")).scalar_one()
        if len(attempts) <= conflicts:
            with psycopg.connect(dsn, autocommit=True) as other:
                other.execute("UPDATE probe SET n = n + 100 WHERE id = 1")
        db.session.execute(text("UPDATE probe SET n = :n WHERE id = 1"), {"n": n + 1})
        return int(n)

    return work


def test_a_serialization_failure_is_retried_and_the_write_commits(probe_app: Flask) -> None:
    attempts: list[int] = []
    with probe_app.app_context(), _database_errors() as errors:
        read = run_write(_conflicting_increment(probe_app, attempts, conflicts=1))
    assert errors == ["40001"]  # a genuine serialization failure, raised by PostgreSQL
    assert attempts == [1, 2]
    assert read == 100  # the retry read the other session's committed value...
    assert _probe(probe_app) == {1: 101, 2: 0}  # ...and built on it: nothing lost


def test_a_serialization_failure_outlasting_the_attempts_ends_in_database_busy(
        probe_app: Flask) -> None:
    attempts: list[int] = []
    with probe_app.app_context(), _database_errors() as errors:
        with pytest.raises(DatabaseBusy) as raised:
            run_write(_conflicting_increment(probe_app, attempts, conflicts=99))
        assert errors == ["40001"] * 3
        # The session was rolled back and is usable for the next request's work.
        assert db.session.execute(text("SELECT n FROM probe WHERE id = 1")).scalar_one() == 300
        db.session.rollback()
    assert attempts == [1, 2, 3]  # run_write's default number of attempts
    busy = raised.value
    assert busy.code == 503
    assert busy.retry_after == BUSY_RETRY_AFTER
    cause = busy.__cause__
    assert isinstance(cause, OperationalError)
    assert isinstance(cause.orig, psycopg.errors.SerializationFailure)
    assert cause.orig.sqlstate == "40001"
    assert _probe(probe_app) == {1: 300, 2: 0}  # only the other session's writes


def test_a_deadlock_is_retried_and_the_write_commits(probe_app: Flask) -> None:
    """A real deadlock: this transaction holds row 1 and wants row 2, another session holds
    row 2 and wants row 1. Deadlock timeouts are set so that PostgreSQL always picks this
    transaction as the victim (40P01); its retry then commits after the other session."""
    dsn = _dsn(probe_app.config["SQLALCHEMY_DATABASE_URI"])
    attempts: list[int] = []
    errors: list[BaseException] = []
    other = psycopg.connect(dsn)
    monitor = psycopg.connect(dsn, autocommit=True)
    other_pid = other.info.backend_pid
    other.execute("SET deadlock_timeout = '60s'")  # never the one to detect the deadlock
    other.execute("UPDATE probe SET n = n + 10 WHERE id = 2")  # holds row 2

    def other_wants_row_1() -> None:
        try:
            other.execute("UPDATE probe SET n = n + 10 WHERE id = 1")
            other.commit()
        except BaseException as error:  # reported by the assertions below
            errors.append(error)

    waiter = threading.Thread(target=other_wants_row_1)

    def work() -> None:
        attempts.append(len(attempts) + 1)
        db.session.execute(text("SET LOCAL deadlock_timeout = '50ms'"))
        db.session.execute(text("UPDATE probe SET n = n + 1 WHERE id = 1"))
        if len(attempts) == 1:
            waiter.start()
            deadline = time.monotonic() + WAIT
            while not _backend_waits_on_a_lock(monitor, other_pid):
                assert time.monotonic() < deadline, "the other session never waited for row 1"
                time.sleep(0.005)
        db.session.execute(text("UPDATE probe SET n = n + 1 WHERE id = 2"))  # the cycle

    try:
        with probe_app.app_context(), _database_errors() as database_errors:
            run_write(work)
    finally:
        if waiter.ident is not None:  # started: let it finish before its connection closes
            waiter.join(WAIT)
        other.close()
        monitor.close()
    assert not waiter.is_alive()
    assert errors == []
    assert database_errors == ["40P01"]  # PostgreSQL broke a real deadlock, once
    assert attempts == [1, 2]
    assert _probe(probe_app) == {1: 11, 2: 11}  # both sessions' writes, nothing lost


def test_a_conflict_that_is_not_transient_is_not_retried(probe_app: Flask) -> None:
    """Only 40001 and 40P01 are retried: a NOWAIT lock refusal (55P03) surfaces at once."""
    dsn = _dsn(probe_app.config["SQLALCHEMY_DATABASE_URI"])
    attempts: list[int] = []

    def work() -> None:
        attempts.append(1)
        db.session.execute(text("SELECT n FROM probe WHERE id = 1 FOR UPDATE NOWAIT"))

    with psycopg.connect(dsn) as holder:
        holder.execute("SELECT n FROM probe WHERE id = 1 FOR UPDATE")
        with probe_app.app_context():
            with pytest.raises(OperationalError) as raised:
                run_write(work)
    assert attempts == [1]
    assert raised.value.orig is not None
    assert raised.value.orig.sqlstate == "55P03"


def test_a_request_whose_write_keeps_conflicting_gets_503_with_retry_after(
        probe_app: Flask) -> None:
    attempts: list[int] = []

    def endpoint() -> str:
        run_write(_conflicting_increment(probe_app, attempts, conflicts=99))
        return "saved"

    probe_app.add_url_rule("/probe-write", "probe_write", endpoint, methods=["POST"])
    client = probe_app.test_client()
    page = client.post("/probe-write")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(BUSY_RETRY_AFTER)
    assert "busy" in page.get_data(as_text=True)
    as_json = client.post("/probe-write", headers={"Accept": "application/json"})
    assert as_json.status_code == 503
    assert as_json.headers["Retry-After"] == str(BUSY_RETRY_AFTER)
    assert as_json.get_json()["error"]["status"] == 503
    assert attempts == [1, 2, 3, 4, 5, 6]
    assert _probe(probe_app) == {1: 600, 2: 0}


# --- a double Start racing on PostgreSQL ------------------------------------------------

def test_a_double_start_whose_inserts_race_makes_one_draft(
        demo_pg_app: Flask, pg_demo: tuple[str, Path]) -> None:
    """Two Start requests of one browser (same start nonce), the second inserting while the
    first's insert is not yet committed: PostgreSQL makes the second wait on the unique uid,
    then refuses it, and the second request continues the first one's draft."""
    from sqlalchemy import func, select

    from assess.models import Response
    from assess.services import survey

    link = team_link_path(demo_pg_app)
    assert link is not None
    with demo_pg_app.app_context():
        ctx = survey.context_for_token(link.rsplit("/", 1)[-1])
        assert ctx is not None
    nonce = "0123456789abcdef" * 2
    a_inserted = threading.Event()
    b_done = threading.Event()
    seen_b_waiting: list[bool] = []
    dsn = _dsn(pg_demo[0])

    def hold_after_insert(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread().name != "start-a" or a_inserted.is_set():
            return
        if not statement.lstrip().upper().startswith("INSERT INTO RESPONSE"):
            return
        a_inserted.set()
        if _hold_until_another_waits_on_a_lock(dsn, b_done):
            seen_b_waiting.append(True)

    results: dict[str, survey.NewResponse] = {}

    def start_a() -> None:
        with demo_pg_app.app_context():
            results["a"] = survey.start_response(ctx, None, start_nonce=nonce)

    def start_b() -> None:
        try:
            assert a_inserted.wait(WAIT), "the first Start never inserted"
            with demo_pg_app.app_context():
                results["b"] = survey.start_response(ctx, None, start_nonce=nonce)
        finally:
            b_done.set()

    with demo_pg_app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", hold_after_insert)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(_named("start-a", start_a))
            second = pool.submit(_named("start-b", start_b))
            first.result(timeout=WAIT * 2)
            second.result(timeout=WAIT * 2)
    finally:
        event.remove(engine, "after_cursor_execute", hold_after_insert)

    assert seen_b_waiting == [True], "the second insert should have waited on the first"
    assert results["a"] == results["b"]
    with demo_pg_app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(Response).where(
            Response.uid == results["a"].uid))
        assert rows == 1
        assert survey.find_response(ctx, results["b"].uid, results["b"].proof) is not None
