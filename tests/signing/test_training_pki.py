"""A trainer makes a test identity; it says TEST wherever anyone can see it."""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from rvr_desktop.evidence.signing.certs import TEST_ORGANISATION
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault, audit
from signing.pdfs import SIGNATURE_BOX
from tests.core.clocks import FakeClock


def _organisation(name: x509.Name) -> str:
    return str(name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value)


def test_test_identity_is_labelled_test_in_certificate_and_summary(
    credential: SigningCredential,
) -> None:
    cert = credential.certificate
    root = credential.chain[0]

    assert credential.is_test_identity
    assert _organisation(cert.subject) == TEST_ORGANISATION
    assert _organisation(root.subject) == TEST_ORGANISATION
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Alex Morgan (TEST)"
    assert str(root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value).endswith(
        " (TEST)"
    )
    summary = credential.summary()
    assert summary.is_test_identity
    assert summary.display_lines()[0] == "TEST IDENTITY - NOT FOR EVIDENCE"
    assert summary.officer_number == "4417"


def test_test_certificate_can_sign_documents_and_email_and_nothing_else(
    credential: SigningCredential,
) -> None:
    cert = credential.certificate
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value

    assert usage.digital_signature and usage.content_commitment
    assert not (usage.key_cert_sign or usage.key_encipherment)
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36") in eku
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_trainer_creates_a_test_identity_in_the_vault_and_gets_the_root_file(
    vault: Vault, officer: OfficerProfile, tmp_path: Path, statement: bytes, now: datetime
) -> None:
    made = create_test_identity_in_vault(vault, officer, tmp_path / "training-roots")

    assert made.root_pem_path.parent == tmp_path / "training-roots"
    assert stat.S_IMODE(made.root_pem_path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" not in made.root_pem_path.read_bytes()
    stored = load_credential(vault)
    assert stored.is_test_identity
    assert stored.certificate == made.credential.certificate
    with vault.reader() as tx:
        last = list(audit.iter_records(tx))[-1].body
    assert last is not None and last.action == "identity.test_created"

    signed = sign_pdf(
        statement, stored, officer, SIGNATURE_BOX, clock=FakeClock(int(now.timestamp() * 1000))
    )
    check = validate_pdf(signed, TrustStore.from_paths([made.root_pem_path]), at_time=now)
    assert check.bottom_line
    assert check.is_test_identity
    assert check.warnings and "TEST identity" in check.warnings[0]
    assert check.summary()["is_test_identity"] is True
