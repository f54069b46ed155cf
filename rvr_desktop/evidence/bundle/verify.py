"""Verify an RVR evidence bundle: complete, unaltered, and signed by a trusted officer.

One function, :func:`verify_bundle`, serves ``rvr-verify`` and the Verify window. It
never trusts the bundle: the container is read with limits and no extraction, every
file is hashed against a strictly parsed manifest, the tag manifest's CMS signature and
each signed PDF are validated against the evidence officer's trusted roots only, and the
audit chain is re-computed and cross-checked against the notes, forms and exhibits.

The checks live beside this module (signature_checks, pdf_checks, audit_checks); the
result they build is :mod:`.result`. Nothing here opens a vault.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.audit_checks import (
    AuditChainReading,
    audit_checks,
    read_audit_chain,
)
from rvr_desktop.evidence.bundle.bagit_reader import (
    FileCheck,
    FileStatus,
    LoadedBag,
    check_payload_oxum,
    check_tag_files,
    load_bag,
    payload_check,
    start_payload_hashing,
)
from rvr_desktop.evidence.bundle.bundle_records import disclosure_note, disclosure_places
from rvr_desktop.evidence.bundle.errors import BundleUnreadable, MalformedBag
from rvr_desktop.evidence.bundle.hash_processes import WorkersAhead
from rvr_desktop.evidence.bundle.hashing import DEFAULT_WORKERS
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX
from rvr_desktop.evidence.bundle.long_term_files import StoredLongTermData, read_long_term_data
from rvr_desktop.evidence.bundle.pdf_checks import (
    MAX_PDF_BYTES,
    ActiveContent,
    active_content_checks,
    active_content_of,
    signed_pdf_checks,
    signed_pdfs_in,
)
from rvr_desktop.evidence.bundle.result import MALFORMED, Aspect, BundleStatus, CheckList
from rvr_desktop.evidence.bundle.signature_checks import (
    LongTermInputs,
    SignatureFindings,
    signature_checks,
)
from rvr_desktop.evidence.bundle.source import BagMember, BagSource
from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.signing.long_term import CrlFile
from rvr_desktop.evidence.signing.trust import TrustStore

log = logging.getLogger(__name__)

KEEP_BUDGET = 256 << 20
"""Bytes of payload files kept in memory after hashing for the checks that read them (the
PDFs and the JSON records); in the rare bundle with more (many large exhibit PDFs), the
rest are read again by the checks, so memory stays bounded."""


class BundleNotFound(InvalidInput):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"There is no bundle at {path}. Give the path of the bundle's folder or .zip file."
        )


def verify_bundle(
    path: Path,
    trust: TrustStore,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    now: datetime | None = None,
    crl_files: Sequence[CrlFile] = (),
    online: bool = False,
) -> BundleStatus:
    """Check the bundle at ``path`` (a folder or a .zip) against ``trust``.

    Revocation is weighed from what the bundle carries, ``crl_files`` (given by the
    evidence officer) and, only when ``online``, the certificates' own OCSP and CRL
    addresses, fetched now.

    Raises :class:`BundleNotFound` when there is nothing at ``path``; everything wrong
    with the bundle itself, hostile input included, is reported in the result.
    """
    path = Path(path)
    if not path.exists():
        raise BundleNotFound(path)
    verified_at = now or datetime.now(UTC)
    checks = CheckList()
    empty = BundleStatus(path, (), (), (), None, None, None, False, verified_at)
    # As many as the payload hashing below runs (its default), started during the walk.
    with WorkersAhead(DEFAULT_WORKERS) as ahead:
        try:
            source = open_bag_source(path, on_many_small_files=ahead.start)
        except BundleUnreadable:
            raise  # not the bundle's fault: the verifier cannot run (exit 3)
        except RvrError as exc:
            checks.failed("bundle can be read safely", Aspect.INTEGRITY, str(exc))
            return _with(empty, checks)
        except Exception as exc:
            return _with(empty, _stopped_unexpectedly(checks, exc))
        with source:
            try:
                return _verify(
                    source,
                    path,
                    trust,
                    checks,
                    verified_at,
                    progress,
                    cancel,
                    LongTermInputs(crl_files=tuple(crl_files), online=online, at_time=now),
                    ahead,
                )
            except BundleUnreadable:
                raise
            except InvalidInput as exc:  # hostile or malformed content met part-way through
                checks.failed("bundle can be read safely", Aspect.INTEGRITY, str(exc))
                return _with(empty, checks)
            except RvrError:
                raise  # cancelled, or the verifier cannot run
            except Exception as exc:
                return _with(empty, _stopped_unexpectedly(checks, exc))


def _stopped_unexpectedly(checks: CheckList, error: Exception) -> CheckList:
    """A bundle that reached a fault of ours fails closed, with a verdict, not a traceback.

    Every hostile shape we know of is refused by name before this; this is the last line
    for the one we do not, so that the evidence officer is never told less than "not
    verified" and the traceback reaches the log for us.
    """
    log.error("verification stopped unexpectedly", exc_info=error)
    checks.failed(
        "bundle can be read safely",
        Aspect.INTEGRITY,
        f"the verifier stopped on something in the bundle it did not expect "
        f"({type(error).__name__}), so it is not verified. Keep the bundle as it is and "
        "report this to your IT support with the RVR Desktop log.",
    )
    return checks


def _with(status: BundleStatus, checks: CheckList) -> BundleStatus:
    return BundleStatus(
        status.bundle,
        tuple(checks.items),
        status.files,
        status.bag_info,
        status.signer,
        status.signing_time,
        status.trusted_root,
        status.is_test_identity,
        status.verified_at,
    )


def _format_check(bag: LoadedBag, checks: CheckList) -> None:
    """A bundle of another format version is refused rather than read by guesswork."""
    readable = [f"{c.BUNDLE_FORMAT} {v}" for v in c.READABLE_FORMAT_VERSIONS]
    expected = " or ".join(readable)
    declared = bag.info.values(c.INFO_FORMAT)
    if len(declared) == 1 and declared[0] in readable:
        checks.passed(
            "bundle format",
            Aspect.INTEGRITY,
            f"it declares {declared[0]}, a version this verifier reads",
        )
        return
    found = "does not declare its format" if not declared else f"declares {' and '.join(declared)}"
    checks.failed(
        "bundle format",
        Aspect.INTEGRITY,
        f"bag-info.txt {found}; this verifier reads {expected} only. Check the bundle with "
        "the version of RVR Desktop that made it, or a newer one.",
    )


def _verify(
    source: BagSource,
    path: Path,
    trust: TrustStore,
    checks: CheckList,
    verified_at: datetime,
    progress: ProgressCallback,
    cancel: CancelToken | None,
    inputs: LongTermInputs,
    ahead: WorkersAhead,
) -> BundleStatus:
    notes = [f"Ignored container entry: {name}" for name in source.ignored_entries]
    # The payload is hashed on worker threads from the start, while this thread reads the
    # tag files and makes the checks that need no payload byte (the signature's), then
    # those that need only the small files hashed first (the PDFs'). Each list is added
    # in the usual order at the end.
    signature_list, pdf_list, content_list = CheckList(), CheckList(), CheckList()
    kept = _kept_for_checks(source)
    with start_payload_hashing(
        source, keep=lambda m: m.path in kept, cancel=cancel, ahead=ahead
    ) as hashing:
        bag = load_bag(source)
        checks.passed(
            "BagIt structure",
            Aspect.INTEGRITY,
            "its record files (bagit.txt, bag-info.txt and both SHA-256 manifests) are well "
            "formed, read strictly as BagIt 1.0",
        )
        _format_check(bag, checks)
        tag_check = check_tag_files(source, bag)
        _files_check(checks, "tag files", tag_check.files)
        try:
            stored = read_long_term_data(source, [e.path for e in bag.tag_manifest.entries])
        except MalformedBag as exc:
            signature_list.failed("validation data", Aspect.INTEGRITY, str(exc))
            stored = StoredLongTermData()
        findings = signature_checks(bag, trust, signature_list, replace(inputs, stored=stored))
        hashing.wait_for(kept, progress)
        listed = bag.manifest.by_path()
        kept_good = {p for p in kept if p in listed and hashing.sha256_of(p) == listed[p].sha256}
        _pdf_checks(source, trust, findings, inputs, kept_good, pdf_list)
        try:
            looked_at: ActiveContent | None = active_content_of(source, kept_good)
        except MALFORMED:
            looked_at = None  # met again, and reported, by the check after the hashing
        chain: AuditChainReading | None = None
        if PAYLOAD_PREFIX + c.AUDIT_JSONL in kept_good:
            with contextlib.suppress(*MALFORMED):  # met again, and reported, after hashing
                chain = read_audit_chain(source, bag)
        digests = hashing.wait(progress)
    payload = payload_check(source, bag.manifest, digests)
    _files_check(checks, "payload files", payload.files)
    oxum = check_payload_oxum(source, bag.info)
    if oxum.matches:
        checks.passed("Payload-Oxum", Aspect.INTEGRITY, oxum.message)
    else:
        checks.failed("Payload-Oxum", Aspect.INTEGRITY, oxum.message)
    checks.items.extend(signature_list.items)
    cms = findings.cms
    good = {f.path for f in payload.files if f.status is FileStatus.OK}
    if any(p in good and p not in kept for p in signed_pdfs_in(good)):
        # A signed PDF too large to keep: checked now, over all the files that matched.
        pdf_list = CheckList()
        _pdf_checks(source, trust, findings, inputs, good, pdf_list)
    checks.items.extend(pdf_list.items)
    checks.guarded(
        "audit chain",
        Aspect.INTEGRITY,
        lambda: audit_checks(source, bag, _hashes_of_good_files(payload.files), checks, chain),
    )
    content_list.guarded(
        "no active content in PDFs",
        Aspect.INTEGRITY,
        lambda: active_content_checks(source, good, content_list, notes, looked_at),
    )
    checks.items.extend(content_list.items)
    disclosure = _disclosure(source, good, checks)
    if disclosure is not None:
        notes.append(disclosure_note(disclosure))
    if cms is not None and cms.is_test_identity:
        notes.append(
            "Signed with a TEST identity from the RVR Desktop training PKI: NOT FOR EVIDENCE."
        )
    return BundleStatus(
        bundle=path,
        checks=tuple(checks.items),
        files=tag_check.files + payload.files,
        bag_info=bag.info.entries,
        signer=None if cms is None else cms.signer,
        signing_time=None if cms is None else cms.signing_time,
        trusted_root=None if cms is None else cms.trusted_root,
        is_test_identity=False if cms is None else cms.is_test_identity,
        verified_at=verified_at,
        notes=tuple(notes),
        trusted_signing_time=None if cms is None else cms.trusted_signing_time,
        disclosure_places=disclosure,
    )


def _pdf_checks(
    source: BagSource,
    trust: TrustStore,
    findings: SignatureFindings,
    inputs: LongTermInputs,
    good: set[str],
    checks: CheckList,
) -> None:
    """The checks of each signed PDF (the statements, the exhibits statement) among the
    files that matched their manifest line; the statement is missed when it did not."""
    cms = findings.cms
    signer_fingerprint = (
        None if cms is None or cms.signer is None else cms.signer.sha256_fingerprint
    )
    for member in signed_pdfs_in(good):
        if member in good:
            checks.guarded(
                f"signed PDF {member}",
                Aspect.SIGNATURE,
                functools.partial(
                    signed_pdf_checks,
                    source,
                    member,
                    trust,
                    signer_fingerprint,
                    checks,
                    inputs,
                    findings.proven_at,
                ),
            )
        elif member == PAYLOAD_PREFIX + c.STATEMENT_PDF:
            checks.failed(
                f"signed PDF {member}",
                Aspect.INTEGRITY,
                f"{member} is missing or failed its hash check",
            )


def _kept_for_checks(source: BagSource) -> set[str]:
    """Which payload files to keep after hashing: those the checks read (every file the
    app made, and the exhibits' PDFs for the active-content check), smallest first, up to
    :data:`KEEP_BUDGET` in all."""
    exhibits = PAYLOAD_PREFIX + "exhibits/"

    def read_by_checks(member: BagMember) -> bool:
        made_by_app = not (member.path.startswith(exhibits) and member.path.count("/") > 2)
        return made_by_app or member.path.lower().endswith(".pdf")

    wanted = sorted(
        (m for m in source.list_files() if m.path.startswith(PAYLOAD_PREFIX)),
        key=lambda m: m.size,
    )
    kept: set[str] = set()
    budget = KEEP_BUDGET
    for member in wanted:
        if member.size > min(budget, MAX_PDF_BYTES):
            break
        if read_by_checks(member):
            kept.add(member.path)
            budget -= member.size
    return kept


def _disclosure(source: BagSource, good: set[str], checks: CheckList) -> int | None:
    try:
        return disclosure_places(source, good)
    except MALFORMED as exc:
        reason = str(exc) if isinstance(exc, InvalidInput) else type(exc).__name__
        checks.failed("disclosure check", Aspect.INTEGRITY, reason)
        return None


def _hashes_of_good_files(files: tuple[FileCheck, ...]) -> dict[str, str]:
    """Path to SHA-256 of every payload file that matched its manifest line."""
    return {f.path: f.found_sha256 for f in files if f.ok and f.found_sha256 is not None}


def _files_check(checks: CheckList, name: str, files: tuple[FileCheck, ...]) -> None:
    failures = [f for f in files if not f.ok]
    if not failures:
        size = sum(f.size or 0 for f in files)
        checks.passed(
            name,
            Aspect.INTEGRITY,
            f"{len(files)} files, {size:,} bytes: each one's SHA-256 is the one listed for it",
        )
        return
    shown = " ".join(f.message for f in failures[:5])
    more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
    checks.failed(name, Aspect.INTEGRITY, shown + more)
