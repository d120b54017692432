"""Form pieces shared by every package."""

from wtforms.validators import NumberRange as _NumberRange


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
