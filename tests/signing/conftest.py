"""Fixtures for the signing tests: an officer, a test CA and identity, a trust store, a PDF."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore
from signing.live_pki import LivePki, live_pki
from signing.pdfs import statement_pdf
from tests.core.clocks import FakeClock


@pytest.fixture
def signing_ms() -> int:
    """This test's present, to the second.

    Certificates and outside tools (pdfsig, openssl) check validity against the real clock,
    so the test PKI and the signing clock live in the present: read when each test starts,
    never when the module is imported, so a long run before it cannot put the signing time
    before a certificate made later from the real clock.
    """
    return time.time_ns() // 1_000_000_000 * 1000


@pytest.fixture
def clock(signing_ms: int) -> FakeClock:
    return FakeClock(signing_ms)


@pytest.fixture
def now(signing_ms: int) -> datetime:
    return datetime.fromtimestamp(signing_ms / 1000, tz=UTC)


@pytest.fixture
def officer() -> OfficerProfile:
    return OfficerProfile(
        name="Alex Morgan",
        collar_number="4417",
        rank="PC",
        station="Riverside",
        force="Example Constabulary",
    )


@pytest.fixture
def authority(now: datetime) -> TrainingCertificateAuthority:
    return TrainingCertificateAuthority.create(now=now)


@pytest.fixture
def credential(
    authority: TrainingCertificateAuthority, officer: OfficerProfile, now: datetime
) -> SigningCredential:
    return authority.issue_officer(officer, now=now)


@pytest.fixture
def trust(authority: TrainingCertificateAuthority) -> TrustStore:
    return TrustStore.from_pem(authority.root_pem(), "test root")


@pytest.fixture
def statement() -> bytes:
    return statement_pdf()


@pytest.fixture(scope="session")
def force_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePki]:
    """The force PKI (certomancer's Animator) on 127.0.0.1, started once per test session
    (per worker) when a test first asks for it, and stopped when the session ends."""
    with live_pki(tmp_path_factory.mktemp("force-pki")) as pki:
        yield pki
