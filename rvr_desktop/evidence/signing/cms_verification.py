"""What checking a detached CMS signature found (:func:`.cms.verify_detached`), each part
apart, as JSON for ``rvr-verify --json`` and the bundle report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rvr_desktop.evidence.signing.certs import CertificateSummary
from rvr_desktop.evidence.signing.revocation import RevocationCheck
from rvr_desktop.evidence.signing.timeutil import iso_utc
from rvr_desktop.evidence.signing.trust import TrustedRoot


@dataclass(frozen=True)
class CmsVerification:
    """What checking a detached CMS signature over some data found."""

    signer: CertificateSummary | None
    """The signing certificate; None when the signature could not be read."""
    signing_time: datetime | None
    """The signingTime attribute: when the signer's computer says it signed."""
    intact: bool
    """The data's digest matches the one the signature covers."""
    valid: bool
    """The signature over the signed attributes is cryptographically valid."""
    trusted: bool
    """The signer's certificate chains to a trusted root and was valid at the signing time."""
    trusted_root: TrustedRoot | None
    is_test_identity: bool
    problems: tuple[str, ...]
    """Everything that failed, in plain English; empty when the bottom line holds."""
    warnings: tuple[str, ...] = ()
    """Things to know that do not fail the check (a test identity; a revocation after the
    trusted signing time; a signing time that is only the signer's claim)."""
    timestamp_time: datetime | None = None
    """The signature time-stamp's time, when the signature carries one (CAdES-T)."""
    timestamp_ok: bool | None = None
    """The time-stamp is intact (over this signature value), valid and trusted; None when
    there is none."""
    trusted_signing_time: datetime | None = None
    """The time-stamp's time when it is good: the signing time that does not rest on the
    signer's computer. None means the signing time is only the signer's claim."""
    revocation: RevocationCheck | None = None
    """Whether the signer's chain was revoked, weighed by the rules in ``revocation``;
    None when the signature could not be read."""
    known_not_revoked: bool = False
    """Revocation information shows the signer's chain not revoked at the trusted signing
    time (or, without one, now)."""

    @property
    def bottom_line(self) -> bool:
        """True only when intact, valid and trusted, with no other problem found (a
        revocation that fails the rules is a problem; an unknown revocation status is not:
        read ``revocation``)."""
        return self.intact and self.valid and self.trusted and not self.problems

    def summary(self) -> dict[str, Any]:
        return {
            "bottom_line": self.bottom_line,
            "signer": None if self.signer is None else self.signer.to_json(),
            "signing_time": iso_utc(self.signing_time),
            "intact": self.intact,
            "valid": self.valid,
            "trusted": self.trusted,
            "trusted_root": None if self.trusted_root is None else self.trusted_root.to_json(),
            "is_test_identity": self.is_test_identity,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "timestamp_time": iso_utc(self.timestamp_time),
            "timestamp_ok": self.timestamp_ok,
            "trusted_signing_time": iso_utc(self.trusted_signing_time),
            "revocation": None if self.revocation is None else self.revocation.to_json(),
            "known_not_revoked": self.known_not_revoked,
        }


def unreadable(problem: str) -> CmsVerification:
    return CmsVerification(
        signer=None,
        signing_time=None,
        intact=False,
        valid=False,
        trusted=False,
        trusted_root=None,
        is_test_identity=False,
        problems=(problem,),
    )
