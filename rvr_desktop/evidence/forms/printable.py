"""A filled form as a neutral, printable structure: what the PDF documents consume.

Pure: a template and its answers in, a small tree of frozen dataclasses out. Only
visible fields appear; a document hint picks the fields for one PDF (the MG11 statement,
its restricted back page, the DASH form ...). Values are already formatted for reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rvr_desktop.evidence.clock import document_date
from rvr_desktop.evidence.forms.deadlines import DueDate, due_dates
from rvr_desktop.evidence.forms.display import NOT_ANSWERED, display_value
from rvr_desktop.evidence.forms.model import Field, FieldType, Template
from rvr_desktop.evidence.forms.risk import score_risk
from rvr_desktop.evidence.forms.visibility import is_visible


@dataclass(frozen=True)
class PrintableRow:
    field_id: str
    label: str
    value: str
    """The answer as printed; 'Not answered' for a visible field left empty."""
    block: str
    """The PDF block the template assigns the field to (defaults to its section id)."""


@dataclass(frozen=True)
class PrintableTable:
    """A repeating group: one row of cells per repetition, one column per field."""

    field_id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    """Cells in column order; empty where a field is hidden in that row or optional and
    unanswered ('Not answered' for a required one)."""
    block: str


@dataclass(frozen=True)
class PrintableSection:
    id: str
    title: str
    items: tuple[PrintableRow | PrintableTable, ...]
    """In the order the form shows them."""


@dataclass(frozen=True)
class PrintableRisk:
    tool: str
    level: str
    """The level that stands, e.g. 'High'."""
    computed_level: str
    """The level the answers alone give."""
    count: int
    """How many questions were answered with the counted answer (normally 'yes')."""
    thresholds: tuple[tuple[str, int], ...]
    """(level label, lowest count reaching it), lowest first."""
    judgement_reason: str
    """Why professional judgement raised the level; empty if it did not."""
    referral_prompt: str
    """E.g. the MARAC referral prompt when the level calls for it; else empty."""
    supplements: tuple[tuple[str, int, str], ...]
    """(supplement label, its count, its prompt or '') for each supplement shown."""


@dataclass(frozen=True)
class PrintableForm:
    title: str
    template_id: str
    template_version: int
    template_sha256: str
    document: str | None
    """The document the fields were picked for; None for every field."""
    sections: tuple[PrintableSection, ...]
    """Only sections with something to print."""
    risk: PrintableRisk | None = None
    """For a risk template printed whole or in its own document."""
    due_dates: tuple[PrintableRow, ...] = ()
    """Dates by which something is owed, soonest first: the rule id, a label, the date
    ('23 October 2026 (7 days from 16 October 2026)') and, as ``block``, the answer it
    counts from."""


def _wanted(field: Field, document: str | None) -> bool:
    if field.pdf.document == "none":
        return False
    return document is None or field.pdf.document == document


def printable_form(
    template: Template, answers: Mapping[str, Any], *, document: str | None = None
) -> PrintableForm:
    """The form as printed; ``document`` keeps only the fields hinted for that PDF.

    With no ``document`` every printed field appears (never those hinted 'none').
    """
    sections = []
    for section in template.sections:
        items: list[PrintableRow | PrintableTable] = []
        for field in section.fields:
            if not _wanted(field, document) or not is_visible(template, field, answers):
                continue
            if field.type is FieldType.GROUP:
                items.append(_table(template, field, answers, document))
            else:
                value = display_value(field, answers.get(field.id))
                items.append(PrintableRow(field.id, field.label, value, field.pdf.block))
        if items:
            sections.append(PrintableSection(section.id, section.title, tuple(items)))
    shows_whole = document is None or document == template.document
    return PrintableForm(
        title=template.title,
        template_id=template.id,
        template_version=template.version,
        template_sha256=template.sha256,
        document=document,
        sections=tuple(sections),
        risk=_risk(template, answers) if template.risk is not None and shows_whole else None,
        due_dates=tuple(
            PrintableRow(due.rule_id, due.label, _due_text(due), due.path)
            for due in due_dates(template, answers)
            if document is None or due.document == document
        ),
    )


def _due_text(due: DueDate) -> str:
    days = (due.due - due.start).days
    if days == 0:
        return document_date(due.due)
    return f"{document_date(due.due)} ({days} days from {document_date(due.start)})"


def _table(
    template: Template, group: Field, answers: Mapping[str, Any], document: str | None
) -> PrintableTable:
    columns = [child for child in group.fields if _wanted(child, document)]
    rows = []
    value = answers.get(group.id)
    for row in value if isinstance(value, list) else []:
        if not isinstance(row, Mapping):
            continue
        cells = []
        for child in columns:
            shown = is_visible(template, child, answers, row, group)
            text = display_value(child, row.get(child.id)) if shown else ""
            cells.append("" if text == NOT_ANSWERED and not child.required else text)
        rows.append(tuple(cells))
    return PrintableTable(
        group.id,
        group.label,
        tuple(child.label for child in columns),
        tuple(rows),
        group.pdf.block,
    )


def _risk(template: Template, answers: Mapping[str, Any]) -> PrintableRisk:
    result = score_risk(template, answers)
    assert template.risk is not None  # noqa: S101 - the caller checked
    return PrintableRisk(
        tool=result.tool,
        level=result.level.label,
        computed_level=result.computed.label,
        count=result.count,
        thresholds=tuple((level.label, level.min_count) for level in template.risk.levels),
        judgement_reason=result.judgement_reason if result.raised_by_judgement else "",
        referral_prompt=result.referral_prompt,
        supplements=tuple(
            (s.label, s.count, s.prompt)
            for s, rule in zip(result.supplements, template.risk.supplements, strict=True)
            if is_visible_section(template, rule.section, answers)
        ),
    )


def is_visible_section(template: Template, section_id: str, answers: Mapping[str, Any]) -> bool:
    """A section shows when any of its fields does."""
    return any(is_visible(template, f, answers) for f in template.section(section_id).fields)
