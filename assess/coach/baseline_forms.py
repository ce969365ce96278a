"""Forms of the baselines page: build a baseline from a campaign, import one from a file.

The fields carry what people typed or sent; :mod:`assess.services.baselines` holds the rules
(names, file contents) and its refusals are shown next to the field they concern.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from ..services.baselines import MAX_NAME_LENGTH

_NAME_HINT = (f"Shown in every selector and report that uses it; at most {MAX_NAME_LENGTH} "
              f"characters, unique within the organisation.")


class BuildBaselineForm(FlaskForm):
    """Build a baseline from one closed campaign (the campaign comes from the URL)."""

    # Ids of their own: the baselines page shows both forms.
    name = StringField("Name of the new baseline", id="build-name",
                       validators=[InputRequired("Give the baseline a name."),
                                   Length(max=MAX_NAME_LENGTH,
                                          message=f"At most {MAX_NAME_LENGTH} characters.")],
                       description=_NAME_HINT)


class ImportBaselineForm(FlaskForm):
    """Import a CSV file of respondent-level dimension scores for one questionnaire."""

    file = FileField("CSV file", id="import-file",
                     validators=[FileRequired("Choose a CSV file to import.")])
    questionnaire = SelectField("Questionnaire", id="import-questionnaire",
                                validators=[InputRequired("Choose a questionnaire.")],
                                description="The questionnaire whose focus-area ids the "
                                            "file's columns use.")
    name = StringField("Name of the new baseline", id="import-name",
                       validators=[InputRequired("Give the baseline a name."),
                                   Length(max=MAX_NAME_LENGTH,
                                          message=f"At most {MAX_NAME_LENGTH} characters.")],
                       description=_NAME_HINT)
