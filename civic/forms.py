"""Form pieces shared by every package."""

from werkzeug.routing import IntegerConverter
from wtforms.validators import NumberRange as _NumberRange

from civic.extensions import csrf

# Ids and counts from requests must fit the database's integer columns: PostgreSQL refuses to
# compare a larger number with them (out of range), and the request would fail with a 500
# instead of a "not found" or the form's message.
DB_INT_MAX = 2**31 - 1


def db_int(raw: str) -> int:
    """``int()`` for request values that go into queries; too large is not a number of ours."""
    value = int(raw)
    if not -DB_INT_MAX <= value <= DB_INT_MAX:
        raise ValueError("out of the database's integer range")
    return value


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` in routes, up to what an id column holds (a larger one is a 404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class NumberRange(_NumberRange):
    """WTForms' NumberRange without the 500 it raises for integers too large for a float
    (``math.isnan`` on a 400-digit number): such a number gets the usual out-of-range message."""

    def __call__(self, form, field):
        data = field.data
        if isinstance(data, int) and data.bit_length() > 1000:
            # A stand-in just past the limit it breaks, so the message is the usual one.
            over = self.max is not None and data > 0
            field.data = self.max + 1 if over else (self.min - 1 if self.min is not None
                                                     else self.max + 1)
            try:
                return super().__call__(form, field)
            finally:
                field.data = data
        return super().__call__(form, field)


def form_checks_csrf(view):
    """For a view that changes nothing on a POST unless its FlaskForm validates: the form checks
    the CSRF token instead of the app-wide check.

    The app-wide check answers a stale token (the session ended, or a sign-in in another tab
    renewed it) with an error page, and what the person typed is lost. The form's own check
    makes it one more validation error: the form comes back with the text, a fresh token and a
    message (``_forms.html``'s error summary). The token is checked as strictly either way.
    """
    return csrf.exempt(view)
