"""Pages that only read run without a database transaction.

On PostgreSQL a transaction costs two round trips of its own: the driver sends BEGIN before the
first query, and the pool sends ROLLBACK when the connection goes back after the response. For
the busiest pages (home, a process, the proposal list and a proposal, a budget) that was two of
seven or eight round trips per view. In PostgreSQL's READ COMMITTED every statement already reads
its own snapshot, so a page that only reads sees the same data with autocommit.

A view opts in with ``@read_only``. Such a request must not write: a flush or an INSERT, UPDATE
or DELETE through the session raises ``ReadOnlyRequestError`` instead of committing statement by
statement outside the all-or-nothing of a transaction. The one kind of write such a page may
make, storing what it found stale and had to compute (a survey's counts), goes through
``storing()``: a session of its own, in a transaction of its own.
"""

import contextlib
from collections.abc import Iterator

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from civic.extensions import db

_READ_ONLY = "civic.read_only"


class ReadOnlyRequestError(RuntimeError):
    """A view marked ``@read_only`` tried to write."""


def read_only(view):
    """Mark a view whose GET and HEAD requests only read (see the module's docstring)."""
    view.civic_read_only = True
    return view


@contextlib.contextmanager
def storing() -> Iterator[Session]:
    """The session to store a computed value with; the caller commits.

    The request's own session, except in a read-only request: there a session of its own on
    another connection, closed afterwards, so a page that almost always only reads need not pay
    for a transaction on every view just for the rare one that stores what it recomputed.
    """
    if not (has_request_context() and db.session.info.get(_READ_ONLY)):
        yield db.session
        return
    with Session(db.engine) as session:
        yield session


def init_app(app) -> None:
    # First of all before_request hooks: the rate limiter and the language choice load the
    # signed-in person, which checks out the request's connection.
    app.before_request_funcs.setdefault(None, []).insert(0, _without_transaction)
    if not event.contains(Session, "before_flush", _refuse_flush):
        event.listen(Session, "before_flush", _refuse_flush)
        event.listen(Session, "do_orm_execute", _refuse_statement)


def _without_transaction() -> None:
    if request.method not in ("GET", "HEAD"):
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "civic_read_only", False):
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        db.session.info[_READ_ONLY] = True


def _refuse_flush(session, _flush_context, _instances) -> None:
    if session.info.get(_READ_ONLY) and (session.new or session.deleted or session.dirty):
        raise ReadOnlyRequestError(f"{request.endpoint} is marked read_only but changed data")


def _refuse_statement(state) -> None:
    if state.session.info.get(_READ_ONLY) and (state.is_insert or state.is_update
                                                or state.is_delete):
        raise ReadOnlyRequestError(f"{request.endpoint} is marked read_only but sent a write")
