"""Form pieces shared by every package."""

import math
import sys
from decimal import Decimal

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import HiddenField
from wtforms.validators import AnyOf, ValidationError
from wtforms.validators import NumberRange as _NumberRange

from civic.extensions import csrf

# What the database's columns hold: ids, counts and other ``Integer`` columns (PostgreSQL's
# 32-bit ``integer``), money in ``BigInteger`` columns, ``Float`` ones. PostgreSQL refuses a
# larger number (out of range), SQLite one beyond 64 bits (too large to convert): the request
# would fail with a 500 instead of a "not found" or the form's message.
DB_INT_MAX = 2**31 - 1
DB_BIGINT_MAX = 2**63 - 1
DB_FLOAT_MAX = sys.float_info.max


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
    """WTForms' NumberRange that only lets through numbers the field's column holds.

    ``limit`` is what the column holds: ``DB_INT_MAX`` (an ``Integer`` column, or an id looked up)
    unless the field says ``DB_BIGINT_MAX`` or ``DB_FLOAT_MAX``. A number beyond it gets the usual
    out-of-range message where ``min``/``max`` say one, else "too large"/"too small". Without
    this, WTForms also answers a 500 for integers too large for a float (``math.isnan`` on a
    400-digit number) and for a signalling NaN (``sNaN``) in a DecimalField.
    """

    def __init__(self, min=None, max=None, message=None, *, limit=DB_INT_MAX):  # noqa: A002 - WTForms' names
        for bound in (min, max):
            if isinstance(bound, int | float | Decimal) and not -limit <= bound <= limit:
                raise ValueError(f"bound {bound} is beyond what the column holds ({limit})")
        super().__init__(min, max, message)
        self.limit = limit

    def __call__(self, form, field):
        data = field.data
        if isinstance(data, bool) or not isinstance(data, int | float | Decimal):
            return super().__call__(form, field)
        if isinstance(data, Decimal) and data.is_nan() or isinstance(data, float) and math.isnan(data):
            stand_in = None  # not a number: WTForms' message for it
        elif data > self.limit:
            if (most := self._resolve(self.max)) is None:
                raise ValidationError(_l("This number is too large."))
            stand_in = most + 1
        elif data < -self.limit:
            if (least := self._resolve(self.min)) is None:
                raise ValidationError(_l("This number is too small."))
            stand_in = least - 1
        else:
            return super().__call__(form, field)
        # A stand-in just past the bound it breaks, so the message is the usual one.
        field.data = stand_in
        try:
            return super().__call__(form, field)
        finally:
            field.data = data


class ConfirmForm(FlaskForm):
    """The "really delete" step of a destructive action. Only the confirmation page sends
    ``confirm=yes``: a bare POST (an old form, a stray click) gets the page instead of deleting."""

    confirm = HiddenField(validators=[AnyOf(["yes"])])


def confirmation(form: ConfirmForm, *, heading: str, consequence: str, button: str,
                 back: str):
    """The confirmation page of a destructive action; it works without JavaScript."""
    return render_template("_confirm.html", form=form, heading=heading, consequence=consequence,
                           button=button, back=back)


def form_checks_csrf(view):
    """For a view that changes nothing on a POST unless its FlaskForm validates: the form checks
    the CSRF token instead of the app-wide check.

    The app-wide check answers a stale token (the session ended, or a sign-in in another tab
    renewed it) with an error page, and what the person typed is lost. The form's own check
    makes it one more validation error: the form comes back with the text, a fresh token and a
    message (``_forms.html``'s error summary). The token is checked as strictly either way.
    """
    return csrf.exempt(view)
