"""What PDF and CMS signing and checking share to keep signatures checkable for years:
the levels, gathering validation data at signing, and the sources of revocation
information at checking."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from rvr_desktop.evidence.signing.certs import summarise
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.errors import (
    SigningCertificateRevoked,
    ValidationDataUnreadable,
)
from rvr_desktop.evidence.signing.revocation import (
    RevocationStatus,
    Source,
    check_revocation,
)
from rvr_desktop.evidence.signing.timestamps import TimestampToken
from rvr_desktop.evidence.signing.timeutil import format_utc
from rvr_desktop.evidence.signing.validation_data import (
    FETCH_TIMEOUT_S,
    ValidationData,
    chain_of,
    fetch_validation_data,
    load_crl,
)

MAX_CRL_FILE_BYTES = 64 * 1024 * 1024

SIGNER_CLAIM_ONLY = (
    "No time-stamping service was used: the signing time is only the signer's claim (the "
    "clock of the computer that signed), not a trusted time."
)


class SignatureLevel(enum.StrEnum):
    """The baseline level a signature reached (ETSI PAdES / CAdES naming)."""

    B_B = "B-B"
    """Signed; the signing time is only the signer's claim."""
    B_T = "B-T"
    """Signed with a trusted time-stamp over the signature."""
    B_LT = "B-LT"
    """B-T, with the certificates and revocation information needed to check it later."""
    B_LTA = "B-LTA"
    """B-LT, with a document (archive) time-stamp over all of it (PDF)."""


@dataclass(frozen=True)
class CrlFile:
    """A CRL the evidence officer gave (``rvr-verify --crl FILE``), DER or PEM."""

    name: str
    """How it is named in results (the path as given)."""
    der: bytes

    @classmethod
    def read(cls, path: Path) -> CrlFile:
        """Read and check a CRL file; raises ValidationDataUnreadable when it is not one."""
        what = f"The CRL file {path}"
        try:
            if path.stat().st_size > MAX_CRL_FILE_BYTES:
                raise ValidationDataUnreadable(what, "it is far too large for a CRL")
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationDataUnreadable(what, exc.strerror or str(exc)) from exc
        return cls(str(path), load_crl(data, what))

    @classmethod
    def of(cls, name: str, data: bytes) -> CrlFile:
        return cls(name, load_crl(data, f"The CRL {name}"))


def signer_chain(credential: SigningCredential) -> tuple[x509.Certificate, ...]:
    return chain_of(credential.certificate, credential.chain)


def signer_chain_data(
    credential: SigningCredential, timeout: float = FETCH_TIMEOUT_S
) -> tuple[ValidationData, list[str]]:
    """The signer's chain and its revocation information, fetched now; with a sentence for
    each certificate nothing could be fetched for."""
    fetched = fetch_validation_data(signer_chain(credential), timeout=timeout)
    return fetched.data, [_sentence(m) for m in fetched.missing]


def timestamp_chain_data(
    token: TimestampToken, credential: SigningCredential, timeout: float = FETCH_TIMEOUT_S
) -> tuple[ValidationData, list[str]]:
    """The time-stamping unit's chain (from what the token carries) and its revocation
    information, fetched now."""
    candidates = [*token.carried_certificates, *credential.chain]
    fetched = fetch_validation_data(chain_of(token.tsa_certificate, candidates), timeout=timeout)
    return fetched.data, [_sentence(m) for m in fetched.missing]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def refuse_if_revoked(
    credential: SigningCredential, data: ValidationData, moment: datetime
) -> None:
    """Raise SigningCertificateRevoked when the fetched information shows the signer's
    chain revoked at or before ``moment``: nothing is signed with it."""
    if not data.has_revocation_info:
        return
    check = check_revocation(
        credential.certificate,
        credential.chain,
        [Source(data, "the answer of its certificate authority")],
        trusted_time=None,
        now=moment,
    )
    if check.status == RevocationStatus.REVOKED and check.revoked_at is not None:
        raise SigningCertificateRevoked(
            summarise(credential.certificate).common_name,
            format_utc(check.revoked_at),
            check.reason or "no reason given",
            "the answer of its certificate authority",
        )


def revocation_sources(
    carried: ValidationData | None,
    carried_description: str,
    crl_files: Sequence[CrlFile],
    online: ValidationData | None,
) -> list[Source]:
    """The sources of revocation information, in the order the rules consult them."""
    sources: list[Source] = []
    if carried:
        sources.append(Source(carried, carried_description))
    for crl in crl_files:
        sources.append(Source(ValidationData.of(crls=[crl.der]), f"the CRL file {crl.name}"))
    if online:
        sources.append(Source(online, "the answers fetched online just now"))
    return sources


def fetch_online(
    leaf: x509.Certificate, candidates: Sequence[x509.Certificate], timeout: float
) -> ValidationData:
    """Revocation information for ``leaf``'s chain fetched now (the evidence officer asked
    for it); what cannot be fetched is simply absent, and the check says so."""
    return fetch_validation_data(chain_of(leaf, candidates), timeout=timeout).data
