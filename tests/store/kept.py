"""What every submission test finishes with: the store keeps the bundle, and keeps it safe."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from rvr_desktop.evidence.bundle.result import Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.store.receipt import Receipt
from tests.store.s3 import S3Server


def assert_kept_locked_and_intact(
    server: S3Server, receipt: Receipt, folder: Path, trust_root: Path
) -> None:
    """Deleting the stored version is refused, and the bundle downloaded back is the one
    sent, byte for byte, and verifies."""
    client = server.client()
    with pytest.raises(ClientError) as refused:
        client.delete_object(Bucket=receipt.bucket, Key=receipt.key, VersionId=receipt.version_id)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    versions = client.list_object_versions(Bucket=receipt.bucket, Prefix=receipt.key)
    assert [v["VersionId"] for v in versions.get("Versions", [])] == [receipt.version_id], (
        "exactly one object, the receipt's"
    )
    body = client.get_object(Bucket=receipt.bucket, Key=receipt.key, VersionId=receipt.version_id)[
        "Body"
    ].read()
    assert hashlib.sha256(body).hexdigest() == receipt.sha256
    copy = folder / receipt.bundle_name
    copy.write_bytes(body)
    status = verify_bundle(copy, TrustStore.from_paths([trust_root]))
    assert status.verdict is Verdict.VERIFIED, status.verdict_text
