"""Time helpers: UTC in the database, the ward's own calendar for phase dates."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp column stores (SQLite keeps no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def ward_time(moment: datetime) -> datetime:
    """A stored (naive UTC) timestamp as the ward's clock showed it, with its UTC offset."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(current_app.config["CIVIC_TIMEZONE"]))


def ward_today() -> date:
    """Today's date where the ward is; phases start and end on local dates."""
    return datetime.now(ZoneInfo(current_app.config["CIVIC_TIMEZONE"])).date()
