"""Export a case as a signed evidence bundle (BagIt 1.0, folder or stored zip).

What goes in is listed in :mod:`.contents`. The statement and the officer's exhibits
statement are PAdES-signed; the tag manifest is signed with a detached CMS signature.
The bundle is written under a temporary name and renamed only when whole; a failure or
a cancel leaves nothing behind and the vault untouched. Only after the bundle is in place
is the export recorded (the export record and an audit record holding the signed tag
manifest's SHA-256); if that record cannot be written, the bundle is removed again.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.bagit_writer import BagWriter
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.names import portable_component
from rvr_desktop.evidence.case import attachments, cases, document_inputs, timeline
from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.case.mg11 import (
    MG11_TEMPLATE_ID,
    build_restricted_details,
    build_statement,
)
from rvr_desktop.evidence.crashpoints import crash_point
from rvr_desktop.evidence.documents import (
    DocumentOrigin,
    ExhibitStatement,
    RenderedPdf,
    StatementTaker,
    Witness,
    render_exhibit_list,
    render_exhibit_statement,
    render_form,
    render_notes_log,
    render_restricted_details,
    render_statement,
)
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed, RvrError
from rvr_desktop.evidence.forms import FormVersion, forms_for_case, latest_final, printable_form
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.records.audit_chain import ChainAnchor, short_code
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.signing.cms import sign_detached
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.signing.officer import OfficerProfile, load_officer_profile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.vault import Vault, audit


class NoOfficerProfile(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "Set your officer profile (name, collar number, station) in Settings before "
            "exporting: it goes on the signed statement."
        )


@dataclass(frozen=True)
class ExportRequest:
    case_id: int
    destination: Path
    """The folder the bundle is created in."""
    recipient: str
    """Who the bundle is for (for example 'CPS Direct, East of England')."""
    justification: str
    """Why it is being exported (recorded in the audit chain)."""
    layout: BundleLayout = BundleLayout.FOLDER
    timestamp_url: str | None = None
    """An RFC 3161 time-stamping service: signatures become PAdES B-T when given."""


@dataclass(frozen=True)
class ExportResult:
    bundle: Path
    case_reference: str
    chain_head: ChainAnchor
    """The vault's audit chain head recorded in bag-info.txt."""
    chain_code: str
    """The head as a short code for the force's records system."""
    payload_files: int
    payload_bytes: int
    tag_manifest_sha256: str
    omitted: tuple[str, ...]
    """What was left out and why (for example forms never finalised)."""


def bundle_name(case: Case, exported_utc_ms: int, layout: BundleLayout) -> str:
    stamp = datetime.fromtimestamp(exported_utc_ms / 1000, tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"RVR-{portable_component(case.reference.replace('/', '-'))}-{stamp}"
    return name + (".zip" if layout is BundleLayout.ZIP else "")


def _check_request(request: ExportRequest) -> None:
    if not request.recipient.strip():
        raise InvalidInput("Say who the bundle is for (the recipient) before exporting.")
    if len(request.justification.strip()) < 5:
        raise InvalidInput("Give the reason for this export (it is recorded in the audit chain).")
    if not request.destination.is_dir():
        raise InvalidInput(
            f"The export folder {request.destination} does not exist. Choose an existing folder."
        )


@dataclass
class _Prepared:
    """Everything rendered before the bag is opened, so a failure here writes nothing."""

    documents: list[tuple[str, bytes]]
    forms_json: list[tuple[str, bytes]]
    exhibits: list[tuple[str, attachments.Attachment]]
    omitted: list[str]
    head: ChainAnchor


def export_case(
    vault: Vault,
    request: ExportRequest,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write the case's signed bundle into ``request.destination`` and record the export."""
    _check_request(request)
    case = cases.get_case(vault, request.case_id)
    officer = load_officer_profile(vault)
    if officer is None:
        raise NoOfficerProfile()
    credential = load_credential(vault)
    now = vault.clock.utc_now_ms()
    prepared = _prepare_unchanged(vault, case, officer, credential, request, now)
    _sweep_stale_temporaries(request.destination)
    if cancel is not None:
        cancel.raise_if_cancelled("The export")
    final = request.destination / bundle_name(case, now, request.layout)
    total = sum(len(d) for _, d in prepared.documents + prepared.forms_json) + sum(
        a.size_bytes for _, a in prepared.exhibits
    )
    with BagWriter(final, request.layout, total_bytes=total, progress=progress, cancel=cancel) as w:
        for path, data in prepared.documents + prepared.forms_json:
            w.add_payload_bytes(path, data)
        for path, item in prepared.exhibits:
            with w.payload_file(
                path, expected_size=item.size_bytes, expected_sha256=item.sha256
            ) as sink:
                attachments.read_into(vault, item.id, sink, sink_checks_hash=True)
        with w.payload_file(c.AUDIT_JSONL) as sink:
            for line in _audit_lines(vault, case, prepared.head):
                sink.write(line)
        crash_point("export.payload-written-before-tag-files")
        written = w.finish(
            _bag_info(case, officer, request, now, prepared.head),
            sign=lambda tag_manifest: sign_detached(tag_manifest, credential, clock=vault.clock),
        )
    crash_point("export.bundle-in-place-before-record")
    try:
        _record_export(
            vault, case, request, written.path.name, written.tag_manifest_sha256, prepared.head, now
        )
    except BaseException:
        _remove(written.path)
        raise
    crash_point("export.recorded-before-head-acknowledged")
    # The export is recorded; moving the header's anchor is a courtesy that may fail alone.
    with contextlib.suppress(RvrError):
        vault.acknowledge_head()
    return ExportResult(
        bundle=written.path,
        case_reference=case.reference,
        chain_head=prepared.head,
        chain_code=short_code(prepared.head.record_hash),
        payload_files=len(written.payload),
        payload_bytes=written.payload_bytes,
        tag_manifest_sha256=written.tag_manifest_sha256,
        omitted=tuple(prepared.omitted),
    )


class CaseChangedDuringExport(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "The case kept changing while the export was being prepared (notes or forms were "
            "being saved). Nothing was written; export again once the case is quiet."
        )


# Stale temporaries older than this, left by a killed export, are removed before exporting.
_STALE_TEMPORARY_S = 3600


def _sweep_stale_temporaries(destination: Path) -> None:
    """Remove half-written bundles a killed export left (hidden .RVR-*.tmp names)."""
    cutoff = time.time() - _STALE_TEMPORARY_S
    for entry in destination.glob(".RVR-*.tmp"):
        with contextlib.suppress(OSError):
            if entry.lstat().st_mtime < cutoff and not entry.is_symlink():
                _remove(entry)


def _prepare_unchanged(
    vault: Vault,
    case: Case,
    officer: OfficerProfile,
    credential: SigningCredential,
    request: ExportRequest,
    now: int,
) -> _Prepared:
    """Prepare from a case that did not change meanwhile: every document, the notes and
    the audit chain then describe the same moment (the head read before and after)."""
    for _ in range(3):
        with vault.reader() as tx:
            before = audit.chain_head(tx)
        prepared = _prepare(vault, case, officer, credential, request, now)
        if prepared.head == before:
            return prepared
    raise CaseChangedDuringExport()


def _prepare(
    vault: Vault,
    case: Case,
    officer: OfficerProfile,
    credential: SigningCredential,
    request: ExportRequest,
    now: int,
) -> _Prepared:
    origin = DocumentOrigin(
        author=f"{officer.name} ({officer.rank_and_number})",
        created_utc_ms=now,
        software=SOFTWARE,
    )
    statement = build_statement(vault, case, officer)
    rendered_statement = render_statement(statement, origin)
    documents: list[tuple[str, bytes]] = [
        (c.STATEMENT_PDF, _signed(rendered_statement, credential, officer, vault, request)),
    ]
    mg11_final: FormVersion | None = None
    forms_json: list[tuple[str, bytes]] = []
    omitted: list[str] = []
    for latest in forms_for_case(vault, case.id):
        final = latest if latest.is_final else latest_final(vault, latest.form_id)
        title = latest.parsed_template().title
        if final is None:
            omitted.append(f"{title} (form {latest.form_id}): never finalised, not exported")
            continue
        if not latest.is_final:
            omitted.append(
                f"{title} (form {latest.form_id}): changed since it was finalised; the final "
                f"version {final.version} is exported"
            )
        if final.template.template_id == MG11_TEMPLATE_ID:
            mg11_final = final
            forms_json.append((c.MG11_FORM_JSON, _form_json(final)))
            continue
        json_path, pdf_path = c.form_paths(final.template.template_id, final.form_id, final.version)
        forms_json.append((json_path, _form_json(final)))
        printable = printable_form(final.parsed_template(), final.answers)
        shaped = document_inputs.document_form(
            printable,
            case.reference,
            completed_by=final.saved_by,
            completed_at_ms=final.saved_utc_ms,
        )
        documents.append((pdf_path, render_form(shaped, origin).data))
    if mg11_final is not None:
        restricted = build_restricted_details(case, mg11_final)
        documents.append((c.RESTRICTED_PDF, render_restricted_details(restricted, origin).data))
    documents.append(
        (c.NOTES_PDF, render_notes_log(document_inputs.notes_log(vault, case), origin).data)
    )
    entries = timeline.entries(vault, case.id)
    documents.append(
        (
            c.TIMELINE_JSON,
            _json(
                {
                    "case_reference": case.reference,
                    "entries": [e.to_json() for e in entries],
                }
            ),
        )
    )
    exhibit_list = document_inputs.exhibit_list(vault, case)
    items = attachments.list_attachments(vault, case.id)
    exhibits = [
        (f"{c.exhibit_folder(a.exhibit_ref)}/{portable_component(a.original_name)}", a)
        for a in items
    ]
    if items:
        documents.append((c.EXHIBIT_LIST_PDF, render_exhibit_list(exhibit_list, origin).data))
        producing = ExhibitStatement(
            case_reference=case.reference,
            officer=Witness(officer.name, None, f"{officer.rank or 'Police officer'}"),
            introduction=(
                f"I am {officer.name}, {officer.rank_and_number}"
                + (f" of {officer.station}" if officer.station else "")
                + f". During the video call for case {case.reference} I received or captured "
                "the following items, which I produce as exhibits."
            ),
            exhibits=exhibit_list.exhibits,
            taken_by=StatementTaker(
                officer.name,
                officer.rank_and_number,
                officer.station,
                document_inputs.moment(now),
                document_inputs.moment(now),
            ),
        )
        rendered = render_exhibit_statement(producing, origin)
        documents.append(
            (c.EXHIBIT_STATEMENT_PDF, _signed(rendered, credential, officer, vault, request))
        )
    with vault.reader() as tx:
        head = audit.chain_head(tx)
    if head is None:
        raise NotAllowed("The vault's audit chain is empty; run 'rvr-desktop vault check'.")
    documents.insert(
        0, (c.CASE_JSON, _case_json(case, officer, request, now, exhibits, forms_json, head))
    )
    return _Prepared(documents, forms_json, exhibits, omitted, head)


def _signed(
    rendered: RenderedPdf,
    credential: SigningCredential,
    officer: OfficerProfile,
    vault: Vault,
    request: ExportRequest,
) -> bytes:
    if rendered.signature_box is None:
        raise NotAllowed("This document has no signature box; it cannot be signed.")
    return sign_pdf(
        rendered.data,
        credential,
        officer,
        rendered.signature_box,
        clock=vault.clock,
        timestamp_url=request.timestamp_url,
    )


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def _form_json(version: FormVersion) -> bytes:
    return _json(
        {
            "form_id": version.form_id,
            "version": version.version,
            "state": version.state.value,
            "template": {
                "id": version.template.template_id,
                "version": version.template.version,
                "sha256": version.template.sha256,
                "text": version.template.text,
            },
            "answers": version.answers,
            "answers_sha256": version.answers_sha256,
            "saved_utc_ms": version.saved_utc_ms,
            "saved_by": version.saved_by,
        }
    )


def _case_json(
    case: Case,
    officer: OfficerProfile,
    request: ExportRequest,
    now: int,
    exhibits: list[tuple[str, attachments.Attachment]],
    forms_json: list[tuple[str, bytes]],
    head: ChainAnchor,
) -> bytes:
    return _json(
        {
            "format": c.BUNDLE_FORMAT,
            "format_version": c.BUNDLE_FORMAT_VERSION,
            "case": {
                "reference": case.reference,
                "victim_display_name": case.victim_name,
                "officer": case.officer,
                "call_platform_ref": case.call_platform_ref,
                "created_utc_ms": case.created_utc_ms,
            },
            "export": {
                "exported_utc_ms": now,
                "exported_by": officer.to_json(),
                "recipient": request.recipient.strip(),
                "justification": request.justification.strip(),
                "software": SOFTWARE,
                "audit_chain_head": {"seq": head.seq, "record_hash": head.record_hash},
            },
            "exhibits": [{**item.to_json(), "path": path} for path, item in exhibits],
            "forms": [path for path, _ in forms_json],
        }
    )


def _bag_info(
    case: Case, officer: OfficerProfile, request: ExportRequest, now: int, head: ChainAnchor
) -> list[tuple[str, str]]:
    exported = datetime.fromtimestamp(now / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    info = [
        ("Source-Organization", officer.force or "Police service"),
        ("Contact-Name", f"{officer.name} ({officer.rank_and_number})"),
        ("External-Identifier", case.reference),
        ("External-Description", f"RVR evidence bundle for case {case.reference}"),
        (c.INFO_FORMAT, f"{c.BUNDLE_FORMAT} {c.BUNDLE_FORMAT_VERSION}"),
        (c.INFO_CASE, case.reference),
        (c.INFO_OFFICER, f"{officer.name} ({officer.rank_and_number})"),
        (c.INFO_RECIPIENT, " ".join(request.recipient.split())),
        (c.INFO_EXPORTED, exported[:-4] + "Z"),
        (c.INFO_SOFTWARE, SOFTWARE),
        (c.INFO_CHAIN_SEQ, str(head.seq)),
        (c.INFO_CHAIN_HEAD, head.record_hash),
        (c.INFO_CHAIN_CODE, short_code(head.record_hash)),
    ]
    return info


def _audit_lines(vault: Vault, case: Case, head: ChainAnchor) -> Iterator[bytes]:
    """The whole chain up to ``head``; other cases' records redacted to their links."""
    with vault.reader() as tx:
        for record in audit.iter_records(tx):
            if record.seq > head.seq:
                break
            mine = record.body is not None and record.body.case_ref == case.reference
            yield canonical_json(record.to_json(redact=not mine)) + b"\n"


def _record_export(
    vault: Vault,
    case: Case,
    request: ExportRequest,
    bundle: str,
    tag_manifest_sha256: str,
    head: ChainAnchor,
    now: int,
) -> None:
    record = {
        "bundle": bundle,
        "recipient": request.recipient.strip(),
        "justification": request.justification.strip(),
        "tag_manifest_sha256": tag_manifest_sha256,
        "chain_head": {"seq": head.seq, "record_hash": head.record_hash},
    }
    with vault.transaction() as tx:
        tx.execute(
            "INSERT INTO exports(case_id, bundle_name, recipient, justification, "
            "exported_utc_ms, exported_by, tag_manifest_sha256, chain_head_seq, "
            "chain_head_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case.id,
                bundle,
                record["recipient"],
                record["justification"],
                now,
                vault.actor,
                tag_manifest_sha256,
                head.seq,
                head.record_hash,
            ),
        )
        if case.status == "open":
            tx.execute("UPDATE cases SET status = 'exported' WHERE id = ?", (case.id,))
        audit.append(
            tx,
            vault,
            "case.exported",
            f"bundle:{bundle}",
            case_ref=case.reference,
            content=canonical_json(record),
        )


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
