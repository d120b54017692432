from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from civic.comments.services import MAX_LENGTH

STANCE_LABELS = {"for": _l("In favour"), "against": _l("Against"), "neutral": _l("Neutral")}


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    stance = RadioField(_l("Your stance"), validators=[Optional()],
                        choices=[("for", _l("In favour")), ("against", _l("Against")),
                                 ("neutral", _l("Neutral"))])
    submit = SubmitField(_l("Post comment"))


def form_prefix(parent_id: int | None) -> str:
    """Each reply form on a page needs its own field ids."""
    return f"reply{parent_id}" if parent_id else "comment"
