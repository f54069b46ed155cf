"""Which fields a filled form shows: conditional visibility, resolved the same everywhere.

A field whose condition names a hidden field is hidden too (the hidden answer counts as
not given). Conditions only look back to fields defined earlier, so this always ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rvr_desktop.evidence.forms.answers import is_unanswered, yes_no_answer
from rvr_desktop.evidence.forms.model import Condition, Field, FieldType, Template


def is_visible(
    template: Template,
    field: Field,
    answers: Mapping[str, Any],
    row: Mapping[str, Any] | None = None,
    group: Field | None = None,
) -> bool:
    """Whether ``field`` is shown; ``row`` and ``group`` are given for a field inside a group."""
    if group is not None and not is_visible(template, group, answers):
        return False
    if template.gate is not None and field.id == template.gate.instead_field:
        return bool(failing_gate_fields(template, answers))
    condition = field.visible_when
    if condition is None:
        return True
    target, value = _resolve(template, condition.field, answers, row, group)
    if target is None:
        return False
    return condition_holds(condition, target, value)


def _resolve(
    template: Template,
    field_id: str,
    answers: Mapping[str, Any],
    row: Mapping[str, Any] | None,
    group: Field | None,
) -> tuple[Field | None, Any]:
    """The field a condition names and its answer, or (None, None) when it is hidden."""
    if group is not None and row is not None:
        for sibling in group.fields:
            if sibling.id == field_id:
                if not is_visible(template, sibling, answers, row, group):
                    return None, None
                return sibling, row.get(field_id)
    target = template.field(field_id)
    if not is_visible(template, target, answers):
        return None, None
    return target, answers.get(field_id)


def condition_holds(condition: Condition, target: Field, value: Any) -> bool:
    if condition.answered is not None:
        return condition.answered != is_unanswered(target, value)
    if is_unanswered(target, value):
        return False
    wanted = (condition.equals,) if condition.equals is not None else condition.any_of
    if target.type is FieldType.YES_NO_UNKNOWN:
        value = yes_no_answer(value)
    if target.type is FieldType.MULTI_CHOICE and isinstance(value, list):
        return any(_same(item, w) for item in value for w in wanted)
    return any(_same(value, w) for w in wanted)


def _same(value: Any, wanted: Any) -> bool:
    # Keep True from equalling 1: a yes/no switch and a count are different answers.
    if isinstance(value, bool) or isinstance(wanted, bool):
        return type(value) is type(wanted) and value == wanted
    if isinstance(value, int | float) and isinstance(wanted, int | float):
        return value == wanted
    return type(value) is type(wanted) and value == wanted


def failing_gate_fields(template: Template, answers: Mapping[str, Any]) -> list[Field]:
    """Gate fields answered with something other than a required answer (shown ones only)."""
    failing = []
    for field in template.fields():
        if not field.required_answer or not is_visible(template, field, answers):
            continue
        value = answers.get(field.id)
        if is_unanswered(field, value):
            continue
        if yes_no_answer(value) not in field.required_answer:
            failing.append(field)
    return failing
