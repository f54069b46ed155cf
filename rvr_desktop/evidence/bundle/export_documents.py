"""The bundle's documents, rendered from a case snapshot and nothing else.

No vault here: every input comes from the :class:`CaseSnapshot`, so the statement, the
notes log, the forms and the exhibits describe the same moment. Each MG11 statement is
the original signed when the witness confirmed it (:mod:`..case.signed_statement`); the
officer's exhibits statement is PAdES-signed now with the snapshot's credential.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.export_json import form_json, json_bytes, timeline_files
from rvr_desktop.evidence.bundle.names import portable_component
from rvr_desktop.evidence.case import document_inputs
from rvr_desktop.evidence.case.attachments import Attachment
from rvr_desktop.evidence.case.mg11 import (
    MG11_TEMPLATE_ID,
    StatementNotReady,
    build_restricted_details,
    readiness_of,
)
from rvr_desktop.evidence.case.snapshot import CaseSnapshot
from rvr_desktop.evidence.clock import Clock
from rvr_desktop.evidence.disclosure.case_values import case_restricted_values
from rvr_desktop.evidence.disclosure.check import Place, scan_value
from rvr_desktop.evidence.disclosure.finder import RestrictedValue
from rvr_desktop.evidence.disclosure.withhold import (
    WITHHELD,
    public_copy,
    restricted_paths,
    withhold_answers,
)
from rvr_desktop.evidence.documents import (
    DocumentOrigin,
    LoggedNote,
    NotesLog,
    PrintableForm,
    RenderedPdf,
    render_exhibit_list,
    render_exhibit_statement,
    render_form,
    render_notes_log,
    render_restricted_details,
)
from rvr_desktop.evidence.errors import NotAllowed
from rvr_desktop.evidence.forms import FormVersion, printable_form
from rvr_desktop.evidence.forms.model import Template
from rvr_desktop.evidence.forms.printable import PrintableForm as FormsPrintable
from rvr_desktop.evidence.forms.printable import PrintableRow, PrintableTable
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf


@dataclass(frozen=True)
class RenderedDocuments:
    """Everything rendered before the bag is opened, so a failure here writes nothing."""

    documents: tuple[tuple[str, bytes], ...]
    """Each PDF and the timeline's JSON by its path under data/, in the bag's order."""
    forms_json: tuple[tuple[str, bytes], ...]
    """Each bundled form version's JSON by its path under data/, in the order started."""
    exhibits: tuple[tuple[str, Attachment], ...]
    """Where each exhibit's bytes go under data/, and the exhibit."""
    omitted: tuple[str, ...]
    """What was left out and why (for example forms never finalised)."""
    restricted_values: tuple[RestrictedValue, ...] = ()
    """The case's restricted details, looked for in everything outside data/restricted/."""
    places: tuple[Place, ...] = ()
    """Where a restricted detail still appears in the documents outside data/restricted/
    (typed into a note, the statement ...): for the disclosure check."""


def render_documents(
    snapshot: CaseSnapshot,
    exported_utc_ms: int,
    *,
    clock: Clock,
    timestamp_url: str | None,
) -> RenderedDocuments:
    """The signed statements as kept in the vault, their restricted details, the notes
    log, form PDFs and JSON, the timeline's JSON, the exhibit list and the officer's
    exhibits statement (signed now); refuses while no statement has been signed.

    Restricted answers (marked in the snapshot's current templates and in each form's own
    template) are withheld from everything outside data/restricted/; their full copies go
    under it. A signed statement cannot change, so a restricted detail written into it is
    reported by the disclosure check, never removed."""
    case, officer = snapshot.case, snapshot.officer
    current = snapshot.templates
    values = case_restricted_values(
        case,
        snapshot.entries,
        [v for f in snapshot.forms for v in (f.latest, f.final) if v is not None],
        current,
    )
    places: list[Place] = []

    def sign(rendered: RenderedPdf) -> bytes:
        return _signed(rendered, snapshot, clock, timestamp_url)

    origin = DocumentOrigin(
        author=f"{officer.name} ({officer.rank_and_number})",
        created_utc_ms=exported_utc_ms,
        software=SOFTWARE,
    )
    if not snapshot.signed:
        raise StatementNotReady(
            readiness_of(snapshot.statement).problems
            or ("Sign the statement (the witness has confirmed it) before exporting.",)
        )
    # Each statement is the original signed when the witness confirmed it, byte for byte.
    documents = [(c.statement_paths(s.number).pdf, pdf) for s, pdf in snapshot.signed]
    signed_forms = {s.form_id: s for s, _ in snapshot.signed}
    forms_json: list[tuple[str, bytes]] = []
    omitted: list[str] = []
    restricted: list[tuple[str, bytes]] = []
    urn = next(
        (
            str(form.final.answers.get("urn") or "")
            for form in reversed(snapshot.forms)
            if form.final is not None and form.latest.form_id in signed_forms
        ),
        "",
    )
    for form in snapshot.forms:
        latest, final = form.latest, form.final
        title = latest.parsed_template().title
        if latest.template.template_id == MG11_TEMPLATE_ID:
            signed = signed_forms.get(latest.form_id)
            if signed is None or final is None:
                omitted.append(
                    f"{title} (form {latest.form_id}): a statement not yet signed, not exported"
                )
                continue
            # No version follows a signed one, so the final version is the one signed.
            paths = c.statement_paths(signed.number)
            own = final.parsed_template()
            public, _ = withhold_answers(final.answers, restricted_paths([own]))
            places += scan_value(paths.pdf, "", public, values)
            forms_json.append((paths.form_json, form_json(final)))
            details = build_restricted_details(case, final)
            restricted.append(
                (paths.restricted_pdf, render_restricted_details(details, origin).data)
            )
            continue
        if final is None:
            omitted.append(f"{title} (form {latest.form_id}): never finalised, not exported")
            continue
        if not latest.is_final:
            omitted.append(
                f"{title} (form {latest.form_id}): changed since it was finalised; the final "
                f"version {final.version} is exported"
            )
        json_path, pdf_path = c.form_paths(final.template.template_id, final.form_id, final.version)
        own = final.parsed_template()
        marked = restricted_paths([own, *([current[own.id]] if own.id in current else [])])
        _, withheld = withhold_answers(final.answers, marked)
        full_json = form_json(final)
        public_json = full_json
        if withheld:
            places_in_json = ["answers." + p for p in withheld]
            public_json = json_bytes(public_copy(json.loads(full_json), places_in_json))
            restricted.append((c.RESTRICTED_PREFIX + json_path, full_json))
            restricted.append(
                (c.RESTRICTED_PREFIX + pdf_path, _form_pdf(snapshot, final, origin, urn))
            )
        forms_json.append((json_path, public_json))
        places += scan_value(json_path, "", json.loads(public_json), values)
        printable = _form_printable(snapshot, final, urn, marked)
        places += scan_value(pdf_path, "", printable, values)
        documents.append((pdf_path, render_form(printable, origin).data))
    documents.extend(restricted)
    notes = document_inputs.notes_log(case, snapshot.entries)
    places += _notes_places(notes, values)
    documents.append((c.NOTES_PDF, render_notes_log(notes, origin).data))
    public_timeline, withheld_entries = timeline_files(snapshot, current)
    documents.append((c.TIMELINE_JSON, public_timeline))
    places += _timeline_places(public_timeline, values)
    if withheld_entries is not None:
        documents.append((c.TIMELINE_WITHHELD_JSON, withheld_entries))
    exhibits = tuple(
        (f"{c.exhibit_folder(a.exhibit_ref)}/{portable_component(a.original_name)}", a)
        for a in snapshot.attachments
    )
    if exhibits:
        listed = document_inputs.exhibit_list(case, snapshot.attachments)
        places += scan_value(c.EXHIBIT_LIST_PDF, "", listed, values)
        documents.append((c.EXHIBIT_LIST_PDF, render_exhibit_list(listed, origin).data))
        producing = document_inputs.exhibit_statement(
            case, officer, listed, exported_utc_ms, urn=urn
        )
        places += scan_value(c.EXHIBIT_STATEMENT_PDF, "", producing, values)
        documents.append(
            (c.EXHIBIT_STATEMENT_PDF, sign(render_exhibit_statement(producing, origin)))
        )
    return RenderedDocuments(
        tuple(documents),
        tuple(forms_json),
        exhibits,
        tuple(omitted),
        values,
        tuple(places),
    )


def _notes_places(notes: NotesLog, values: tuple[RestrictedValue, ...]) -> list[Place]:
    """Each note, amendment and event of the notes log, named as the log names it."""
    places: list[Place] = []
    for item in notes.entries:
        if isinstance(item, LoggedNote):
            places += scan_value(c.NOTES_PDF, f"note {item.entry_id}", item.text, values)
            for amendment in item.amendments:
                where = f"amendment {amendment.entry_id} to note {item.entry_id}"
                places += scan_value(c.NOTES_PDF, where, amendment.text, values)
                places += scan_value(c.NOTES_PDF, where + " (reason)", amendment.reason, values)
        else:
            places += scan_value(c.NOTES_PDF, f"event {item.entry_id}", item.text, values)
    return places


def _timeline_places(public: bytes, values: tuple[RestrictedValue, ...]) -> list[Place]:
    places: list[Place] = []
    for entry in json.loads(public)["entries"]:
        name = "event" if entry.get("event") else str(entry.get("kind"))
        for place in scan_value(c.TIMELINE_JSON, "", entry, values):
            where = f"{name} {entry.get('id')} ({place.where})"
            places.append(dataclasses.replace(place, where=where))
    return places


def _form_printable(
    snapshot: CaseSnapshot,
    final: FormVersion,
    urn: str,
    withheld: set[str] | frozenset[str] = frozenset(),
) -> PrintableForm:
    template = final.parsed_template()
    printable = _withheld_rows(printable_form(template, final.answers), template, withheld)
    return document_inputs.document_form(
        printable,
        snapshot.case.reference,
        completed_by=final.saved_by,
        completed_at_ms=final.saved_utc_ms,
        urn=urn,
    )


def _form_pdf(
    snapshot: CaseSnapshot, final: FormVersion, origin: DocumentOrigin, urn: str
) -> bytes:
    return render_form(_form_printable(snapshot, final, urn), origin).data


def _withheld_rows(
    form: FormsPrintable, template: Template, withheld: set[str] | frozenset[str]
) -> FormsPrintable:
    """The printable form with each restricted answer shown as withheld."""
    if not withheld:
        return form
    sections = []
    for section in form.sections:
        items: list[PrintableRow | PrintableTable] = []
        for item in section.items:
            if isinstance(item, PrintableRow) and item.field_id in withheld:
                item = dataclasses.replace(item, value=WITHHELD)
            elif isinstance(item, PrintableTable):
                item = _withheld_table(item, template, withheld)
            items.append(item)
        sections.append(dataclasses.replace(section, items=tuple(items)))
    return dataclasses.replace(form, sections=tuple(sections))


def _signed(
    rendered: RenderedPdf, snapshot: CaseSnapshot, clock: Clock, timestamp_url: str | None
) -> bytes:
    if rendered.signature_box is None:
        raise NotAllowed("This document has no signature box; it cannot be signed.")
    return sign_pdf(
        rendered.data,
        snapshot.credential,
        snapshot.officer,
        rendered.signature_box,
        clock=clock,
        timestamp_url=timestamp_url,
    )


def _withheld_table(
    table: PrintableTable, template: Template, withheld: set[str] | frozenset[str]
) -> PrintableTable:
    group = template.field(table.field_id)
    columns = [child for child in group.fields if child.pdf.document != "none"]
    hidden = [group.id in withheld or f"{group.id}.{child.id}" in withheld for child in columns]
    if not any(hidden):
        return table
    rows = tuple(
        tuple(WITHHELD if hide and cell else cell for cell, hide in zip(row, hidden, strict=True))
        for row in table.rows
    )
    return dataclasses.replace(table, rows=rows)
