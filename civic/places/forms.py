from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from civic.forms import DB_FLOAT_MAX, NumberRange


class PlaceForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"))
    area = SelectField(_l("Area"), coerce=int)
    lat = FloatField(_l("Latitude"), validators=[
        InputRequired(), NumberRange(min=-90, max=90, limit=DB_FLOAT_MAX)],
        description=_l("Degrees north, e.g. 35.6581 (read it off a map)."))
    lon = FloatField(_l("Longitude"), validators=[
        InputRequired(), NumberRange(min=-180, max=180, limit=DB_FLOAT_MAX)],
        description=_l("Degrees east, e.g. 139.7017."))
    address = StringField(_l("Address"), validators=[Length(max=300)])
    opening_info = StringField(_l("Opening hours and how to use it"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    url = StringField(_l("Web page"), validators=[Optional(), Length(max=500),
                                                  URL(require_tld=True,
                                                      message=_l("Enter a web address."))])
    group = SelectField(_l("Group that runs it"), coerce=int)
    published = BooleanField(_l("Published (residents can see it)"), default=True)
    submit = SubmitField(_l("Save place"))

    def validate_lat(self, field):
        south, _west, north, _east = current_app.config["CIVIC_MAP_BOUNDS"]
        if field.data is not None and not south <= field.data <= north:
            raise ValidationError(_l("This point is outside the ward's map (latitude "
                                     "%(south)s to %(north)s).", south=south, north=north))

    def validate_lon(self, field):
        _south, west, _north, east = current_app.config["CIVIC_MAP_BOUNDS"]
        if field.data is not None and not west <= field.data <= east:
            raise ValidationError(_l("This point is outside the ward's map (longitude "
                                     "%(west)s to %(east)s).", west=west, east=east))
