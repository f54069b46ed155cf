"""From a case's records to the documents' inputs: the notes log, the exhibits, forms.

The documents package knows nothing of the vault; this module takes records already read
(from one snapshot of the case) and builds the plain input dataclasses the renderers take.
"""

from __future__ import annotations

from collections.abc import Sequence

from rvr_desktop.evidence.case import attachments
from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.clock import DOCUMENT_ZONE, document_time
from rvr_desktop.evidence.documents import (
    Amendment,
    Exhibit,
    ExhibitList,
    ExhibitStatement,
    FormSection,
    FormTable,
    LabelValue,
    LoggedEvent,
    LoggedNote,
    Moment,
    NotesLog,
    PrintableForm,
    RiskSummary,
    RiskThreshold,
    StatementTaker,
    Witness,
)
from rvr_desktop.evidence.forms import printable as forms_printable
from rvr_desktop.evidence.records.timeline_entry import EntryKind
from rvr_desktop.evidence.signing.officer import OfficerProfile

SOURCE_LABELS = {
    attachments.AttachmentSource.FILE: "File sent by the victim",
    attachments.AttachmentSource.SCREEN_CAPTURE: "Capture of the video call screen",
}


def moment(utc_ms: int, *, seconds: bool = False) -> Moment:
    """A time as documents print it, in UK time (see :func:`.clock.document_time`)."""
    return Moment(utc_ms, document_time(utc_ms, seconds=seconds))


def notes_log(case: Case, entries: Sequence[TimelineEntry]) -> NotesLog:
    """Every timeline entry in recorded order, each amendment under the note it corrects."""
    by_id = {e.id: e for e in entries}
    chains: dict[int, list[TimelineEntry]] = {}
    for entry in entries:
        if entry.kind is EntryKind.AMENDMENT and entry.amends_id is not None:
            chains.setdefault(_root_note(entry, by_id), []).append(entry)
    logged: list[LoggedNote | LoggedEvent] = []
    for entry in entries:
        if entry.kind is EntryKind.NOTE:
            logged.append(
                LoggedNote(
                    entry_id=entry.id,
                    at=moment(entry.recorded_utc_ms, seconds=True),
                    elapsed=entry.elapsed_label or None,
                    author=entry.author,
                    text=entry.text,
                    amendments=tuple(
                        Amendment(
                            entry_id=a.id,
                            at=moment(a.recorded_utc_ms, seconds=True),
                            elapsed=a.elapsed_label or None,
                            author=a.author,
                            text=a.text,
                            reason=a.reason or "",
                        )
                        for a in chains.get(entry.id, [])
                    ),
                )
            )
        elif entry.kind is EntryKind.EVENT and entry.event is not None:
            logged.append(
                LoggedEvent(
                    entry_id=entry.id,
                    at=moment(entry.recorded_utc_ms, seconds=True),
                    elapsed=entry.elapsed_label or None,
                    kind=entry.event,
                    text=entry.text,
                )
            )
    return NotesLog(
        case_reference=case.reference,
        officer=case.officer,
        time_zone=DOCUMENT_ZONE,
        entries=tuple(logged),
    )


def _root_note(entry: TimelineEntry, by_id: dict[int, TimelineEntry]) -> int:
    """The original note at the start of a chain of amendments."""
    current = entry
    while current.amends_id is not None and current.amends_id in by_id:
        current = by_id[current.amends_id]
    return current.id


def exhibit_list(case: Case, items: Sequence[attachments.Attachment]) -> ExhibitList:
    return ExhibitList(
        case_reference=case.reference,
        exhibits=tuple(
            Exhibit(
                reference=item.exhibit_ref,
                description=item.description or item.original_name,
                source=f"{SOURCE_LABELS[item.source]} ({item.original_name})",
                produced_by=case.officer,
                produced_at=moment(item.imported_utc_ms),
                sha256=item.sha256,
            )
            for item in items
        ),
    )


def exhibit_statement(
    case: Case, officer: OfficerProfile, exhibits: ExhibitList, made_utc_ms: int, *, urn: str = ""
) -> ExhibitStatement:
    """The producing officer's own statement exhibiting what they received or captured."""
    station = f" of {officer.station}" if officer.station else ""
    return ExhibitStatement(
        case_reference=case.reference,
        officer=Witness(officer.name, None, f"{officer.rank or 'Police officer'}"),
        introduction=(
            f"I am {officer.name}, {officer.rank_and_number}{station}. During the video call "
            f"for case {case.reference} I received or captured the following items, which I "
            "produce as exhibits."
        ),
        exhibits=exhibits.exhibits,
        taken_by=StatementTaker(
            officer.name,
            officer.rank_and_number,
            officer.station,
            moment(made_utc_ms),
            moment(made_utc_ms),
        ),
        urn=urn,
    )


def document_form(
    printable: forms_printable.PrintableForm,
    case_reference: str,
    *,
    completed_by: str,
    completed_at_ms: int,
    draft: bool = False,
    urn: str = "",
) -> PrintableForm:
    """The forms engine's printable structure in the shape the PDF renderer takes."""
    sections = [
        FormSection(
            section.title,
            tuple(
                FormTable(item.title, item.columns, item.rows)
                if isinstance(item, forms_printable.PrintableTable)
                else LabelValue(item.label, item.value)
                for item in section.items
            ),
        )
        for section in printable.sections
    ]
    if printable.due_dates:
        sections.append(
            FormSection(
                "Dates by which something is owed",
                tuple(LabelValue(row.label, row.value) for row in printable.due_dates),
            )
        )
    risk = None
    if printable.risk is not None:
        given = printable.risk
        risk = RiskSummary(
            level=given.level,
            yes_count=given.count,
            thresholds=tuple(RiskThreshold(level, lowest) for level, lowest in given.thresholds),
            judgement_reason=given.judgement_reason,
            referral_prompt=given.referral_prompt or "",
        )
    return PrintableForm(
        title=printable.title,
        template_id=printable.template_id,
        template_version=str(printable.template_version),
        case_reference=case_reference,
        sections=tuple(sections),
        risk=risk,
        completed_by=completed_by,
        completed_at=moment(completed_at_ms),
        draft=draft,
        urn=urn,
    )


def label_values(printable: forms_printable.PrintableForm) -> list[LabelValue]:
    """Every answer as a label and value; a table's rows as one value each."""
    items: list[LabelValue] = []
    for section in printable.sections:
        for item in section.items:
            if isinstance(item, forms_printable.PrintableTable):
                for number, row in enumerate(item.rows, 1):
                    cells = "; ".join(f"{c}: {v}" for c, v in zip(item.columns, row, strict=False))
                    items.append(LabelValue(f"{item.title} {number}", cells))
            else:
                items.append(LabelValue(item.label, item.value))
    return items
