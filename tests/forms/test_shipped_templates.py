"""Every template we ship loads, validates its own example answers, and prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvr_desktop.evidence.forms import load_registry, printable_form, validate_form
from rvr_desktop.evidence.forms.loader import load_template_file
from rvr_desktop.evidence.forms.model import RESTRICTED_CLASS, FieldType
from rvr_desktop.evidence.forms.registry import shipped_templates_dir

SHIPPED = sorted(shipped_templates_dir().glob("*.toml"))
EXPECTED_IDS = {
    "safety-gate",
    "mg11",
    "dash-risk",
    "safeguarding",
    "interpreter",
    "victim-personal-statement",
}


def test_the_app_ships_the_six_forms_an_rvr_call_needs() -> None:
    assert set(load_registry().templates) == EXPECTED_IDS


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_each_shipped_template_accepts_its_own_example_answers(path: Path) -> None:
    template = load_template_file(path)
    assert template.example, f"{path.name} ships no example answers"
    assert validate_form(template, template.example) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_each_shipped_template_prints_its_example(path: Path) -> None:
    template = load_template_file(path)
    printed = printable_form(template, template.example or {})
    assert printed.template_id == template.id
    assert printed.sections, "an example that prints nothing"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_each_shipped_template_asks_for_something_when_empty(path: Path) -> None:
    template = load_template_file(path)
    assert validate_form(template, {}) != []


def test_the_mg11_statement_never_prints_the_victims_private_details() -> None:
    template = load_registry().get("mg11")
    statement = printable_form(template, template.example or {}, document="statement")
    printed_ids = {item.field_id for section in statement.sections for item in section.items}
    restricted = {f.id for f in template.fields() if f.data_class == RESTRICTED_CLASS}
    assert {"home_address", "phone", "email", "date_of_birth"} <= restricted
    assert printed_ids.isdisjoint(restricted)
    assert {"witness_name", "age_band", "occupation", "statement_text"} <= printed_ids
    back_page = printable_form(template, template.example or {}, document="restricted")
    assert {i.field_id for s in back_page.sections for i in s.items} == restricted


def test_the_dash_checklist_counts_yes_or_no_questions_each_with_a_note() -> None:
    template = load_registry().get("dash-risk")
    questions = template.section("questions").fields
    assert len(questions) >= 20
    assert all(f.type is FieldType.YES_NO_UNKNOWN and f.with_note for f in questions)
