"""Flask extensions, created unbound so every package can import them without cycles."""

import select
import sqlite3

from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool


class Base(DeclarativeBase):
    # Named constraints let Alembic alter and drop them, also in SQLite batch mode.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)


def insert_for(dialect: str):
    """``insert`` of the database in use (a dialect name): it has ON CONFLICT, both ours do."""
    return (postgresql if dialect == "postgresql" else sqlite).insert


@event.listens_for(Engine, "connect")
def _sqlite_for_a_web_app(dbapi_connection, _record) -> None:
    """SQLite's defaults suit one program at a time, not a web app's concurrent requests.

    WAL lets readers carry on while one person's write commits (with the default rollback
    journal every reader waited, and a commit cost several fsyncs). synchronous=NORMAL is
    WAL's usual partner: a commit survives the app crashing; a power cut can lose the last
    few commits but never corrupts the file. Large deployments run PostgreSQL.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Pool, "checkout")
def _server_still_there(dbapi_connection, _record, _proxy) -> None:
    """Replace a pooled server connection that the server has closed, without a round trip.

    ``pool_pre_ping`` sends a query at every checkout, i.e. on every request: one more round
    trip, which cost bench/load.py about 5% of its requests/s. A pooled connection is idle, so
    its socket has nothing to read unless the server closed it (a restart, an idle timeout, a
    terminated backend): then it reads as ready, and the pool, on DisconnectionError, opens a
    fresh connection. Connections dropped silently by the network are ``pool_recycle``'s job.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        return
    if dbapi_connection.closed or select.select([dbapi_connection.fileno()], [], [], 0)[0]:
        raise DisconnectionError("the database server closed this pooled connection")


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
cache = Cache()  # fragments of busy pages, see civic.caching
personal_cache = Cache()  # small per-person values (counts, ids), see civic.caching
data_cache = Cache()  # the API's answers and open-data files, see civic.caching.shared
limiter = Limiter(key_func=get_remote_address)


def person_or_address() -> str:
    """Rate-limit key for posting and voting: the signed-in person, else the client address.

    Per person, because a whole café or ward event shares one address on the venue's Wi-Fi.
    """
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()
