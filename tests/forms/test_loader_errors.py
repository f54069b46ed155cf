"""A broken template is refused with a message naming the file, the field and the fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.forms import TemplateError, parse_template
from rvr_desktop.evidence.forms.loader import load_template_file

MINIMAL = """
id = "tiny"
version = 1
title = "Tiny form"
document = "safeguarding"

[[sections]]
id = "main"
title = "Main"

[[sections.fields]]
id = "name"
type = "text"
label = "Name"
required = true
"""


def _error(text: str, source: str = "force/tiny.toml") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        parse_template(text, source)
    assert isinstance(caught.value, InvalidInput)
    assert source in str(caught.value)
    return caught.value


def test_a_minimal_template_loads() -> None:
    template = parse_template(MINIMAL, "tiny.toml")
    assert (template.id, template.version, template.field("name").required) == ("tiny", 1, True)


def test_a_misspelt_key_is_an_error_not_a_silently_missing_setting() -> None:
    error = _error(MINIMAL.replace("required = true", "requried = true"))
    assert "field 'name'" in error.where
    assert "'requried' is not known" in str(error)


def test_an_unknown_field_type_is_named() -> None:
    error = _error(MINIMAL.replace('type = "text"', 'type = "textbox"'))
    assert "field 'name' (section 'main')" in str(error)
    assert "'textbox'" in str(error)


def test_invalid_toml_names_the_file_and_line() -> None:
    error = _error(MINIMAL + "\nthis is = = not toml\n")
    assert "not valid TOML" in str(error)
    assert "line" in str(error)


def test_a_template_without_a_version_is_refused() -> None:
    assert "'version' is missing" in str(_error(MINIMAL.replace("version = 1\n", "")))


def test_a_choice_field_without_choices_is_refused() -> None:
    error = _error(MINIMAL.replace('type = "text"', 'type = "choice"'))
    assert "needs at least one entry in 'choices'" in str(error)


def test_a_bad_regular_expression_is_refused() -> None:
    error = _error(MINIMAL + 'validation = { pattern = "([a-z" }\n')
    assert "not a valid regular expression" in str(error)


def test_a_condition_may_only_look_back_to_an_earlier_field() -> None:
    text = MINIMAL.replace(
        "required = true", 'required = true\nvisible_when = { field = "later", equals = "x" }'
    )
    text += '\n[[sections.fields]]\nid = "later"\ntype = "text"\nlabel = "Later"\n'
    assert "not defined before this one" in str(_error(text))


def test_a_condition_on_an_impossible_answer_is_refused() -> None:
    text = MINIMAL + (
        '\n[[sections.fields]]\nid = "ok"\ntype = "yes_no_unknown"\nlabel = "OK?"\n'
        '\n[[sections.fields]]\nid = "why"\ntype = "text"\nlabel = "Why"\n'
        'visible_when = { field = "ok", equals = "maybe" }\n'
    )
    assert "'maybe' is never an answer to 'ok'" in str(_error(text))


def test_a_field_id_used_twice_is_refused() -> None:
    text = MINIMAL + '\n[[sections.fields]]\nid = "name"\ntype = "date"\nlabel = "Again"\n'
    assert "used twice" in str(_error(text))


def test_restricted_details_in_the_disclosable_statement_are_refused() -> None:
    text = MINIMAL.replace('document = "safeguarding"', 'document = "statement"') + (
        '\n[[sections.fields]]\nid = "home_address"\ntype = "multiline"\nlabel = "Address"\n'
        'class = "restricted"\n'
    )
    error = _error(text)
    assert "field 'home_address'" in error.where
    assert "disclosed to the defence" in str(error)


def test_moving_a_restricted_mg11_field_into_the_statement_is_refused() -> None:
    shipped = Path(__file__).resolve().parents[2] / "resources" / "templates" / "mg11.toml"
    text = shipped.read_text(encoding="utf-8")
    tampered = text.replace(
        'pdf = { document = "restricted", block = "contact" }',
        'pdf = { document = "statement", block = "contact" }',
        1,
    )
    assert tampered != text
    error = _error(tampered, "force/mg11.toml")
    assert "home_address" in error.where


def test_a_restricted_group_keeps_its_rows_out_of_the_statement() -> None:
    text = MINIMAL.replace('document = "safeguarding"', 'document = "restricted"') + (
        '\n[[sections.fields]]\nid = "contacts"\ntype = "group"\nlabel = "Contacts"\n'
        'class = "restricted"\n'
        '[[sections.fields.fields]]\nid = "phone"\ntype = "text"\nlabel = "Phone"\n'
        'pdf = { document = "statement" }\n'
    )
    assert "field 'phone' in 'contacts'" in _error(text).where


def test_example_answers_that_do_not_validate_are_refused() -> None:
    error = _error(MINIMAL + '\n[example]\nname = ""\n')
    assert "[example]" in error.where
    assert "Name: this must be answered" in str(error)


def test_an_example_holding_a_toml_date_is_refused() -> None:
    text = MINIMAL + '\n[[sections.fields]]\nid = "d"\ntype = "date"\nlabel = "D"\n'
    assert "not plain JSON" in str(_error(text + "\n[example]\nname = 'x'\nd = 2026-10-16\n"))


def test_a_gate_rule_needs_a_gate_table() -> None:
    text = MINIMAL.replace("required = true", 'required = true\nrequired_answer = ["x"]')
    assert "need a [gate] table" in str(_error(text))


@pytest.mark.parametrize(
    ("risk", "fault"),
    [
        ('levels = [{ id = "low", label = "Low", min_count = 3 }]', "min_count is 0"),
        (
            'levels = [{ id = "low", label = "Low", min_count = 0 }, '
            '{ id = "high", label = "High", min_count = 0 }]',
            "lowest first",
        ),
    ],
)
def test_risk_thresholds_must_rise_from_zero(risk: str, fault: str) -> None:
    text = (
        MINIMAL
        + '\n[[sections.fields]]\nid = "q1"\ntype = "yes_no_unknown"\nlabel = "Q1"\n'
        + '\n[[sections.fields]]\nid = "level"\ntype = "choice"\nlabel = "Level"\n'
        + 'choices = [{ value = "low", label = "Low" }, { value = "high", label = "High" }]\n'
        + '\n[[sections.fields]]\nid = "why"\ntype = "multiline"\nlabel = "Why"\n'
        + '\n[risk]\ntool = "T"\ncounted_sections = ["main"]\njudgement_field = "level"\n'
        + 'reason_field = "why"\nreferral_from = "high"\nreferral_prompt = "Refer"\n'
        + risk
        + "\n"
    )
    assert fault in str(_error(text))


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Name", "N\xe4me").encode("latin-1"))
    with pytest.raises(TemplateError, match=re.escape(str(path)) + ".*not UTF-8"):
        load_template_file(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot be read"):
        load_template_file(tmp_path / "absent.toml")
