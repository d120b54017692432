"""Fragments of pages rendered once and served from memory until the data under them changes.

Exact, not time-based: every committed write bumps the generation of each table it wrote
(``cache_generation``), inside the writing transaction itself, and a fragment's cache key carries
the generations of the tables it was rendered from. The first request after a write renders
afresh; nothing stale is served. (A reader that fetched the old generation while a write
committed can only store newer data under the older key, which the next reader skips.)

What differs from one person to the next stays out of the cached HTML: views render the
per-person parts themselves or fill the slots left in the fragment (``csrf_slot``).

Counters (a proposal's supports and comments) change far more often than anything else, so an
UPDATE marked ``counters_only`` advances ``<table>.counts`` (``counts_of``) instead of the
table's own generation: fragments that show no counts, or show them in slots filled per
request, stay cached while people support and comment. A fragment that shows or orders by
counts depends on both names; every other write to the table advances the table's own.
"""

import functools
import gzip
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable

from flask import current_app, g, has_app_context, has_request_context, request
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from civic.caching.models import CacheGeneration
from civic.extensions import cache, data_cache, db, insert_for, personal_cache
from civic.i18n import ui_language

_WRITTEN = "civic.written_tables"


def init_app(app) -> None:
    cache.init_app(app)
    personal_cache.init_app(app, config={
        "CACHE_TYPE": app.config["CACHE_TYPE"], "CACHE_DEFAULT_TIMEOUT":
        app.config["CACHE_DEFAULT_TIMEOUT"],
        "CACHE_THRESHOLD": app.config["CIVIC_PERSONAL_CACHE_THRESHOLD"]})
    data_cache.init_app(app, config={
        "CACHE_TYPE": app.config["CACHE_TYPE"], "CACHE_DEFAULT_TIMEOUT":
        app.config["CACHE_DEFAULT_TIMEOUT"],
        "CACHE_THRESHOLD": app.config["CIVIC_DATA_CACHE_THRESHOLD"]})
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "before_commit", _before_commit)


# Which tables a transaction wrote ----------------------------------------------------------------

def _after_flush(session, _flush_context) -> None:
    written = session.info.setdefault(_WRITTEN, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        written.add(obj.__table__.name)


def _do_orm_execute(state) -> None:
    # UPDATE/INSERT/DELETE statements sent through the session (counters, bulk inserts).
    if state.is_update or state.is_insert or state.is_delete:
        table = state.statement.table.name
        if state.is_update and state.execution_options.get(_COUNTERS_ONLY):
            table = counts_of(table)
        state.session.info.setdefault(_WRITTEN, set()).add(table)


_COUNTERS_ONLY = "civic_counters_only"


def counters_only(statement):
    """Mark an UPDATE that sets nothing but counters: it advances ``counts_of(table)`` only."""
    return statement.execution_options(**{_COUNTERS_ONLY: True})


def counts_of(table: str) -> str:
    """The generation name of ``table``'s counters (see the module's docstring)."""
    return f"{table}.counts"


def _before_commit(session) -> None:
    # A savepoint's writes count when the outer transaction commits. A rolled-back transaction
    # leaves its tables in the set: bumping them later costs one needless re-render, while
    # forgetting a table that a savepoint shared with it would serve stale pages.
    if session.in_nested_transaction():
        return
    session.flush()  # commit's own last flush comes after this hook: its tables count too
    written = session.info.pop(_WRITTEN, None)
    if written:
        bump(session.connection(), written)
        if has_app_context():
            g.pop("civic_generations", None)  # this request may render what it just wrote


def bump(connection, tables: Iterable[str]) -> None:
    """Advance the generations of ``tables`` on ``connection``, in its transaction.

    Tables in sorted order, so concurrent writers lock the rows in one order (no deadlock);
    the row locks last only from here to the commit that follows.

    A generation is a clock reading in microseconds (or one more than the last, if clocks
    disagree), not a count from 0: after a restore, or tables emptied between tests, counts
    would start again and meet keys cached for other data. Clock readings never repeat, and
    the rows a restore brings back name exactly the state that was cached under them.
    """
    names = sorted(set(tables) - {CacheGeneration.__tablename__})
    if not names:
        return
    now = time.time_ns() // 1000
    postgres = connection.dialect.name == "postgresql"
    table = CacheGeneration.__table__
    statement = insert_for(connection.dialect.name)(table).values(
        [{"name": n, "value": now} for n in names])
    later = (func.greatest if postgres else func.max)(table.c.value + 1, now)
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c.name],
                                                       set_={"value": later}))


_ALL_GENERATIONS = select(CacheGeneration.name, CacheGeneration.value)


def _read_generations() -> dict[str, int]:
    # Through the session's connection (its transaction, if any), not the ORM: plain rows need
    # none of its machinery, which cost several times the query itself on every cached page.
    return dict(db.session.connection().execute(_ALL_GENERATIONS).all())


def generations(tables: Iterable[str]) -> tuple[int, ...]:
    """The current generations of ``tables`` (read once per request).

    Outside a request (a CLI command, a job, a test's own app context) they are read every
    time: such an app context can outlive writes made elsewhere.
    """
    tables = tuple(tables)
    if not tables:
        return ()
    if not has_request_context():
        known = _read_generations()
    else:
        if "civic_generations" not in g:
            g.civic_generations = _read_generations()
        known = g.civic_generations
    return tuple(known.get(name, 0) for name in tables)


# Fragments ---------------------------------------------------------------------------------------

def fragment(name: str, key: tuple, depends: tuple[str, ...], render: Callable[[], object]):
    """``render()``'s value for ``key``, cached until a table in ``depends`` is written.

    The key must hold everything the fragment varies by apart from the interface language
    and the data, which are added here.
    """
    return _cached(cache, f"{name}:{ui_language()}", key, depends, render)


def shared(name: str, key: tuple, depends: tuple[str, ...], compute: Callable[[], object]):
    """``compute()``'s value for ``key``, the same in every interface language (the API's JSON,
    open-data files), cached like a fragment until a table in ``depends`` is written; in a
    cache of their own, so they never push the pages' fragments out."""
    return _cached(data_cache, name, key, depends, compute)


def stamp(name: str, key: tuple, depends: tuple[str, ...]) -> str:
    """A short tag that changes exactly when a value cached under ``name``/``key`` would (an
    ETag: it is known before the value is computed or fetched)."""
    full_key = f"{name}:{key!r}:{generations(depends)!r}"
    return hashlib.sha256(full_key.encode()).hexdigest()[:32]


def held(tag: str) -> str | None:
    """The ETag the client sent for what ``tag`` names, if it holds that already, else None.

    It may hold it as sent plain or compressed, tagged "<tag>:gzip" (as Flask-Compress tags what
    it compresses, and ``encoded`` too): the same data either way.
    """
    return next((sent for sent in request.if_none_match.as_set()
                 if sent.split(":", 1)[0] == tag), None)


def not_modified(tag: str):
    """A 304 answer if the client already holds what ``tag`` (a ``stamp``) names, else None."""
    if (sent := held(tag)) is None:
        return None
    unchanged = current_app.response_class(status=304)
    unchanged.set_etag(sent)
    return unchanged


def encoded(name: str, key: tuple, depends: tuple[str, ...], tag: str,
            compute: Callable[[], bytes], mimetype: str):
    """A large ``shared`` body (``compute()``'s bytes) as a response tagged ``tag``, gzipped
    when the client accepts it; both forms are kept, so neither is encoded or compressed again
    until a table in ``depends`` is written. (Flask-Compress leaves an answer that already
    names its Content-Encoding alone and adds the Vary header.)"""
    data = shared(name, key, depends, compute)
    response = current_app.response_class(mimetype=mimetype)
    if request.accept_encodings["gzip"]:
        level = current_app.config["COMPRESS_LEVEL"]
        response.set_data(shared(f"{name}:gzip", key, depends,
                                 lambda: gzip.compress(data, compresslevel=level, mtime=0)))
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(f"{tag}:gzip")
    else:
        response.set_data(data)
        response.set_etag(tag)
    return response


def personal(name: str, user_id: int, key: tuple, depends: tuple[str, ...],
             compute: Callable[[], object]):
    """``compute()``'s value for one person, cached like a fragment until a table in ``depends``
    is written.

    For the small per-person values that pages ask on every view (the bell's count, which of
    the shown proposals someone supports): with the page itself cached, their queries were most
    of a page's remaining cost. The value must not be None.
    """
    return _cached(personal_cache, f"{name}:{user_id}", key, depends, compute)


def _cached(store, name: str, key: tuple, depends: tuple[str, ...], compute: Callable[[], object]):
    full_key = f"{name}:{key!r}:{generations(depends)!r}"
    if len(full_key) > 200:  # long search queries, many ids: keep keys short for any backend
        full_key = f"{name}:{hashlib.sha256(full_key.encode()).hexdigest()}"
    value = store.get(full_key)
    if value is None:
        value = compute()
        store.set(full_key, value)
    return value


def slot(name: str) -> str:
    """A placeholder that cached HTML carries where something per request goes (``name``).

    Derived from the secret key, so every worker (and a shared cache backend) agrees on it and
    nobody can type it into a comment by chance.
    """
    return _slot(current_app.config["SECRET_KEY"], name)


@functools.lru_cache(maxsize=64)
def _slot(secret: str | bytes, name: str) -> str:
    # Asked several times by every page; the HMAC only changes with the key.
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, b"civic fragment slot " + name.encode(), "sha256").hexdigest()
    return f"{name}-slot-{digest[:32]}"


def csrf_slot() -> str:
    """What cached forms carry where the CSRF token goes; ``fill_csrf`` puts the person's in."""
    return slot("csrf")


def fill_csrf(html: str) -> str:
    token_slot = csrf_slot()
    return html.replace(token_slot, generate_csrf()) if token_slot in html else html
