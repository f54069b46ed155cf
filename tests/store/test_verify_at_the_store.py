"""The command-line contract others' scripts rely on, and the evidence officer checking
bundles where the force keeps them: one at a time, and a whole intake in parallel."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rvr_desktop.cli.main import main as rvr_desktop
from rvr_desktop.cli.verify import main as rvr_verify
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.store.settings import StoreSettings
from tests.store.conftest import CaseToSend
from tests.store.s3 import S3Server

RECEIPT_KEYS = {"bucket", "key", "version_id", "sha256", "retain_until"}


def _store_flags(server: S3Server, store: StoreSettings) -> list[str]:
    return ["--endpoint-url", server.endpoint, "--bucket", store.bucket, "--retention-days", "30"]


def _submit_case(
    server: S3Server, store: StoreSettings, case: CaseToSend, capsys: pytest.CaptureFixture[str]
) -> dict[str, object]:
    code = rvr_desktop(
        [
            "submit",
            "--vault",
            str(case.demo.root),
            "--passphrase-file",
            str(case.demo.passphrase_file),
            "--case",
            case.demo.case_reference,
            *_store_flags(server, store),
            "--json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    receipt: dict[str, object] = json.loads(out)
    return receipt


def test_a_script_submits_a_case_and_gets_the_receipt_as_one_json_object(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    receipt = _submit_case(s3_server, store, case_to_send, capsys)
    assert set(receipt) >= RECEIPT_KEYS
    assert receipt["bucket"] == store.bucket
    retain_until = datetime.fromisoformat(str(receipt["retain_until"]))
    assert retain_until > datetime.now(UTC) + timedelta(days=29)
    head = s3_server.client().head_object(
        Bucket=store.bucket, Key=str(receipt["key"]), VersionId=str(receipt["version_id"])
    )
    assert head["ObjectLockMode"] == "COMPLIANCE"


def test_a_bundle_file_is_submitted_without_a_vault_and_the_receipt_printed(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from rvr_desktop.evidence.bundle.export import ExportRequest, export_case

    with case_to_send.unlock() as vault:
        bundle = export_case(
            vault,
            ExportRequest(
                case_to_send.demo.case_id, tmp_path, "Store", "For the store", BundleLayout.ZIP
            ),
        ).bundle
    code = rvr_desktop(["submit", str(bundle), *_store_flags(s3_server, store), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    receipt = json.loads(captured.out)
    assert receipt["sha256"] == hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert "not recorded" in captured.err


def test_a_tampered_bundle_file_is_not_sent(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    fake = tmp_path / "RVR-DEMO-2026-0001-20260101T000000Z.zip"
    fake.write_bytes(b"PK\x05\x06" + bytes(18))
    assert rvr_desktop(["submit", str(fake), *_store_flags(s3_server, store)]) == 1
    assert "cannot be submitted" in capsys.readouterr().err
    assert s3_server.client().list_object_versions(Bucket=store.bucket).get("Versions", []) == []


def test_the_evidence_officer_verifies_a_bundle_straight_from_the_store(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    receipt = _submit_case(s3_server, store, case_to_send, capsys)
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_text(json.dumps(receipt), encoding="utf-8")
    url = f"s3://{store.bucket}/{receipt['key']}"
    trust = ["--trust", str(case_to_send.demo.trust_root), "--endpoint-url", s3_server.endpoint]
    code = rvr_verify([url, *trust, "--receipt", str(receipt_file), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, [c for c in result["checks"] if c["outcome"] != "PASS"]
    assert result["bundle"] == f"{url}?versionId={receipt['version_id']}"
    retention = {c["name"]: c["outcome"] for c in result["checks"] if c["aspect"] == "retention"}
    assert retention == {
        "object lock mode": "PASS",
        "object lock retention": "PASS",
        "receipt's version": "PASS",
    }

    # Someone with write access puts another object on top of the same key.
    s3_server.client().put_object(
        Bucket=store.bucket, Key=str(receipt["key"]), Body=b"not the bundle"
    )
    assert rvr_verify([url, *trust, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    failed = {c["name"] for c in result["checks"] if c["outcome"] == "FAIL"}
    assert "bundle can be read safely" in failed or "only version" in failed
    assert rvr_verify([url, *trust, "--receipt", str(receipt_file)]) == 0, (
        "the receipt's version is still there, locked, and still verifies"
    )
    capsys.readouterr()


def test_a_bundle_kept_without_compliance_lock_fails_at_the_store(
    s3_server: S3Server,
    store: StoreSettings,
    capsys: pytest.CaptureFixture[str],
    demo_zip: Path,
) -> None:
    client = s3_server.client()
    until = datetime.now(UTC) + timedelta(days=30)
    client.put_object(
        Bucket=store.bucket,
        Key="rvr/governance.zip",
        Body=demo_zip.read_bytes(),
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
        ChecksumAlgorithm="SHA256",
    )
    url = f"s3://{store.bucket}/rvr/governance.zip"
    assert rvr_verify([url, "--endpoint-url", s3_server.endpoint, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    (mode,) = [c for c in result["checks"] if c["name"] == "object lock mode"]
    assert mode["outcome"] == "FAIL" and "GOVERNANCE" in mode["reason"]


@pytest.fixture
def demo_zip(case_to_send: CaseToSend, tmp_path: Path) -> Path:
    from rvr_desktop.evidence.bundle.export import ExportRequest, export_case

    with case_to_send.unlock() as vault:
        return export_case(
            vault,
            ExportRequest(
                case_to_send.demo.case_id, tmp_path, "Store", "For the store", BundleLayout.ZIP
            ),
        ).bundle


def test_a_days_intake_is_verified_in_parallel_with_one_line_each_and_a_summary(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    capsys: pytest.CaptureFixture[str],
    demo_zip: Path,
    tmp_path: Path,
) -> None:
    client = s3_server.client()
    until = datetime.now(UTC) + timedelta(days=30)
    good = demo_zip.read_bytes()
    tampered = bytearray(good)
    at = tampered.index(b"Sam went to the pub")
    tampered[at] ^= 0x20
    for name, body in (("a.zip", good), ("b.zip", good), ("c.zip", bytes(tampered))):
        client.put_object(
            Bucket=store.bucket,
            Key=f"intake/2026-12-04/{name}",
            Body=body,
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=until,
            ChecksumAlgorithm="SHA256",
        )
    table = tmp_path / "intake.csv"
    code = rvr_verify(
        [
            f"s3://{store.bucket}/intake/2026-12-04/",
            "--batch",
            "--workers",
            "2",
            "--trust",
            str(case_to_send.demo.trust_root),
            "--endpoint-url",
            s3_server.endpoint,
            "--csv",
            str(table),
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 1, "one bundle failed, so the batch fails"
    assert sum(line.startswith("VERIFIED") for line in out) == 2
    assert next(line for line in out if line.startswith("NOT VERIFIED")).count("c.zip") == 1
    assert out[-1] == ("3 bundles: 2 verified, 0 not trusted, 1 failed, 0 could not be checked.")
    rows = list(csv.reader(table.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["bundle", "outcome", "failed_checks", "verdict"]
    assert sorted(row[1] for row in rows[1:]) == ["failed", "verified", "verified"]


def _stored_locked(server: S3Server, store: StoreSettings, key: str, body: bytes) -> None:
    server.client().put_object(
        Bucket=store.bucket,
        Key=key,
        Body=body,
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=datetime.now(UTC) + timedelta(days=30),
        ChecksumAlgorithm="SHA256",
    )


def test_a_bundle_hidden_by_a_delete_marker_is_named_and_fails_the_batch(
    s3_server: S3Server,
    store: StoreSettings,
    case_to_send: CaseToSend,
    capsys: pytest.CaptureFixture[str],
    demo_zip: Path,
) -> None:
    """A delete in a locked bucket only hides the bundle; the intake check must say so."""
    for name in ("a.zip", "b.zip"):
        _stored_locked(s3_server, store, f"hidden/{name}", demo_zip.read_bytes())
    s3_server.client().delete_object(Bucket=store.bucket, Key="hidden/b.zip")
    trust = ["--trust", str(case_to_send.demo.trust_root), "--endpoint-url", s3_server.endpoint]
    code = rvr_verify([f"s3://{store.bucket}/hidden/", "--batch", "--workers", "1", *trust])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    (hidden,) = [line for line in out if line.startswith("HIDDEN")]
    assert f"s3://{store.bucket}/hidden/b.zip?versionId=" in hidden
    assert "a delete marker hides it" in hidden and "VERIFIED" in hidden
    assert out[-1] == (
        "2 bundles: 1 verified, 0 not trusted, 0 failed, 1 hidden by a delete marker, "
        "0 could not be checked."
    )

    code = rvr_verify([f"s3://{store.bucket}/hidden/b.zip", *trust])
    said = capsys.readouterr().err
    assert code == 3
    assert "has nothing there to read hidden/b.zip" in said and "?versionId=" in said
    assert "queue" not in said, "the evidence officer has no queue"
