"""The worked example in docs/templates.md loads and behaves as the page says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rvr_desktop.evidence.forms import TemplateError, due_dates, parse_template, validate_form

DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def _worked_example() -> str:
    text = DOC.read_text("utf-8")
    after = text.split("`pet-welfare.toml` in the force templates folder:\n\n```toml\n", 1)[1]
    return after.split("```", 1)[0]


def test_the_documented_example_template_loads_and_validates() -> None:
    template = parse_template(_worked_example(), "pet-welfare.toml")
    assert validate_form(template, template.example) == []
    (due,) = due_dates(template, template.example or {})
    assert due.due == date(2026, 10, 23)


def test_the_documented_row_problem_is_the_one_reported() -> None:
    template = parse_template(_worked_example(), "pet-welfare.toml")
    answers = {**(template.example or {}), "pets": [{"kind": "dog"}, {"kind": "other"}]}
    (problem,) = validate_form(template, answers)
    assert (problem.path, problem.row) == ("pets[1].kind_other", 1)
    assert problem.message == "Pet 2, What animal: this must be answered."


def test_the_documented_misspelling_is_refused_as_described() -> None:
    text = _worked_example().replace(
        'visible_when = { field = "kind"', 'visble_when = { field = "kind"'
    )
    with pytest.raises(TemplateError, match="'visble_when' is not known"):
        parse_template(text, "pet-welfare.toml")
