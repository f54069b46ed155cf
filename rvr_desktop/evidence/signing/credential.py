"""The officer's signing credential: loaded from PKCS#12, checked, and serialised for the vault.

A credential is checked when it is imported (password, private key, certificate, the key
matches the certificate, a key type we can sign with, within its validity, allowed to
sign) so that a problem shows up when the officer imports the file, not in the middle of
signing a statement. Its serialised form holds the private key unencrypted: it is written
only into the encrypted vault (see ``identity_store``), never to a file.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import pkcs12 as asn1_pkcs12  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from rvr_desktop.evidence.signing.certs import CertificateSummary, is_test_certificate, summarise
from rvr_desktop.evidence.signing.errors import (
    CertificateDamaged,
    CertificateExpired,
    CertificateNotForSigning,
    CertificateNotYetValid,
    CredentialHasNoCertificate,
    CredentialHasNoKey,
    KeyDoesNotMatchCertificate,
    NotACredentialFile,
    SigningCertificateNotValid,
    StoredIdentityDamaged,
    UnsupportedKeyType,
    WrongCredentialPassword,
)

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

FORMAT_NAME = "rvr-signing-credential"
FORMAT_VERSION = 1
MIN_RSA_BITS = 2048
SUPPORTED_CURVES = ("secp256r1", "secp384r1", "secp521r1")


@dataclass(frozen=True)
class SigningCredential:
    """A private key with its certificate and the CA certificates above it."""

    private_key: SigningKey = field(repr=False)
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    """The issuing CA certificates (intermediates, perhaps the root), embedded in signatures."""
    is_test_identity: bool
    """True for identities from the RVR Desktop test PKI: for training, never for evidence."""

    def summary(self) -> CertificateSummary:
        return summarise(self.certificate)

    @property
    def fingerprint(self) -> str:
        return self.summary().sha256_fingerprint

    def to_bytes(self) -> bytes:
        """The credential for storage inside the vault (holds the private key unencrypted)."""
        key_der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        body = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "private_key_pkcs8": _b64(key_der),
            "certificate": _b64(self.certificate.public_bytes(serialization.Encoding.DER)),
            "chain": [_b64(c.public_bytes(serialization.Encoding.DER)) for c in self.chain],
            "is_test_identity": self.is_test_identity,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> SigningCredential:
        """Read what :meth:`to_bytes` wrote; raises StoredIdentityDamaged when it cannot."""
        try:
            body = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise StoredIdentityDamaged("it is not the expected format") from exc
        expected = {
            "format",
            "version",
            "private_key_pkcs8",
            "certificate",
            "chain",
            "is_test_identity",
        }
        if not isinstance(body, dict) or body.get("format") != FORMAT_NAME:
            raise StoredIdentityDamaged("it is not the expected format")
        if body.get("version") != FORMAT_VERSION:
            raise StoredIdentityDamaged(
                f"it was written in format version {body.get('version')!r} by another "
                "version of RVR Desktop"
            )
        if set(body) != expected:
            raise StoredIdentityDamaged(f"unexpected fields {sorted(set(body) ^ expected)}")
        try:
            key = serialization.load_der_private_key(_unb64(body["private_key_pkcs8"]), None)
            cert = x509.load_der_x509_certificate(_unb64(body["certificate"]))
            if not isinstance(body["chain"], list):
                raise ValueError("the chain is not a list")
            chain = tuple(x509.load_der_x509_certificate(_unb64(c)) for c in body["chain"])
        except (ValueError, TypeError) as exc:
            raise StoredIdentityDamaged(f"a key or certificate is unreadable: {exc}") from exc
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise StoredIdentityDamaged("the key is of an unexpected type")
        if body["is_test_identity"] not in (True, False):
            raise StoredIdentityDamaged("the test-identity flag is not true or false")
        # A test certificate is always labelled, whatever the stored flag says.
        return cls(key, cert, chain, bool(body["is_test_identity"]) or is_test_certificate(cert))

    def to_json_summary(self) -> dict[str, Any]:
        return {**self.summary().to_json(), "chain_length": len(self.chain)}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"bad base64: {exc}") from exc


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in (
            "data",
            "signed_data",
        )
    except (ValueError, TypeError, KeyError):
        return False


def _open_pkcs12(data: bytes, password: str, what: object) -> pkcs12.PKCS12KeyAndCertificates:
    if not _looks_like_pkcs12(data):
        raise NotACredentialFile(what)
    # A file exported without a password may use either an empty or an absent password.
    attempts: list[bytes | None] = [password.encode("utf-8")]
    if password == "":
        attempts.append(None)
    for attempt in attempts:
        try:
            return pkcs12.load_pkcs12(data, attempt)
        except ValueError:
            continue
    raise WrongCredentialPassword()


def check_key_type(key: object) -> SigningKey:
    """The key, if RVR Desktop can sign with it; UnsupportedKeyType otherwise."""
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise UnsupportedKeyType(f"{key.key_size}-bit RSA")
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name not in SUPPORTED_CURVES:
            raise UnsupportedKeyType(f"elliptic-curve ({key.curve.name})")
        return key
    raise UnsupportedKeyType(type(key).__name__.removeprefix("_").replace("PrivateKey", ""))


def _spki(key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check_certificate(cert: x509.Certificate, key: SigningKey, *, now: datetime) -> None:
    """Raise the matching CredentialError unless ``cert`` can sign with ``key`` at ``now``."""
    who = summarise(cert).common_name
    public = cert.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey | rsa.RSAPublicKey) or _spki(
        public
    ) != _spki(key.public_key()):
        raise KeyDoesNotMatchCertificate()
    if now > cert.not_valid_after_utc:
        raise CertificateExpired(who, f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC")
    if now < cert.not_valid_before_utc:
        raise CertificateNotYetValid(who, f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    except ValueError as exc:  # the extensions are parsed only when first read
        raise CertificateDamaged(who) from exc
    if not (usage.digital_signature or usage.content_commitment):
        raise CertificateNotForSigning(who)


def load_pkcs12(
    data: bytes, password: str, *, now: datetime, what: object = "The file"
) -> SigningCredential:
    """Open and check a .p12 / .pfx file; ``what`` names it in error messages."""
    bundle = _open_pkcs12(data, password, what)
    if bundle.key is None:
        raise CredentialHasNoKey()
    if bundle.cert is None:
        raise CredentialHasNoCertificate()
    key = check_key_type(bundle.key)
    cert = bundle.cert.certificate
    check_certificate(cert, key, now=now)
    chain = tuple(
        extra.certificate for extra in bundle.additional_certs if extra.certificate != cert
    )
    return SigningCredential(key, cert, chain, is_test_certificate(cert))


def ensure_can_sign_at(credential: SigningCredential, moment: datetime) -> None:
    """Refuse to sign with a certificate outside its validity (it expired since import)."""
    cert = credential.certificate
    who = summarise(cert).common_name
    if moment > cert.not_valid_after_utc:
        raise SigningCertificateNotValid(
            who, f"expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
        )
    if moment < cert.not_valid_before_utc:
        raise SigningCertificateNotValid(
            who, f"is not valid until {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
        )
