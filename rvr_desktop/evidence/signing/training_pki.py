"""A throw-away test PKI for training and demos, labelled TEST wherever it can be seen.

Every certificate it makes has the organisation ``RVR Desktop TEST PKI - NOT FOR
EVIDENCE`` and a common name ending in `` (TEST)``, so the app, ``rvr-verify``, pdfsig
and Acrobat all show it for what it is, and every credential it issues has
``is_test_identity`` set. Its root's private key lives only in memory: once the officer's
certificate is issued the root can sign nothing more, so nobody can mint further
identities that chain to a root someone chose to trust.

Keys are ECDSA P-256: pyHanko signs with them in tens of milliseconds. The officer's
certificate has key usage digitalSignature + nonRepudiation and extended key usages
emailProtection (which ``openssl cms -verify`` and NSS/pdfsig expect of a signer) and
documentSigning (RFC 9336).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from rvr_desktop.evidence.fsutil import atomic_write_bytes, ensure_private_dir
from rvr_desktop.evidence.signing.certs import (
    TEST_NAME_SUFFIX,
    TEST_ORGANISATION,
    sha256_fingerprint,
)
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.identity_store import store_credential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.timeutil import utc_datetime

if TYPE_CHECKING:
    from rvr_desktop.evidence.vault import Vault

DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
"""id-kp-documentSigning (RFC 9336)."""

ROOT_COMMON_NAME = "RVR Desktop Training Root CA"
ROOT_VALID_DAYS = 3650
OFFICER_VALID_DAYS = 730
# Backdated a little so a computer whose clock is a few minutes slow still accepts it.
CLOCK_SKEW = timedelta(minutes=10)


def _key_usage(*, signing: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _name(common_name: str, *extra: x509.NameAttribute[str]) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_ORGANISATION),
            *extra,
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class TrainingCertificateAuthority:
    """A test root CA held in memory; it issues officer identities for training."""

    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)

    @classmethod
    def create(
        cls, *, now: datetime, valid_days: int = ROOT_VALID_DAYS
    ) -> TrainingCertificateAuthority:
        key = ec.generate_private_key(ec.SECP256R1())
        # Each test root gets its own name, so trust lists tell them apart.
        name = _name(f"{ROOT_COMMON_NAME} {secrets.token_hex(3).upper()}{TEST_NAME_SUFFIX}")
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(now + timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(signing=False, ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key)

    def root_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue_officer(
        self,
        officer: OfficerProfile,
        *,
        now: datetime,
        valid_days: int = OFFICER_VALID_DAYS,
    ) -> SigningCredential:
        """A new key and a TEST certificate for ``officer``, issued by this root."""
        key = ec.generate_private_key(ec.SECP256R1())
        extra = [x509.NameAttribute(NameOID.SERIAL_NUMBER, officer.collar_number)]
        if officer.rank:
            extra.append(x509.NameAttribute(NameOID.TITLE, officer.rank))
        issuer_key = self.certificate.public_key()
        assert isinstance(issuer_key, ec.EllipticCurvePublicKey)  # noqa: S101 (made by create)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(officer.name + TEST_NAME_SUFFIX, *extra))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(now + timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signing=True, ca=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING_EKU]),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), critical=False
            )
            .sign(self.private_key, hashes.SHA256())
        )
        return SigningCredential(key, cert, (self.certificate,), is_test_identity=True)


@dataclass(frozen=True)
class TrainingIdentity:
    """What creating a test identity produced."""

    credential: SigningCredential
    root_certificate: x509.Certificate
    root_pem_path: Path
    """Where the test root was written: give this file to whoever verifies in training."""


def root_pem_filename(root: x509.Certificate) -> str:
    return f"rvr-test-root-{sha256_fingerprint(root)[:16]}.pem"


def create_test_identity_in_vault(
    vault: Vault, officer: OfficerProfile, root_dir: Path
) -> TrainingIdentity:
    """Make a new test root and officer identity, store it in the vault, write the root PEM.

    The root certificate (public only) goes to ``root_dir`` as a private file; the
    officer's key goes only into the vault. Any earlier signing identity is replaced.
    """
    now = utc_datetime(vault.clock)
    authority = TrainingCertificateAuthority.create(now=now)
    credential = authority.issue_officer(officer, now=now)
    ensure_private_dir(root_dir)
    pem_path = root_dir / root_pem_filename(authority.certificate)
    atomic_write_bytes(pem_path, authority.root_pem())
    store_credential(vault, credential, action="identity.test_created")
    return TrainingIdentity(credential, authority.certificate, pem_path)
