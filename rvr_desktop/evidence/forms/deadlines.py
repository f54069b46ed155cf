"""Dates by which something is owed, derived from answers by the template's rules.

For example a Clare's Law application must be decided within 28 days: the template says
``from_field = "dvds_application_date"`` and ``days = 28``; this module does the sums.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rvr_desktop.evidence.forms.answers import parse_date, parse_datetime
from rvr_desktop.evidence.forms.model import DeadlineRule, Field, FieldType, Template
from rvr_desktop.evidence.forms.visibility import condition_holds, is_visible


@dataclass(frozen=True)
class DueDate:
    rule_id: str
    label: str
    """The rule's label, with the row named for a repeating group (e.g. 'Referral 2')."""
    path: str
    """The answer the date counts from: ``field`` or ``group[row].field``."""
    start: date
    due: date
    document: str

    def overdue(self, today: date) -> bool:
        return today > self.due

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def _start_date(field: Field, value: Any) -> date | None:
    if field.type is FieldType.DATE:
        return parse_date(value)
    moment = parse_datetime(value)
    return None if moment is None else moment.date()


def due_dates(template: Template, answers: Mapping[str, Any]) -> tuple[DueDate, ...]:
    """Every due date the answers give; a rule whose start is hidden or unanswered gives none."""
    found: list[DueDate] = []
    for rule in template.deadlines:
        head, _, tail = rule.from_field.partition(".")
        outer = template.field(head)
        if not is_visible(template, outer, answers):
            continue
        if not tail:
            found += _one(template, rule, outer, answers, None, None, head, rule.label)
            continue
        rows = answers.get(head)
        if not isinstance(rows, list):
            continue
        inner = next(f for f in outer.fields if f.id == tail)
        for index, row in enumerate(rows):
            if not isinstance(row, Mapping):
                continue
            label = f"{rule.label} ({outer.item_label or outer.label} {index + 1})"
            path = f"{head}[{index}].{tail}"
            found += _one(template, rule, inner, answers, row, outer, path, label)
    return tuple(sorted(found, key=lambda d: (d.due, d.path)))


def _one(
    template: Template,
    rule: DeadlineRule,
    field: Field,
    answers: Mapping[str, Any],
    row: Mapping[str, Any] | None,
    group: Field | None,
    path: str,
    label: str,
) -> list[DueDate]:
    scope: Mapping[str, Any] = row if row is not None else answers
    if not is_visible(template, field, answers, row, group):
        return []
    if rule.when is not None:
        target = _condition_target(template, rule.when.field, group)
        if not is_visible(template, target, answers, row, group if target in _row(group) else None):
            return []
        value = (row if target in _row(group) and row is not None else answers).get(target.id)
        if not condition_holds(rule.when, target, value):
            return []
    start = _start_date(field, scope.get(field.id))
    if start is None:
        return []
    return [DueDate(rule.id, label, path, start, start + timedelta(days=rule.days), rule.document)]


def _row(group: Field | None) -> tuple[Field, ...]:
    return () if group is None else group.fields


def _condition_target(template: Template, field_id: str, group: Field | None) -> Field:
    for sibling in _row(group):
        if sibling.id == field_id:
            return sibling
    return template.field(field_id)
