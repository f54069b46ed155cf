"""The bundle's tag manifest carries a detached CMS signature; evidence officers check it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from asn1crypto import cms
from cryptography.hazmat.primitives.serialization import pkcs7
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from rvr_desktop.evidence.signing._pyhanko import signer_for
from rvr_desktop.evidence.signing.cms import sign_detached, verify_detached
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore
from tests.core.clocks import FakeClock

MANIFEST = b"9f86d081884c7d65  bagit.txt\n2c26b46b68ffc68f  manifest-sha256.txt\n"


def test_manifest_signature_verifies_against_the_trusted_root(
    credential: SigningCredential, trust: TrustStore, clock: FakeClock, now: datetime
) -> None:
    signature = sign_detached(MANIFEST, credential, clock=clock)

    result = verify_detached(signature, MANIFEST, trust, at_time=now)

    assert result.problems == ()
    assert result.bottom_line
    assert (result.intact, result.valid, result.trusted) == (True, True, True)
    assert result.signing_time == now
    assert result.signer is not None and result.signer.officer_number == "4417"
    assert result.trusted_root is not None
    assert result.trusted_root.certificate == trust.roots[0].certificate
    assert result.is_test_identity
    assert result.warnings and "TEST" in result.warnings[0]
    assert result.summary()["bottom_line"] is True


def test_a_changed_byte_in_the_manifest_fails_the_check(
    credential: SigningCredential, trust: TrustStore, clock: FakeClock, now: datetime
) -> None:
    signature = sign_detached(MANIFEST, credential, clock=clock)
    changed = MANIFEST.replace(b"9f86", b"9f87")

    result = verify_detached(signature, changed, trust, at_time=now)

    assert not result.intact
    assert not result.bottom_line
    assert "The signed file has been changed since it was signed." in result.problems


def test_a_signature_from_an_untrusted_root_fails_trust_only(
    credential: SigningCredential, clock: FakeClock, now: datetime
) -> None:
    signature = sign_detached(MANIFEST, credential, clock=clock)
    someone_else = TrainingCertificateAuthority.create(now=now)

    result = verify_detached(
        signature, MANIFEST, TrustStore.from_pem(someone_else.root_pem()), at_time=now
    )

    assert result.intact and result.valid
    assert not result.trusted
    assert result.trusted_root is None
    assert not result.bottom_line
    assert len(result.problems) == 1 and "does not chain to any trusted root" in result.problems[0]


def test_certificate_is_judged_at_the_signing_time_not_today(
    authority: TrainingCertificateAuthority,
    officer: OfficerProfile,
    trust: TrustStore,
    now: datetime,
) -> None:
    # signed while the certificate was valid, checked years after it expired
    short_lived = authority.issue_officer(officer, now=now, valid_days=1)
    signature = sign_detached(MANIFEST, short_lived, clock=FakeClock(int(now.timestamp() * 1000)))

    years_later = verify_detached(signature, MANIFEST, trust, at_time=now + timedelta(days=900))
    assert years_later.bottom_line

    # signed after it expired (sign_detached refuses to, so sign with pyHanko directly)
    late = asyncio.run(
        signer_for(short_lived).async_sign_general_data(
            MANIFEST,
            "sha256",
            detached=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=now + timedelta(days=3)),
        )
    ).dump()
    result = verify_detached(late, MANIFEST, trust, at_time=now + timedelta(days=4))
    assert not result.trusted
    assert any("not valid at the time of signing" in p for p in result.problems)


def test_a_signing_time_in_the_future_is_a_problem(
    credential: SigningCredential, trust: TrustStore, now: datetime
) -> None:
    ahead = FakeClock(int((now + timedelta(hours=2)).timestamp() * 1000))
    signature = sign_detached(MANIFEST, credential, clock=ahead)

    result = verify_detached(signature, MANIFEST, trust, at_time=now)

    assert not result.bottom_line
    assert any("in the future" in p for p in result.problems)


def test_hostile_signature_files_give_a_clear_failure_not_a_traceback(
    credential: SigningCredential, trust: TrustStore, clock: FakeClock, now: datetime
) -> None:
    good = sign_detached(MANIFEST, credential, clock=clock)
    data_not_signed = cms.ContentInfo(
        {"content_type": "data", "content": cms.OctetString(b"hello")}
    ).dump()
    embedded = _embedded_signature(credential)
    two_signers = _with_signer_twice(good)
    truncated = good[: len(good) // 2]
    damaged_deep_inside = _with_signer_key_damaged(good)
    flipped_signature = good[:-10] + bytes([good[-10] ^ 0xFF]) + good[-9:]

    cases = {
        b"": "not a readable CMS signature",
        b"\x00garbage\xff" * 20: "not a readable CMS signature",
        truncated: "not a readable CMS signature",
        damaged_deep_inside: "not a readable CMS signature",
        data_not_signed: "not a signature",
        two_signers: "2 signers",
        embedded: "carries its own copy",
    }
    for der, expected in cases.items():
        result = verify_detached(der, MANIFEST, trust, at_time=now)
        assert not result.bottom_line
        assert len(result.problems) == 1 and expected in result.problems[0], result.problems

    damaged = verify_detached(flipped_signature, MANIFEST, trust, at_time=now)
    assert not damaged.bottom_line and damaged.problems


def _with_signer_key_damaged(der: bytes) -> bytes:
    """The signature with its certificate's public key bit string declaring 8 unused bits
    (at most 7 exist): damage four levels down, which only a parse of every field finds."""
    signed_data = cms.ContentInfo.load(der)["content"]
    certificate = signed_data["certificates"][0].chosen
    key = certificate["tbs_certificate"]["subject_public_key_info"]["public_key"].dump()
    assert key[0] == 0x03 and key[1] < 0x80  # BIT STRING, short length: unused bits next
    at = der.index(key) + 2
    return der[:at] + bytes([8]) + der[at + 1 :]


def _embedded_signature(credential: SigningCredential) -> bytes:
    """A signature that carries the content inside it (not detached), made by cryptography."""
    from cryptography.hazmat.primitives import hashes, serialization

    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(MANIFEST)
        .add_signer(credential.certificate, credential.private_key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


def _with_signer_twice(signature: bytes) -> bytes:
    info = cms.ContentInfo.load(signature)
    signed_data = info["content"]
    signer = signed_data["signer_infos"][0]
    signed_data["signer_infos"] = cms.SignerInfos([signer, signer])
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
