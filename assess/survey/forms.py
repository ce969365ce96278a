"""Forms of the respondent journey.

A questionnaire page's form class is built per call from the dimension (the WTForms dynamic
form composition recipe): one radio group per scale or rubric item, a text area per comment.
Every value is checked against that item's own choices, so out-of-scale values, numbers in
other scripts, ``NaN``, ``1e309`` or an option of another question are all simply not a valid
choice, and nothing of them is stored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Form, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from ..definitions import Dimension, Item, Questionnaire
from .answer_forms import FIELD_PREFIX, choice_values, field_name, form_value

INVALID_CHOICE = "Please choose one of the answers shown."
TWICE = "This question was sent with more than one answer; please choose one."


class SingleChoiceField(RadioField):
    """A radio group that refuses a value sent twice instead of keeping the first."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) > 1:
            self.data = None
            raise ValueError(TWICE)
        super().process_formdata(valuelist)


class SingleTextAreaField(TextAreaField):
    """A text area that refuses a value sent twice."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) > 1:
            self.data = ""
            raise ValueError(TWICE)
        super().process_formdata(valuelist)


def no_control_characters(_form: Form, field: StringField) -> None:
    """Refuse NUL and other control characters (tabs and line breaks are fine)."""
    text = field.data or ""
    for ch in text:
        if ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in {"Cc", "Cs"}:
            raise ValidationError("The text contains a control character that cannot be saved; "
                                  "please remove it.")


def unanswered_unless_sent(_form: Form, field: RadioField) -> None:
    """A radio group that was not sent is unanswered; anything sent must be one of its choices.

    (``Optional`` would also let an empty or blank value through as "unanswered", clearing a
    saved answer or, for a blank, reaching the view as a value that is not a choice.)
    """
    if not field.raw_data:
        field.errors[:] = []
        raise StopValidation()


class PageForm(FlaskForm):
    """Base of every questionnaire page: navigation buttons and unknown-field detection."""

    nav = HiddenField()
    back = SubmitField("Back")
    next = SubmitField("Save and continue")

    # Set on each generated subclass.
    item_fields: tuple[str, ...] = ()

    def validate(self, extra_validators: Mapping[str, Sequence[Callable[..., object]]]
                 | None = None) -> bool:
        ok: bool = super().validate(extra_validators)
        unknown = sorted(
            key for key in (self.meta.formdata_keys or ())
            if key.startswith(FIELD_PREFIX) and key not in self.item_fields
        )
        if unknown:
            self.form_errors.append(
                "The page was sent with questions that are not on it; those answers were "
                "ignored. Please check your answers and send the page again.")
            ok = False
        return ok

    def errors_by_field(self) -> dict[str, list[str]]:
        """Each field's errors by field name, and the page's own errors under ``_page``."""
        errors = {name: list(field.errors) for name, field in self._fields.items()
                  if field.errors}
        if self.form_errors:
            errors["_page"] = list(self.form_errors)
        return errors


_FORM_CLASSES: dict[tuple[str, str], type[PageForm]] = {}


def page_form_class(questionnaire: Questionnaire, dimension: Dimension) -> type[PageForm]:
    """The form class of one questionnaire page (built once per definition and page).

    Definitions are frozen, so a page's class never changes; forms are instantiated per
    request as usual.
    """
    key = (questionnaire.content_hash, dimension.id)
    cls = _FORM_CLASSES.get(key)
    if cls is None:
        cls = _FORM_CLASSES[key] = _build_page_form_class(questionnaire, dimension)
    return cls


def _build_page_form_class(questionnaire: Questionnaire, dimension: Dimension
                           ) -> type[PageForm]:
    attrs: dict[str, object] = {}
    names: list[str] = []
    for item in dimension.items:
        name = field_name(item)
        names.append(name)
        label = item.text.get(questionnaire.language)
        if item.type == "text":
            limit = item.max_length or 2000
            attrs[name] = SingleTextAreaField(
                label,
                # No Optional(): it takes a text of only whitespace-like control characters
                # (such as \x1f or \x0b) for empty and skips the checks below.
                validators=[Length(max=limit, message=(
                    f"Please shorten this answer to at most {limit} characters.")),
                    no_control_characters],
                render_kw={"maxlength": str(limit), "rows": "4"},
            )
        else:
            attrs[name] = SingleChoiceField(
                label, choices=_choices(questionnaire, item),
                validators=[unanswered_unless_sent],
                validate_choice=True, invalid_choice_message=INVALID_CHOICE,
            )
    attrs["item_fields"] = tuple(names)
    return type(f"Page_{dimension.id}", (PageForm,), attrs)


def _choices(questionnaire: Questionnaire, item: Item) -> list[SelectChoice]:
    """The radio choices of a likert or rubric item: :func:`choice_values` and their labels."""
    lang = questionnaire.language
    if item.type == "rubric":
        labels = [f"{level}. {anchor.get(lang)}"
                  for level, anchor in enumerate(item.anchors, start=1)]
    else:
        scale = questionnaire.scales[item.scale or ""]
        labels = [label.get(lang) for label in scale.labels]
        if scale.dont_know:
            labels.append(scale.dont_know_label.get(lang))
    return [SelectChoice(form_value(value), label)
            for value, label in zip(choice_values(questionnaire, item), labels, strict=True)]


def make_page_form(questionnaire: Questionnaire, dimension: Dimension, *,
                   formdata: MultiDict[str, str] | None = None,
                   data: Mapping[str, object] | None = None) -> PageForm:
    """Instantiate a page form; with ``formdata``, remember which keys were posted."""
    cls = page_form_class(questionnaire, dimension)
    form = cls(formdata=formdata, data=data) if formdata is not None else cls(data=data)
    form.meta.formdata_keys = tuple(formdata.keys()) if formdata is not None else None
    return form


class StartForm(FlaskForm):
    """The welcome page: an optional role, then start."""

    role = SingleChoiceField("Your role (optional)", validators=[unanswered_unless_sent],
                             invalid_choice_message=INVALID_CHOICE)
    start = SubmitField("Start")

    def offer_roles(self, questionnaire: Questionnaire) -> None:
        """Offer the questionnaire's roles (by position: the value is the role's index)."""
        lang = questionnaire.language
        self.role.choices = [SelectChoice(str(i), role.get(lang))
                             for i, role in enumerate(questionnaire.roles)]

    def chosen_role(self, questionnaire: Questionnaire) -> str | None:
        """The role chosen on a validated form, as stored; None when none was chosen."""
        if self.role.data is None:
            return None
        roles = {str(i): role for i, role in enumerate(questionnaire.roles)}
        return str(roles[self.role.data])


class ResumeForm(FlaskForm):
    code = StringField("Resume code", validators=[InputRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                  "spellcheck": "false"})
    resume = SubmitField("Continue my answers")


class SwitchForm(FlaskForm):
    switch = SubmitField("Open the new survey")


class SubmitForm(FlaskForm):
    submit_key = HiddenField(validators=[InputRequired(), Length(max=64)])
    submit = SubmitField("Submit my answers")
