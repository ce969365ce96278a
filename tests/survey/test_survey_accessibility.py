"""Accessibility basics of the respondent pages, checked in the HTML they serve."""

from __future__ import annotations

import pytest

from tests.survey.survey_support import field, parse_html

FORM_CONTROLS = ("input", "textarea", "select")
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


def labelled_controls(document):
    """Every form control that a person fills in (not hidden fields or buttons)."""
    return [element for tag in FORM_CONTROLS for element in document.find_all(tag)
            if element.attrs.get("type") not in UNLABELLED_TYPES]


def assert_basics(document):
    html = document.find("html")
    assert html is not None, "the page names its language"
    assert html.attrs.get("lang"), "the page names its language"
    viewport = document.find("meta", name="viewport")
    assert viewport is not None
    assert "width=device-width" in viewport.attrs["content"]
    assert document.find("title").text.strip()
    assert len(document.find_all("h1")) == 1
    assert document.find("main") is not None


def assert_every_control_is_labelled(document):
    ids = [element.attrs["id"] for element in document.iter() if element.attrs.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    labels = {label.attrs.get("for"): label for label in document.find_all("label")}
    for control in labelled_controls(document):
        control_id = control.attrs.get("id")
        assert control_id, control
        assert control_id in labels, f"no <label for> for {control_id}"
        assert labels[control_id].text.strip(), f"empty label for {control_id}"


def assert_radio_groups_are_fieldsets(document):
    radios = document.find_all("input", type="radio")
    assert radios
    for radio in radios:
        fieldset = next((a for a in radio.ancestors() if a.tag == "fieldset"), None)
        assert fieldset is not None, radio
        legend = fieldset.find("legend")
        assert legend is not None, radio
        assert legend.text.strip(), radio
        names = {r.attrs["name"] for r in fieldset.find_all("input", type="radio")}
        assert names == {radio.attrs["name"]}, "one radio group per fieldset"


@pytest.mark.parametrize("number", range(1, 10))
def test_every_questionnaire_page_is_accessible(respondent, number):
    respondent.answer_pages(number - 1)
    page = respondent.client.get(f"/s/page/{number}")
    assert page.status_code == 200
    document = parse_html(page)

    assert_basics(document)
    assert_every_control_is_labelled(document)
    assert_radio_groups_are_fieldsets(document)

    progress = document.find("progress")
    assert progress.attrs["max"] == "9"
    assert progress.attrs["value"] == str(number)
    label = document.find(id=progress.attrs["aria-labelledby"])
    assert label.text.strip() == f"Page {number} of 9"

    dimension = respondent.dimension(number)
    fieldsets = document.find("form").find_all("fieldset")
    assert len(fieldsets) == len([i for i in dimension.items if i.type != "text"])
    for item in dimension.items:
        if item.type == "text":
            textarea = document.find("textarea", name=field(item))
            hint = textarea.attrs["aria-describedby"]
            assert document.find(id=hint) is not None
            assert textarea.attrs["maxlength"] == str(item.max_length)


def test_errors_are_announced_and_tied_to_their_question(respondent):
    result = respondent.post_page(1, respondent.page_data(1, {
        field("standards.rubric"): "9", field("standards.comment"): "\x00"}))
    document = parse_html(result)
    alert = document.find(role="alert")
    assert alert is not None
    assert "could not be saved" in alert.text

    rubric = document.find("input", name=field("standards.rubric"))
    fieldset = next(a for a in rubric.ancestors() if a.tag == "fieldset")
    error_id = fieldset.attrs["aria-describedby"]
    assert document.find(id=error_id).text == "Please choose one of the answers shown."

    textarea = document.find("textarea", name=field("standards.comment"))
    described = textarea.attrs["aria-describedby"].split()
    assert f"{textarea.attrs['id']}-error" in described
    assert "control character" in document.find(id=f"{textarea.attrs['id']}-error").text


def test_the_welcome_page_is_accessible(new_respondent):
    person = new_respondent(started=False)
    person.open()
    document = parse_html(person.client.get("/s/"))
    assert_basics(document)
    assert_every_control_is_labelled(document)
    assert_radio_groups_are_fieldsets(document)
    resume = document.find("input", name="code")
    assert resume.attrs["autocomplete"] == "off"


def test_the_review_page_is_accessible(respondent):
    respondent.answer_pages()
    document = parse_html(respondent.review())
    assert_basics(document)
    assert_every_control_is_labelled(document)
    for link in document.find("ul", class_="review").find_all("a"):
        assert link.text.strip()


@pytest.mark.parametrize("path", ["/s/" + "E" * 32, "/s/"])
def test_messages_are_accessible(demo_app, path):
    document = parse_html(demo_app.test_client().get(path))
    assert_basics(document)


def test_the_resume_code_is_shown_in_the_footer_of_every_page(respondent):
    code = respondent.resume_code
    shown = "-".join(code[i:i + 4] for i in range(0, 12, 4))
    for url in ("/s/page/1",):
        footer = parse_html(respondent.client.get(url)).find("footer")
        assert shown in footer.text
    respondent.answer_pages()
    assert shown in parse_html(respondent.review()).find("footer").text
