"""What people are shown about a certificate, and how a test certificate is recognised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

TEST_ORGANISATION = "RVR Desktop TEST PKI - NOT FOR EVIDENCE"
"""The organisation (O) in every certificate the test PKI makes: how a test identity is known."""

TEST_NAME_SUFFIX = " (TEST)"
"""Added to the common name (CN) of every certificate the test PKI makes."""

TEST_IDENTITY_WARNING = (
    "Signed with a TEST identity from the RVR Desktop training PKI: not for evidence."
)


@dataclass(frozen=True)
class CertificateSummary:
    """The facts about a certificate an officer or evidence officer needs to recognise it."""

    subject: str
    """The full subject name, RFC 4514 style (for example ``CN=...,O=...``)."""
    common_name: str
    """The subject's CN, or the full subject when it has none."""
    officer_number: str | None
    """The subject's serialNumber attribute (a collar or warrant number), if present."""
    serial_number: str
    """The certificate's serial number in hexadecimal (what the issuing CA knows it by)."""
    issuer: str
    not_before: datetime
    not_after: datetime
    sha256_fingerprint: str
    """SHA-256 of the certificate (DER), 64 lowercase hexadecimal digits."""
    is_test_identity: bool
    """True for certificates made by the RVR Desktop test PKI."""

    def display_lines(self) -> list[str]:
        test = ["TEST IDENTITY - NOT FOR EVIDENCE"] if self.is_test_identity else []
        number = [f"Number: {self.officer_number}"] if self.officer_number else []
        return [
            *test,
            f"Name: {self.common_name}",
            *number,
            f"Certificate serial: {self.serial_number}",
            f"Issued by: {self.issuer}",
            f"Valid from {self.not_before:%Y-%m-%d %H:%M} UTC "
            f"to {self.not_after:%Y-%m-%d %H:%M} UTC",
            f"SHA-256 fingerprint: {grouped_fingerprint(self.sha256_fingerprint)}",
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "common_name": self.common_name,
            "officer_number": self.officer_number,
            "serial_number": self.serial_number,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "sha256_fingerprint": self.sha256_fingerprint,
            "is_test_identity": self.is_test_identity,
        }


def grouped_fingerprint(hex_digest: str) -> str:
    """``AB:CD:...`` in upper case, the way certificate viewers show a fingerprint."""
    upper = hex_digest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


def sha256_fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def is_test_certificate(cert: x509.Certificate) -> bool:
    """True when the certificate, or the CA that issued it, belongs to the test PKI."""
    return TEST_ORGANISATION in (
        _attribute(cert.subject, NameOID.ORGANIZATION_NAME),
        _attribute(cert.issuer, NameOID.ORGANIZATION_NAME),
    )


def summarise(cert: x509.Certificate) -> CertificateSummary:
    subject = cert.subject.rfc4514_string()
    return CertificateSummary(
        subject=subject,
        common_name=_attribute(cert.subject, NameOID.COMMON_NAME) or subject,
        officer_number=_attribute(cert.subject, NameOID.SERIAL_NUMBER),
        serial_number=f"{cert.serial_number:X}",
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256_fingerprint=sha256_fingerprint(cert),
        is_test_identity=is_test_certificate(cert),
    )


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The same certificate as pyHanko and its certificate validator want it."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def from_asn1(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


MAX_CARRIED_CERTIFICATES = 24
"""Certificates one signature may carry, those of its time-stamp included. A signature
needs a handful: the signer's chain and the time-stamping unit's. pyHanko tries every
path through what a signature carries, so a mesh of 7 layers of 9 certificates took it
100 s and every layer more multiplies that; 24 keep the worst to a fraction of a second."""


def carried_certificates(signed_data: Any) -> int:
    """How many certificates a CMS SignedData carries, with its signature time-stamps'."""
    count = len(signed_data["certificates"] or [])
    for signer_info in signed_data["signer_infos"]:
        for attribute in signer_info["unsigned_attrs"] or []:
            if attribute["type"].native == "signature_time_stamp_token":
                for token in attribute["values"]:
                    count += carried_certificates(token["content"])
    return count


def too_many_certificates(count: int) -> str:
    """The problem to report for a signature carrying ``count`` certificates."""
    return (
        f"The signature carries {count} certificates; a signature needs a handful, and no "
        f"more than {MAX_CARRIED_CERTIFICATES} are checked, so it was not checked. It was not "
        "made by RVR Desktop."
    )
