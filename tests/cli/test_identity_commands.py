"""The officer sets up a signing identity from the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from rvr_desktop.cli.main import main
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF


@pytest.fixture
def vault_args(tmp_path: Path) -> list[str]:
    pw = tmp_path / "pw"
    pw.write_text("a long enough passphrase\n")
    # Created with the cheap test KDF (through the explicit parameter) to keep tests quick.
    Vault.create(tmp_path / "v", "a long enough passphrase", kdf=FAST_INSECURE_KDF).lock()
    return ["--vault", str(tmp_path / "v"), "--passphrase-file", str(pw)]


def test_test_ca_needs_a_profile_first(
    vault_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["identity", "test-ca", *vault_args, "--out", str(tmp_path / "pki")]) == 1
    assert "Set the officer profile first" in capsys.readouterr().err


def test_officer_creates_a_labelled_test_identity(
    vault_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["identity", "profile", *vault_args, "--name", "Jane Smith", "--number", "PC 1234"])
        == 0
    )
    assert main(["identity", "test-ca", *vault_args, "--out", str(tmp_path / "pki")]) == 0
    (root,) = (tmp_path / "pki").glob("*.pem")
    assert root.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert main(["identity", "show", *vault_args]) == 0
    out = capsys.readouterr().out
    assert "TEST IDENTITY - NOT FOR EVIDENCE" in out and "Jane Smith" in out


def test_officer_imports_the_force_p12_and_a_wrong_password_is_clear(
    vault_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    authority = TrainingCertificateAuthority.create(now=now)
    credential = authority.issue_officer(OfficerProfile("Jane Smith", "PC 1234"), now=now)
    p12 = tmp_path / "officer.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"officer",
            credential.private_key,
            credential.certificate,
            None,
            BestAvailableEncryption(b"p12 password"),
        )
    )
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    assert (
        main(["identity", "import", *vault_args, str(p12), "--p12-password-file", str(wrong)]) == 1
    )
    assert "password" in capsys.readouterr().err.lower()
    right = tmp_path / "right"
    right.write_text("p12 password\n")
    assert (
        main(["identity", "import", *vault_args, str(p12), "--p12-password-file", str(right)]) == 0
    )
    assert "Jane Smith" in capsys.readouterr().out


def test_officer_exports_a_case_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rvr_desktop.evidence.demo import build_demo_vault

    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    out = tmp_path / "out"
    out.mkdir()
    args = ["--vault", str(demo.root), "--passphrase-file", str(demo.passphrase_file)]
    code = main(
        [
            "export",
            *args,
            "--case",
            demo.case_reference.lower(),
            "--out",
            str(out),
            "--zip",
            "--recipient",
            "CPS Direct",
            "--reason",
            "Charging decision",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Audit chain code" in printed
    (bundle,) = out.iterdir()
    assert bundle.suffix == ".zip"
    from rvr_desktop.cli.verify import main as rvr_verify

    assert rvr_verify([str(bundle), "--trust", str(demo.trust_root)]) == 0


def test_export_without_a_recipient_says_what_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["export", "--vault", str(tmp_path), "--case", "X-1234", "--out", str(tmp_path)])
    assert code == 1
    assert "Give --recipient" in capsys.readouterr().err
