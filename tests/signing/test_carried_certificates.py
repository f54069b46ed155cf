"""A signature carrying a mesh of certificates is not checked: pyHanko tries every path
through what a signature carries, and a mesh of 7 layers of 9 took it 100 seconds."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from rvr_desktop.evidence.signing.certs import MAX_CARRIED_CERTIFICATES
from rvr_desktop.evidence.signing.cms import sign_detached, verify_detached
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.trust import TrustStore
from tests.core.clocks import FakeClock
from tests.signing.pdfs import SIGNATURE_BOX


def _strangers(count: int, now: datetime) -> tuple[x509.Certificate, ...]:
    key = ec.generate_private_key(ec.SECP256R1())
    made = []
    for number in range(count):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Mesh {number}")])
        made.append(
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(number + 1)
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256())
        )
    return tuple(made)


@pytest.fixture
def laden(credential: SigningCredential, now: datetime) -> SigningCredential:
    """The officer's own key, its chain padded past what any signature carries."""
    extra = MAX_CARRIED_CERTIFICATES + 1 - 1 - len(credential.chain)
    return dataclasses.replace(credential, chain=credential.chain + _strangers(extra, now))


def test_a_detached_signature_carrying_too_many_certificates_is_not_checked(
    credential: SigningCredential, laden: SigningCredential, trust: TrustStore, now: datetime
) -> None:
    assert verify_detached(sign_detached(b"tag manifest", credential), b"tag manifest", trust).valid
    check = verify_detached(sign_detached(b"tag manifest", laden), b"tag manifest", trust)
    assert not check.valid
    assert any(
        f"carries {MAX_CARRIED_CERTIFICATES + 1} certificates" in p for p in check.problems
    ), check.problems


def test_a_signed_statement_carrying_too_many_certificates_is_not_checked(
    statement: bytes,
    laden: SigningCredential,
    officer: OfficerProfile,
    trust: TrustStore,
    clock: FakeClock,
    now: datetime,
) -> None:
    signed = sign_pdf(statement, laden, officer, SIGNATURE_BOX, clock=clock)
    check = validate_pdf(signed, trust, at_time=now)
    assert not check.intact and not check.valid
    assert any(
        f"carries {MAX_CARRIED_CERTIFICATES + 1} certificates" in p for p in check.problems
    ), check.problems
