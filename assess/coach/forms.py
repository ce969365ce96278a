"""Coach forms.

Fields carry what people typed; :mod:`assess.services.setup` holds the rules (names, counts,
dates, thresholds) and its :class:`~assess.services.setup.FieldError` names the field to show
a refusal next to. Choices are built per request from what the coach may choose.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, DateInput, ListWidget


class LinkActionForm(FlaskForm):
    """Regenerate or revoke one team link (the team and campaign come from the URL).

    ``step=ask`` asks for confirmation first (the coach's buttons send it); without it the
    action is done. ``back`` says which page the coach returns to afterwards.
    """

    action = RadioField(choices=[SelectChoice("regenerate", "New link"),
                                 SelectChoice("revoke", "Revoke")],
                        validators=[InputRequired()])
    # Hidden fields: any other value means "do it now" and "back to the home page".
    step = HiddenField()
    back = HiddenField()

    @property
    def asks_first(self) -> bool:
        return self.step.data == "ask"

    @property
    def back_to_campaign(self) -> bool:
        return self.back.data == "campaign"


class ConfirmForm(FlaskForm):
    """A confirmation page's single button (open or close a campaign)."""


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[InputRequired("Give the team a name.")])
    parent = SelectField("Part of (optional)", validators=[Optional()],
                         description="For roll-ups: a tribe, a department.")
    headcount = StringField("Headcount (optional)", validators=[Optional()],
                            description="People in the team, for response rates.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CampaignForm(FlaskForm):
    name = StringField("Campaign name", validators=[InputRequired("Give the campaign a name.")])
    questionnaire = SelectField("Questionnaire",
                                validators=[InputRequired("Choose a questionnaire.")])
    teams = MultiCheckboxField("Teams", validators=[Optional()])
    opens = StringField("Opens on (optional)", widget=DateInput(), validators=[Optional()],
                        description="A date as YYYY-MM-DD, UTC.")
    closes = StringField("Closes at the end of (optional)", widget=DateInput(),
                         validators=[Optional()], description="A date as YYYY-MM-DD, UTC.")
    min_n = StringField("Anonymity threshold", validators=[Optional()],
                        description="Results only for groups of at least this many people: "
                                    "empty for the questionnaire's own threshold, never "
                                    "below it (nor below 3).")
    interim_results = BooleanField("Show interim results while the campaign is open")
    previous = SelectField("Compare with the previous wave", validators=[Optional()])


class AddTeamsForm(FlaskForm):
    teams = MultiCheckboxField("Teams to add",
                               validators=[InputRequired("Choose at least one team.")])
