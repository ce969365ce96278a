"""Administration forms. Names and addresses are checked by services.accounts."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

# Long enough for any real name after white space is collapsed; longer input is refused
# with the service's own message ("longer than 200 characters") up to this bound.
MAX_TYPED = 20_000


def organisation_choices(organisations: Iterable[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice(str(org_id), name) for org_id, name in organisations]


class ConfirmForm(FlaskForm):
    """A button that does one thing named by its URL (CSRF token only)."""


class OrganisationForm(FlaskForm):
    name = StringField("Organisation name", validators=[InputRequired(), Length(max=MAX_TYPED)])
    submit = SubmitField("Save")


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    display_name = StringField("Name (optional)", validators=[Length(max=MAX_TYPED)])
    organisations = SelectMultipleField(
        "Organisations", coerce=int, choices=[], widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput())
    submit = SubmitField("Invite")


class MembershipForm(FlaskForm):
    organisation = SelectField("Organisation", coerce=int, choices=[],
                               validators=[InputRequired()])
    submit = SubmitField("Add")


class DeleteOrganisationForm(FlaskForm):
    confirm_name = StringField("Type the organisation's name to confirm",
                               validators=[InputRequired(), Length(max=MAX_TYPED)])
    submit = SubmitField("Delete this organisation and all its data")
