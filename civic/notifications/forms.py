from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField


class PreferencesForm(FlaskForm):
    email_digest = BooleanField(
        _l("Email me a digest of my unread notifications"),
        description=_l("At most one message per digest run, only when there is something new."))
    submit = SubmitField(_l("Save notification settings"))
