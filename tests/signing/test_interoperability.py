"""Other people's tools agree with ours: poppler's pdfsig, pyHanko's CLI, and openssl cms."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvr_desktop.evidence.signing.cms import sign_detached
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.signing.training_pki import TrainingCertificateAuthority
from signing.pdfs import SIGNATURE_BOX, append_incremental_update
from signing.tools import require_tool, run
from tests.core.clocks import FakeClock


@pytest.fixture
def files(
    tmp_path: Path,
    statement: bytes,
    credential: SigningCredential,
    officer: OfficerProfile,
    authority: TrainingCertificateAuthority,
    clock: FakeClock,
) -> dict[str, Path]:
    signed = tmp_path / "statement.pdf"
    signed.write_bytes(sign_pdf(statement, credential, officer, SIGNATURE_BOX, clock=clock))
    root = tmp_path / "root.pem"
    root.write_bytes(authority.root_pem())
    return {"signed": signed, "root": root}


def _nss_db_trusting(root: Path, folder: Path) -> str:
    certutil = require_tool("certutil", "libnss3-tools")
    folder.mkdir()
    database = f"sql:{folder}"
    assert run(certutil, "-N", "--empty-password", "-d", database).returncode == 0
    # pdfsig trusts a root only for email signing (",C,"), the trust NSS uses for signatures
    added = run(certutil, "-A", "-n", "root", "-t", ",C,", "-i", root, "-d", database)
    assert added.returncode == 0, added.stderr
    return database


def test_poppler_pdfsig_accepts_the_signature_and_trusts_the_test_root(
    files: dict[str, Path], tmp_path: Path
) -> None:
    pdfsig = require_tool("pdfsig", "poppler-utils")
    database = _nss_db_trusting(files["root"], tmp_path / "nss")

    # pdfsig exits 0 whatever it finds, so read what it says
    report = run(pdfsig, "-nssdir", database, files["signed"]).stdout

    assert "Signature is Valid." in report
    assert "Total document signed" in report
    assert "Certificate is Trusted." in report
    assert "Alex Morgan (TEST)" in report


def test_poppler_pdfsig_sees_an_update_after_signing(
    files: dict[str, Path], tmp_path: Path
) -> None:
    pdfsig = require_tool("pdfsig", "poppler-utils")
    database = _nss_db_trusting(files["root"], tmp_path / "nss")
    append_incremental_update(files["signed"])

    report = run(pdfsig, "-nssdir", database, files["signed"]).stdout

    assert "Total document signed" not in report
    assert "not total document signed" in report.lower()


def test_pyhanko_command_line_validates_the_signature_against_the_test_root(
    files: dict[str, Path],
) -> None:
    pyhanko = require_tool("pyhanko", "the pyhanko-cli package")

    result = run(
        pyhanko, "sign", "validate", "--pretty-print", "--no-revocation-check",
        "--trust-replace", "--trust", files["root"], files["signed"],
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signature is judged VALID." in result.stdout
    assert "The signature covers the entire file." in result.stdout
    assert "The signer's certificate is trusted." in result.stdout


def test_pyhanko_command_line_rejects_it_without_the_root(files: dict[str, Path]) -> None:
    pyhanko = require_tool("pyhanko", "the pyhanko-cli package")

    result = run(
        pyhanko, "sign", "validate", "--pretty-print", "--no-revocation-check",
        "--trust-replace", files["signed"],
    )  # fmt: skip

    assert result.returncode != 0
    assert "The signature is judged INVALID." in result.stdout + result.stderr


def test_openssl_cms_verifies_the_manifest_signature_with_its_default_purpose(
    tmp_path: Path, credential: SigningCredential, authority: TrainingCertificateAuthority
) -> None:
    openssl = require_tool("openssl", "openssl")
    manifest = tmp_path / "tagmanifest-sha256.txt"
    manifest.write_bytes(b"0123abcd  bagit.txt\n4567ef01  manifest-sha256.txt\n")
    signature = tmp_path / "tagmanifest-sha256.txt.p7s"
    signature.write_bytes(sign_detached(manifest.read_bytes(), credential))
    root = tmp_path / "root.pem"
    root.write_bytes(authority.root_pem())

    good = run(
        openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", signature,
        "-content", manifest, "-CAfile", root, "-out", tmp_path / "out",
    )  # fmt: skip
    manifest.write_bytes(manifest.read_bytes().replace(b"0123", b"0124"))
    tampered = run(
        openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", signature,
        "-content", manifest, "-CAfile", root, "-out", tmp_path / "out",
    )  # fmt: skip

    assert good.returncode == 0, good.stderr
    assert "Verification successful" in good.stderr
    assert tampered.returncode != 0
