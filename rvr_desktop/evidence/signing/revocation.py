"""Was the signer's certificate revoked, and does it matter? Judged from OCSP responses
and CRLs we verify ourselves, with the rules an evidence officer can state in court.

Where the information comes from, in this order: the validation data the document or
bundle carries, CRL files the evidence officer gives, and (only when asked) the
certificates' own OCSP and CRL addresses, fetched now.

The rules, for the signer's certificate and each CA certificate above it (not the root):

- revoked before the trusted (time-stamped) signing time: FAIL, naming when and why;
- revoked after the trusted signing time: PASS, with a note (the signature was made
  while the certificate was good);
- revoked, and no trusted signing time: FAIL (the signature could have been made after);
- not revoked, shown by information that speaks for the trusted signing time (or, with
  no trusted time, for now): PASS, even when the certificate has expired since;
- otherwise INDETERMINATE, saying what is missing.

An answer "speaks for" a moment when it was issued at or after it (allowing a few
minutes of clock difference), or when the moment falls inside its validity
(thisUpdate to nextUpdate). A CRL issued after a certificate expired says nothing
about it (CAs drop expired certificates from their lists), nor does such an OCSP answer.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from rvr_desktop.evidence.signing.validation_data import (
    ValidationData,
    issuer_of,
)

CLOCK_SKEW = timedelta(minutes=5)


class RevocationStatus(enum.StrEnum):
    """What is known about revocation, before the rules weigh it."""

    NOT_REVOKED = "not revoked"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class RevocationOutcome(enum.StrEnum):
    PASS = "PASS"  # noqa: S105 - an outcome, not a password
    FAIL = "FAIL"
    INDETERMINATE = "INDETERMINATE"


@dataclass(frozen=True)
class Source:
    """Validation data and where it came from, in words for the result."""

    data: ValidationData
    description: str
    """For example "the validation data the bundle carries" or "the CRL file x.crl"."""


@dataclass(frozen=True)
class _Answer:
    revoked: bool
    kind: str
    source: str
    issued: datetime
    next_update: datetime | None
    revoked_at: datetime | None = None
    reason: str | None = None

    def speaks_for(self, moment: datetime) -> bool:
        if self.issued >= moment - CLOCK_SKEW:
            return True
        return self.next_update is not None and self.issued <= moment <= self.next_update


@dataclass(frozen=True)
class RevocationCheck:
    """The revocation finding for one signature: every certificate of its chain weighed."""

    outcome: RevocationOutcome
    """PASS, FAIL or INDETERMINATE, by the rules in this module's documentation."""
    status: RevocationStatus
    """What is known of the signer's chain: not revoked, revoked, or unknown."""
    judged_at: datetime
    """The moment the status is about: the trusted signing time, or the checking time when
    the signature has no trusted time."""
    trusted_time: bool
    """``judged_at`` is a time-stamp's time rather than the checking computer's."""
    revoked_at: datetime | None
    """When the certificate that was revoked was revoked, if one was."""
    reason: str | None
    """Why, as its CA gave it (for example "key compromise")."""
    explanation: str
    """One or two plain sentences: what was found and on what it rests."""
    sources: tuple[str, ...]
    """Where the information that decided it came from."""

    @property
    def known_not_revoked(self) -> bool:
        return self.status == RevocationStatus.NOT_REVOKED

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "status": self.status.value,
            "judged_at": self.judged_at.astimezone(UTC).isoformat(),
            "trusted_time": self.trusted_time,
            "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat(),
            "reason": self.reason,
            "explanation": self.explanation,
            "sources": list(self.sources),
        }


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _verify(public_key: Any, signature: bytes, data: bytes, algorithm: Any) -> bool:
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), algorithm)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, TypeError, ValueError):
        return False
    return True


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _ocsp_signer(response: Any, issuer: x509.Certificate) -> x509.Certificate | None:
    """The issuer itself, or a responder it delegated OCSP signing to, whichever signed."""
    candidates: list[x509.Certificate] = [issuer, *response.certificates]
    for cert in candidates:
        if cert is not issuer:
            if not _issued_by(cert, issuer):
                continue
            try:
                usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            except (x509.ExtensionNotFound, ValueError):
                continue
            if ExtendedKeyUsageOID.OCSP_SIGNING not in usages:
                continue
        if _verify(
            cert.public_key(),
            response.signature,
            response.tbs_response_bytes,
            response.signature_hash_algorithm,
        ):
            return cert
    return None


def _ocsp_answers(
    der: bytes, cert: x509.Certificate, issuer: x509.Certificate, source: str
) -> list[_Answer]:
    try:
        response = ocsp.load_der_ocsp_response(der)
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            return []
        singles = list(response.responses)
    except ValueError:
        return []
    key_bits = issuer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    answers: list[_Answer] = []
    signer_checked: bool | None = None
    for single in singles:
        if single.serial_number != cert.serial_number:
            continue
        name = single.hash_algorithm.name
        if not hasattr(hashlib, name):
            continue
        name_hash = hashlib.new(name, issuer.subject.public_bytes()).digest()
        key_hash = hashlib.new(name, _subject_public_key_bits(key_bits)).digest()
        if (single.issuer_name_hash, single.issuer_key_hash) != (name_hash, key_hash):
            continue
        if signer_checked is None:
            signer_checked = _ocsp_signer(response, issuer) is not None
        if not signer_checked:
            return []
        status = single.certificate_status
        if status == ocsp.OCSPCertStatus.UNKNOWN:
            continue
        revoked = status == ocsp.OCSPCertStatus.REVOKED
        answers.append(
            _Answer(
                revoked=revoked,
                kind="an OCSP response",
                source=source,
                issued=single.this_update_utc,
                next_update=single.next_update_utc,
                revoked_at=single.revocation_time_utc if revoked else None,
                reason=_reason(single.revocation_reason) if revoked else None,
            )
        )
    return answers


def _subject_public_key_bits(spki_der: bytes) -> bytes:
    """The BIT STRING contents of a SubjectPublicKeyInfo: what OCSP's key hash is over."""
    bits: bytes = asn1_keys.PublicKeyInfo.load(spki_der)["public_key"].contents[1:]
    return bits


_REASONS = {
    x509.ReasonFlags.unspecified: "no reason given",
    x509.ReasonFlags.key_compromise: "key compromise",
    x509.ReasonFlags.ca_compromise: "CA compromise",
    x509.ReasonFlags.affiliation_changed: "affiliation changed",
    x509.ReasonFlags.superseded: "superseded",
    x509.ReasonFlags.cessation_of_operation: "cessation of operation",
    x509.ReasonFlags.certificate_hold: "certificate on hold",
    x509.ReasonFlags.privilege_withdrawn: "privilege withdrawn",
    x509.ReasonFlags.aa_compromise: "attribute authority compromise",
    x509.ReasonFlags.remove_from_crl: "removed from the CRL",
}


def _reason(flag: x509.ReasonFlags | None) -> str:
    return "no reason given" if flag is None else _REASONS.get(flag, flag.value)


def _crl_covers(crl: x509.CertificateRevocationList, cert: x509.Certificate) -> bool:
    """A complete CRL for certificates like this one (not a delta, not a partition that
    leaves it out)."""
    try:
        crl.extensions.get_extension_for_class(x509.DeltaCRLIndicator)
        return False
    except x509.ExtensionNotFound:
        pass
    try:
        idp = crl.extensions.get_extension_for_class(x509.IssuingDistributionPoint).value
    except x509.ExtensionNotFound:
        return True
    if idp.only_some_reasons or idp.indirect_crl or idp.only_contains_attribute_certs:
        return False
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if (idp.only_contains_ca_certs and not is_ca) or (idp.only_contains_user_certs and is_ca):
        return False
    if idp.full_name:
        try:
            points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        except x509.ExtensionNotFound:
            return True
        named = {n for p in points for n in (p.full_name or [])}
        return not named or bool(named & set(idp.full_name))
    return True


def _crl_answers(
    der: bytes, cert: x509.Certificate, issuer: x509.Certificate, source: str
) -> list[_Answer]:
    try:
        crl = x509.load_der_x509_crl(der)
        if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            return []
        if not _crl_covers(crl, cert):
            return []
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return []
    if entry is None:
        return [
            _Answer(
                revoked=False,
                kind="a CRL",
                source=source,
                issued=crl.last_update_utc,
                next_update=crl.next_update_utc,
            )
        ]
    try:
        flag = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    except (x509.ExtensionNotFound, ValueError):
        flag = None
    return [
        _Answer(
            revoked=True,
            kind="a CRL",
            source=source,
            issued=crl.last_update_utc,
            next_update=crl.next_update_utc,
            revoked_at=entry.revocation_date_utc,
            reason=_reason(flag),
        )
    ]


def _answers(
    cert: x509.Certificate, issuer: x509.Certificate, sources: Sequence[Source]
) -> list[_Answer]:
    found: list[_Answer] = []
    for source in sources:
        for der in source.data.ocsp_responses:
            found += _ocsp_answers(der, cert, issuer, source.description)
        for der in source.data.crls:
            found += _crl_answers(der, cert, issuer, source.description)
    return found


@dataclass(frozen=True)
class _Finding:
    outcome: RevocationOutcome
    status: RevocationStatus
    sentence: str
    source: str | None = None
    revoked_at: datetime | None = None
    reason: str | None = None


def _judge_one(
    cert: x509.Certificate,
    role: str,
    answers: list[_Answer],
    moment: datetime,
    trusted: bool,
) -> _Finding:
    who = f"{role} ({_name(cert)})"
    revocations = sorted((a for a in answers if a.revoked), key=lambda a: a.revoked_at or moment)
    if revocations:
        first = revocations[0]
        assert first.revoked_at is not None  # noqa: S101 - set for every revoked answer
        what = (
            f"{who} was revoked on {_when(first.revoked_at)} ({first.reason}), according to "
            f"{first.kind} in {first.source}"
        )
        if trusted and first.revoked_at > moment:
            return _Finding(
                RevocationOutcome.PASS,
                RevocationStatus.REVOKED,
                f"{what}: after the signature was time-stamped ({_when(moment)}), so the "
                "signature was made while the certificate was good and stays valid.",
                first.source,
                first.revoked_at,
                first.reason,
            )
        if trusted:
            return _Finding(
                RevocationOutcome.FAIL,
                RevocationStatus.REVOKED,
                f"{what}: before the signature was time-stamped ({_when(moment)}), so it was "
                "made with a revoked certificate.",
                first.source,
                first.revoked_at,
                first.reason,
            )
        return _Finding(
            RevocationOutcome.FAIL,
            RevocationStatus.REVOKED,
            f"{what}. The signature has no trusted time (its signing time is only the "
            "signer's claim), so it could have been made after the revocation.",
            first.source,
            first.revoked_at,
            first.reason,
        )
    usable = [
        a
        for a in answers
        if a.speaks_for(moment) and a.issued <= cert.not_valid_after_utc + CLOCK_SKEW
    ]
    if usable:
        best = max(usable, key=lambda a: a.issued)
        return _Finding(
            RevocationOutcome.PASS,
            RevocationStatus.NOT_REVOKED,
            f"{who} was not revoked at {_when(moment)}: {best.kind} issued "
            f"{_when(best.issued)} in {best.source} says so.",
            best.source,
        )
    if answers:
        latest = max(answers, key=lambda a: a.issued)
        why = (
            "after the certificate expired, when its CA no longer lists it"
            if latest.issued > cert.not_valid_after_utc + CLOCK_SKEW
            else f"before {_when(moment)} and no longer current then"
        )
        return _Finding(
            RevocationOutcome.INDETERMINATE,
            RevocationStatus.UNKNOWN,
            f"Not known whether {who} was revoked at {_when(moment)}: the newest revocation "
            f"information for it ({latest.kind} in {latest.source}) was issued "
            f"{_when(latest.issued)}, {why}.",
        )
    return _Finding(
        RevocationOutcome.INDETERMINATE,
        RevocationStatus.UNKNOWN,
        f"Not known whether {who} was revoked: there is no revocation information for it "
        "(none is carried with the signature and none was given or fetched).",
    )


def check_revocation(
    signer: x509.Certificate,
    known_certificates: Sequence[x509.Certificate],
    sources: Sequence[Source],
    *,
    trusted_time: datetime | None,
    now: datetime,
) -> RevocationCheck:
    """Weigh revocation for ``signer`` and the CAs above it (found among
    ``known_certificates``, which should hold the chain and the trusted roots)."""
    moment = trusted_time or now
    trusted = trusted_time is not None
    candidates = [*known_certificates, *(c for s in sources for c in s.data.x509_certificates())]
    findings: list[_Finding] = []
    cert = signer
    role = "the signer's certificate"
    seen: list[x509.Certificate] = []
    while cert not in seen and len(seen) < 10:
        seen.append(cert)
        issuer = issuer_of(cert, candidates)
        if issuer is None:
            break
        findings.append(_judge_one(cert, role, _answers(cert, issuer, sources), moment, trusted))
        cert, role = issuer, "the CA certificate"
    if not findings:
        findings.append(
            _Finding(
                RevocationOutcome.INDETERMINATE,
                RevocationStatus.UNKNOWN,
                "Not known whether the signer's certificate was revoked: its issuing CA's "
                "certificate is not available to check the revocation information against.",
            )
        )
    worst = next(
        (
            f
            for o in (RevocationOutcome.FAIL, RevocationOutcome.INDETERMINATE)
            for f in findings
            if f.outcome == o
        ),
        None,
    )
    revoked = next((f for f in findings if f.status == RevocationStatus.REVOKED), None)
    if worst is None:
        status = RevocationStatus.REVOKED if revoked else RevocationStatus.NOT_REVOKED
        outcome = RevocationOutcome.PASS
    else:
        status, outcome = worst.status, worst.outcome
    deciding = revoked or worst or findings[0]
    sentences = [deciding.sentence] + [
        f.sentence for f in findings if f is not deciding and f.outcome != RevocationOutcome.PASS
    ]
    return RevocationCheck(
        outcome=outcome,
        status=status,
        judged_at=moment,
        trusted_time=trusted,
        revoked_at=deciding.revoked_at,
        reason=deciding.reason,
        explanation=" ".join(sentences),
        sources=tuple(sorted({f.source for f in findings if f.source})),
    )
