"""Certificates for keys of any type, to check which ones the importer accepts."""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.hazmat.primitives.serialization.pkcs12 import PKCS12PrivateKeyTypes
from cryptography.x509.oid import ExtensionOID, NameOID, ObjectIdentifier

from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority


def credential_with_key(
    authority: TrainingCertificateAuthority,
    officer: OfficerProfile,
    key: PKCS12PrivateKeyTypes,
    *,
    now: datetime,
    password: str,
) -> bytes:
    """A .p12 holding ``key`` and a certificate for it from ``authority``."""
    public = key.public_key()  # type: ignore[union-attr]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, officer.name)]))
        .issuer_name(authority.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(authority.private_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"officer",
        key,
        cert,
        [authority.certificate],
        serialization.BestAvailableEncryption(password.encode()),
    )


DAMAGED_EXTENSION_VALUE = b"\xff\x00"
"""Not DER: cryptography reads a certificate with it, and fails only when its extensions
are first read, which is where a careless parser meets a bare ValueError."""


def certificate_with_damaged_extension(
    key: ec.EllipticCurvePrivateKey, name: str, *, damaged: ObjectIdentifier, now: datetime
) -> x509.Certificate:
    """A self-signed certificate whose ``damaged`` extension holds bytes that are not DER."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.UnrecognizedExtension(damaged, DAMAGED_EXTENSION_VALUE), critical=True)
        .sign(key, hashes.SHA256())
    )


BASIC_CONSTRAINTS = ExtensionOID.BASIC_CONSTRAINTS
KEY_USAGE = ExtensionOID.KEY_USAGE
