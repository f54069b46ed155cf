"""What checking a signed PDF found (:func:`.pdf_validate.validate_pdf`), each part apart as
pyHanko keeps them, as JSON for ``rvr-verify --json`` and the bundle report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rvr_desktop.evidence.signing.certs import CertificateSummary
from rvr_desktop.evidence.signing.long_term import SignatureLevel
from rvr_desktop.evidence.signing.revocation import RevocationCheck
from rvr_desktop.evidence.signing.timeutil import iso_utc
from rvr_desktop.evidence.signing.trust import TrustedRoot


@dataclass(frozen=True)
class PdfSignatureCheck:
    """What checking a signed PDF found; each part separate, as in pyHanko's SignatureStatus."""

    signature_count: int
    """Signatures in the file; a statement carries exactly one."""
    signer: CertificateSummary | None
    """The signing certificate (name, number if present), None when there is no signature."""
    signing_time: datetime | None
    """The signing time the signer's computer wrote into the signature."""
    timestamp_time: datetime | None
    """The time-stamping service's time, when the signature is time-stamped (PAdES B-T)."""
    timestamp_ok: bool | None
    """The time-stamp is intact, valid and trusted; None when there is no time-stamp."""
    intact: bool
    """The signed bytes are unchanged (their digest matches the signature)."""
    valid: bool
    """The signature is cryptographically valid for the signer's certificate."""
    covers_whole_file: bool
    """The signature covers every byte of the file, or (B-LTA) every byte up to its own
    revision with the last document time-stamp covering every byte after: nothing was
    added that no signature covers."""
    modification_free: bool
    """No incremental update follows the signed revision, other than long-term validation
    updates (a DSS and document time-stamps) that change nothing else."""
    trusted: bool
    """The signer's certificate chains to a root in the trust store, valid at signing time."""
    trusted_root: TrustedRoot | None
    """The root it chains to, when trusted."""
    is_test_identity: bool
    """The signer's certificate comes from the RVR Desktop test PKI: not for evidence."""
    certificate_in_date: bool
    """The signer's certificate was within its validity period at the signing time."""
    signing_time_ok: bool
    """The signing time is given, not in the future, and not later than any time-stamp."""
    problems: tuple[str, ...]
    """Everything that failed, in plain English; empty when the bottom line holds."""
    warnings: tuple[str, ...] = ()
    """Things to know that do not fail the check (such as a test identity)."""
    level: SignatureLevel | None = None
    """The PAdES baseline level the file shows: B-B, B-T, or B-LTA (validation data in a
    DSS and a document time-stamp over it all)."""
    trusted_signing_time: datetime | None = None
    """The signature time-stamp's time when it is good; None means the signing time is only
    the signer's claim."""
    document_timestamps: tuple[datetime, ...] = ()
    """The times of the document (archive) time-stamps after the signature, oldest first."""
    document_timestamps_ok: bool | None = None
    """Every document time-stamp is intact, valid and trusted at the time the next one (or,
    for the last, now) proves; None when there is none."""
    revocation: RevocationCheck | None = None
    """Whether the signer's chain was revoked, weighed by the rules in ``revocation``."""
    known_not_revoked: bool = False
    """Revocation information shows the chain not revoked at the trusted signing time (or,
    without one, now)."""

    @property
    def sound(self) -> bool:
        """Everything holds except, perhaps, trust in the signer's root: one intact, valid
        signature over the whole unmodified file, by a certificate in date at the signing
        time, with a sensible signing time and any time-stamp good. Whether the root is
        trusted is the evidence officer's to settle, and is reported apart."""
        return (
            self.signature_count == 1
            and self.intact
            and self.valid
            and self.covers_whole_file
            and self.modification_free
            and self.certificate_in_date
            and self.signing_time_ok
            and self.timestamp_ok is not False
        )

    @property
    def bottom_line(self) -> bool:
        """True only when the signature is intact, valid, covers the whole unmodified file,
        is trusted, any time-stamp is good, and no other problem was found."""
        return self.sound and self.trusted and not self.problems

    def summary(self) -> dict[str, Any]:
        """The result as JSON-compatible data (for ``rvr-verify --json`` and bundle reports)."""
        return {
            "bottom_line": self.bottom_line,
            "signature_count": self.signature_count,
            "signer": None if self.signer is None else self.signer.to_json(),
            "signing_time": iso_utc(self.signing_time),
            "timestamp_time": iso_utc(self.timestamp_time),
            "timestamp_ok": self.timestamp_ok,
            "intact": self.intact,
            "valid": self.valid,
            "covers_whole_file": self.covers_whole_file,
            "modification_free": self.modification_free,
            "certificate_in_date": self.certificate_in_date,
            "signing_time_ok": self.signing_time_ok,
            "trusted": self.trusted,
            "trusted_root": None if self.trusted_root is None else self.trusted_root.to_json(),
            "is_test_identity": self.is_test_identity,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "level": None if self.level is None else self.level.value,
            "trusted_signing_time": iso_utc(self.trusted_signing_time),
            "document_timestamps": [iso_utc(t) for t in self.document_timestamps],
            "document_timestamps_ok": self.document_timestamps_ok,
            "revocation": None if self.revocation is None else self.revocation.to_json(),
            "known_not_revoked": self.known_not_revoked,
        }


def failed_check(problem: str, *, count: int = 0) -> PdfSignatureCheck:
    return PdfSignatureCheck(
        signature_count=count,
        signer=None,
        signing_time=None,
        timestamp_time=None,
        timestamp_ok=None,
        intact=False,
        valid=False,
        covers_whole_file=False,
        modification_free=False,
        trusted=False,
        trusted_root=None,
        is_test_identity=False,
        certificate_in_date=False,
        signing_time_ok=False,
        problems=(problem,),
    )
