"""Fixtures for the signing tests: an officer, a test CA and identity, a trust store, a PDF."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.test_pki import TestCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore
from tests.core.clocks import FakeClock

from .pdfs import statement_pdf

# Today, to the second: certificates and outside tools (pdfsig, openssl) check validity
# against the real clock, so the test PKI and the signing clock live in the present.
SIGNING_MS = time.time_ns() // 1_000_000_000 * 1000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SIGNING_MS)


@pytest.fixture
def now() -> datetime:
    return datetime.fromtimestamp(SIGNING_MS / 1000, tz=UTC)


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
def authority(now: datetime) -> TestCertificateAuthority:
    return TestCertificateAuthority.create(now=now)


@pytest.fixture
def credential(
    authority: TestCertificateAuthority, officer: OfficerProfile, now: datetime
) -> SigningCredential:
    return authority.issue_officer(officer, now=now)


@pytest.fixture
def trust(authority: TestCertificateAuthority) -> TrustStore:
    return TrustStore.from_pem(authority.root_pem(), "test root")


@pytest.fixture
def statement() -> bytes:
    return statement_pdf()
