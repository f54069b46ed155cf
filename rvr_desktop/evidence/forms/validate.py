"""Check a filled form against its template: a list of problems, each tied to a field.

Only visible fields are checked; a hidden field is never required. Answers for fields
the template does not have are problems too, so nothing is silently kept unseen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.forms.answers import check_value, is_unanswered
from rvr_desktop.evidence.forms.model import Field, FieldType, Template
from rvr_desktop.evidence.forms.risk import score_risk
from rvr_desktop.evidence.forms.visibility import is_visible


@dataclass(frozen=True)
class Problem:
    path: str
    """Where the problem is: ``field`` or ``group[row].field`` (rows counted from 0)."""
    field_id: str
    row: int | None
    """The repeating-group row (from 0), or None outside a group."""
    message: str
    """A plain-English sentence naming the field as the officer sees it."""

    def __str__(self) -> str:
        return self.message


def _sentence(label: str, what: str) -> str:
    return f"{label}: {what}."


def validate_form(template: Template, answers: Any) -> list[Problem]:
    if not isinstance(answers, Mapping):
        return [Problem("", "", None, "The answers are not a set of field answers.")]
    problems: list[Problem] = []
    known = {field.id for field in template.fields()}
    for key in answers:
        if key not in known:
            problems.append(
                Problem(
                    str(key),
                    str(key),
                    None,
                    f"There is an answer for '{key}', which this form does not have.",
                )
            )
    for field in template.fields():
        if not is_visible(template, field, answers):
            continue
        value = answers.get(field.id)
        if field.type is FieldType.GROUP:
            problems += _check_group(template, field, answers, value)
        else:
            problems += _check_field(field, value, field.id, None, field.label)
    if template.risk is not None:
        problems += _check_judgement(template, answers)
    return problems


def _check_field(field: Field, value: Any, path: str, row: int | None, label: str) -> list[Problem]:
    if is_unanswered(field, value):
        if field.required:
            return [Problem(path, field.id, row, _sentence(label, "this must be answered"))]
        return []
    fault = check_value(field, value)
    return [] if fault is None else [Problem(path, field.id, row, _sentence(label, fault))]


def _check_group(
    template: Template, group: Field, answers: Mapping[str, Any], value: Any
) -> list[Problem]:
    if value is None or value == []:
        if group.required:
            return [Problem(group.id, group.id, None, _sentence(group.label, "add at least one"))]
        return []
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        return [Problem(group.id, group.id, None, _sentence(group.label, "the rows are garbled"))]
    problems: list[Problem] = []
    rule = group.validation
    if rule.min_length is not None and len(value) < rule.min_length:
        problems.append(
            Problem(
                group.id, group.id, None, _sentence(group.label, f"add at least {rule.min_length}")
            )
        )
    if rule.max_length is not None and len(value) > rule.max_length:
        problems.append(
            Problem(
                group.id, group.id, None, _sentence(group.label, f"give at most {rule.max_length}")
            )
        )
    names = {child.id for child in group.fields}
    item = group.item_label or group.label
    for index, row in enumerate(value):
        where = f"{item} {index + 1}"
        for key in row:
            if key not in names:
                problems.append(
                    Problem(
                        f"{group.id}[{index}].{key}",
                        str(key),
                        index,
                        f"{where}: there is an answer for '{key}', which this row does not have.",
                    )
                )
        for child in group.fields:
            if not is_visible(template, child, answers, row, group):
                continue
            path = f"{group.id}[{index}].{child.id}"
            problems += _check_field(
                child, row.get(child.id), path, index, f"{where}, {child.label}"
            )
    return problems


def _check_judgement(template: Template, answers: Mapping[str, Any]) -> list[Problem]:
    assert template.risk is not None  # noqa: S101 - the caller checked
    result = score_risk(template, answers)
    rules = template.risk
    if result.lowering_refused and result.judgement is not None:
        field = template.field(rules.judgement_field)
        return [
            Problem(
                field.id,
                field.id,
                None,
                _sentence(
                    field.label,
                    f"professional judgement can raise the level but never lower it: the "
                    f"answers give {result.computed.label}, so choose {result.computed.label} "
                    "or higher",
                ),
            )
        ]
    if (
        result.judgement is not None
        and rules.rank(result.judgement.id) > rules.rank(result.computed.id)
        and not result.judgement_reason
    ):
        field = template.field(rules.reason_field)
        return [
            Problem(
                field.id,
                field.id,
                None,
                _sentence(
                    field.label,
                    f"explain why professional judgement raises the level to "
                    f"{result.judgement.label}",
                ),
            )
        ]
    return []
