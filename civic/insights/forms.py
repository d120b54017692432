from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


class AnalysisForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("For example: public comments on the park plan, 2026."))
    process_id = SelectField(_l("Process"), coerce=int,
                          description=_l("Its proposals, comments and café notes can be added. "
                                         "None: only files you import."))
    submit = SubmitField(_l("Create analysis"))


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("CSV in UTF-8, UTF-8 with BOM or Shift_JIS, or Excel’s “Unicode "
                                    "text” (tab-separated); the first row names the columns."))
    submit = SubmitField(_l("Upload and preview"))


class ColumnForm(FlaskForm):
    column = SelectField(_l("Column with the answers"), validate_choice=True)
    submit = SubmitField(_l("Import every row"))


class StopwordsForm(FlaskForm):
    stopwords = TextAreaField(_l("Words that are not themes"), validators=[Length(max=20000)],
                              description=_l("One word per line. They are left out of themes and "
                                             "keywords at the next run."))
    submit = SubmitField(_l("Save the stop list"))


class RenameForm(FlaskForm):
    label = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Rename"))


class MergeForm(FlaskForm):
    other = SelectField(_l("Merge with"), coerce=int, validate_choice=True)
    label = StringField(_l("Name of the merged theme"), validators=[DataRequired(),
                                                                    Length(max=200)])
    submit = SubmitField(_l("Merge"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SplitForm(FlaskForm):
    subthemes = MultiCheckboxField(_l("Sub-themes that become a theme of their own"), coerce=int,
                                   validators=[DataRequired(_l("Choose at least one sub-theme."))])
    label = StringField(_l("Name of the new theme"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Split"))
