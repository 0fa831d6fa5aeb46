"""The database: the SQLAlchemy extension, SQLite tuning and the write-transaction helper.

Views and services use ``db.session`` (one session per app context, closed at teardown). Every
change goes through :func:`write_transaction`, which on SQLite opens the transaction with
``BEGIN IMMEDIATE`` so a writer takes the lock up front: two writers then queue on the busy
timeout instead of one failing half-way when it upgrades a read lock. On PostgreSQL it is a plain
transaction.

The rule for loading around a write: **a write transaction expires everything loaded before it**
(it ends the read transaction, and what was read without the write lock may be stale), so each
object touched again inside it is loaded a second time. Load inside the transaction what the
write needs, and read plain values such as ``current_user.id`` before it. What the transaction
loads or writes stays loaded after its commit, so the response uses it without loading it again.
"""

from __future__ import annotations

import contextvars
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app
from flask_sqlalchemy_lite import SQLAlchemy
from sqlalchemy import event, orm

db = SQLAlchemy()

#: Set while a write transaction is being opened, so the SQLite "begin" hook knows to lock.
_want_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("quizapp_want_immediate", default=False)

SQLITE_BUSY_TIMEOUT_MS = 10_000

#: Set while this thread holds the writers' queue (a nested write transaction must not wait on itself).
_in_queue: contextvars.ContextVar[bool] = contextvars.ContextVar("quizapp_in_queue", default=False)


def init_app(app: Flask) -> None:
    """Register the extension and tune SQLite connections."""
    db.init_app(app)
    # The extension also registers an async teardown for async sessions, which quizapp never
    # opens. Flask would run it through asgiref on every request (an event loop per teardown,
    # and an error in threads that already run one, such as Playwright's). Drop it.
    funcs = app.teardown_appcontext_funcs
    funcs[:] = [f for f in funcs if getattr(f, "__name__", "") != "_close_async_sessions"]
    with app.app_context():
        engine = db.get_engine()
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)


def _tune_sqlite(engine: sa.Engine) -> None:
    """WAL, a busy timeout, foreign keys, and explicit BEGINs we control."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control away from pysqlite so our BEGIN below is the only one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Straight to the driver: through ``exec_driver_sql`` a BEGIN went through SQLAlchemy's whole
        # statement machinery (context, events, result), a few percent of an autosave, twice a request.
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if _want_immediate.get() else "BEGIN")


@contextmanager
def write_transaction(session: orm.Session | None = None) -> Iterator[orm.Session]:
    """Run the block in one write transaction: commit at the end, roll back on any error.

    Whatever the session was reading is finished first, so the write starts from fresh data
    (and, on SQLite, with the write lock already held); see the module docstring for what that
    means for objects loaded before it.
    """
    session = session or db.session
    if session.in_transaction():
        session.commit()
    with _writers_queue(session):
        token = _want_immediate.set(True)
        try:
            session.connection()  # opens the transaction now, while the flag is set
        finally:
            _want_immediate.reset(token)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        # Objects loaded inside hold what this transaction read and wrote under the lock: as fresh as
        # the commit, so keep them rather than have the response load them again.
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True


def _writers_queue(session: orm.Session):
    """On a SQLite file, wait for the write lock on an ``flock`` beside it rather than in SQLite.

    SQLite's busy handler makes a waiting writer sleep 1, 2, 5, 10… ms and look again, so the
    lock often sits free while the next writer sleeps; a writer blocked in ``flock`` wakes as
    soon as the holder's transaction ends. Writers that do not take it (another program) still
    meet SQLite's busy timeout, as before.
    """
    engine = session.get_bind()
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or _in_queue.get():
        return nullcontext()
    return _queued(path)


@contextmanager
def _queued(path: str) -> Iterator[None]:
    # Opened for each transaction: each open file is a place in the queue of its own.
    fd = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        token = _in_queue.set(True)
        try:
            yield
        finally:
            _in_queue.reset(token)
    finally:
        os.close(fd)  # releases the lock


def is_transient(exc: BaseException) -> bool:
    """Whether a database error is the connection's, not the statement's: a restart, a drop, a lock timeout.

    Such an error may pass if the work is done again; the app answers what still fails with a 503
    and Retry-After (web.py), never a 500.
    """
    return isinstance(exc, sa.exc.DBAPIError) and (
        exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError)
    )


def retry_on_disconnect(view: Callable) -> Callable:
    """Run a writing view a second time, once, when its database connection failed under it.

    The view has sent nothing back yet, and its transaction was rolled back whole, so doing it
    again is safe for views whose writes are idempotent or conditional (the quiz's saves carry a
    sequence number; a submit changes an open attempt only). The pool tests connections before
    use (pre-ping), so the second run gets a live one if the server is back.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except sa.exc.DBAPIError as exc:
            if not is_transient(exc):
                raise
            current_app.logger.warning("database connection lost (%s); retrying once", type(exc.orig).__name__)
            db.session.rollback()
            time.sleep(float(current_app.config["DB_RETRY_DELAY_SECONDS"]))
            return view(*args, **kwargs)

    return wrapped
