"""The roots an evidence officer trusts: PEM files named in the settings, none built in.

RVR Desktop ships with an empty trust store on purpose: a signature is "trusted" only
when it chains to a root the force has chosen (its PKI root, and the time-stamping
service's root when time-stamps are used), never because the operating system happens
to trust a CA.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from rvr_desktop.evidence.signing.certs import CertificateSummary, sha256_fingerprint, summarise
from rvr_desktop.evidence.signing.errors import TrustRootNotCa, TrustRootNotPem, TrustRootUnreadable

MAX_TRUST_FILE_BYTES = 4 * 1024 * 1024
_PEM_LABEL = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


@dataclass(frozen=True)
class TrustedRoot:
    certificate: x509.Certificate
    source: str
    """The file it came from (or a short description when it came from memory)."""

    @property
    def summary(self) -> CertificateSummary:
        return summarise(self.certificate)

    @property
    def sha256_fingerprint(self) -> str:
        return sha256_fingerprint(self.certificate)

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.certificate.subject.rfc4514_string(),
            "sha256_fingerprint": self.sha256_fingerprint,
            "source": self.source,
        }


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def parse_roots(data: bytes, source: str) -> tuple[TrustedRoot, ...]:
    """Every certificate in one PEM file; each must be a CA certificate."""
    labels = set(_PEM_LABEL.findall(data))
    if not labels:
        raise TrustRootNotPem(source, "no '-----BEGIN CERTIFICATE-----' block found")
    other = sorted(label.decode("ascii") for label in labels - {b"CERTIFICATE"})
    if other:
        raise TrustRootNotPem(source, f"it holds {', '.join(other)}, not only certificates")
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise TrustRootNotPem(source, f"a certificate in it is damaged: {exc}") from exc
    for cert in certificates:
        try:
            is_ca = _is_ca(cert)
        except ValueError as exc:  # the extensions are parsed only when first read
            raise TrustRootNotPem(source, f"a certificate's extensions are damaged: {exc}") from exc
        if not is_ca:
            raise TrustRootNotCa(source, cert.subject.rfc4514_string())
    return tuple(TrustedRoot(cert, source) for cert in certificates)


@dataclass(frozen=True)
class TrustStore:
    """The trusted roots, in the order given; a root listed twice is kept once."""

    roots: tuple[TrustedRoot, ...] = ()

    @classmethod
    def empty(cls) -> TrustStore:
        return cls()

    @classmethod
    def from_pem(cls, data: bytes, source: str = "(in memory)") -> TrustStore:
        return cls().adding(parse_roots(data, source))

    @classmethod
    def from_paths(cls, paths: Iterable[Path]) -> TrustStore:
        """Read each PEM file (one or many certificates in each); any bad file is an error."""
        store = cls()
        for path in paths:
            try:
                if path.stat().st_size > MAX_TRUST_FILE_BYTES:
                    raise TrustRootNotPem(path, "it is far too large for a certificate file")
                data = path.read_bytes()
            except OSError as exc:
                raise TrustRootUnreadable(path, exc.strerror or str(exc)) from exc
            store = store.adding(parse_roots(data, str(path)))
        return store

    def adding(self, roots: Iterable[TrustedRoot]) -> TrustStore:
        known = {root.sha256_fingerprint for root in self.roots}
        merged = list(self.roots)
        for root in roots:
            if root.sha256_fingerprint not in known:
                known.add(root.sha256_fingerprint)
                merged.append(root)
        return TrustStore(tuple(merged))

    def certificates(self) -> tuple[x509.Certificate, ...]:
        return tuple(root.certificate for root in self.roots)

    def find(self, cert: x509.Certificate) -> TrustedRoot | None:
        """The trusted root that is this very certificate, if any."""
        wanted = sha256_fingerprint(cert)
        return next((r for r in self.roots if r.sha256_fingerprint == wanted), None)

    def to_json(self) -> list[dict[str, Any]]:
        return [root.to_json() for root in self.roots]
