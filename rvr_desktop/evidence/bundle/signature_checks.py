"""The tag manifest's CMS signature: valid, by whom, trusted, and nothing packed beside it
changed.

The CMS signature covers the tag manifest, not the certificates or the framing around
it; so besides validating it, every certificate it carries must verify under its issuer
and the unsigned framing must be exactly what its one signer implies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from rvr_desktop.evidence.bundle.bagit_reader import LoadedBag
from rvr_desktop.evidence.bundle.layout import SIGNATURE_P7S, TAGMANIFEST_TXT
from rvr_desktop.evidence.bundle.long_term_files import StoredLongTermData
from rvr_desktop.evidence.bundle.result import Aspect, CheckList
from rvr_desktop.evidence.signing.archive import verify_archive_timestamps
from rvr_desktop.evidence.signing.certs import sha256_fingerprint
from rvr_desktop.evidence.signing.cms import verify_detached
from rvr_desktop.evidence.signing.cms_verification import CmsVerification
from rvr_desktop.evidence.signing.long_term import CrlFile
from rvr_desktop.evidence.signing.revocation import RevocationOutcome
from rvr_desktop.evidence.signing.trust import TrustStore

SIGNATURE = "tag manifest signature"
UNCHANGED = "tag manifest unchanged since signing"
TRUSTED = "signer trusted"
REVOKED = "signer not revoked"
ARCHIVED = "archive time-stamps"


@dataclass(frozen=True)
class LongTermInputs:
    """What, besides the trusted roots, the signature checks weigh revocation and time with."""

    stored: StoredLongTermData = field(default_factory=StoredLongTermData)
    crl_files: Sequence[CrlFile] = ()
    """CRL files the evidence officer gave (``--crl``)."""
    online: bool = False
    """Fetch revocation answers from the certificates' own addresses now (``--online``)."""
    at_time: datetime | None = None


@dataclass(frozen=True)
class SignatureFindings:
    """The CMS check and what the archive time-stamps prove, for the checks that follow."""

    cms: CmsVerification | None
    proven_at: datetime | None
    """The time the archive time-stamps prove the signature existed, when they hold."""


def signature_checks(
    bag: LoadedBag, trust: TrustStore, checks: CheckList, inputs: LongTermInputs = LongTermInputs()
) -> SignatureFindings:
    """The checks of the tag manifest's signature, each on its own facts: the tag manifest
    is exactly what was signed (integrity), the signature and its certificates are sound
    (signature), the archive time-stamps hold (signature, when there are any), the signer
    chains to a trusted root (trust) and was not revoked when it signed (revocation); trust
    and revocation are judged only for a sound signature: whose a broken one is cannot be
    known."""
    if bag.signature is None:
        missing = f"{SIGNATURE_P7S} is missing: nothing proves who made this bundle"
        checks.failed(UNCHANGED, Aspect.INTEGRITY, missing)
        checks.failed(SIGNATURE, Aspect.SIGNATURE, missing)
        checks.not_evaluated(TRUSTED, Aspect.TRUST, "not checked: there is no signature")
        return SignatureFindings(None, None)
    proven_at = _archive_checks(bag, bag.signature, trust, checks, inputs)
    stamps = inputs.stored.archive_timestamps
    carried = inputs.stored.validation_data
    if stamps:
        carried = carried.merged(stamps[0].validation_data)
    result = verify_detached(
        bag.signature,
        bag.tag_manifest_bytes,
        trust,
        at_time=inputs.at_time,
        validation_data=carried,
        crl_files=inputs.crl_files,
        online=inputs.online,
        timestamp_checked_at=proven_at,
    )
    who = "an unreadable certificate" if result.signer is None else result.signer.common_name
    where = f"{SIGNATURE_P7S} over {TAGMANIFEST_TXT}: "
    if result.intact and result.valid:
        checks.passed(
            UNCHANGED,
            Aspect.INTEGRITY,
            f"{TAGMANIFEST_TXT}, which lists every file's SHA-256, is byte for byte what "
            f"{who} signed",
        )
        broken = _signature_problem(bag.signature, result, trust)
    else:
        broken = " ".join(_own_problems(result)) or "the signature does not verify"
        checks.failed(
            UNCHANGED,
            Aspect.INTEGRITY,
            f"{TAGMANIFEST_TXT} is not what was signed, or the signature over it is damaged "
            f"or forged: {broken}",
        )
    if broken is not None:
        checks.failed(SIGNATURE, Aspect.SIGNATURE, where + broken)
        not_checked = (
            "not checked: the signature does not verify (see above), so whose it is cannot be known"
        )
        checks.not_evaluated(TRUSTED, Aspect.TRUST, not_checked)
        checks.not_evaluated(REVOKED, Aspect.REVOCATION, not_checked)
        return SignatureFindings(result, proven_at)
    checks.passed(
        SIGNATURE,
        Aspect.SIGNATURE,
        f"valid CMS signature by {who} over {TAGMANIFEST_TXT}" + _time_words(result),
    )
    if result.trusted and result.trusted_root is not None:
        checks.passed(
            TRUSTED,
            Aspect.TRUST,
            f"{who} chains to the trusted root {result.trusted_root.summary.common_name}"
            f" (SHA-256 {result.trusted_root.sha256_fingerprint})",
        )
    elif not trust.roots:
        checks.not_evaluated(
            TRUSTED,
            Aspect.TRUST,
            f"no trusted root was given, so nothing vouches that the certificate naming "
            f"{who} is the officer's",
        )
    else:
        checks.not_evaluated(
            TRUSTED,
            Aspect.TRUST,
            f"the certificate naming {who} does not chain to any of the {len(trust.roots)} "
            "trusted root(s): " + " ".join(_own_problems(result)),
        )
    _revocation_check(result, checks)
    return SignatureFindings(result, proven_at)


def _own_problems(result: CmsVerification) -> list[str]:
    """The signature's problems without the revocation finding, which has its own check."""
    revocation = None if result.revocation is None else result.revocation.explanation
    return [p for p in result.problems if p != revocation]


def _time_words(result: CmsVerification) -> str:
    if result.trusted_signing_time is not None:
        return (
            f", time-stamped by a trusted time-stamping service at "
            f"{result.trusted_signing_time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        )
    return "; its signing time is only the signer's own claim (no time-stamp)"


def _revocation_check(result: CmsVerification, checks: CheckList) -> None:
    revocation = result.revocation
    if revocation is None:
        return
    if revocation.outcome is RevocationOutcome.FAIL:
        checks.failed(REVOKED, Aspect.REVOCATION, revocation.explanation)
    elif revocation.outcome is RevocationOutcome.PASS:
        checks.passed(REVOKED, Aspect.REVOCATION, revocation.explanation)
    else:
        checks.not_evaluated(REVOKED, Aspect.REVOCATION, revocation.explanation)


def _archive_checks(
    bag: LoadedBag, signature: bytes, trust: TrustStore, checks: CheckList, inputs: LongTermInputs
) -> datetime | None:
    """The chain of archive time-stamps, when the bundle has any: each over exactly what
    it must cover, trusted at the time the next one proves."""
    stamps = inputs.stored.archive_timestamps
    if not stamps:
        return None
    chain = verify_archive_timestamps(
        bag.tag_manifest_bytes,
        [signature],
        stamps,
        trust,
        signature_validation_data=inputs.stored.validation_data,
        at_time=inputs.at_time,
        crl_files=inputs.crl_files,
        online=inputs.online,
    )
    if chain.bottom_line:
        first = chain.timestamps[0].time
        when = (
            ""
            if first is None
            else "; the oldest proves the signature existed at "
            f"{first.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        )
        checks.passed(
            ARCHIVED,
            Aspect.SIGNATURE,
            f"{len(stamps)} archive time-stamp(s), each over the tag manifest, its "
            f"signature, their validation data and every earlier time-stamp{when}"
            + "".join(f" {n}" for n in chain.notes),
        )
    else:
        checks.failed(ARCHIVED, Aspect.SIGNATURE, " ".join(chain.problems))
    return chain.proven_existence_time


def _signature_problem(signature: bytes, result: CmsVerification, trust: TrustStore) -> str | None:
    """Why an intact, cryptographically valid signature is still not sound, or None."""
    if result.trusted and _own_problems(result):
        return " ".join(_own_problems(result))
    if _outside_validity(result):
        return "the signer's certificate was not valid at the signing time it claims"
    return _damaged_certificate(signature, result, trust)


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
