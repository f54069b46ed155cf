"""A whole bundle signed for the long term, against the force's real PKI on 127.0.0.1:
exported with trusted time and validation data, verified with revocation weighed, and
renewed by the archive without a signed byte changing."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import bagit
import pytest

from rvr_desktop.cli.main import main as rvr_desktop
from rvr_desktop.cli.verify import main as rvr_verify
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.result import Outcome, Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case.signed_statement import sign_statement
from rvr_desktop.evidence.demo import DemoVault, build_demo_vault
from rvr_desktop.evidence.signing.errors import (
    SigningCertificateRevoked,
    TimestampServiceFailed,
)
from rvr_desktop.evidence.signing.identity_store import store_credential
from rvr_desktop.evidence.signing.long_term import SignatureLevel
from rvr_desktop.evidence.signing.pdf_validate import validate_pdf
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.docs.test_bundle_format import spec_file_patterns
from tests.signing.live_pki import LivePki

pytestmark = pytest.mark.slow


def _force_demo(folder: Path, pki: LivePki, timestamp_url: str | None) -> DemoVault:
    """The demo case, its statement signed by a force officer's identity (not a TEST one)."""
    demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF, sign_statement=False)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        store_credential(vault, pki.credential("officer-good"))
        sign_statement(vault, demo.case_id, timestamp_url=timestamp_url)
    return demo


@pytest.fixture(scope="module")
def force_demo(tmp_path_factory: pytest.TempPathFactory, force_pki: LivePki) -> DemoVault:
    """The statement signed with trusted time, as the force's officers sign it."""
    return _force_demo(tmp_path_factory.mktemp("force-demo"), force_pki, force_pki.tsa_url)


@pytest.fixture(scope="module")
def untimestamped_demo(tmp_path_factory: pytest.TempPathFactory, force_pki: LivePki) -> DemoVault:
    """The statement signed while no time-stamping service could be reached."""
    return _force_demo(tmp_path_factory.mktemp("untimestamped-demo"), force_pki, None)


def _export(
    demo: DemoVault,
    out: Path,
    timestamp_url: str | None,
    layout: BundleLayout = BundleLayout.FOLDER,
) -> Path:
    out.mkdir(exist_ok=True)
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        return export_case(
            vault,
            ExportRequest(
                demo.case_id,
                out,
                "CPS Direct",
                "Charging decision file",
                layout=layout,
                timestamp_url=timestamp_url,
            ),
        ).bundle


def _check(status_checks: tuple, name: str):  # type: ignore[no-untyped-def, type-arg]
    return next(c for c in status_checks if c.name == name)


def test_a_bundle_exported_with_trusted_time_carries_its_validation_data_and_verifies(
    force_demo: DemoVault, force_pki: LivePki, tmp_path: Path
) -> None:
    bundle = _export(force_demo, tmp_path / "out", force_pki.tsa_url)

    listed = (bundle / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    validation = sorted(
        p.relative_to(bundle).as_posix() for p in (bundle / "validation").rglob("*.*")
    )
    assert any(v.startswith(("validation/ocsp/", "validation/crls/")) for v in validation)
    assert any(v.startswith("validation/certificates/") for v in validation)
    assert all(f"  {v}\n" in listed for v in validation)  # listed, so signed
    assert (bundle / "archive-timestamps" / "0001.tst").is_file()
    assert "archive-timestamps" not in listed
    bagit.Bag(str(bundle)).validate()  # the reference validator still accepts the bag

    statement = validate_pdf(
        (bundle / "data/statement/MG11-statement.pdf").read_bytes(), force_pki.trust()
    )
    assert statement.level is SignatureLevel.B_LTA and statement.bottom_line

    status = verify_bundle(bundle, force_pki.trust())
    assert status.verdict is Verdict.VERIFIED, status.verdict_text
    assert status.known_not_revoked and status.trusted_signing_time is not None
    assert _check(status.checks, "signer not revoked").outcome is Outcome.PASS
    archive = _check(status.checks, "archive time-stamps")
    assert archive.outcome is Outcome.PASS and "1 archive time-stamp" in archive.reason
    signature = _check(status.checks, "tag manifest signature")
    assert "time-stamped by a trusted time-stamping service" in signature.reason
    assert "not known" not in status.verdict_text

    # every file the bundle holds is one the specification lists
    patterns = spec_file_patterns().values()
    for path in bundle.rglob("*"):
        name = path.relative_to(bundle).as_posix()
        if path.is_file():
            assert any(p.match(name) for p in patterns), f"{name} is not in the spec"


def test_the_archive_renews_a_zip_without_changing_any_signed_file(
    force_demo: DemoVault, force_pki: LivePki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _export(force_demo, tmp_path / "out", force_pki.tsa_url, BundleLayout.ZIP)
    with zipfile.ZipFile(bundle) as archive:
        before = {name: archive.read(name) for name in archive.namelist()}

    assert rvr_desktop(["bundle", "renew", str(bundle), "--timestamp-url", force_pki.tsa_url]) == 0
    assert "Added archive time-stamp 2" in capsys.readouterr().out

    with zipfile.ZipFile(bundle) as archive:
        after = {name: archive.read(name) for name in archive.namelist()}
    assert {n: after[n] for n in before} == before  # nothing that was there changed
    added = sorted(set(after) - set(before))
    assert any(n.endswith("archive-timestamps/0002.tst") for n in added)
    status = verify_bundle(bundle, force_pki.trust())
    assert status.verdict is Verdict.VERIFIED, status.verdict_text
    assert "2 archive time-stamp" in _check(status.checks, "archive time-stamps").reason


def test_a_changed_or_stray_long_term_file_is_named_and_fails(
    force_demo: DemoVault, force_pki: LivePki, tmp_path: Path
) -> None:
    bundle = _export(force_demo, tmp_path / "out", force_pki.tsa_url)
    stray = tmp_path / "stray"
    shutil.copytree(bundle, stray)
    (stray / "archive-timestamps" / "notes.txt").write_text("added later")
    status = verify_bundle(stray, force_pki.trust())
    assert status.verdict is Verdict.FAILED and not status.intact
    reason = _check(status.checks, "validation data").reason
    assert "notes.txt" in reason and "belongs to no archive time-stamp" in reason

    changed = tmp_path / "changed"
    shutil.copytree(bundle, changed)
    token = changed / "archive-timestamps" / "0001.tst"
    token.write_bytes(token.read_bytes()[:-1] + bytes([token.read_bytes()[-1] ^ 1]))
    status = verify_bundle(changed, force_pki.trust())
    assert status.verdict is Verdict.FAILED
    assert _check(status.checks, "archive time-stamps").outcome is Outcome.FAIL


def test_an_untimestamped_bundle_is_checked_against_the_crl_the_evidence_officer_gives(
    untimestamped_demo: DemoVault,
    force_pki: LivePki,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bundle = _export(untimestamped_demo, tmp_path / "out", None)
    root = tmp_path / "force-root.pem"
    root.write_bytes(force_pki.root_pem())

    assert rvr_verify([str(bundle), "--trust", str(root), "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["known_not_revoked"] is False and plain["trusted_signing_time"] is None
    assert "is not known" in plain["verdict"]

    crls = []
    for issuer in ("interm", "root"):  # every certificate of the chain, not only the officer's
        crls += ["--crl", str(tmp_path / f"{issuer}.crl")]
        (tmp_path / f"{issuer}.crl").write_bytes(force_pki.crl_of(issuer, datetime.now(UTC)))
    assert rvr_verify([str(bundle), "--trust", str(root), *crls[:2], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["known_not_revoked"] is False  # root CA unknown
    assert rvr_verify([str(bundle), "--trust", str(root), *crls, "--json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["known_not_revoked"] is True and "not known" not in checked["verdict"]

    assert rvr_verify([str(bundle), "--trust", str(root), "--online", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["known_not_revoked"] is True


def test_a_revoked_officer_cannot_export_and_a_dead_service_leaves_no_bundle(
    force_demo: DemoVault, force_pki: LivePki, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(TimestampServiceFailed):
        _export(force_demo, out, "http://127.0.0.1:9/tsa")
    assert list(out.iterdir()) == []

    with Vault.unlock(force_demo.root, force_demo.passphrase) as vault:
        store_credential(vault, force_pki.credential("officer-revoked-later"))
    try:
        with pytest.raises(SigningCertificateRevoked) as refused:
            _export(force_demo, out, force_pki.tsa_url)
        assert "revoked" in str(refused.value).lower()
        assert list(out.iterdir()) == []
    finally:
        with Vault.unlock(force_demo.root, force_demo.passphrase) as vault:
            store_credential(vault, force_pki.credential("officer-good"))
