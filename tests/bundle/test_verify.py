"""An evidence officer checks bundles: good ones pass, any change to any file fails, by name."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives import serialization

from rvr_desktop.cli.verify import main as rvr_verify
from rvr_desktop.evidence.bundle.result import Outcome, Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.signing.trust import TrustStore
from tests.bundle.conftest import DemoBundle


def _trust(bundle: DemoBundle) -> TrustStore:
    return TrustStore.from_paths([bundle.root_pem])


def test_the_demo_bundle_verifies_against_its_root(demo_bundle: DemoBundle) -> None:
    status = verify_bundle(demo_bundle.bundle, _trust(demo_bundle))
    # The training PKI runs no revocation service and the demo has no time-stamp: that
    # is said on its own line, and does not stop the verdict.
    revocation = [c for c in status.checks if c.name == "signer not revoked"]
    assert [c.outcome for c in revocation] == [Outcome.INDETERMINATE]
    assert "no revocation information" in revocation[0].reason.lower()
    others = [c.outcome for c in status.checks if c not in revocation]
    assert others == [Outcome.PASS] * len(others)
    assert status.bottom_line and status.verdict is Verdict.VERIFIED
    assert status.revocation_unknown and not status.known_not_revoked
    assert "withdrawn (revoked) is not known" in status.verdict_text
    assert status.info("RVR-Case-Reference") == demo_bundle.demo.case_reference
    assert status.is_test_identity


def test_without_a_trusted_root_the_bundle_is_not_verified_until_its_root_is_given(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rvr_verify([str(demo_bundle.bundle)]) == 2
    out = capsys.readouterr().out
    assert "INDETERMINATE Signer vouched for by a root you trust" in out
    assert "NOT VERIFIED" in out
    assert rvr_verify([str(demo_bundle.bundle), "--trust", str(demo_bundle.root_pem)]) == 0
    assert "VERIFIED AS A TRAINING BUNDLE, NOT EVIDENCE: complete, unaltered" in (
        capsys.readouterr().out
    )


def test_json_output_is_one_document_with_the_bottom_line(
    demo_bundle: DemoBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    code = rvr_verify([str(demo_bundle.bundle), "--trust", str(demo_bundle.root_pem), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["bottom_line"] is True and result["exit_code"] == 0
    assert {c["outcome"] for c in result["checks"] if c["aspect"] != "revocation"} == {"PASS"}
    assert result["intact"] and result["signatures_valid"] and result["trusted"]
    # Intact, valid, trusted and known-not-revoked are separate facts.
    assert result["known_not_revoked"] is False and result["trusted_signing_time"] is None


def test_the_report_pdf_is_written(demo_bundle: DemoBundle, tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    assert rvr_verify([str(demo_bundle.bundle), "--report", str(report)]) == 2
    assert report.read_bytes().startswith(b"%PDF")


def test_a_missing_bundle_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rvr_verify([str(tmp_path / "nothing")]) == 3
    assert "There is no bundle" in capsys.readouterr().err


def test_the_reference_bagit_validator_accepts_our_bundle(demo_bundle: DemoBundle) -> None:
    bagit.Bag(str(demo_bundle.bundle)).validate()


def test_openssl_accepts_the_tag_manifest_signature(demo_bundle: DemoBundle) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    result = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(demo_bundle.bundle / "tagmanifest-sha256.txt.p7s"),
            "-content",
            str(demo_bundle.bundle / "tagmanifest-sha256.txt"),
            "-CAfile",
            str(demo_bundle.root_pem),
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr


def _all_files(bundle: Path) -> list[str]:
    return sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file())


def _mutate(path: Path, how: str) -> None:
    if how == "flip":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    elif how == "truncate":
        path.write_bytes(path.read_bytes()[: max(0, path.stat().st_size // 2)])
    else:
        path.unlink()


@pytest.mark.slow
def test_every_change_to_every_file_fails_naming_the_file(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    """The tamper matrix: flip a byte, truncate, delete, for every file in the bundle."""
    trust = _trust(demo_bundle)
    pristine = tmp_path / "pristine"
    shutil.copytree(demo_bundle.bundle, pristine)
    files = _all_files(pristine)
    assert len(files) >= 15
    for name in files:
        for how in ("flip", "truncate", "delete"):
            target = tmp_path / f"t-{how}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(pristine, target)
            _mutate(target / name, how)
            status = verify_bundle(target, trust)
            failures = [c for c in status.checks if c.outcome is Outcome.FAIL]
            assert status.verdict is Verdict.FAILED, f"{how} {name} was not detected"
            assert any(Path(name).name in c.reason for c in failures), (
                f"{how} {name}: no failing check names the file: {[c.reason for c in failures]}"
            )


@pytest.mark.parametrize("where", ["data/notes/extra.txt", "data/stray.pdf", "stray.txt"])
def test_a_stray_file_fails_naming_it(demo_bundle: DemoBundle, where: str) -> None:
    (demo_bundle.bundle / where).write_bytes(b"planted")
    status = verify_bundle(demo_bundle.bundle, _trust(demo_bundle))
    assert status.verdict is Verdict.FAILED
    assert any(Path(where).name in c.reason for c in status.checks if c.outcome is Outcome.FAIL)


def test_a_zip_bundle_verifies_and_so_does_one_compressed_by_a_desktop(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    flat = shutil.make_archive(str(tmp_path / "flat"), "zip", root_dir=demo_bundle.bundle)
    nested = shutil.make_archive(
        str(tmp_path / "nested"),
        "zip",
        root_dir=demo_bundle.bundle.parent,
        base_dir=demo_bundle.bundle.name,
    )
    for archive in (flat, nested):
        status = verify_bundle(Path(archive), _trust(demo_bundle))
        assert status.bottom_line, [c for c in status.checks if c.outcome is not Outcome.PASS]


def test_a_bundle_that_cannot_be_read_means_the_check_cannot_run(
    demo_bundle: DemoBundle, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    def denied(path: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "scandir", denied)
    assert rvr_verify([str(demo_bundle.bundle)]) == 3
    assert "cannot be read (Permission denied)" in capsys.readouterr().err


def test_a_report_that_cannot_be_written_keeps_the_verdict(
    demo_bundle: DemoBundle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "no-such-folder" / "report.pdf"
    assert rvr_verify([str(demo_bundle.bundle), "--report", str(report)]) == 3
    captured = capsys.readouterr()
    assert "NOT VERIFIED" in captured.out and "report was not written" in captured.err


def test_a_damaged_copy_of_the_root_inside_the_signature_fails_naming_it(
    demo_bundle: DemoBundle,
) -> None:
    """The CMS signature covers the tag manifest, not the certificates packed beside it, and
    the validator uses the officer's own root: a byte changed in the carried root copy once
    passed as VERIFIED."""
    from cryptography import x509

    signature = demo_bundle.bundle / "tagmanifest-sha256.txt.p7s"
    data = bytearray(signature.read_bytes())
    root = x509.load_pem_x509_certificate(demo_bundle.root_pem.read_bytes())
    root_der = root.public_bytes(serialization.Encoding.DER)
    start = bytes(data).find(root_der)
    assert start > 0, "the signature carries the root certificate"
    for offset in (start + 40, start + len(root_der) - 3):  # the subject; the self-signature
        changed = bytearray(data)
        changed[offset] ^= 0x01
        signature.write_bytes(bytes(changed))
        status = verify_bundle(demo_bundle.bundle, _trust(demo_bundle))
        failed = [c.reason for c in status.checks if c.outcome is Outcome.FAIL]
        assert status.verdict is Verdict.FAILED, f"offset {offset - start} of the root copy passed"
        assert any("tagmanifest-sha256.txt.p7s" in reason for reason in failed), failed
