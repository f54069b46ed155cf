"""The URN the CPS files the case under: typed any sensible way, kept one way, checked in words.

The rule is data in the MG11 template (``normalise`` and ``validation``), so a force can
change it without a new release.
"""

from __future__ import annotations

import pytest

from forms.test_loader_errors import MINIMAL, _error
from rvr_desktop.evidence.forms import (
    TemplateRegistry,
    create_form,
    finalise,
    parse_template,
    printable_form,
    save_draft,
    validate_form,
)
from rvr_desktop.evidence.forms.printable import PrintableRow
from rvr_desktop.evidence.vault import Vault


@pytest.mark.parametrize(
    "typed", ["42AB1234526", "42 AB 12345 26", "42/AB/12345/26", "42 ab 12345/26", " 42AB1234526 "]
)
def test_a_urn_typed_with_spaces_or_slashes_is_kept_in_one_spelling(
    shipped: TemplateRegistry, vault: Vault, case_id: int, typed: str
) -> None:
    mg11 = shipped.get("mg11")
    form = create_form(vault, case_id, mg11, {**(mg11.example or {}), "urn": typed})
    assert form.answers["urn"] == "42AB1234526"
    final = finalise(vault, form.form_id)
    printed = printable_form(mg11, final.answers, document="statement")
    rows = {item.field_id: item for item in printed.sections[0].items}
    assert isinstance(rows["urn"], PrintableRow) and rows["urn"].value == "42AB1234526"


def test_the_officer_can_correct_the_urn_in_a_later_save(
    shipped: TemplateRegistry, vault: Vault, case_id: int
) -> None:
    mg11 = shipped.get("mg11")
    form = create_form(vault, case_id, mg11, {**(mg11.example or {}), "urn": ""})
    again = save_draft(vault, form.form_id, {**form.answers, "urn": "42 ab 54321/26"})
    assert again.answers["urn"] == "42AB5432126"
    # Typing the same URN another way changes nothing, so no new version is saved.
    same = save_draft(vault, form.form_id, {**form.answers, "urn": "42AB5432126"})
    assert same.version == again.version


@pytest.mark.parametrize(
    "typed",
    [
        "42 AB 1234 26",  # a digit short
        "4 AB 12345 26",
        "42 AB 12345 2026",  # the year in four digits
        "42-AB-12345-26",  # dashes are not ignored
        "URN 42AB1234526",
    ],
)
def test_a_urn_of_the_wrong_shape_is_explained_in_plain_english(
    shipped: TemplateRegistry, typed: str
) -> None:
    mg11 = shipped.get("mg11")
    problems = validate_form(mg11, {**(mg11.example or {}), "urn": typed})
    assert [p.field_id for p in problems] == ["urn"]
    message = problems[0].message
    assert message == (
        "Unique reference number (URN): enter the URN as the police force code (2 digits), "
        "the unit (2 letters or digits), the case number (5 digits) and the year (2 digits), "
        "for example 42AB1234526."
    )
    assert not set("[]{}\\^$*+?|") & set(message)  # never a regular expression


def test_a_urn_may_be_left_empty_until_the_cps_gives_one(shipped: TemplateRegistry) -> None:
    mg11 = shipped.get("mg11")
    assert validate_form(mg11, {**(mg11.example or {}), "urn": ""}) == []


def test_a_force_template_can_tidy_its_own_reference_fields() -> None:
    template = parse_template(
        MINIMAL + 'normalise = { remove = "- ", upper_case = true }\n', "force/tiny.toml"
    )
    assert template.field("name").normalise.apply("ab-12 cd") == "AB12CD"


@pytest.mark.parametrize(
    ("addition", "fault"),
    [
        ('normalise = { remove = " ", lower_case = true }\n', "'lower_case' is not known"),
        ("normalise = { upper_case = 1 }\n", "upper_case"),
    ],
)
def test_a_misspelt_normalise_rule_is_refused(addition: str, fault: str) -> None:
    assert fault in str(_error(MINIMAL + addition))


def test_normalise_applies_only_to_text() -> None:
    text = MINIMAL.replace('type = "text"', 'type = "date"') + 'normalise = { remove = " " }\n'
    assert "'normalise' applies only to text and multiline fields" in str(_error(text))
