"""The officer imports the force's .p12 file; every way it can be wrong gets its own message."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.signing.credential import (
    SigningCredential,
    check_certificate,
    load_pkcs12,
)
from rvr_desktop.evidence.signing.errors import (
    CertificateDamaged,
    CertificateExpired,
    CertificateNotYetValid,
    CredentialFileUnreadable,
    CredentialHasNoKey,
    KeyDoesNotMatchCertificate,
    NoSigningIdentity,
    NotACredentialFile,
    StoredIdentityDamaged,
    UnsupportedKeyType,
    WrongCredentialPassword,
)
from rvr_desktop.evidence.signing.identity_store import (
    CREDENTIAL_SETTING,
    import_pkcs12_file,
    import_pkcs12_into_vault,
    load_credential,
    stored_identity,
)
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.vault import Vault, audit
from signing.keys import KEY_USAGE, certificate_with_damaged_extension, credential_with_key

PASSWORD = "force-pki-issued-password"


def _p12(credential: SigningCredential, *, key: object = "same", password: str = PASSWORD) -> bytes:
    private_key = credential.private_key if key == "same" else key
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"officer",
        private_key,  # type: ignore[arg-type]
        credential.certificate,
        list(credential.chain),
        encryption,
    )


def test_officer_imports_a_p12_and_the_vault_keeps_it_with_an_audit_record(
    vault: Vault, credential: SigningCredential
) -> None:
    imported = import_pkcs12_into_vault(vault, _p12(credential), PASSWORD)

    assert imported.certificate == credential.certificate
    assert imported.chain == credential.chain
    loaded = load_credential(vault)
    assert loaded.certificate == credential.certificate
    assert loaded.private_key.private_numbers() == credential.private_key.private_numbers()  # type: ignore[union-attr]
    assert loaded.is_test_identity
    with vault.reader() as tx:
        records = list(audit.iter_records(tx))
    last = records[-1].body
    assert last is not None
    assert last.action == "identity.imported"
    assert last.subject == f"identity:{credential.fingerprint}"
    summary = stored_identity(vault)
    assert summary is not None and summary.sha256_fingerprint == credential.fingerprint


def test_import_from_a_file_and_from_a_missing_file(
    vault: Vault, credential: SigningCredential, tmp_path: Path
) -> None:
    path = tmp_path / "officer.p12"
    path.write_bytes(_p12(credential))

    assert import_pkcs12_file(vault, path, PASSWORD).certificate == credential.certificate
    with pytest.raises(CredentialFileUnreadable, match="could not be read"):
        import_pkcs12_file(vault, tmp_path / "missing.p12", PASSWORD)


def test_private_key_is_stored_only_inside_the_vault_database(
    vault: Vault, credential: SigningCredential, vault_dir: Path
) -> None:
    import_pkcs12_into_vault(vault, _p12(credential), PASSWORD)
    key_der = credential.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    vault.lock()

    for path in vault_dir.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert key_der not in raw and base64.b64encode(key_der)[:40] not in raw, path


def test_wrong_password_is_refused_with_a_clear_message(
    vault: Vault, credential: SigningCredential
) -> None:
    with pytest.raises(WrongCredentialPassword, match="Wrong password") as caught:
        import_pkcs12_into_vault(vault, _p12(credential), "not the password")

    assert isinstance(caught.value, InvalidInput)
    assert "not your vault passphrase" in str(caught.value)
    with pytest.raises(NoSigningIdentity):
        load_credential(vault)


def test_a_p12_without_password_opens_with_an_empty_password(
    credential: SigningCredential, now: datetime
) -> None:
    loaded = load_pkcs12(_p12(credential, password=""), "", now=now)
    assert loaded.certificate == credential.certificate


def test_a_file_that_is_not_pkcs12_is_refused(credential: SigningCredential, now: datetime) -> None:
    pem = credential.certificate.public_bytes(serialization.Encoding.PEM)
    for not_p12 in (b"", b"just some text", pem, b"%PDF-1.7\n"):
        with pytest.raises(NotACredentialFile, match="not a PKCS#12"):
            load_pkcs12(not_p12, PASSWORD, now=now)


def test_a_p12_without_a_private_key_is_refused(
    credential: SigningCredential, now: datetime
) -> None:
    with pytest.raises(CredentialHasNoKey, match="no private key"):
        load_pkcs12(_p12(credential, key=None), PASSWORD, now=now)


def test_expired_and_not_yet_valid_certificates_are_refused(
    credential: SigningCredential, now: datetime
) -> None:
    with pytest.raises(CertificateExpired, match="expired on"):
        load_pkcs12(_p12(credential), PASSWORD, now=now + timedelta(days=800))
    with pytest.raises(CertificateNotYetValid, match="not valid until"):
        load_pkcs12(_p12(credential), PASSWORD, now=now - timedelta(days=1))


def test_a_certificate_whose_extensions_are_damaged_is_refused(now: datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate_with_damaged_extension(key, "Alex Morgan", damaged=KEY_USAGE, now=now)
    p12 = pkcs12.serialize_key_and_certificates(
        b"officer", key, cert, None, serialization.BestAvailableEncryption(PASSWORD.encode())
    )
    with pytest.raises(CertificateDamaged, match="extensions cannot be read"):
        load_pkcs12(p12, PASSWORD, now=now)


def test_a_key_that_is_not_the_certificates_is_refused(
    credential: SigningCredential, now: datetime
) -> None:
    # cryptography and openssl both refuse to write such a .p12, so check the rule directly
    stranger = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(KeyDoesNotMatchCertificate):
        check_certificate(credential.certificate, stranger, now=now)


def test_key_types_we_cannot_sign_with_are_refused(
    authority: TrainingCertificateAuthority, officer: OfficerProfile, now: datetime
) -> None:
    for key, expected in (
        (ed25519.Ed25519PrivateKey.generate(), "Ed25519"),
        (
            rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505 (the weak key under test)
            "1024-bit RSA",
        ),
        (ec.generate_private_key(ec.SECP256K1()), "secp256k1"),
    ):
        p12 = credential_with_key(authority, officer, key, now=now, password=PASSWORD)
        with pytest.raises(UnsupportedKeyType, match=expected):
            load_pkcs12(p12, PASSWORD, now=now)


def test_an_rsa_credential_from_a_force_pki_is_accepted(
    authority: TrainingCertificateAuthority, officer: OfficerProfile, now: datetime
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    p12 = credential_with_key(authority, officer, key, now=now, password=PASSWORD)

    assert isinstance(load_pkcs12(p12, PASSWORD, now=now).private_key, rsa.RSAPrivateKey)


def test_credential_round_trips_through_its_storage_form(credential: SigningCredential) -> None:
    again = SigningCredential.from_bytes(credential.to_bytes())

    assert again.certificate == credential.certificate
    assert again.chain == credential.chain
    assert again.is_test_identity
    assert "private_key" not in repr(credential)


def test_damaged_storage_is_reported_not_a_traceback(
    vault: Vault, credential: SigningCredential
) -> None:
    stored = credential.to_bytes()
    for damaged in (
        b"not json",
        b"[]",
        stored.replace(b'"version":1', b'"version":2'),
        stored.replace(b'"private_key_pkcs8":"', b'"private_key_pkcs8":"AAAA'),
        stored.replace(b'"is_test_identity":true', b'"is_test_identity":true,"extra":1'),
    ):
        with pytest.raises(StoredIdentityDamaged):
            SigningCredential.from_bytes(damaged)

    with vault.transaction() as tx:
        vault.put_setting(tx, CREDENTIAL_SETTING, "%%% not base64 %%%")
    with pytest.raises(StoredIdentityDamaged, match=r"Import your \.p12 file again"):
        load_credential(vault)
