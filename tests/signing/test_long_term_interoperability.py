"""Independent tools agree on the long-term signatures, where they can judge them:
pyHanko's command line (AdES validation with the document time-stamp and DSS), openssl's
time-stamp verifier on the CMS's signature time-stamp, and poppler's pdfsig (which checks
the officer's signature but cannot validate a document time-stamp: see FACTS.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvr_desktop.evidence.signing.cms import (
    DetachedSignature,
    sign_detached_long_term,
    signature_timestamp_token,
    signature_value,
)
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf_long_term
from signing.live_pki import CHECKING_DAY, SIGNING_DAY, LivePki
from signing.pdfs import SIGNATURE_BOX
from signing.tools import require_tool, run
from tests.core.clocks import FakeClock

MANIFEST = b"9f86d081884c7d65  bagit.txt\n2c26b46b68ffc68f  manifest-sha256.txt\n"
SIGNING_CLOCK = int(SIGNING_DAY.timestamp() * 1000)


@pytest.fixture
def files(
    tmp_path: Path, force_pki: LivePki, officer: OfficerProfile, statement: bytes
) -> dict[str, Path]:
    """A B-LTA statement by the officer whose certificate expires in April, and the root."""
    with force_pki.at(SIGNING_DAY):
        signed = sign_pdf_long_term(
            statement,
            force_pki.credential("officer-short-lived"),
            officer,
            SIGNATURE_BOX,
            clock=FakeClock(SIGNING_CLOCK),
            timestamp_url=force_pki.tsa_url,
        )
    out = {"statement": tmp_path / "statement.pdf", "root": tmp_path / "root.pem"}
    out["statement"].write_bytes(signed.pdf)
    out["root"].write_bytes(force_pki.root_pem())
    return out


def _signed_manifest(pki: LivePki) -> DetachedSignature:
    with pki.at(SIGNING_DAY):
        return sign_detached_long_term(
            MANIFEST,
            pki.credential("officer-good"),
            clock=FakeClock(SIGNING_CLOCK),
            timestamp_url=pki.tsa_url,
        )


def test_pyhanko_ades_validation_accepts_the_statement_after_the_officers_certificate_expired(
    files: dict[str, Path], force_pki: LivePki
) -> None:
    pyhanko = require_tool("pyhanko", "the pyhanko-cli package")

    with force_pki.at(CHECKING_DAY):  # the services answer as on the day of the check
        result = run(
            pyhanko, "sign", "adesverify", "--pretty-print", "--trust", files["root"],
            "--trust-replace", "--validation-time", CHECKING_DAY.isoformat(), files["statement"],
        )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signature is judged VALID." in result.stdout
    assert "Signature timestamp token: 2025-03-03T10:00:00+00:00" in result.stdout
    assert "The TSA certificate is trusted." in result.stdout
    assert "All modifications relate to signature maintenance" in result.stdout
    # it judged the expired certificate at the time the time-stamps prove, not today
    assert "AdES time slide yields 2025-03-03" in result.stderr


def test_pyhanko_without_the_validation_data_rejects_the_expired_certificate(
    files: dict[str, Path], force_pki: LivePki
) -> None:
    pyhanko = require_tool("pyhanko", "the pyhanko-cli package")

    # plain (not AdES) validation checks the certificate now: expired, so invalid
    result = run(
        pyhanko, "sign", "validate", "--pretty-print", "--trust", files["root"], "--trust-replace",
        "--validation-time", CHECKING_DAY.isoformat(), files["statement"],
    )  # fmt: skip

    assert result.returncode != 0
    assert "The signature is judged INVALID." in result.stdout + result.stderr
    assert "Signature timestamp token: 2025-03-03T10:00:00+00:00" in result.stdout


def test_pyhanko_reports_the_time_stamp_of_the_manifests_cms_signature(
    force_pki: LivePki, tmp_path: Path
) -> None:
    pyhanko = require_tool("pyhanko", "the pyhanko-cli package")
    signed = _signed_manifest(force_pki)
    (tmp_path / "tagmanifest-sha256.txt").write_bytes(MANIFEST)
    (tmp_path / "tagmanifest-sha256.txt.p7s").write_bytes(signed.signature)
    (tmp_path / "root.pem").write_bytes(force_pki.root_pem())

    result = run(
        pyhanko, "sign", "validate", "--pretty-print", "--trust", tmp_path / "root.pem",
        "--trust-replace", "--validation-time", CHECKING_DAY.isoformat(),
        "--detached", tmp_path / "tagmanifest-sha256.txt.p7s", tmp_path / "tagmanifest-sha256.txt",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signature is judged VALID." in result.stdout
    assert "Signature timestamp token: 2025-03-03T10:00:00+00:00" in result.stdout
    assert "The TSA certificate is trusted." in result.stdout


def test_openssl_accepts_the_cms_time_stamp_over_the_signature_value_and_no_other(
    force_pki: LivePki, tmp_path: Path
) -> None:
    openssl = require_tool("openssl", "openssl")
    signed = _signed_manifest(force_pki)
    token = signature_timestamp_token(signed.signature)
    assert token is not None
    (tmp_path / "token.tst").write_bytes(token)
    (tmp_path / "signature-value.bin").write_bytes(signature_value(signed.signature))
    (tmp_path / "manifest.txt").write_bytes(MANIFEST)
    (tmp_path / "root.pem").write_bytes(force_pki.root_pem())

    def verify(data: Path) -> str:
        result = run(
            openssl, "ts", "-verify", "-token_in", "-in", tmp_path / "token.tst",
            "-data", data, "-CAfile", tmp_path / "root.pem",
        )  # fmt: skip
        return result.stdout + result.stderr

    assert "Verification: OK" in verify(tmp_path / "signature-value.bin")
    assert "Verification: OK" not in verify(tmp_path / "manifest.txt")  # not over the content


def test_poppler_pdfsig_finds_the_officers_signature_valid_and_the_time_stamp_covering_all(
    files: dict[str, Path], tmp_path: Path
) -> None:
    pdfsig = require_tool("pdfsig", "poppler-utils")

    report = run(pdfsig, files["statement"]).stdout  # pdfsig exits 0 whatever it finds
    officer, document_timestamp = report.split("Signature #2:")

    assert "Signer Certificate Common Name: Jo Brief" in officer
    assert "Signature is Valid." in officer
    # the officer's signature is followed by the DSS and the document time-stamp, which
    # covers the whole file; pdfsig cannot validate a document time-stamp (FACTS.md)
    assert "Not total document signed" in officer
    assert "Total document signed" in document_timestamp
    assert "Signer Certificate Common Name: Example Constabulary Time-Stamping Unit" in (
        document_timestamp
    )
