"""A case's restricted details: the values the finder looks for.

Taken from the referral's call-back number, the answers of every safety gate recorded in
the timeline, and every version of every form of the case, wherever the template marks a
field with a ``detail`` (docs/templates.md). For a gate or form filled before its template
marked a field, the current template of the same id (from the registry) is asked too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rvr_desktop.evidence.case.cases import Case, load_case
from rvr_desktop.evidence.case.timeline import TimelineEntry, read_events
from rvr_desktop.evidence.disclosure.finder import DEFAULT_NAMES, DetailKind, RestrictedValue
from rvr_desktop.evidence.forms.model import Field, FieldType, Template
from rvr_desktop.evidence.forms.registry import FORCE_TEMPLATES_SETTING, load_registry
from rvr_desktop.evidence.forms.store import FormVersion, read_forms_for_case
from rvr_desktop.evidence.vault import Vault

REFERRAL_CALLBACK = "call-back number"
"""How the referral's call-back number is named."""


def detail_fields(templates: Iterable[Template]) -> dict[str, Field]:
    """Each field with a ``detail`` by ``id`` or ``group.child``; the first template wins."""
    found: dict[str, Field] = {}
    for template in templates:
        for field in template.fields():
            if field.detail:
                found.setdefault(field.id, field)
            if field.type is FieldType.GROUP:
                for child in field.fields:
                    if child.detail:
                        found.setdefault(f"{field.id}.{child.id}", child)
    return found


def values_in_answers(
    answers: Mapping[str, Any], templates: Sequence[Template]
) -> list[RestrictedValue]:
    """The restricted values among a form's or a gate's answers."""
    marked = detail_fields(templates)
    values: list[RestrictedValue] = []
    for key, answer in answers.items():
        if key in marked and isinstance(answer, str):
            values.append(_value(marked[key], answer))
        elif isinstance(answer, list):
            for row in answer:
                if isinstance(row, dict):
                    for child, value in row.items():
                        field = marked.get(f"{key}.{child}")
                        if field is not None and isinstance(value, str):
                            values.append(_value(field, value))
    return values


def _value(field: Field, answer: str) -> RestrictedValue:
    kind = DetailKind(field.detail)
    return RestrictedValue(kind, field.detail_name or DEFAULT_NAMES[kind], answer.strip())


def case_restricted_values(
    case: Case,
    entries: Sequence[TimelineEntry],
    forms: Iterable[FormVersion],
    current: Mapping[str, Template],
) -> tuple[RestrictedValue, ...]:
    """Every restricted value of the case, each once, in the order first met.

    ``current`` is the registry's templates by id (may be empty)."""
    values: list[RestrictedValue] = []
    if case.referral.callback_number.strip():
        values.append(
            RestrictedValue(
                DetailKind.PHONE, REFERRAL_CALLBACK, case.referral.callback_number.strip()
            )
        )
    for entry in entries:
        answers = entry.payload.get("answers")
        template = current.get(str(entry.payload.get("template_id")))
        if isinstance(answers, dict) and template is not None:
            values.extend(values_in_answers(answers, [template]))
    for version in forms:
        templates = [version.parsed_template()]
        if version.template.template_id in current:
            templates.append(current[version.template.template_id])
        values.extend(values_in_answers(version.answers, templates))
    unique: dict[tuple[DetailKind, str], RestrictedValue] = {}
    for value in values:
        if value.value:
            unique.setdefault((value.kind, value.value.casefold()), value)
    return tuple(unique.values())


def restricted_values_for_case(vault: Vault, case_id: int) -> tuple[RestrictedValue, ...]:
    """The case's restricted values as the vault stands now (every form's latest version,
    every gate recorded, the referral), for the note box's remark."""
    with vault.reader() as tx:
        case = load_case(tx, case_id)
        # Only events carry answers (a note's payload is empty): a case's thousands of
        # notes need not be read each time the remark is brought up to date.
        entries = read_events(tx, case_id)
        forms = read_forms_for_case(tx, case_id)
        force = vault.get_setting(FORCE_TEMPLATES_SETTING, tx)
    current = load_registry(None, Path(force) if force else None).templates
    return case_restricted_values(case, entries, forms, current)
