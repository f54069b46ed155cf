"""The tag manifest's signature still verifies when the case reaches court: a trusted
time-stamp over the signature, validation data fetched at signing, and revocation weighed
by the rules — proven against a real PKI (certomancer's Animator on 127.0.0.1)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from asn1crypto import cms

from rvr_desktop.evidence.signing.cms import (
    sign_detached,
    sign_detached_long_term,
    signature_timestamp_token,
    verify_detached,
)
from rvr_desktop.evidence.signing.errors import SigningCertificateRevoked, TimestampServiceFailed
from rvr_desktop.evidence.signing.long_term import CrlFile, SignatureLevel
from rvr_desktop.evidence.signing.revocation import RevocationOutcome, RevocationStatus
from rvr_desktop.evidence.signing.validation_data import ValidationData
from signing.live_pki import CHECKING_DAY, SIGNING_DAY, LivePki
from signing.misbehaving_tsa import Misbehaviour, misbehaving_tsa, unused_local_url
from tests.core.clocks import FakeClock

MANIFEST = b"9f86d081884c7d65  bagit.txt\n2c26b46b68ffc68f  manifest-sha256.txt\n"


def _clock(moment: datetime) -> FakeClock:
    return FakeClock(int(moment.timestamp() * 1000))


def _sign(pki: LivePki, officer: str, **kwargs: object):  # type: ignore[no-untyped-def]
    with pki.at(SIGNING_DAY):
        return sign_detached_long_term(
            MANIFEST, pki.credential(officer), clock=_clock(SIGNING_DAY), **kwargs
        )


def test_a_manifest_signed_with_trusted_time_and_validation_data_verifies_months_later(
    force_pki: LivePki,
) -> None:
    signed = _sign(force_pki, "officer-good", timestamp_url=force_pki.tsa_url)

    with force_pki.at(CHECKING_DAY):
        result = verify_detached(
            signed.signature,
            MANIFEST,
            force_pki.trust(),
            at_time=CHECKING_DAY,
            validation_data=signed.validation_data,
        )

    assert signed.level == SignatureLevel.B_LT
    assert signed.timestamp_time == SIGNING_DAY
    assert signed.validation_data.ocsp_responses and signed.validation_data.crls
    assert signed.notes == ()
    assert result.problems == ()
    assert result.bottom_line
    assert (result.intact, result.valid, result.trusted) == (True, True, True)
    assert result.timestamp_ok is True
    assert result.trusted_signing_time == SIGNING_DAY
    assert result.known_not_revoked
    assert result.revocation is not None
    assert result.revocation.outcome == RevocationOutcome.PASS
    assert result.revocation.trusted_time
    assert result.revocation.sources == ("the validation data stored with the signature",)
    assert result.summary()["revocation"]["status"] == "not revoked"


def test_the_validation_data_survives_the_trip_through_files_and_a_changed_file_is_refused(
    force_pki: LivePki,
) -> None:
    signed = _sign(force_pki, "officer-good", timestamp_url=force_pki.tsa_url)
    files = signed.validation_data.files()

    assert ValidationData.from_files(files) == signed.validation_data
    assert all(name.split("/")[0] in {"certificates", "ocsp", "crls"} for name in files)
    name = next(n for n in files if n.startswith("ocsp/"))
    changed = {**files, name: files[name][:-1] + bytes([files[name][-1] ^ 1])}
    with pytest.raises(Exception, match="its name is not the SHA-256 of its content"):
        ValidationData.from_files(changed)


def test_without_validation_data_or_a_crl_revocation_is_indeterminate_in_plain_words(
    force_pki: LivePki,
) -> None:
    signed = _sign(force_pki, "officer-good", timestamp_url=force_pki.tsa_url)

    result = verify_detached(signed.signature, MANIFEST, force_pki.trust(), at_time=CHECKING_DAY)

    assert result.bottom_line  # intact, valid and trusted: the unknown is reported apart
    assert not result.known_not_revoked
    assert result.revocation is not None
    assert result.revocation.outcome == RevocationOutcome.INDETERMINATE
    assert result.revocation.status == RevocationStatus.UNKNOWN
    assert "Not known whether the signer's certificate (Alex Morgan) was revoked" in (
        result.revocation.explanation
    )
    assert "no revocation information" in result.revocation.explanation


def test_a_signer_whose_certificate_is_revoked_cannot_sign_with_validation_data(
    force_pki: LivePki,
) -> None:
    with pytest.raises(SigningCertificateRevoked) as raised:
        _sign(force_pki, "officer-revoked-early", timestamp_url=force_pki.tsa_url)

    assert "Sam Early was revoked on 2025-02-01 00:00:00 UTC (key compromise)" in str(raised.value)
    assert "Nothing was signed" in str(raised.value)


def test_a_signature_made_after_revocation_fails_naming_when_and_why(
    force_pki: LivePki,
) -> None:
    # signed without fetching (as an offline workstation would), time-stamped after the
    # revocation; the evidence officer brings the CA's current CRL
    signed = _sign(
        force_pki,
        "officer-revoked-early",
        timestamp_url=force_pki.tsa_url,
        fetch_validation_data=False,
    )
    crl = CrlFile.of("interm.crl", force_pki.crl_of("interm", CHECKING_DAY))

    result = verify_detached(
        signed.signature, MANIFEST, force_pki.trust(), at_time=CHECKING_DAY, crl_files=[crl]
    )

    assert (result.intact, result.valid, result.trusted) == (True, True, True)
    assert not result.bottom_line
    assert result.revocation is not None
    assert result.revocation.outcome == RevocationOutcome.FAIL
    assert result.revocation.revoked_at == datetime.fromisoformat("2025-02-01T00:00:00+00:00")
    assert result.revocation.reason == "key compromise"
    assert result.revocation.sources == ("the CRL file interm.crl",)
    (problem,) = result.problems
    assert "was revoked on 2025-02-01 00:00 UTC (key compromise)" in problem
    assert "before the signature was time-stamped (2025-03-03 10:00 UTC)" in problem


def test_a_signature_time_stamped_before_revocation_still_verifies_with_a_note(
    force_pki: LivePki,
) -> None:
    signed = _sign(force_pki, "officer-revoked-later", timestamp_url=force_pki.tsa_url)

    with force_pki.at(CHECKING_DAY):  # the responder now says: revoked on 1 June
        result = verify_detached(
            signed.signature,
            MANIFEST,
            force_pki.trust(),
            at_time=CHECKING_DAY,
            validation_data=signed.validation_data,
            online=True,
        )

    assert result.problems == ()
    assert result.bottom_line
    assert result.revocation is not None
    assert result.revocation.outcome == RevocationOutcome.PASS
    assert result.revocation.status == RevocationStatus.REVOKED
    assert result.revocation.revoked_at == datetime.fromisoformat("2025-06-01T00:00:00+00:00")
    assert "the answers fetched online just now" in result.revocation.sources
    assert any(
        "after the signature was time-stamped (2025-03-03 10:00 UTC)" in w for w in result.warnings
    )


def test_a_revoked_certificate_fails_when_the_signing_time_is_only_the_signers_claim(
    force_pki: LivePki,
) -> None:
    signed = _sign(force_pki, "officer-revoked-later", fetch_validation_data=False)
    crl = CrlFile.of("interm.crl", force_pki.crl_of("interm", CHECKING_DAY))

    result = verify_detached(
        signed.signature, MANIFEST, force_pki.trust(), at_time=CHECKING_DAY, crl_files=[crl]
    )

    assert signed.level == SignatureLevel.B_B
    assert "only the signer's claim" in signed.notes[0]
    assert result.trusted_signing_time is None
    assert not result.bottom_line
    assert result.revocation is not None
    assert result.revocation.outcome == RevocationOutcome.FAIL
    assert "could have been made after the revocation" in result.problems[0]
    assert any("only the signer's claim" in w for w in result.warnings)


def test_a_certificate_expired_since_signing_passes_with_trusted_time_and_validation_data(
    force_pki: LivePki,
) -> None:
    signed = _sign(force_pki, "officer-short-lived", timestamp_url=force_pki.tsa_url)
    later = CHECKING_DAY + timedelta(days=365)

    with force_pki.at(later):
        result = verify_detached(
            signed.signature,
            MANIFEST,
            force_pki.trust(),
            at_time=later,
            validation_data=signed.validation_data,
        )

    assert result.signer is not None and result.signer.not_after < CHECKING_DAY
    assert result.problems == ()
    assert result.bottom_line
    assert result.known_not_revoked


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        (Misbehaviour.SLOW, "did not answer within 0.5 seconds"),
        (Misbehaviour.WRONG_NONCE, "answered with a different nonce from the one sent"),
        (Misbehaviour.OTHER_DATA, "over other data than was sent"),
        (Misbehaviour.NOT_A_TSA, "its answer is not a time-stamp response"),
    ],
)
def test_a_misbehaving_time_stamping_service_stops_signing_and_says_what_it_did(
    force_pki: LivePki, how: Misbehaviour, expected: str
) -> None:
    with (
        misbehaving_tsa(force_pki, how, SIGNING_DAY) as url,
        pytest.raises(TimestampServiceFailed) as raised,
    ):
        sign_detached(
            MANIFEST,
            force_pki.credential("officer-good"),
            clock=_clock(SIGNING_DAY),
            timestamp_url=url,
            timestamp_timeout=0.5,
        )

    message = str(raised.value)
    assert expected in message
    assert "Nothing was signed" in message
    assert "sign without trusted time" in message


def test_a_time_stamping_service_that_is_down_stops_signing(force_pki: LivePki) -> None:
    url = unused_local_url()

    with pytest.raises(TimestampServiceFailed, match="could not be reached"):
        sign_detached(
            MANIFEST,
            force_pki.credential("officer-good"),
            clock=_clock(SIGNING_DAY),
            timestamp_url=url,
        )


def test_a_forged_or_transplanted_time_stamp_token_is_not_a_trusted_time(
    force_pki: LivePki,
) -> None:
    first = _sign(force_pki, "officer-good", timestamp_url=force_pki.tsa_url).signature
    other = _sign(force_pki, "officer-good", timestamp_url=force_pki.tsa_url).signature
    token = signature_timestamp_token(first)
    other_token = signature_timestamp_token(other)
    assert token is not None and other_token is not None and token != other_token
    transplanted = _with_token(first, other_token)
    # flip a bit of the token's own signature value (the last bytes of an ECDSA signature)
    forged = _with_token(first, token[:-3] + bytes([token[-3] ^ 0x01]) + token[-2:])

    moved = verify_detached(transplanted, MANIFEST, force_pki.trust(), at_time=CHECKING_DAY)
    broken = verify_detached(forged, MANIFEST, force_pki.trust(), at_time=CHECKING_DAY)

    for result in (moved, broken):
        assert result.intact and result.valid  # the officer's own signature is untouched
        assert result.timestamp_ok is False
        assert result.trusted_signing_time is None
        assert not result.bottom_line
    assert any("not over this signature" in p for p in moved.problems)
    assert any("does not verify" in p for p in broken.problems)


def _with_token(signature: bytes, token: bytes) -> bytes:
    """The signature with its signature time-stamp replaced by ``token``."""
    info = cms.ContentInfo.load(signature)
    signer_info = info["content"]["signer_infos"][0]
    signer_info["unsigned_attrs"] = cms.CMSAttributes(
        [
            cms.CMSAttribute(
                {
                    "type": "signature_time_stamp_token",
                    "values": [cms.ContentInfo.load(token)],
                }
            )
        ]
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": info["content"]}).dump(
        force=True
    )


def test_a_crl_issued_after_the_certificate_expired_proves_nothing_about_it(
    force_pki: LivePki,
) -> None:
    # no validation data kept at signing; the CA's CRL of September no longer lists
    # certificates that expired in April, so it cannot say this one was never revoked
    signed = _sign(
        force_pki,
        "officer-short-lived",
        timestamp_url=force_pki.tsa_url,
        fetch_validation_data=False,
    )
    crl = CrlFile.of("interm.crl", force_pki.crl_of("interm", CHECKING_DAY))

    result = verify_detached(
        signed.signature, MANIFEST, force_pki.trust(), at_time=CHECKING_DAY, crl_files=[crl]
    )

    assert result.bottom_line
    assert not result.known_not_revoked
    assert result.revocation is not None
    assert result.revocation.outcome == RevocationOutcome.INDETERMINATE
    assert "after the certificate expired" in result.revocation.explanation
