"""Keeping the bundle's signature alive for years: archive time-stamps over the signed tag
manifest, its signature, earlier archive time-stamps and their validation data, each
checked at the time the next one proves — against a real PKI on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from rvr_desktop.evidence.signing.archive import (
    ArchiveTimestamp,
    add_archive_timestamp,
    archive_files,
    read_archive_files,
    verify_archive_timestamps,
)
from rvr_desktop.evidence.signing.cms import DetachedSignature, sign_detached_long_term
from rvr_desktop.evidence.signing.errors import TimestampServiceFailed, ValidationDataUnreadable
from rvr_desktop.evidence.signing.trust import TrustStore
from signing.live_pki import SIGNING_DAY, LivePki
from signing.misbehaving_tsa import Misbehaviour, misbehaving_tsa
from tests.core.clocks import FakeClock

MANIFEST = b"9f86d081884c7d65  bagit.txt\n2c26b46b68ffc68f  manifest-sha256.txt\n"
FIRST_RENEWAL = datetime(2027, 3, 1, 9, 0, tzinfo=SIGNING_DAY.tzinfo)
SECOND_RENEWAL = datetime(2031, 3, 1, 9, 0, tzinfo=SIGNING_DAY.tzinfo)
COURT_DAY = datetime(2032, 6, 1, 9, 0, tzinfo=SIGNING_DAY.tzinfo)


def _signed(pki: LivePki, officer: str = "officer-short-lived") -> DetachedSignature:
    with pki.at(SIGNING_DAY):
        return sign_detached_long_term(
            MANIFEST,
            pki.credential(officer),
            clock=FakeClock(int(SIGNING_DAY.timestamp() * 1000)),
            timestamp_url=pki.tsa_url,
        )


def _renew(
    pki: LivePki, signed: DetachedSignature, earlier: tuple[ArchiveTimestamp, ...], when: datetime
) -> tuple[ArchiveTimestamp, ...]:
    with pki.at(when):
        fresh = add_archive_timestamp(
            MANIFEST,
            [signed.signature],
            earlier,
            timestamp_url=pki.tsa_url,
            signature_validation_data=signed.validation_data,
        )
    return (*earlier, fresh)


def _verify(pki: LivePki, signed: DetachedSignature, chain: tuple[ArchiveTimestamp, ...]):  # type: ignore[no-untyped-def]
    with pki.at(COURT_DAY):
        return verify_archive_timestamps(
            MANIFEST,
            [signed.signature],
            chain,
            pki.trust(),
            signature_validation_data=signed.validation_data,
            at_time=COURT_DAY,
            online=True,
        )


def test_a_chain_of_archive_time_stamps_verifies_years_after_the_certificate_expired(
    force_pki: LivePki,
) -> None:
    signed = _signed(force_pki)
    chain = _renew(force_pki, signed, (), FIRST_RENEWAL)
    chain = _renew(force_pki, signed, chain, SECOND_RENEWAL)

    result = _verify(force_pki, signed, chain)

    assert result.problems == ()
    assert result.bottom_line
    assert [t.time for t in result.timestamps] == [FIRST_RENEWAL, SECOND_RENEWAL]
    first, second = result.timestamps
    assert first.checked_at == SECOND_RENEWAL  # checked at the time the next one proves
    assert second.checked_at == COURT_DAY
    assert first.revocation is not None and first.revocation.known_not_revoked
    assert second.revocation is not None and second.revocation.known_not_revoked
    assert result.proven_existence_time == FIRST_RENEWAL
    # the second token covers the first and the validation data fetched for it
    assert chain[1].validation_data.ocsp_responses or chain[1].validation_data.crls
    assert result.summary()["bottom_line"] is True


def test_archive_time_stamps_survive_the_trip_through_files(force_pki: LivePki) -> None:
    signed = _signed(force_pki)
    chain = _renew(force_pki, signed, (), FIRST_RENEWAL)
    chain = _renew(force_pki, signed, chain, SECOND_RENEWAL)
    files = archive_files(chain)

    assert read_archive_files(files) == chain
    assert "0001.tst" in files and "0002.tst" in files
    assert any(name.startswith("0002/ocsp/") or name.startswith("0002/crls/") for name in files)
    gap = {n: d for n, d in files.items() if not n.startswith("0001")}
    with pytest.raises(ValidationDataUnreadable, match="without a gap"):
        read_archive_files(gap)
    with pytest.raises(ValidationDataUnreadable, match="belongs to no archive time-stamp"):
        read_archive_files({**files, "0003/ocsp/stray.der": b"x"})


@pytest.mark.parametrize(
    "what",
    ["tag manifest", "signature", "earlier token", "earlier validation data", "order"],
)
def test_a_change_to_anything_an_archive_time_stamp_covers_is_caught(
    force_pki: LivePki, what: str
) -> None:
    signed = _signed(force_pki)
    other = _signed(force_pki)
    chain = _renew(force_pki, signed, (), FIRST_RENEWAL)
    chain = _renew(force_pki, signed, chain, SECOND_RENEWAL)
    manifest, signature = MANIFEST, signed.signature
    if what == "tag manifest":
        manifest = MANIFEST.replace(b"9f86", b"9f87")
    elif what == "signature":
        signature = other.signature
    elif what == "earlier token":
        replacement = _renew(force_pki, other, (), FIRST_RENEWAL)[0]
        chain = (ArchiveTimestamp(replacement.token, chain[0].validation_data), chain[1])
    elif what == "earlier validation data":
        chain = (ArchiveTimestamp(chain[0].token, other.validation_data), chain[1])
    else:
        chain = (chain[1], chain[0])

    with force_pki.at(COURT_DAY):
        result = verify_archive_timestamps(
            manifest,
            [signature],
            chain,
            force_pki.trust(),
            signature_validation_data=signed.validation_data,
            at_time=COURT_DAY,
        )

    assert not result.bottom_line
    assert result.proven_existence_time is None
    assert any(
        "is not over what the bundle now holds" in p or "out of order" in p for p in result.problems
    )


def test_a_forged_archive_time_stamp_is_refused(force_pki: LivePki) -> None:
    signed = _signed(force_pki)
    (stamp,) = _renew(force_pki, signed, (), FIRST_RENEWAL)
    forged = ArchiveTimestamp(
        stamp.token[:-3] + bytes([stamp.token[-3] ^ 0x01]) + stamp.token[-2:],
        stamp.validation_data,
    )

    result = _verify(force_pki, signed, (forged,))

    assert not result.bottom_line
    assert "cannot be read: its signature does not verify" in result.problems[0]


def test_the_newest_archive_time_stamp_without_current_revocation_information_is_noted(
    force_pki: LivePki,
) -> None:
    signed = _signed(force_pki)
    chain = _renew(force_pki, signed, (), FIRST_RENEWAL)

    result = verify_archive_timestamps(
        MANIFEST,
        [signed.signature],
        chain,
        force_pki.trust(),
        signature_validation_data=signed.validation_data,
        at_time=COURT_DAY,
    )

    assert result.bottom_line  # unknown is not failed
    assert len(result.notes) == 1
    assert "Archive time-stamp 1: Not known whether" in result.notes[0]


def test_a_failing_service_adds_no_archive_time_stamp(force_pki: LivePki) -> None:
    signed = _signed(force_pki)

    with (
        misbehaving_tsa(force_pki, Misbehaviour.WRONG_NONCE, FIRST_RENEWAL) as url,
        force_pki.at(FIRST_RENEWAL),
        pytest.raises(TimestampServiceFailed, match="different nonce"),
    ):
        add_archive_timestamp(MANIFEST, [signed.signature], (), timestamp_url=url)


def test_the_signature_time_stamp_is_checked_at_the_time_the_first_archive_time_stamp_proves(
    force_pki: LivePki,
) -> None:
    from rvr_desktop.evidence.signing.cms import verify_detached

    signed = _signed(force_pki)
    chain = _renew(force_pki, signed, (), FIRST_RENEWAL)
    archive = _verify(force_pki, signed, chain)

    result = verify_detached(
        signed.signature,
        MANIFEST,
        force_pki.trust(),
        at_time=COURT_DAY + timedelta(days=1),
        validation_data=signed.validation_data,
        timestamp_checked_at=archive.proven_existence_time,
    )

    assert archive.proven_existence_time == FIRST_RENEWAL
    assert result.bottom_line
    assert result.known_not_revoked


def test_an_archive_time_stamp_from_a_unit_nobody_trusts_is_refused(force_pki: LivePki) -> None:
    signed = _signed(force_pki)
    chain = _renew(force_pki, signed, (), FIRST_RENEWAL)

    result = verify_archive_timestamps(
        MANIFEST,
        [signed.signature],
        chain,
        TrustStore.empty(),
        signature_validation_data=signed.validation_data,
        at_time=COURT_DAY,
    )

    assert not result.bottom_line
    assert result.timestamps[0].intact and not result.timestamps[0].trusted
    assert "does not chain to a trusted root" in result.problems[0]
