"""An officer's answers are checked against the form: each problem names its field."""

from __future__ import annotations

from typing import Any

import pytest

from forms.test_loader_errors import MINIMAL
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms import TemplateRegistry, parse_template, validate_form
from rvr_desktop.evidence.forms.answers import ensure_json_answers


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def test_a_hidden_field_is_never_required(shipped: TemplateRegistry) -> None:
    mg11 = shipped.get("mg11")
    answers = dict(mg11.example or {})
    assert answers["age_band"] == "over_18" and "age" not in answers
    assert validate_form(mg11, answers) == []
    problems = validate_form(mg11, _with(answers, age_band="under_18"))
    assert [(p.path, p.message) for p in problems] == [
        ("age", "Age if under 18: this must be answered.")
    ]


def test_an_answer_out_of_range_is_explained(shipped: TemplateRegistry) -> None:
    mg11 = shipped.get("mg11")
    answers = _with(mg11.example or {}, age_band="under_18", age=19)
    assert [p.message for p in validate_form(mg11, answers)] == [
        "Age if under 18: enter a number no larger than 17."
    ]
    answers["age"] = 15.5
    assert [p.message for p in validate_form(mg11, answers)] == [
        "Age if under 18: enter a whole number."
    ]


def test_a_problem_in_a_repeating_group_names_the_row(shipped: TemplateRegistry) -> None:
    form = shipped.get("safeguarding")
    answers = dict(form.example or {})
    children = [dict(row) for row in answers["children"]]
    children[1]["date_of_birth"] = "21/07/2023"
    del children[1]["present"]
    problems = validate_form(form, _with(answers, children=children))
    assert [(p.path, p.row) for p in problems] == [
        ("children[1].date_of_birth", 1),
        ("children[1].present", 1),
    ]
    assert problems[0].message.startswith("Child 2, Date of birth: enter a date such as 04/12/2026")


def test_a_condition_inside_a_row_looks_at_that_row(shipped: TemplateRegistry) -> None:
    form = shipped.get("safeguarding")
    answers = dict(form.example or {})
    declined_without_reason = {"service": "idva", "outcome": "declined"}
    made_without_details = {"service": "marac", "outcome": "made"}
    problems = validate_form(
        form, _with(answers, referrals=[declined_without_reason, made_without_details])
    )
    assert [p.path for p in problems] == ["referrals[1].made_to", "referrals[1].made_at"]


def test_a_required_group_needs_a_row_only_while_it_shows(shipped: TemplateRegistry) -> None:
    form = shipped.get("safeguarding")
    answers = _with(form.example or {}, children=[])
    assert [p.path for p in validate_form(form, answers)] == ["children"]
    answers["children_in_household"] = "no"
    answers["childrens_services_informed"] = None
    assert validate_form(form, answers) == []


def test_answers_for_fields_the_form_does_not_have_are_reported(
    shipped: TemplateRegistry,
) -> None:
    gate = shipped.get("safety-gate")
    problems = validate_form(gate, _with(gate.example or {}, favourite_colour="blue"))
    assert [p.field_id for p in problems] == ["favourite_colour"]


@pytest.mark.parametrize(
    ("field_type", "good", "bad"),
    [
        ("date", "2026-10-16", "2026-02-30"),
        ("time", "14:30", "2:30pm"),
        ("datetime", "2026-10-16T14:30:00+01:00", "2026-10-16T14:30:00"),
        ("yes_no_unknown", "not_known", "maybe"),
        ("number", 3, True),
        ("multiline", "two\nlines", 7),
        ("text", "one line", "two\nlines"),
    ],
)
def test_each_field_type_keeps_its_answer_convention(field_type: str, good: Any, bad: Any) -> None:
    template = parse_template(MINIMAL.replace('"text"', f'"{field_type}"'), "conventions.toml")
    assert validate_form(template, {"name": good}) == []
    assert len(validate_form(template, {"name": bad})) == 1


def test_a_signature_records_who_how_and_when() -> None:
    template = parse_template(MINIMAL.replace('"text"', '"signature"'), "signature.toml")
    typed = {"method": "typed_name", "name": "Alex", "signed_at": "2026-10-16T15:05:00Z"}
    assert validate_form(template, {"name": typed}) == []
    drawn = {**typed, "method": "drawn_signature", "image_png_base64": "bm90IGEgcG5n"}
    assert "must be a PNG" in validate_form(template, {"name": drawn})[0].message
    assert validate_form(template, {"name": {**typed, "signed_at": "yesterday"}}) != []


def test_answers_that_are_not_plain_json_are_refused_before_saving() -> None:
    with pytest.raises(InvalidInput, match="not finite"):
        ensure_json_answers({"n": float("nan")})
    with pytest.raises(InvalidInput, match="set"):
        ensure_json_answers({"s": {1, 2}})
    with pytest.raises(InvalidInput, match="JSON object"):
        ensure_json_answers(["not", "a", "mapping"])
