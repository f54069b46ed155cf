"""The small adapters between our types and pyHanko's (which speak asn1crypto)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from asn1crypto import core as asn1_core  # type: ignore[import-untyped]
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.attributes import (
    CMSAttributeProvider,
    SignedAttributeProviderSpec,
    SigningCertificateV2Provider,
)
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import StandardCMSSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.authority import CertTrustAnchor
from pyhanko_certvalidator.registry import SimpleCertificateStore

from rvr_desktop.evidence.signing.certs import from_asn1, to_asn1
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.trust import TrustedRoot, TrustStore

# Force PKIs differ on which of the two they set; either says "this key signs documents".
SIGNER_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def parse_every_field(value: asn1_core.Asn1Value, levels: int = 4) -> None:
    """Parse ``value`` down to its last field, so damage anywhere raises ValueError now.

    Each part's ``.native`` parses and decodes everything below it. Asked at the top, it
    costs 10 ms for one bundle signature once pyHanko's attribute types are registered:
    asn1crypto re-encodes the parts it adjusted while parsing (algorithm parameters) each
    time a container above them is asked, level after level. So the parts ``levels``
    down are asked instead (1.5 ms), which refuses exactly the same damage (every
    single-byte change of a bundle signature was tried against the whole ``.native``).
    """
    if levels and isinstance(value, asn1_core.Sequence):  # a Set is one too
        for name in value:  # a Sequence's field names
            parse_every_field(value[name], levels - 1)
    elif levels and isinstance(value, asn1_core.SequenceOf):  # a SetOf is one too
        for item in value:
            parse_every_field(item, levels - 1)
    else:
        value.native  # noqa: B018 (parses and decodes all of it)


def quieten_validation_logs() -> None:
    # pyHanko logs a whole traceback for each disallowed modification and each failed
    # chain; every one of them is reported in our result instead.
    for name in ("pyhanko.sign.diff_analysis", "pyhanko.sign.validation.generic_cms"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


class _SigningCertificateEncodedOnce(CMSAttributeProvider):
    """The signing-certificate-v2 attribute, encoded once and given as parsed DER.

    pyHanko builds this value afresh, and asn1crypto encodes a value built that way
    again each time a part that holds it is written out, the signer's name and all:
    eight times a signature, 7 of the 20 ms a statement's signature took. Parsed from
    its own DER, it is written out as those bytes.
    """

    attribute_type = "signing_certificate_v2"

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        self._der = as_signing_certificate_v2(signing_cert).dump()

    async def build_attr_value(self, dry_run: bool = False) -> asn1_tsp.SigningCertificateV2:
        return asn1_tsp.SigningCertificateV2.load(self._der)


class _SignedAttributes(SignedAttributeProviderSpec):
    """The signed attributes pyHanko chose, with the signing certificate's encoded once."""

    def __init__(self, chosen: SignedAttributeProviderSpec) -> None:
        self._chosen = chosen

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterator[CMSAttributeProvider]:
        for provider in self._chosen.signed_attr_providers(data_digest, digest_algorithm):
            if isinstance(provider, SigningCertificateV2Provider):
                provider = _SigningCertificateEncodedOnce(provider.signing_cert)
            yield provider


class _Signer(SimpleSigner):
    def _signed_attr_provider_spec(self, *args: Any, **kwargs: Any) -> SignedAttributeProviderSpec:
        # pyHanko's own choice for each signature (PAdES, CAdES or plain CMS), unchanged
        # but for how one attribute is encoded.
        return _SignedAttributes(super()._signed_attr_provider_spec(*args, **kwargs))


def signer_for(credential: SigningCredential) -> SimpleSigner:
    key_info = asn1_keys.PrivateKeyInfo.load(
        credential.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return _Signer(
        signing_cert=to_asn1(credential.certificate),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [to_asn1(cert) for cert in credential.chain]
        ),
    )


def validation_context(trust: TrustStore, moment: datetime) -> ValidationContext:
    """Trust only the given roots (never the system's), offline, at ``moment``."""
    return ValidationContext(
        trust_roots=[to_asn1(cert) for cert in trust.certificates()],
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def trusted_root_of(status: StandardCMSSignatureStatus, trust: TrustStore) -> TrustedRoot | None:
    """Which of our roots the signer's certificate chained to, when it was trusted."""
    if not status.trusted or status.validation_path is None:
        return None
    anchor = status.validation_path.trust_anchor
    if not isinstance(anchor, CertTrustAnchor):
        return None
    return trust.find(from_asn1(anchor.certificate))


def trust_problem(status: StandardCMSSignatureStatus) -> str:
    """Why the signer's certificate is not trusted, in plain English."""
    indication = status.trust_problem_indic
    name = getattr(indication, "name", "") or ""
    if "EXPIRED" in name or "OUT_OF_BOUNDS" in name:
        return "the signer's certificate was not valid at the time of signing"
    if "NOT_YET_VALID" in name:
        return "the signer's certificate was not yet valid at the time of signing"
    if "REVOKED" in name:
        return "the signer's certificate has been revoked"
    if "NO_CERTIFICATE_CHAIN_FOUND" in name:
        return "the signer's certificate does not chain to any trusted root"
    if "CHAIN_GENERAL_FAILURE" in name:
        # typically a trusted root with the same name that did not issue this certificate
        return (
            "the signer's certificate does not chain to any trusted root (its chain could "
            "not be verified)"
        )
    if name:
        return f"the signer's certificate could not be trusted ({name.replace('_', ' ').lower()})"
    return "the signer's certificate does not chain to any trusted root"
