"""Verify an RVR evidence bundle: complete, unaltered, and signed by a trusted officer.

One function, :func:`verify_bundle`, serves ``rvr-verify`` and the Verify window. It
never trusts the bundle: the container is read with limits and no extraction, every
file is hashed against a strictly parsed manifest, the tag manifest's CMS signature and
each signed PDF are validated against the evidence officer's trusted roots only, and the
audit chain is re-computed and cross-checked against the notes, forms and exhibits.

The result keeps integrity, signatures and trust apart, so "intact but signed by someone
we cannot vouch for" (exit 2) is told from "altered" (exit 1).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from rvr_desktop import __version__
from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.bagit_reader import (
    FileCheck,
    FileStatus,
    LoadedBag,
    check_payload,
    check_payload_oxum,
    check_tag_files,
    load_bag,
)
from rvr_desktop.evidence.bundle.bundle_records import (
    audit_records,
    exhibits_match,
    forms_match,
    json_objects,
    read_json_object,
)
from rvr_desktop.evidence.bundle.errors import BundleUnreadable
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX, SIGNATURE_P7S, TAGMANIFEST_TXT
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.case.timeline import entry_content_bytes
from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.signing.certs import CertificateSummary, sha256_fingerprint
from rvr_desktop.evidence.signing.cms import CmsVerification, verify_detached
from rvr_desktop.evidence.signing.pdf_active_content import active_content
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.trust import TrustedRoot, TrustStore
from rvr_desktop.evidence.vault.audit import AuditRecord, verify_records

MAX_PDF_BYTES = 256 * 1024 * 1024


class Outcome(StrEnum):
    PASS = "PASS"  # noqa: S105 - a check's result, not a password
    FAIL = "FAIL"
    INDETERMINATE = "INDETERMINATE"


class Aspect(StrEnum):
    """What a check speaks to; the verdict keeps them apart."""

    INTEGRITY = "integrity"
    SIGNATURE = "signature"
    TRUST = "trust"


@dataclass(frozen=True)
class Check:
    name: str
    aspect: Aspect
    outcome: Outcome
    reason: str
    """Why, precisely: which file or record, expected and found values."""

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "aspect": self.aspect.value,
            "outcome": self.outcome.value,
            "reason": self.reason,
        }


class BundleNotFound(InvalidInput):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"There is no bundle at {path}. Give the path of the bundle's folder or .zip file."
        )


@dataclass(frozen=True)
class BundleStatus:
    bundle: Path
    checks: tuple[Check, ...]
    files: tuple[FileCheck, ...]
    """Every payload and tag file with its size and hashes; failing rows are not OK."""
    bag_info: tuple[tuple[str, str], ...]
    signer: CertificateSummary | None
    signing_time: datetime | None
    trusted_root: TrustedRoot | None
    is_test_identity: bool
    verified_at: datetime
    software: str = f"RVR Desktop {__version__}"
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Things to know that do not change the verdict (a TEST identity, ignored entries)."""

    def _holds(self, aspect: Aspect) -> bool:
        return all(ch.outcome is Outcome.PASS for ch in self.checks if ch.aspect is aspect)

    @property
    def intact(self) -> bool:
        """Every file present, unaltered, nothing extra; audit chain whole and consistent."""
        return self._holds(Aspect.INTEGRITY)

    @property
    def signatures_valid(self) -> bool:
        return self._holds(Aspect.SIGNATURE)

    @property
    def trusted(self) -> bool:
        """The signer chains to one of the evidence officer's trusted roots."""
        return self._holds(Aspect.TRUST)

    @property
    def bottom_line(self) -> bool:
        """Verified: intact, validly signed and trusted, with every check passing."""
        return bool(self.checks) and all(ch.outcome is Outcome.PASS for ch in self.checks)

    @property
    def exit_code(self) -> int:
        """0 verified; 1 any check failed; 2 intact and signed but trust not established."""
        if self.bottom_line:
            return 0
        if any(ch.outcome is Outcome.FAIL for ch in self.checks):
            return 1
        return 2

    @property
    def verdict(self) -> str:
        if self.bottom_line:
            return "VERIFIED: complete, unaltered and signed by a trusted officer."
        if self.exit_code == 2:
            return (
                "NOT VERIFIED: the bundle is complete and unaltered, but its signer could not "
                "be trusted. Add the force's trusted root certificate and check again."
            )
        failed = [ch.name for ch in self.checks if ch.outcome is Outcome.FAIL]
        return "NOT VERIFIED: failed " + ", ".join(failed) + "."

    def info(self, label: str) -> str | None:
        for key, value in self.bag_info:
            if key.casefold() == label.casefold():
                return value
        return None

    def summary(self) -> dict[str, Any]:
        return {
            "bundle": str(self.bundle),
            "verdict": self.verdict,
            "bottom_line": self.bottom_line,
            "exit_code": self.exit_code,
            "intact": self.intact,
            "signatures_valid": self.signatures_valid,
            "trusted": self.trusted,
            "checks": [ch.to_json() for ch in self.checks],
            "signer": None if self.signer is None else self.signer.to_json(),
            "signing_time": None if self.signing_time is None else self.signing_time.isoformat(),
            "trusted_root": None if self.trusted_root is None else self.trusted_root.to_json(),
            "is_test_identity": self.is_test_identity,
            "bag_info": [list(pair) for pair in self.bag_info],
            "files": [
                {
                    "path": f.path,
                    "status": f.status.value,
                    "size": f.size,
                    "expected_sha256": f.expected_sha256,
                    "found_sha256": f.found_sha256,
                }
                for f in self.files
            ],
            "notes": list(self.notes),
            "verified_at": self.verified_at.isoformat(),
            "software": self.software,
        }


class _Checks:
    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(self, name: str, aspect: Aspect, outcome: Outcome, reason: str) -> None:
        self.items.append(Check(name, aspect, outcome, reason))

    def passed(self, name: str, aspect: Aspect, reason: str) -> None:
        self.add(name, aspect, Outcome.PASS, reason)

    def failed(self, name: str, aspect: Aspect, reason: str) -> None:
        self.add(name, aspect, Outcome.FAIL, reason)


def verify_bundle(
    path: Path,
    trust: TrustStore,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    now: datetime | None = None,
) -> BundleStatus:
    """Check the bundle at ``path`` (a folder or a .zip) against ``trust``.

    Raises :class:`BundleNotFound` when there is nothing at ``path``; everything wrong
    with the bundle itself, hostile input included, is reported in the result.
    """
    path = Path(path)
    if not path.exists():
        raise BundleNotFound(path)
    verified_at = now or datetime.now(UTC)
    checks = _Checks()
    empty = BundleStatus(path, (), (), (), None, None, None, False, verified_at)
    try:
        source = open_bag_source(path)
    except BundleUnreadable:
        raise  # not the bundle's fault: the verifier cannot run (exit 3)
    except RvrError as exc:
        checks.failed("bundle can be read safely", Aspect.INTEGRITY, str(exc))
        return _with(empty, checks)
    with source:
        try:
            return _verify(source, path, trust, checks, verified_at, progress, cancel)
        except BundleUnreadable:
            raise
        except InvalidInput as exc:  # hostile or malformed content met part-way through
            checks.failed("bundle can be read safely", Aspect.INTEGRITY, str(exc))
            return _with(empty, checks)


def _with(status: BundleStatus, checks: _Checks) -> BundleStatus:
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


def _format_check(bag: LoadedBag, checks: _Checks) -> None:
    """A bundle of another format version is refused rather than read by guesswork."""
    expected = f"{c.BUNDLE_FORMAT} {c.BUNDLE_FORMAT_VERSION}"
    declared = bag.info.values(c.INFO_FORMAT)
    if declared == (expected,):
        checks.passed(
            "bundle format",
            Aspect.INTEGRITY,
            f"bag-info.txt declares {expected}, the version this verifier reads",
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
    checks: _Checks,
    verified_at: datetime,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> BundleStatus:
    notes = [f"Ignored container entry: {name}" for name in source.ignored_entries]
    bag = load_bag(source)
    checks.passed(
        "BagIt structure",
        Aspect.INTEGRITY,
        "bagit.txt, bag-info.txt and both manifests parse strictly as BagIt 1.0 with SHA-256",
    )
    _format_check(bag, checks)
    tag_check = check_tag_files(source, bag)
    _files_check(checks, "tag files", tag_check.files)
    payload_check = check_payload(source, bag.manifest, progress=progress, cancel=cancel)
    _files_check(checks, "payload files", payload_check.files)
    oxum = check_payload_oxum(source, bag.info)
    if oxum.matches:
        checks.passed("Payload-Oxum", Aspect.INTEGRITY, oxum.message)
    else:
        checks.failed("Payload-Oxum", Aspect.INTEGRITY, oxum.message)
    cms = _signature_checks(bag, trust, checks)
    good = {f.path for f in payload_check.files if f.status is FileStatus.OK}
    signer_fingerprint = (
        None if cms is None or cms.signer is None else cms.signer.sha256_fingerprint
    )
    for document in c.SIGNED_PDFS:
        member = PAYLOAD_PREFIX + document
        if member in good:
            _guarded(
                checks,
                f"signed PDF {member}",
                Aspect.SIGNATURE,
                functools.partial(_pdf_checks, source, member, trust, signer_fingerprint, checks),
            )
        elif document == c.STATEMENT_PDF:
            checks.failed(
                f"signed PDF {member}",
                Aspect.INTEGRITY,
                f"{member} is missing or failed its hash check",
            )
    _guarded(
        checks,
        "audit chain",
        Aspect.INTEGRITY,
        lambda: _audit_checks(source, bag, _hashes_of_good_files(payload_check.files), checks),
    )
    _guarded(
        checks,
        "no active content in PDFs",
        Aspect.INTEGRITY,
        lambda: _active_content_checks(source, good, checks, notes),
    )
    if cms is not None and cms.is_test_identity:
        notes.append(
            "Signed with a TEST identity from the RVR Desktop training PKI: NOT FOR EVIDENCE."
        )
    return BundleStatus(
        bundle=path,
        checks=tuple(checks.items),
        files=tag_check.files + payload_check.files,
        bag_info=bag.info.entries,
        signer=None if cms is None else cms.signer,
        signing_time=None if cms is None else cms.signing_time,
        trusted_root=None if cms is None else cms.trusted_root,
        is_test_identity=False if cms is None else cms.is_test_identity,
        verified_at=verified_at,
        notes=tuple(notes),
    )


# What hostile content inside a well-formed bag can raise while it is being read; each
# becomes a failed check, never a traceback.
_MALFORMED = (
    InvalidInput,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RecursionError,
    MemoryError,
    UnicodeError,
)


def _guarded(checks: _Checks, name: str, aspect: Aspect, check: Callable[[], None]) -> None:
    try:
        check()
    except _MALFORMED as exc:
        reason = str(exc) if isinstance(exc, InvalidInput) else type(exc).__name__
        checks.failed(name, aspect, f"could not be checked: the content is malformed ({reason})")


def _hashes_of_good_files(files: tuple[FileCheck, ...]) -> dict[str, str]:
    """Path to SHA-256 of every payload file that matched its manifest line."""
    return {f.path: f.found_sha256 for f in files if f.ok and f.found_sha256 is not None}


def _files_check(checks: _Checks, name: str, files: tuple[FileCheck, ...]) -> None:
    failures = [f for f in files if not f.ok]
    if not failures:
        size = sum(f.size or 0 for f in files)
        checks.passed(
            name, Aspect.INTEGRITY, f"{len(files)} files, {size:,} bytes, every SHA-256 matches"
        )
        return
    shown = " ".join(f.message for f in failures[:5])
    more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
    checks.failed(name, Aspect.INTEGRITY, shown + more)


def _signature_checks(bag: LoadedBag, trust: TrustStore, checks: _Checks) -> CmsVerification | None:
    name = "tag manifest signature"
    if bag.signature is None:
        checks.failed(
            name,
            Aspect.SIGNATURE,
            f"{SIGNATURE_P7S} is missing: nothing proves who made this bundle",
        )
        checks.add("signer trusted", Aspect.TRUST, Outcome.INDETERMINATE, "there is no signature")
        return None
    result = verify_detached(bag.signature, bag.tag_manifest_bytes, trust)
    who = "an unreadable certificate" if result.signer is None else result.signer.common_name
    where = f"{SIGNATURE_P7S} over {TAGMANIFEST_TXT}: "
    if not (result.intact and result.valid):
        checks.failed(
            name, Aspect.SIGNATURE, where + (" ".join(result.problems) or "invalid signature")
        )
    elif result.trusted and not result.bottom_line:
        checks.failed(name, Aspect.SIGNATURE, where + " ".join(result.problems))
    elif _outside_validity(result):
        checks.failed(
            name,
            Aspect.SIGNATURE,
            where + "the signer's certificate was not valid at the signing time it claims",
        )
    elif (damaged := _damaged_certificate(bag.signature, result, trust)) is not None:
        checks.failed(name, Aspect.SIGNATURE, where + damaged)
    else:
        checks.passed(
            name, Aspect.SIGNATURE, f"valid CMS signature by {who} over tagmanifest-sha256.txt"
        )
    if result.trusted and result.trusted_root is not None:
        checks.passed(
            "signer trusted",
            Aspect.TRUST,
            f"{who} chains to the trusted root {result.trusted_root.summary.common_name}"
            f" (SHA-256 {result.trusted_root.sha256_fingerprint})",
        )
    elif not trust.roots:
        checks.add(
            "signer trusted",
            Aspect.TRUST,
            Outcome.INDETERMINATE,
            f"no trusted root was given, so {who} cannot be vouched for "
            "(use --trust ROOT.pem with the force's root certificate)",
        )
    else:
        checks.add(
            "signer trusted",
            Aspect.TRUST,
            Outcome.INDETERMINATE,
            f"{who} does not chain to any of the {len(trust.roots)} trusted root(s): "
            + " ".join(result.problems),
        )
    return result


def _carried_certificates(signature: bytes) -> list[x509.Certificate] | None:
    """The certificates the signature carries, None when it cannot be read or its unsigned
    framing is not what RFC 5652 requires of it (see :func:`_framing_is_exact`)."""
    try:
        signed_data = asn1_cms.ContentInfo.load(signature, strict=True)["content"]
        carried = signed_data["certificates"]
        choices = [] if carried.native is None else list(carried)
        certs = [x509.load_der_x509_certificate(choice.chosen.dump()) for choice in choices]
        return certs if _framing_is_exact(signed_data, certs) else None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None


def _framing_is_exact(signed_data: Any, certs: list[x509.Certificate]) -> bool:
    """The parts of SignedData no signature covers, and that validators read loosely (a
    name compared ignoring case, a digest list never consulted), must be exactly what the
    one signer implies, so no byte of them can change unnoticed."""
    signer_info = signed_data["signer_infos"][0]
    digests = [a.dump() for a in signed_data["digest_algorithms"]]
    if digests != [signer_info["digest_algorithm"].dump()]:
        return False
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        wanted_versions = ("v1", "v1")
        issuer = sid.chosen["issuer"].dump()
        serial = sid.chosen["serial_number"].native
        matches = any(
            c.issuer.public_bytes() == issuer and c.serial_number == serial for c in certs
        )
    else:
        wanted_versions = ("v3", "v3")
        key_id = sid.chosen.native
        matches = any(_key_identifier(c) == key_id for c in certs)
    versions = (signed_data["version"].native, signer_info["version"].native)
    return matches and versions == wanted_versions


def _key_identifier(cert: x509.Certificate) -> bytes | None:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    except x509.ExtensionNotFound:
        return None
    return ext.value.digest


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _damaged_certificate(
    signature: bytes, result: CmsVerification, trust: TrustStore
) -> str | None:
    """Why a certificate the signature carries is damaged or foreign, or None.

    The CMS signature covers the tag manifest, not the certificates packed beside it,
    and a validator uses the evidence officer's own copy of the root: so a changed copy
    of the root, or any certificate broken where the chain does not need it, would
    otherwise pass unseen. So every carried certificate must verify under its issuer
    (itself, for a root), held in the bundle or the trusted roots; only one on the
    signer's chain whose issuer is not held at all is let through, for the trust check.
    """
    carried = _carried_certificates(signature)
    if carried is None:
        return (
            "its certificates or the framing around the signature cannot be read, or do not "
            "match its signer (it is damaged)"
        )
    if result.signer is None:
        return None
    known = [root.certificate for root in trust.roots] + carried
    chain: set[str] = set()
    current = next(
        (c for c in carried if sha256_fingerprint(c) == result.signer.sha256_fingerprint), None
    )
    while current is not None and sha256_fingerprint(current) not in chain:
        chain.add(sha256_fingerprint(current))
        if current.issuer == current.subject:
            break
        current = next((c for c in known if _issued_by(current, c)), None)
    for cert in carried:
        if any(_issued_by(cert, c) for c in known):
            continue
        issuer_held = any(c.subject == cert.issuer for c in known)
        if sha256_fingerprint(cert) in chain and not issuer_held:
            continue  # nothing here to check it against; the trust check speaks to that
        return (
            f"it carries a certificate ({_common_name(cert)}) that is not validly signed by "
            "its issuer: it has been damaged, or added"
        )
    return None


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _outside_validity(result: CmsVerification) -> bool:
    signer, moment = result.signer, result.signing_time
    if signer is None or moment is None:
        return False
    return not signer.not_before <= moment <= signer.not_after


def _pdf_checks(
    source: BagSource,
    member: str,
    trust: TrustStore,
    signer_fingerprint: str | None,
    checks: _Checks,
) -> None:
    name = f"signed PDF {member}"
    result = validate_pdf(source.read_small(member, MAX_PDF_BYTES), trust)
    if not result.sound:
        checks.failed(
            name, Aspect.SIGNATURE, f"{member}: " + (" ".join(result.problems) or "invalid")
        )
        return
    fingerprint = None if result.signer is None else result.signer.sha256_fingerprint
    if signer_fingerprint is not None and fingerprint != signer_fingerprint:
        checks.failed(
            name,
            Aspect.SIGNATURE,
            f"signed by a different certificate ({fingerprint}) from the bundle's "
            f"signer ({signer_fingerprint})" + "".join(f" {p}" for p in result.problems),
        )
        return
    if result.trusted and not result.bottom_line:
        checks.failed(name, Aspect.SIGNATURE, " ".join(result.problems))
    else:
        checks.passed(
            name,
            Aspect.SIGNATURE,
            "PAdES signature by the bundle's signer, intact and valid, covering the "
            "whole unmodified file",
        )


def _active_content_checks(
    source: BagSource, good: set[str], checks: _Checks, notes: list[str]
) -> None:
    """The app's PDFs carry no JavaScript, launch or embedded file: one that does was not
    made by us and could run code when opened. An exhibit is evidence as it came, so an
    active one is only a warning."""
    found: list[str] = []
    pdfs = sorted(m for m in good if m.lower().endswith(".pdf"))
    for member in pdfs:
        findings = active_content(source.read_small(member, MAX_PDF_BYTES))
        if not findings:
            continue
        if member.startswith(PAYLOAD_PREFIX + "exhibits/") and member.count("/") > 2:
            notes.append(
                f"Exhibit {member} carries active content ({'; '.join(findings[:3])}): open "
                "it only in a viewer with JavaScript and launching turned off."
            )
        else:
            found.append(f"{member} carries " + "; ".join(findings[:3]))
    if found:
        checks.failed(
            "no active content in PDFs",
            Aspect.INTEGRITY,
            " ".join(found) + ": RVR Desktop never writes these, so the file was replaced; "
            "do not open it",
        )
    else:
        checks.passed(
            "no active content in PDFs",
            Aspect.INTEGRITY,
            f"{len(pdfs)} PDFs carry no JavaScript, open or event actions, launches or "
            "embedded files",
        )


def _audit_checks(source: BagSource, bag: LoadedBag, good: dict[str, str], checks: _Checks) -> None:
    audit_member = PAYLOAD_PREFIX + c.AUDIT_JSONL
    if audit_member not in good:
        checks.failed(
            "audit chain", Aspect.INTEGRITY, f"{audit_member} is missing or failed its hash check"
        )
        return
    reference = bag.info.single(c.INFO_CASE)
    mine: list[AuditRecord] = []
    last: AuditRecord | None = None

    def collect() -> Iterator[AuditRecord]:
        nonlocal last
        for record in audit_records(source, audit_member):
            last = record
            if record.body is not None and record.body.case_ref == reference:
                mine.append(record)
            yield record

    broken = verify_records(collect())
    if broken is not None:
        checks.failed("audit chain", Aspect.INTEGRITY, broken.describe())
        return
    if last is None:
        checks.failed("audit chain", Aspect.INTEGRITY, f"{audit_member} holds no records")
        return
    checks.passed(
        "audit chain",
        Aspect.INTEGRITY,
        f"{last.seq} records link unbroken from the first; {len(mine)} belong to case {reference}",
    )
    head, length = bag.info.single(c.INFO_CHAIN_HEAD), bag.info.single(c.INFO_CHAIN_SEQ)
    if head == last.record_hash and length == str(last.seq):
        checks.passed(
            "audit chain head",
            Aspect.INTEGRITY,
            f"record {last.seq} has the hash {head} given in bag-info.txt",
        )
    else:
        checks.failed(
            "audit chain head",
            Aspect.INTEGRITY,
            f"bag-info.txt gives head {head} at record {length}; the chain ends at "
            f"record {last.seq} with {last.record_hash}",
        )
    _guarded(
        checks,
        "notes, forms and exhibits match the audit chain",
        Aspect.INTEGRITY,
        lambda: _records_match_contents(source, mine, good, checks),
    )


def _records_match_contents(
    source: BagSource, mine: list[AuditRecord], good: dict[str, str], checks: _Checks
) -> None:
    """Every note, event, exhibit and exported form the chain records is present, unchanged."""
    name = "notes, forms and exhibits match the audit chain"
    problems: list[str] = []
    recorded = {
        r.body.subject: r.body.content_sha256
        for r in mine
        if r.body is not None and r.body.action.startswith(("note.", "call.", "clock."))
    }
    timeline_member = PAYLOAD_PREFIX + c.TIMELINE_JSON
    entries: dict[str, str] = {}
    if timeline_member in good:
        timeline_doc = read_json_object(source, timeline_member)
        for entry in json_objects(timeline_doc.get("entries"), f"{timeline_member} entries"):
            subject = ("event:" if entry.get("event") else "note:") + str(entry.get("id"))
            content = entry_content_bytes(entry)
            entries[subject] = hashlib.sha256(content).hexdigest()
    else:
        problems.append(f"{timeline_member} is missing or failed its hash check")
    for subject, digest in recorded.items():
        if subject not in entries:
            problems.append(f"the audit chain records {subject} but the notes do not hold it")
        elif entries[subject] != digest:
            problems.append(
                f"{subject} differs from the audit chain (expected SHA-256 "
                f"{digest}, found {entries[subject]})"
            )
    for subject in sorted(set(entries) - set(recorded)):
        problems.append(f"{subject} is in the notes but not in the audit chain")
    problems += exhibits_match(source, mine, good)
    problems += forms_match(source, mine, good)
    if problems:
        checks.failed(
            name,
            Aspect.INTEGRITY,
            " ".join(problems[:5])
            + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""),
        )
    else:
        checks.passed(
            name,
            Aspect.INTEGRITY,
            f"{len(entries)} timeline entries and every exhibit and exported form "
            "have the SHA-256 the audit chain recorded",
        )
