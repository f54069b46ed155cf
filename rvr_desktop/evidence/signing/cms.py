"""A detached CMS (PKCS #7) signature over the bundle's tag manifest, and its check.

The signature is SignedData in DER with the signer's certificate and chain, the content
type, message digest, signing time, CMS algorithm protection and signing-certificate-v2
attributes (made by pyHanko). ``openssl cms -verify -binary -inform DER -content FILE
-CAfile root.pem`` accepts it with the default purpose for a certificate whose extended
key usage includes emailProtection (as the test PKI's do).

With a time-stamping service the SignerInfo also carries an RFC 3161 signature time-stamp
as an unsigned attribute (id-aa-signatureTimeStampToken, over the signature value, as
CAdES-T does): the signing time then rests on the service, not the signer's computer.
:func:`sign_detached_long_term` also returns the validation data (chain, OCSP responses,
CRLs) fetched at signing, for the bundle writer to store beside the signature (see
:class:`~rvr_desktop.evidence.signing.validation_data.ValidationData`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from cryptography import x509
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.generic_cms import (
    async_validate_detached_cms,
    extract_self_reported_ts,
)
from pyhanko.sign.validation.status import StandardCMSSignatureStatus

from rvr_desktop.evidence.clock import Clock, SystemClock
from rvr_desktop.evidence.signing._pyhanko import (
    SIGNER_KEY_USAGE,
    parse_every_field,
    quieten_validation_logs,
    signer_for,
    trust_problem,
    trusted_root_of,
    validation_context,
)
from rvr_desktop.evidence.signing.certs import (
    MAX_CARRIED_CERTIFICATES,
    TEST_IDENTITY_WARNING,
    carried_certificates,
    from_asn1,
    summarise,
    too_many_certificates,
)
from rvr_desktop.evidence.signing.cms_verification import CmsVerification, unreadable
from rvr_desktop.evidence.signing.credential import SigningCredential, ensure_can_sign_at
from rvr_desktop.evidence.signing.errors import SigningFailed
from rvr_desktop.evidence.signing.long_term import (
    SIGNER_CLAIM_ONLY,
    CrlFile,
    SignatureLevel,
    fetch_online,
    refuse_if_revoked,
    revocation_sources,
    signer_chain_data,
    timestamp_chain_data,
)
from rvr_desktop.evidence.signing.revocation import (
    RevocationCheck,
    RevocationOutcome,
    check_revocation,
)
from rvr_desktop.evidence.signing.timestamps import (
    TIMESTAMP_TIMEOUT_S,
    CheckedTimeStamper,
    TimestampToken,
    TokenUnreadable,
    read_token,
)
from rvr_desktop.evidence.signing.timeutil import utc_datetime
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.signing.validation_data import FETCH_TIMEOUT_S, ValidationData

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_SIGNATURE_BYTES = 1024 * 1024
"""A detached signature with its chain is a few KiB; far larger is not ours."""


def sign_detached(
    data: bytes,
    credential: SigningCredential,
    *,
    clock: Clock | None = None,
    timestamp_url: str | None = None,
    timestamp_timeout: float = TIMESTAMP_TIMEOUT_S,
) -> bytes:
    """A detached CMS SignedData (DER) over ``data``, signed now by ``credential``; with
    ``timestamp_url``, carrying the service's signature time-stamp (a failing service is
    :class:`~rvr_desktop.evidence.signing.errors.TimestampServiceFailed`, never a signature
    without one)."""
    return sign_detached_long_term(
        data,
        credential,
        clock=clock,
        timestamp_url=timestamp_url,
        timestamp_timeout=timestamp_timeout,
        fetch_validation_data=False,
    ).signature


@dataclass(frozen=True)
class DetachedSignature:
    """A detached CMS signature and what makes it checkable for years."""

    signature: bytes
    """The CMS SignedData (DER): store it as ``tagmanifest-sha256.txt.p7s``."""
    level: SignatureLevel
    """B-B (the signer's claimed time only), B-T (time-stamped) or B-LT (time-stamped, with
    revocation information for the signer's chain and the time-stamping unit's)."""
    signing_time: datetime
    """The signer's claimed signing time (the signingTime attribute)."""
    timestamp_time: datetime | None
    """The time-stamping service's time, when there is a signature time-stamp."""
    validation_data: ValidationData
    """Certificates, OCSP responses and CRLs fetched at signing; empty when not asked for.
    Store :meth:`ValidationData.files` beside the signature; nothing in it is signed, and
    the verifier re-checks every part of it."""
    notes: tuple[str, ...]
    """What the officer or the writer should know (no trusted time; what could not be
    fetched), in plain words."""


def sign_detached_long_term(
    data: bytes,
    credential: SigningCredential,
    *,
    clock: Clock | None = None,
    timestamp_url: str | None = None,
    timestamp_timeout: float = TIMESTAMP_TIMEOUT_S,
    fetch_validation_data: bool = True,
    fetch_timeout: float = FETCH_TIMEOUT_S,
) -> DetachedSignature:
    """Sign ``data`` (the tag manifest) detached, with a signature time-stamp when
    ``timestamp_url`` is given, and (``fetch_validation_data``) fetch the revocation
    information for the signer's chain and the time-stamping unit from the certificates'
    own OCSP and CRL addresses.

    A certificate that this information shows revoked is refused before signing
    (:class:`~rvr_desktop.evidence.signing.errors.SigningCertificateRevoked`). A service
    that cannot be reached for revocation information is not an error: the result says
    what is missing, and the verifier can fetch it later.
    """
    signing_time = utc_datetime(clock or SystemClock())
    ensure_can_sign_at(credential, signing_time)
    notes: list[str] = []
    validation = ValidationData()
    if fetch_validation_data:
        validation, missing = signer_chain_data(credential, fetch_timeout)
        refuse_if_revoked(credential, validation, signing_time)
        notes += missing
    stamper = (
        CheckedTimeStamper(timestamp_url, timeout=timestamp_timeout) if timestamp_url else None
    )
    signer = signer_for(credential)
    try:
        content_info = asyncio.run(
            signer.async_sign_general_data(
                data,
                "sha256",
                detached=True,
                timestamper=stamper,
                signed_attr_settings=PdfCMSSignedAttributes(signing_time=signing_time),
            )
        )
    except ValueError as exc:
        raise SigningFailed(str(exc) or type(exc).__name__) from exc
    der: bytes = content_info.dump()
    token = stamper.tokens[-1] if stamper is not None and stamper.tokens else None
    if token is None:
        notes.insert(0, SIGNER_CLAIM_ONLY)
    elif fetch_validation_data:
        tsa_data, missing = timestamp_chain_data(token, credential, fetch_timeout)
        validation = validation.merged(tsa_data)
        notes += missing
    level = (
        SignatureLevel.B_B
        if token is None
        else SignatureLevel.B_LT
        if fetch_validation_data and validation.has_revocation_info
        else SignatureLevel.B_T
    )
    return DetachedSignature(
        signature=der,
        level=level,
        signing_time=signing_time,
        timestamp_time=None if token is None else token.gen_time,
        validation_data=validation,
        notes=tuple(notes),
    )


def signature_timestamp_token(signature_der: bytes) -> bytes | None:
    """The signature time-stamp token (DER) a detached signature carries, if any; for
    ``openssl ts -verify`` and for archive time-stamps."""
    try:
        signer_info = _parse(signature_der)["signer_infos"][0]
        attrs = signer_info["unsigned_attrs"]
        for attr in (attrs.native and attrs) or []:
            if attr["type"].native == "signature_time_stamp_token":
                token: bytes = attr["values"][0].dump()
                return token
    except (_NotOurSignature, ValueError, KeyError, TypeError, IndexError):
        return None
    return None


def signer_certificate(signature_der: bytes) -> x509.Certificate | None:
    """The signer's certificate among those a detached signature carries, if found."""
    try:
        signed_data = _parse(signature_der)
        sid = signed_data["signer_infos"][0]["sid"]
        for choice in signed_data["certificates"] or []:
            cert = choice.chosen
            if choice.name != "certificate":
                continue
            if sid.name == "issuer_and_serial_number":
                wanted = sid.chosen
                if (
                    cert.issuer == wanted["issuer"]
                    and cert.serial_number == wanted["serial_number"].native
                ):
                    return from_asn1(cert)
            elif cert.key_identifier == sid.chosen.native:
                return from_asn1(cert)
    except (_NotOurSignature, ValueError, KeyError, TypeError, IndexError):
        return None
    return None


def signature_value(signature_der: bytes) -> bytes:
    """The SignerInfo's signature octets: what a signature time-stamp is over."""
    value: bytes = _parse(signature_der)["signer_infos"][0]["signature"].native
    return value


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
        parse_every_field(signed_data)  # so damage shows here, not inside pyHanko
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
    carried = carried_certificates(signed_data)
    if carried > MAX_CARRIED_CERTIFICATES:
        raise _NotOurSignature(too_many_certificates(carried))
    return signed_data


def verify_detached(
    signature_der: bytes,
    data: bytes,
    trust: TrustStore,
    *,
    at_time: datetime | None = None,
    validation_data: ValidationData | None = None,
    crl_files: Sequence[CrlFile] = (),
    online: bool = False,
    timestamp_checked_at: datetime | None = None,
    fetch_timeout: float = FETCH_TIMEOUT_S,
) -> CmsVerification:
    """Check ``signature_der`` over ``data``; never raises for hostile input.

    The certificate is checked at the signing time (offline): the signature time-stamp's
    time when it carries a good one, else the signing time it claims; a signing time after
    ``at_time`` (default now) is a problem. The time-stamp's own certificate is checked at
    ``timestamp_checked_at`` (the time a later archive time-stamp proves it existed),
    default ``at_time``.

    Revocation is weighed from ``validation_data`` (what the bundle stores beside the
    signature), ``crl_files`` (given by the evidence officer) and, only when ``online``,
    the certificates' own OCSP and CRL addresses, fetched now.
    """
    quieten_validation_logs()
    now = at_time or datetime.now(tz=UTC)
    try:
        signed_data = _parse(signature_der)
    except _NotOurSignature as exc:
        return unreadable(str(exc))
    try:
        signer_info = signed_data["signer_infos"][0]
        claimed = extract_self_reported_ts(signer_info)
        stamped = _claimed_timestamp_time(signer_info)
        context = validation_context(trust, stamped or claimed or now)
        ts_context = validation_context(trust, timestamp_checked_at or now)
        status: StandardCMSSignatureStatus = asyncio.run(
            async_validate_detached_cms(
                data,
                signed_data,
                signer_validation_context=context,
                ts_validation_context=ts_context,
                key_usage_settings=SIGNER_KEY_USAGE,
            )
        )
        signer = summarise(from_asn1(status.signing_cert))
        carried = tuple(
            from_asn1(c.chosen)
            for c in signed_data["certificates"] or []
            if c.name == "certificate"
        )
    except Exception as exc:  # hostile DER may fail anywhere in the libraries
        return unreadable(
            "The signature cannot be checked: it is damaged or its signer's certificate is "
            f"missing ({exc or type(exc).__name__})."
        )
    problems: list[str] = []
    warnings: list[str] = [TEST_IDENTITY_WARNING] if signer.is_test_identity else []
    if not status.intact:
        problems.append("The signed file has been changed since it was signed.")
    if not status.valid:
        problems.append(
            "The signature does not match the signer's certificate: it is damaged or forged."
        )
    timestamp = status.timestamp_validity
    timestamp_ok = (
        None
        if timestamp is None
        else bool(timestamp.intact and timestamp.valid and timestamp.trusted)
    )
    trusted_time = timestamp.timestamp if timestamp is not None and timestamp_ok else None
    if timestamp is not None and not timestamp_ok:
        problems.append(_timestamp_problem(timestamp))
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
    elif timestamp is not None and claimed > timestamp.timestamp + FUTURE_TOLERANCE:
        problems.append("The signing time is later than the time-stamp, which cannot be.")
    if timestamp is None:
        warnings.append(SIGNER_CLAIM_ONLY)
    revocation = _revocation(
        from_asn1(status.signing_cert),
        [*carried, *trust.certificates()],
        validation_data,
        crl_files,
        online,
        trusted_time=trusted_time,
        now=now,
        timeout=fetch_timeout,
    )
    if revocation.outcome == RevocationOutcome.FAIL:
        problems.append(revocation.explanation)
    elif revocation.outcome == RevocationOutcome.PASS and revocation.revoked_at is not None:
        warnings.append(revocation.explanation)
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
        warnings=tuple(warnings),
        timestamp_time=None if timestamp is None else timestamp.timestamp,
        timestamp_ok=timestamp_ok,
        trusted_signing_time=trusted_time,
        revocation=revocation,
        known_not_revoked=revocation.known_not_revoked,
    )


def _claimed_timestamp_time(signer_info: Any) -> datetime | None:
    """The time the signature time-stamp states, before it is checked (used only to choose
    the moment the signer's certificate is checked at; the check itself follows)."""
    attrs = signer_info["unsigned_attrs"]
    for attr in (attrs.native and attrs) or []:
        if attr["type"].native == "signature_time_stamp_token":
            try:
                token: TimestampToken = read_token(attr["values"][0])
            except TokenUnreadable:
                return None
            return token.gen_time
    return None


def _timestamp_problem(timestamp: Any) -> str:
    if not timestamp.intact:
        return (
            "The time-stamp is not over this signature (its message imprint does not match "
            "the signature value): it was taken from another signature or forged."
        )
    if not timestamp.valid:
        return "The time-stamp's own signature does not verify: it is damaged or forged."
    return (
        "The time-stamp does not chain to a trusted root, or its certificate was not valid "
        "when it was checked (add the time-stamping service's root to the trust store)."
    )


def _revocation(
    signer: x509.Certificate,
    known: Sequence[x509.Certificate],
    validation_data: ValidationData | None,
    crl_files: Sequence[CrlFile],
    online: bool,
    *,
    trusted_time: datetime | None,
    now: datetime,
    timeout: float,
) -> RevocationCheck:
    fetched = fetch_online(signer, known, timeout) if online else None
    sources = revocation_sources(
        validation_data, "the validation data stored with the signature", crl_files, fetched
    )
    return check_revocation(signer, known, sources, trusted_time=trusted_time, now=now)
