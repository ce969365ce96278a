"""Coach forms."""

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired


class LinkActionForm(FlaskForm):
    """Regenerate or revoke one team link (the team and campaign come from the URL)."""

    action = RadioField(choices=[SelectChoice("regenerate", "New link"),
                                 SelectChoice("revoke", "Revoke")],
                        validators=[InputRequired()])
