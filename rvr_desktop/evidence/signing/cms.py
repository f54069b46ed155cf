"""A detached CMS (PKCS #7) signature over the bundle's tag manifest, and its check.

The signature is SignedData in DER with the signer's certificate and chain, the content
type, message digest, signing time, CMS algorithm protection and signing-certificate-v2
attributes (made by pyHanko). ``openssl cms -verify -binary -inform DER -content FILE
-CAfile root.pem`` accepts it with the default purpose for a certificate whose extended
key usage includes emailProtection (as the test PKI's do).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.generic_cms import (
    async_validate_detached_cms,
    extract_self_reported_ts,
)
from pyhanko.sign.validation.status import StandardCMSSignatureStatus

from rvr_desktop.evidence.clock import Clock, SystemClock
from rvr_desktop.evidence.signing._pyhanko import (
    SIGNER_KEY_USAGE,
    quieten_validation_logs,
    signer_for,
    trust_problem,
    trusted_root_of,
    validation_context,
)
from rvr_desktop.evidence.signing.certs import (
    TEST_IDENTITY_WARNING,
    CertificateSummary,
    from_asn1,
    summarise,
)
from rvr_desktop.evidence.signing.credential import SigningCredential, ensure_can_sign_at
from rvr_desktop.evidence.signing.errors import SigningFailed
from rvr_desktop.evidence.signing.timeutil import utc_datetime
from rvr_desktop.evidence.signing.trust import TrustedRoot, TrustStore

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_SIGNATURE_BYTES = 1024 * 1024
"""A detached signature with its chain is a few KiB; far larger is not ours."""


def sign_detached(
    data: bytes, credential: SigningCredential, *, clock: Clock | None = None
) -> bytes:
    """A detached CMS SignedData (DER) over ``data``, signed now by ``credential``."""
    signing_time = utc_datetime(clock or SystemClock())
    ensure_can_sign_at(credential, signing_time)
    signer = signer_for(credential)
    try:
        content_info = asyncio.run(
            signer.async_sign_general_data(
                data,
                "sha256",
                detached=True,
                signed_attr_settings=PdfCMSSignedAttributes(signing_time=signing_time),
            )
        )
    except ValueError as exc:
        raise SigningFailed(str(exc) or type(exc).__name__) from exc
    der: bytes = content_info.dump()
    return der


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

    @property
    def bottom_line(self) -> bool:
        """True only when intact, valid and trusted, with no other problem found."""
        return self.intact and self.valid and self.trusted and not self.problems

    def summary(self) -> dict[str, Any]:
        return {
            "bottom_line": self.bottom_line,
            "signer": None if self.signer is None else self.signer.to_json(),
            "signing_time": None
            if self.signing_time is None
            else self.signing_time.astimezone(UTC).isoformat(),
            "intact": self.intact,
            "valid": self.valid,
            "trusted": self.trusted,
            "trusted_root": None if self.trusted_root is None else self.trusted_root.to_json(),
            "is_test_identity": self.is_test_identity,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
        }


def _unreadable(problem: str) -> CmsVerification:
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


class _NotOurSignature(Exception):
    """The DER is not one detached SignedData with one signer; the message says why."""


def _parse(signature_der: bytes) -> Any:
    """The SignedData inside, fully parsed (asn1crypto parses lazily, so force it here)."""
    if len(signature_der) > MAX_SIGNATURE_BYTES:
        raise _NotOurSignature("The signature file is far too large to be a signature.")
    try:
        info = asn1_cms.ContentInfo.load(signature_der, strict=True)
        content_type = info["content_type"].native
        if content_type != "signed_data":
            raise _NotOurSignature(
                f"The signature file holds CMS {content_type!r}, not a signature (signed data)."
            )
        signed_data = info["content"]
        signed_data.native  # noqa: B018 (parses every field now, so damage shows here)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise _NotOurSignature(
            "The signature file is not a readable CMS signature (it is damaged or of another kind)."
        ) from exc
    signer_count = len(signed_data["signer_infos"])
    if signer_count != 1:
        raise _NotOurSignature(
            f"The signature has {signer_count} signers; RVR Desktop expects exactly one."
        )
    if signed_data["encap_content_info"]["content"].native is not None:
        raise _NotOurSignature(
            "The signature carries its own copy of the content instead of being detached."
        )
    return signed_data


def verify_detached(
    signature_der: bytes, data: bytes, trust: TrustStore, *, at_time: datetime | None = None
) -> CmsVerification:
    """Check ``signature_der`` over ``data``; never raises for hostile input.

    The certificate is checked at the signing time the signature carries (offline, no
    revocation lookups); a signing time after ``at_time`` (default now) is a problem.
    """
    quieten_validation_logs()
    now = at_time or datetime.now(tz=UTC)
    try:
        signed_data = _parse(signature_der)
    except _NotOurSignature as exc:
        return _unreadable(str(exc))
    try:
        signer_info = signed_data["signer_infos"][0]
        claimed = extract_self_reported_ts(signer_info)
        context = validation_context(trust, claimed or now)
        status: StandardCMSSignatureStatus = asyncio.run(
            async_validate_detached_cms(
                data,
                signed_data,
                signer_validation_context=context,
                key_usage_settings=SIGNER_KEY_USAGE,
            )
        )
        signer = summarise(from_asn1(status.signing_cert))
    except Exception as exc:  # hostile DER may fail anywhere in the libraries
        return _unreadable(
            "The signature cannot be checked: it is damaged or its signer's certificate is "
            f"missing ({exc or type(exc).__name__})."
        )
    problems: list[str] = []
    if not status.intact:
        problems.append("The signed file has been changed since it was signed.")
    if not status.valid:
        problems.append(
            "The signature does not match the signer's certificate: it is damaged or forged."
        )
    if status.intact and status.valid and not status.trusted:
        # Trust is judged only for a signature that verifies: whose a broken one is
        # cannot be known, and saying its chain is wrong would be false.
        why = trust_problem(status)
        if not trust.roots:
            why += " (no trusted roots are configured)"
        problems.append(why[0].upper() + why[1:] + ".")
    if claimed is None:
        problems.append("The signature carries no signing time.")
    elif claimed > now + FUTURE_TOLERANCE:
        problems.append(
            f"The signing time ({claimed:%Y-%m-%d %H:%M} UTC) is in the future; the signing "
            "computer's clock was wrong."
        )
    if not problems and not status.bottom_line:
        problems.append("pyHanko judged the signature not valid for a reason not listed here.")
    return CmsVerification(
        signer=signer,
        signing_time=claimed,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        trusted_root=trusted_root_of(status, trust),
        is_test_identity=signer.is_test_identity,
        problems=tuple(problems),
        warnings=(TEST_IDENTITY_WARNING,) if signer.is_test_identity else (),
    )
