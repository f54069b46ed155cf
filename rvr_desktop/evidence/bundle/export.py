"""Export a case as a signed evidence bundle (BagIt 1.0, folder or stored zip).

Three steps: read one snapshot of the case in a single read transaction
(:mod:`rvr_desktop.evidence.case.snapshot`); render the documents from it
(:mod:`.export_documents`, :mod:`.export_json`), with no vault; write the bag, streaming
the exhibits' bytes and the audit chain up to the snapshot's head (blobs, attachment rows
and audit records never change once written). What goes in is listed in :mod:`.contents`.

Each MG11 statement goes in as the original signed when the witness confirmed it (a
statement confirmed but not yet signed, as in a vault from before statements were signed
at confirmation, is signed and kept first, once). The officer's exhibits statement is
PAdES-signed at export; the tag manifest is signed with a detached CMS signature. With
a time-stamping service signatures carry trusted time and the validation data that keeps
them checkable for years (PAdES B-LTA in the PDFs; ``validation/`` and
``archive-timestamps/`` beside the CMS: :mod:`.long_term_files`). The bundle is written
under a temporary name and renamed only when whole; a failure or a cancel leaves nothing
behind and the vault untouched. Only after the bundle is in place is the export recorded
(the export record and an audit record holding the signed tag manifest's SHA-256); if
that record cannot be written, the bundle is removed again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.bagit_writer import BagWriter, ReservedPayload
from rvr_desktop.evidence.bundle.exhibit_processes import (
    IN_PROCESSES_FROM_BYTES,
    ExhibitJob,
    decrypt_exhibits,
)
from rvr_desktop.evidence.bundle.export_disclosure import disclosure_check
from rvr_desktop.evidence.bundle.export_documents import render_documents
from rvr_desktop.evidence.bundle.export_json import audit_line, bag_info, case_json
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.long_term_files import BundleSigner, prepare_signing
from rvr_desktop.evidence.bundle.names import portable_component
from rvr_desktop.evidence.case import attachments, cases
from rvr_desktop.evidence.case.attachments import Attachment
from rvr_desktop.evidence.case.cases import Case, ExportRecord
from rvr_desktop.evidence.case.signed_statement import sign_statement
from rvr_desktop.evidence.case.snapshot import CaseSnapshot, read_case_snapshot
from rvr_desktop.evidence.crashpoints import crash_point
from rvr_desktop.evidence.disclosure.check import NO_PLACES, DisclosureCheck
from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.records.audit_chain import ChainAnchor, short_code
from rvr_desktop.evidence.vault import Vault, audit


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
    disclosure: DisclosureCheck = NO_PLACES
    """Every place a restricted detail appears outside data/restricted/ (also written to
    data/disclosure-check.json), for the officer to see and the disclosure officer to redact."""


def bundle_name(case: Case, exported_utc_ms: int, layout: BundleLayout, copy: int = 1) -> str:
    """``RVR-<reference>-<UTC second>``, then ``-2``, ``-3``... for a second export of the
    case to the same folder within the same second."""
    stamp = datetime.fromtimestamp(exported_utc_ms / 1000, tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"RVR-{portable_component(case.reference.replace('/', '-'))}-{stamp}"
    name += f"-{copy}" if copy > 1 else ""
    return name + (".zip" if layout is BundleLayout.ZIP else "")


# More exports of one case to one folder in one second than any officer makes: past
# this, the writer refuses the name that is taken, saying so.
_MAX_COPIES_A_SECOND = 100


def _unused_bundle_path(destination: Path, case: Case, now: int, layout: BundleLayout) -> Path:
    """Where the new bundle goes: never over one already there (the writer refuses that
    too, for one that appears meanwhile)."""
    for copy in range(1, _MAX_COPIES_A_SECOND):
        path = destination / bundle_name(case, now, layout, copy)
        if not os.path.lexists(path):
            return path
    return destination / bundle_name(case, now, layout, _MAX_COPIES_A_SECOND)


def _check_request(request: ExportRequest) -> None:
    if not request.recipient.strip():
        raise InvalidInput("Say who the bundle is for (the recipient) before exporting.")
    if len(request.justification.strip()) < 5:
        raise InvalidInput("Give the reason for this export (it is recorded in the audit chain).")
    if not request.destination.is_dir():
        raise InvalidInput(
            f"The export folder {request.destination} does not exist. Choose an existing folder."
        )


def export_case(
    vault: Vault,
    request: ExportRequest,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write the case's signed bundle into ``request.destination`` and record the export."""
    _check_request(request)
    snapshot = read_case_snapshot(vault, request.case_id)
    if snapshot.unsigned_but_confirmed:
        # Confirmed before statements were signed at confirmation: signed now, once.
        sign_statement(vault, request.case_id, timestamp_url=request.timestamp_url)
        snapshot = read_case_snapshot(vault, request.case_id)
    case, head = snapshot.case, snapshot.head
    now = vault.clock.utc_now_ms()
    # Fetched first: the tag manifest lists it, so the signature covers it.
    prepared = prepare_signing(
        snapshot.credential, datetime.fromtimestamp(now / 1000, tz=UTC), request.timestamp_url
    )
    rendered = render_documents(
        snapshot, now, clock=vault.clock, timestamp_url=request.timestamp_url
    )
    signer = BundleSigner(
        snapshot.credential, prepared, timestamp_url=request.timestamp_url, clock=vault.clock
    )
    files = (
        (
            c.CASE_JSON,
            case_json(
                snapshot,
                exported_utc_ms=now,
                recipient=request.recipient,
                justification=request.justification,
                exhibits=rendered.exhibits,
                forms=[path for path, _ in rendered.forms_json],
            ),
        ),
        *rendered.documents,
        *rendered.forms_json,
    )
    info = bag_info(snapshot, exported_utc_ms=now, recipient=request.recipient)
    disclosure = disclosure_check(rendered, files, info)
    files = (*files, (c.DISCLOSURE_CHECK_JSON, disclosure.to_json_bytes()))
    _sweep_stale_temporaries(request.destination)
    if cancel is not None:
        cancel.raise_if_cancelled("The export")
    final = _unused_bundle_path(request.destination, case, now, request.layout)
    total = sum(len(data) for _, data in files) + sum(a.size_bytes for _, a in rendered.exhibits)
    with BagWriter(final, request.layout, total_bytes=total, progress=progress, cancel=cancel) as w:
        for path, data in files:
            w.add_payload_bytes(path, data)
        _write_exhibits(vault, w, rendered.exhibits, cancel)
        with w.payload_file(c.AUDIT_JSONL) as sink:
            for line in _audit_lines(vault, snapshot):
                sink.write(line)
        crash_point("export.payload-written-before-tag-files")
        written = w.finish(
            info,
            sign=signer.sign,
            listed_tag_files=prepared.listed_files(),
            after_signing=signer.archive,
        )
    crash_point("export.bundle-in-place-before-record")
    record = ExportRecord(
        bundle=written.path.name,
        recipient=request.recipient.strip(),
        justification=request.justification.strip(),
        exported_utc_ms=now,
        tag_manifest_sha256=written.tag_manifest_sha256,
        chain_head=head,
    )
    try:
        with vault.transaction() as tx:
            cases.record_export(tx, vault, case, record)
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
        chain_head=head,
        chain_code=short_code(head.record_hash),
        payload_files=len(written.payload),
        payload_bytes=written.payload_bytes,
        tag_manifest_sha256=written.tag_manifest_sha256,
        omitted=rendered.omitted,
        disclosure=disclosure,
    )


def _write_exhibits(
    vault: Vault,
    w: BagWriter,
    exhibits: tuple[tuple[str, Attachment], ...],
    cancel: CancelToken | None,
) -> None:
    """Stream each exhibit into the bag; with two or more large ones in a folder bundle,
    those are decrypted by worker processes on every core (:mod:`.exhibit_processes`)."""
    large = sum(1 for _, item in exhibits if item.size_bytes >= IN_PROCESSES_FROM_BYTES)
    reserved: list[ReservedPayload] = []
    jobs: list[ExhibitJob] = []
    for path, item in exhibits:
        if large >= 2 and item.size_bytes >= IN_PROCESSES_FROM_BYTES:
            place = w.reserve_payload_file(
                path, expected_size=item.size_bytes, expected_sha256=item.sha256
            )
            if place is not None:
                blob = attachments.encrypted_blob(vault, item.id)
                reserved.append(place)
                jobs.append(ExhibitJob(blob.path, blob.identity, place.file, item.size_bytes))
                continue
        with w.payload_file(
            path, expected_size=item.size_bytes, expected_sha256=item.sha256
        ) as sink:
            attachments.read_into(vault, item.id, sink, sink_checks_hash=True)
    if jobs:
        # Returns or raises only once every worker has stopped writing into the bag.
        written = decrypt_exhibits(jobs, w.advance, cancel)
        for place, (sha256, size) in zip(reserved, written, strict=True):
            w.fill_reserved(place, size, sha256)


def _audit_lines(vault: Vault, snapshot: CaseSnapshot) -> Iterator[bytes]:
    """The whole chain up to the snapshot's head; other cases' records redacted to their
    links. Records at or below the head never change (the table is append-only)."""
    with vault.reader() as tx:
        for record in audit.iter_records(tx):
            if record.seq > snapshot.head.seq:
                break
            yield audit_line(record, snapshot.case.reference)


# Stale temporaries older than this, left by a killed export, are removed before exporting.
_STALE_TEMPORARY_S = 3600


def _sweep_stale_temporaries(destination: Path) -> None:
    """Remove half-written bundles a killed export left (hidden .RVR-*.tmp names)."""
    cutoff = time.time() - _STALE_TEMPORARY_S
    for entry in destination.glob(".RVR-*.tmp"):
        with contextlib.suppress(OSError):
            if entry.lstat().st_mtime < cutoff and not entry.is_symlink():
                _remove(entry)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
