"""Sign-in form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=256)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class SetPasswordForm(FlaskForm):
    """A new password from a one-time link (the rules are security.check_password_rules)."""

    password = PasswordField("New password", validators=[InputRequired(), Length(max=256)])
    confirm = PasswordField("The same password again",
                            validators=[InputRequired(), EqualTo("password",
                                                                 "The two passwords differ.")])
    submit = SubmitField("Set password and sign in")
