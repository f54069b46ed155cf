"""The signed attributes of the officer's signatures are pyHanko's, whatever we do to
make them faster: the statement's PAdES signature and the bundle's CMS signature name
the officer's certificate (signing-certificate-v2) exactly as pyHanko builds it."""

from __future__ import annotations

import asyncio
import io

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from rvr_desktop.evidence.signing import _pyhanko
from rvr_desktop.evidence.signing._pyhanko import signer_for
from rvr_desktop.evidence.signing.certs import to_asn1
from rvr_desktop.evidence.signing.cms import sign_detached
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.signing.timeutil import utc_datetime
from signing.pdfs import SIGNATURE_BOX
from tests.core.clocks import FakeClock


def _attributes(signed_attrs: cms.CMSAttributes) -> dict[str, bytes]:
    return {attr["type"].native: attr["values"].dump() for attr in signed_attrs}


def _expected_signing_certificate(credential: SigningCredential) -> bytes:
    value = as_signing_certificate_v2(to_asn1(credential.certificate))
    return cms.SetOfAny([value]).dump(force=True)


def test_a_statement_signature_names_the_officer_s_certificate_as_pyhanko_would(
    credential: SigningCredential, officer: OfficerProfile, statement: bytes, clock: FakeClock
) -> None:
    signed = sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock)

    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    found = _attributes(signature.signer_info["signed_attrs"])
    assert set(found) == {"content_type", "message_digest", "signing_certificate_v2"}
    assert found["signing_certificate_v2"] == _expected_signing_certificate(credential)


def test_a_bundle_signature_carries_the_attributes_pyhanko_chooses(
    credential: SigningCredential, clock: FakeClock
) -> None:
    ours = cms.ContentInfo.load(sign_detached(b"tag manifest", credential, clock=clock))
    plain = SimpleSigner(
        signing_cert=to_asn1(credential.certificate),
        signing_key=signer_for(credential).signing_key,
        cert_registry=signer_for(credential).cert_registry,
    )
    theirs = asyncio.run(
        plain.async_sign_general_data(
            b"tag manifest",
            "sha256",
            detached=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=utc_datetime(clock)),
        )
    )

    found = _attributes(ours["content"]["signer_infos"][0]["signed_attrs"])
    expected = _attributes(theirs["content"]["signer_infos"][0]["signed_attrs"])
    assert found == expected
    assert found["signing_certificate_v2"] == _expected_signing_certificate(credential)


def test_the_signing_certificate_attribute_is_encoded_once_per_signature(
    credential: SigningCredential,
) -> None:
    # pyHanko builds it afresh and asn1crypto encodes such a value again at each write
    # (7 of 20 ms a signature); this breaks if pyHanko stops asking the signer for its
    # attribute providers this way.
    spec = signer_for(credential)._signed_attr_provider_spec(
        PdfCMSSignedAttributes(), use_cades=True, is_pdf_sig=True
    )
    providers = list(spec.signed_attr_providers(bytes(32), "sha256"))
    assert [type(p) for p in providers] == [_pyhanko._SigningCertificateEncodedOnce]
