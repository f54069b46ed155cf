"""The signed statement still verifies when the case reaches court: PAdES B-LTA (the
signature's time-stamp, the validation data in a DSS, a document time-stamp over it all),
and revocation weighed by the rules — against a real PKI on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rvr_desktop.evidence.signing.errors import SigningCertificateRevoked, TimestampServiceFailed
from rvr_desktop.evidence.signing.long_term import CrlFile, SignatureLevel
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import SignedPdf, sign_pdf, sign_pdf_long_term
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.revocation import RevocationOutcome, RevocationStatus
from signing.live_pki import CHECKING_DAY, SIGNING_DAY, LivePki
from signing.misbehaving_tsa import Misbehaviour, misbehaving_tsa
from signing.pdfs import SIGNATURE_BOX, append_after_eof, append_incremental_update
from tests.core.clocks import FakeClock

SIGNING_CLOCK_MS = int(SIGNING_DAY.timestamp() * 1000)


def _sign(
    pki: LivePki, officer: OfficerProfile, label: str, statement: bytes, **kwargs: object
) -> SignedPdf:
    with pki.at(SIGNING_DAY):
        return sign_pdf_long_term(
            statement,
            pki.credential(label),
            officer,
            SIGNATURE_BOX,
            clock=FakeClock(SIGNING_CLOCK_MS),
            **kwargs,  # type: ignore[arg-type]
        )


def test_a_statement_signed_with_a_reachable_pki_is_pades_b_lta(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    signed = _sign(force_pki, officer, "officer-good", statement, timestamp_url=force_pki.tsa_url)

    check = validate_pdf(signed.pdf, force_pki.trust(), at_time=SIGNING_DAY + timedelta(hours=1))

    assert signed.level == SignatureLevel.B_LTA
    assert signed.notes == ()
    assert signed.pdf.startswith(statement)  # the rendered bytes are untouched
    assert check.problems == ()
    assert check.bottom_line
    assert check.level == SignatureLevel.B_LTA
    assert check.covers_whole_file and check.modification_free
    assert check.trusted_signing_time == SIGNING_DAY
    assert check.document_timestamps == (SIGNING_DAY,)
    assert check.document_timestamps_ok is True
    assert check.known_not_revoked
    assert check.revocation is not None
    assert check.revocation.sources == ("the validation data the statement carries (its DSS)",)


def test_a_statement_signed_before_expiry_still_verifies_with_its_time_stamp_and_dss(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    signed = _sign(
        force_pki, officer, "officer-short-lived", statement, timestamp_url=force_pki.tsa_url
    )

    check = validate_pdf(signed.pdf, force_pki.trust(), at_time=CHECKING_DAY)

    assert check.signer is not None and check.signer.not_after < CHECKING_DAY
    assert check.problems == ()
    assert check.bottom_line
    assert check.known_not_revoked
    assert check.revocation is not None and check.revocation.trusted_time


def test_a_statement_signed_before_revocation_still_verifies_with_its_time_stamp(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    signed = _sign(
        force_pki, officer, "officer-revoked-later", statement, timestamp_url=force_pki.tsa_url
    )
    crl = CrlFile.of("interm.crl", force_pki.crl_of("interm", CHECKING_DAY))

    check = validate_pdf(signed.pdf, force_pki.trust(), at_time=CHECKING_DAY, crl_files=[crl])

    assert check.problems == ()
    assert check.bottom_line
    assert check.revocation is not None
    assert check.revocation.outcome == RevocationOutcome.PASS
    assert check.revocation.status == RevocationStatus.REVOKED
    assert any("after the signature was time-stamped" in w for w in check.warnings)


def test_a_statement_signed_with_a_revoked_certificate_fails_naming_when_and_why(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    with pytest.raises(SigningCertificateRevoked, match="revoked on 2025-02-01"):
        _sign(
            force_pki, officer, "officer-revoked-early", statement, timestamp_url=force_pki.tsa_url
        )
    # an offline workstation cannot know: it signs B-T, and the check finds out online
    signed = _sign(
        force_pki,
        officer,
        "officer-revoked-early",
        statement,
        timestamp_url=force_pki.tsa_url,
        long_term=False,
    )

    with force_pki.at(CHECKING_DAY):
        offline = validate_pdf(signed.pdf, force_pki.trust(), at_time=CHECKING_DAY)
        online = validate_pdf(signed.pdf, force_pki.trust(), at_time=CHECKING_DAY, online=True)

    assert signed.level == SignatureLevel.B_T
    assert offline.bottom_line  # nothing carried, nothing fetched: unknown, said apart
    assert offline.revocation is not None
    assert offline.revocation.outcome == RevocationOutcome.INDETERMINATE
    assert not online.bottom_line
    assert online.revocation is not None
    assert online.revocation.outcome == RevocationOutcome.FAIL
    assert any(
        "revoked on 2025-02-01 00:00 UTC (key compromise)" in p
        and "before the signature was time-stamped" in p
        for p in online.problems
    )


def test_without_a_time_stamping_service_the_signing_time_is_only_the_signers_claim(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    signed = _sign(force_pki, officer, "officer-good", statement)

    check = validate_pdf(signed.pdf, force_pki.trust(), at_time=CHECKING_DAY)

    assert signed.level == SignatureLevel.B_B
    assert "only the signer's claim" in signed.notes[0]
    assert check.level == SignatureLevel.B_B
    assert check.trusted_signing_time is None
    assert any("only the signer's claim" in w for w in check.warnings)


@pytest.mark.parametrize(
    "tamper",
    [append_after_eof, "incremental update"],
    ids=["bytes after %%EOF", "an incremental update after the document time-stamp"],
)
def test_anything_added_after_the_document_time_stamp_is_caught(
    force_pki: LivePki,
    officer: OfficerProfile,
    statement: bytes,
    tmp_path: Path,
    tamper: object,
) -> None:
    signed = _sign(force_pki, officer, "officer-good", statement, timestamp_url=force_pki.tsa_url)
    if callable(tamper):
        changed = tamper(signed.pdf)
    else:
        path = tmp_path / "statement.pdf"
        path.write_bytes(signed.pdf)
        append_incremental_update(path)
        changed = path.read_bytes()

    check = validate_pdf(changed, force_pki.trust(), at_time=SIGNING_DAY + timedelta(hours=1))

    assert not check.bottom_line
    assert not (check.covers_whole_file and check.modification_free)


def test_a_time_stamping_service_that_fails_at_the_document_time_stamp_leaves_nothing(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    # the service stamps other data: the very first request fails, so nothing is made
    with (
        misbehaving_tsa(force_pki, Misbehaviour.OTHER_DATA, SIGNING_DAY) as url,
        pytest.raises(TimestampServiceFailed, match="over other data than was sent"),
    ):
        sign_pdf(
            statement,
            force_pki.credential("officer-good"),
            officer,
            SIGNATURE_BOX,
            clock=FakeClock(SIGNING_CLOCK_MS),
            timestamp_url=url,
        )


def test_a_statement_checked_at_a_time_before_it_was_signed_names_the_time(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    signed = _sign(force_pki, officer, "officer-good", statement, timestamp_url=force_pki.tsa_url)

    check = validate_pdf(
        signed.pdf, force_pki.trust(), at_time=datetime(2025, 1, 1, tzinfo=SIGNING_DAY.tzinfo)
    )

    assert not check.bottom_line
    assert any("in the future" in p for p in check.problems)


def test_after_the_time_stamping_unit_expired_the_statement_holds_at_the_time_a_later_proof_shows(
    force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> None:
    # the unit's certificate expires in 2055; in 2056 only a later proof (the bundle's
    # archive time-stamps) can show the file existed while it was still good
    signed = _sign(force_pki, officer, "officer-good", statement, timestamp_url=force_pki.tsa_url)
    in_2056 = datetime(2056, 6, 1, tzinfo=SIGNING_DAY.tzinfo)
    archived = datetime(2031, 3, 1, tzinfo=SIGNING_DAY.tzinfo)

    alone = validate_pdf(signed.pdf, force_pki.trust(), at_time=in_2056)
    proven = validate_pdf(signed.pdf, force_pki.trust(), at_time=in_2056, proven_at=archived)

    assert alone.document_timestamps_ok is False
    assert not alone.bottom_line
    assert proven.document_timestamps_ok is True
    assert proven.problems == ()
    assert proven.bottom_line
