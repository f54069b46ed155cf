"""An evidence officer points RVR Desktop at the force's root certificates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.errors import (
    TrustRootNotCa,
    TrustRootNotPem,
    TrustRootUnreadable,
)
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.signing.trust import TrustStore
from signing.keys import BASIC_CONSTRAINTS, certificate_with_damaged_extension


def test_trust_store_ships_empty() -> None:
    assert TrustStore.empty().roots == ()
    assert TrustStore.empty().to_json() == []


def test_roots_load_from_several_files_with_one_or_many_each(tmp_path: Path, now: datetime) -> None:
    first, second, third = (TrainingCertificateAuthority.create(now=now) for _ in range(3))
    one = tmp_path / "one.pem"
    one.write_bytes(first.root_pem())
    many = tmp_path / "many.pem"
    many.write_bytes(second.root_pem() + b"\n" + third.root_pem() + first.root_pem())

    store = TrustStore.from_paths([one, many])

    assert [r.certificate for r in store.roots] == [
        first.certificate,
        second.certificate,
        third.certificate,
    ]
    assert store.roots[0].source == str(one)
    listed = store.to_json()[1]
    assert listed["subject"] == second.certificate.subject.rfc4514_string()
    assert len(listed["sha256_fingerprint"]) == 64
    assert store.roots[1].summary.is_test_identity


def test_unusable_trust_files_are_refused_with_the_reason(
    tmp_path: Path, credential: SigningCredential
) -> None:
    with pytest.raises(TrustRootUnreadable, match="could not be read"):
        TrustStore.from_paths([tmp_path / "missing.pem"])

    der = tmp_path / "root.der"
    der.write_bytes(credential.chain[0].public_bytes(serialization.Encoding.DER))
    with pytest.raises(TrustRootNotPem, match="no '-----BEGIN CERTIFICATE-----' block"):
        TrustStore.from_paths([der])

    officer_cert = tmp_path / "officer.pem"
    officer_cert.write_bytes(credential.certificate.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(TrustRootNotCa, match="Alex Morgan"):
        TrustStore.from_paths([officer_cert])

    with_key = tmp_path / "with-key.pem"
    with_key.write_bytes(
        credential.chain[0].public_bytes(serialization.Encoding.PEM)
        + credential.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(TrustRootNotPem, match="PRIVATE KEY"):
        TrustStore.from_paths([with_key])

    damaged = tmp_path / "damaged.pem"
    damaged.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(TrustRootNotPem, match="damaged"):
        TrustStore.from_paths([damaged])


def test_a_root_whose_extensions_are_damaged_is_refused_with_the_reason(
    tmp_path: Path, now: datetime
) -> None:
    """Found by fuzzing: the extensions are parsed only when first read, and a damaged one
    gave a traceback instead of our message."""
    root = certificate_with_damaged_extension(
        ec.generate_private_key(ec.SECP256R1()), "Damaged Root", damaged=BASIC_CONSTRAINTS, now=now
    )
    damaged = tmp_path / "damaged-extension.pem"
    damaged.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(TrustRootNotPem, match="extensions are damaged"):
        TrustStore.from_paths([damaged])
