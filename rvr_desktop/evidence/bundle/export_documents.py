"""The bundle's documents, rendered from a case snapshot and nothing else.

No vault here: every input comes from the :class:`CaseSnapshot`, so the statement, the
notes log, the forms and the exhibits describe the same moment. Each MG11 statement is
the original signed when the witness confirmed it (:mod:`..case.signed_statement`); the
officer's exhibits statement is PAdES-signed now with the snapshot's credential.
"""

from __future__ import annotations

from dataclasses import dataclass

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.export_json import form_json, timeline_json
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
from rvr_desktop.evidence.documents import (
    DocumentOrigin,
    RenderedPdf,
    render_exhibit_list,
    render_exhibit_statement,
    render_form,
    render_notes_log,
    render_restricted_details,
)
from rvr_desktop.evidence.errors import NotAllowed
from rvr_desktop.evidence.forms import FormVersion, printable_form
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


def render_documents(
    snapshot: CaseSnapshot, exported_utc_ms: int, *, clock: Clock, timestamp_url: str | None
) -> RenderedDocuments:
    """The signed statements as kept in the vault, their restricted details, the notes
    log, form PDFs and JSON, the timeline's JSON, the exhibit list and the officer's
    exhibits statement (signed now); refuses while no statement has been signed."""
    case, officer = snapshot.case, snapshot.officer

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
        forms_json.append((json_path, form_json(final)))
        documents.append((pdf_path, _form_pdf(snapshot, final, origin, urn)))
    documents.extend(restricted)
    notes = document_inputs.notes_log(case, snapshot.entries)
    documents.append((c.NOTES_PDF, render_notes_log(notes, origin).data))
    documents.append((c.TIMELINE_JSON, timeline_json(snapshot)))
    exhibits = tuple(
        (f"{c.exhibit_folder(a.exhibit_ref)}/{portable_component(a.original_name)}", a)
        for a in snapshot.attachments
    )
    if exhibits:
        listed = document_inputs.exhibit_list(case, snapshot.attachments)
        documents.append((c.EXHIBIT_LIST_PDF, render_exhibit_list(listed, origin).data))
        producing = document_inputs.exhibit_statement(
            case, officer, listed, exported_utc_ms, urn=urn
        )
        documents.append(
            (c.EXHIBIT_STATEMENT_PDF, sign(render_exhibit_statement(producing, origin)))
        )
    return RenderedDocuments(tuple(documents), tuple(forms_json), exhibits, tuple(omitted))


def _form_pdf(
    snapshot: CaseSnapshot, final: FormVersion, origin: DocumentOrigin, urn: str
) -> bytes:
    printable = printable_form(final.parsed_template(), final.answers)
    shaped = document_inputs.document_form(
        printable,
        snapshot.case.reference,
        completed_by=final.saved_by,
        completed_at_ms=final.saved_utc_ms,
        urn=urn,
    )
    return render_form(shaped, origin).data


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
