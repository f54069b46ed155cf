"""Validation data: the certificates, OCSP responses and CRLs a signature needs to be
checked years later, after its signer's certificate expired or the services moved on.

:class:`ValidationData` is the small typed value the bundle writer stores beside the tag
manifest's signature (as tag files, see :meth:`ValidationData.files`) and the verifier
reads back (:meth:`ValidationData.from_files`). :func:`fetch_validation_data` gathers it
from the certificates' own OCSP and CRL addresses.

File names are the SHA-256 of the content, so a stored set is canonical (the same data
always gives the same files), has no duplicates, and any changed byte shows as a name that
no longer matches.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID

from rvr_desktop.evidence.signing.errors import ValidationDataUnreadable

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_S = 15.0
MAX_REVOCATION_BYTES = 16 * 1024 * 1024
"""A CRL of a large force CA is a few MiB at most."""

Kind = Literal["certificate", "ocsp", "crl"]
_FOLDERS: dict[Kind, tuple[str, str]] = {
    "certificate": ("certificates", ".der"),
    "ocsp": ("ocsp", ".der"),
    "crl": ("crls", ".crl"),
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unique(items: Iterable[bytes]) -> tuple[bytes, ...]:
    seen: dict[str, bytes] = {}
    for item in items:
        seen.setdefault(_sha256(item), item)
    return tuple(seen[key] for key in sorted(seen))


@dataclass(frozen=True)
class ValidationData:
    """Certificates, OCSP responses and CRLs, each as DER bytes, sorted by SHA-256 and
    without duplicates (build with :meth:`of` to get that order)."""

    certificates: tuple[bytes, ...] = ()
    """X.509 certificates (DER): the signer's chain and the time-stamping unit's."""
    ocsp_responses: tuple[bytes, ...] = ()
    """OCSP responses (DER ``OCSPResponse``), each as the responder sent it."""
    crls: tuple[bytes, ...] = ()
    """Certificate revocation lists (DER ``CertificateList``)."""

    @classmethod
    def of(
        cls,
        certificates: Iterable[bytes] = (),
        ocsp_responses: Iterable[bytes] = (),
        crls: Iterable[bytes] = (),
    ) -> ValidationData:
        return cls(_unique(certificates), _unique(ocsp_responses), _unique(crls))

    def __bool__(self) -> bool:
        return bool(self.certificates or self.ocsp_responses or self.crls)

    @property
    def has_revocation_info(self) -> bool:
        return bool(self.ocsp_responses or self.crls)

    def merged(self, other: ValidationData) -> ValidationData:
        return ValidationData.of(
            self.certificates + other.certificates,
            self.ocsp_responses + other.ocsp_responses,
            self.crls + other.crls,
        )

    def x509_certificates(self) -> tuple[x509.Certificate, ...]:
        return tuple(x509.load_der_x509_certificate(der) for der in self.certificates)

    def files(self) -> dict[str, bytes]:
        """The data as files, named ``certificates/<sha256>.der``, ``ocsp/<sha256>.der``
        and ``crls/<sha256>.crl`` (relative names, sorted; the writer chooses the folder
        they go in)."""
        out: dict[str, bytes] = {}
        for kind, items in self._by_kind():
            folder, suffix = _FOLDERS[kind]
            for item in items:
                out[f"{folder}/{_sha256(item)}{suffix}"] = item
        return dict(sorted(out.items()))

    @classmethod
    def from_files(cls, files: Mapping[str, bytes]) -> ValidationData:
        """Read back what :meth:`files` wrote; a file with another name, a name that is not
        its content's SHA-256, or content that does not parse is an error."""
        found: dict[Kind, list[bytes]] = {"certificate": [], "ocsp": [], "crl": []}
        for name, data in files.items():
            kind = _kind_of(name)
            folder, suffix = _FOLDERS[kind]
            if name != f"{folder}/{_sha256(data)}{suffix}":
                raise ValidationDataUnreadable(
                    f"The validation data file {name}",
                    "its name is not the SHA-256 of its content: it was changed",
                )
            _parse(kind, data, name)
            found[kind].append(data)
        return cls.of(found["certificate"], found["ocsp"], found["crl"])

    def _by_kind(self) -> list[tuple[Kind, tuple[bytes, ...]]]:
        return [
            ("certificate", self.certificates),
            ("ocsp", self.ocsp_responses),
            ("crl", self.crls),
        ]


def _kind_of(name: str) -> Kind:
    for kind, (folder, suffix) in _FOLDERS.items():
        stem = name.removeprefix(folder + "/").removesuffix(suffix)
        if name == f"{folder}/{stem}{suffix}" and len(stem) == 64:
            return kind
    raise ValidationDataUnreadable(
        f"The validation data file {name}",
        "it is not named certificates/<sha256>.der, ocsp/<sha256>.der or crls/<sha256>.crl",
    )


def _parse(kind: Kind, data: bytes, what: str) -> None:
    try:
        if kind == "certificate":
            x509.load_der_x509_certificate(data)
        elif kind == "ocsp":
            ocsp.load_der_ocsp_response(data)
        else:
            x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise ValidationDataUnreadable(what, str(exc) or "not DER") from exc


def load_crl(data: bytes, what: str) -> bytes:
    """A CRL file as DER (it may be DER or PEM); raises when it is not a CRL."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data).public_bytes(serialization.Encoding.DER)
        x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise ValidationDataUnreadable(what, "it is not a CRL in DER or PEM form") from exc
    return data


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def issuer_of(
    cert: x509.Certificate, candidates: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    """The candidate whose key signed ``cert`` (None for a self-signed certificate)."""
    if cert.issuer == cert.subject:
        return None
    for candidate in candidates:
        if candidate.subject != cert.issuer:
            continue
        if _signed_by(cert, candidate):
            return candidate
    return None


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def chain_of(
    leaf: x509.Certificate, candidates: Sequence[x509.Certificate]
) -> tuple[x509.Certificate, ...]:
    """``leaf`` and its issuers found among ``candidates``, leaf first, up to a self-signed
    root or the first certificate whose issuer is not there."""
    chain = [leaf]
    while len(chain) < 10:
        issuer = issuer_of(chain[-1], candidates)
        if issuer is None or issuer in chain:
            break
        chain.append(issuer)
    return tuple(chain)


def ocsp_urls(cert: x509.Certificate) -> list[str]:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    return [
        d.access_location.value
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    ]


def crl_urls(cert: x509.Certificate) -> list[str]:
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    return [
        name.value
        for point in points
        for name in (point.full_name or [])
        if isinstance(name, x509.UniformResourceIdentifier)
    ]


def names_revocation_services(cert: x509.Certificate) -> bool:
    return bool(ocsp_urls(cert) or crl_urls(cert))


class FetchFailed(Exception):
    """A revocation service did not answer usefully; the message says what happened."""


def _http(url: str, timeout: float, body: bytes | None = None) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise FetchFailed(f"{url} is not a web address")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        headers={"Content-Type": "application/ocsp-request"} if body is not None else {},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data: bytes = response.read(MAX_REVOCATION_BYTES + 1)
    except TimeoutError as exc:
        raise FetchFailed(f"{url} did not answer within {timeout:g} seconds") from exc
    except OSError as exc:  # URLError and HTTPError are OSErrors
        raise FetchFailed(f"{url} could not be reached ({exc})") from exc
    if len(data) > MAX_REVOCATION_BYTES:
        raise FetchFailed(f"{url} sent far more than revocation information")
    return data


def fetch_ocsp(cert: x509.Certificate, issuer: x509.Certificate, url: str, timeout: float) -> bytes:
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())  # noqa: S303 - CertID as responders expect
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    answer = _http(url, timeout, request)
    try:
        response = ocsp.load_der_ocsp_response(answer)
    except ValueError as exc:
        raise FetchFailed(f"{url} did not answer with an OCSP response") from exc
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise FetchFailed(f"{url} answered {response.response_status.name.lower()}")
    return answer


def fetch_crl(url: str, timeout: float) -> bytes:
    answer = _http(url, timeout)
    try:
        return load_crl(answer, url)
    except ValidationDataUnreadable as exc:
        raise FetchFailed(f"{url} did not send a CRL") from exc


@dataclass(frozen=True)
class FetchResult:
    """What fetching found: the data, and for which certificates nothing could be had."""

    data: ValidationData
    missing: tuple[str, ...]
    """One plain sentence per certificate for which no revocation information was fetched."""

    @property
    def complete(self) -> bool:
        return not self.missing


def fetch_validation_data(
    chain: Sequence[x509.Certificate], *, timeout: float = FETCH_TIMEOUT_S
) -> FetchResult:
    """Revocation information for every certificate in ``chain`` (leaf first) but the root,
    fetched from the certificate's own addresses: OCSP first, then its CRLs. The chain's
    certificates come back with it. Never raises for a service that fails: the result says
    which certificates have nothing."""
    ocsps: list[bytes] = []
    crls: list[bytes] = []
    missing: list[str] = []
    for cert in chain:
        issuer = issuer_of(cert, chain)
        if issuer is None:
            continue  # a root: trusted as it is, never revoked through itself
        failures: list[str] = []
        got = False
        for url in ocsp_urls(cert):
            try:
                ocsps.append(fetch_ocsp(cert, issuer, url, timeout))
                got = True
                break
            except FetchFailed as exc:
                failures.append(str(exc))
        for url in [] if got else crl_urls(cert):
            try:
                crls.append(fetch_crl(url, timeout))
                got = True
                break
            except FetchFailed as exc:
                failures.append(str(exc))
        if not got:
            who = _common_name(cert)
            missing.append(
                f"no revocation information could be fetched for {who}: "
                + ("; ".join(failures) if failures else "it names no OCSP or CRL address")
            )
            logger.info("No revocation information for a certificate: %s", failures)
    return FetchResult(ValidationData.of((der(c) for c in chain), ocsps, crls), tuple(missing))


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()
