"""Verifying a bundle where the force keeps it: straight from the store, and its lock too.

The object is streamed into a private temporary folder, no larger than a local bundle may
be, and verified exactly as a local bundle is; then the store's own account of it is
checked: locked in COMPLIANCE mode (GOVERNANCE can be lifted), until a date still to come
and no earlier than its receipt says, the very version the receipt names (or, without a
receipt, the only version under its key, so nothing was put on top of it), with the
receipt's SHA-256. Nothing here opens a vault: this is ``rvr-verify``'s.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rvr_desktop.evidence.bundle.result import Aspect, BundleStatus, Check, Outcome
from rvr_desktop.evidence.bundle.source import ReadLimits
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.fsutil import ensure_private_dir
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.signing.long_term import CrlFile
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.store.client import Bucket, S3Client, boto_datetime, reading_errors
from rvr_desktop.evidence.store.errors import StoreError
from rvr_desktop.evidence.store.receipt import Receipt

CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class StoredBundle:
    """A bundle in the store: ``s3://BUCKET/KEY`` (with ``?versionId=V`` for one version)."""

    bucket: str
    key: str
    version_id: str | None = None
    hidden: bool = False
    """A delete marker hides the key from the bucket's listing (the version is still held)."""

    @property
    def url(self) -> str:
        version = f"?versionId={self.version_id}" if self.version_id else ""
        return f"s3://{self.bucket}/{self.key}{version}"


class NotAStoreAddress(InvalidInput):
    def __init__(self, text: str, why: str) -> None:
        super().__init__(
            f"{text} is not a bundle in a store ({why}). Give it as s3://BUCKET/KEY, for "
            "example s3://force-evidence/rvr/RVR-DEMO-2026-0001-20260314T101500Z.zip."
        )


def is_store_url(text: str) -> bool:
    return text.lower().startswith("s3://")


def parse_store_url(text: str, *, prefix: bool = False) -> StoredBundle:
    """``s3://BUCKET/KEY[?versionId=V]``; with ``prefix``, the key may be a folder (or empty)."""
    parts = urlsplit(text)
    if parts.scheme.lower() != "s3" or not parts.netloc:
        raise NotAStoreAddress(text, "it does not start with s3://BUCKET/")
    key = parts.path.lstrip("/")
    if not prefix and (not key or key.endswith("/")):
        raise NotAStoreAddress(text, "it names no bundle after the bucket")
    versions = parse_qs(parts.query).get("versionId", [])
    return StoredBundle(parts.netloc, key, versions[0] if versions else None)


def verify_stored_bundle(
    client: S3Client,
    address: Bucket,
    stored: StoredBundle,
    trust: TrustStore,
    *,
    receipt: Receipt | None = None,
    limits: ReadLimits | None = None,
    now: datetime | None = None,
    crl_files: Sequence[CrlFile] = (),
    online: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> BundleStatus:
    """Download, verify and check the lock of one stored bundle.

    ``progress`` reports the download in bytes, then the verification; ``cancel`` stops
    either (the downloaded copy is removed whatever happens)."""
    limits = limits or ReadLimits()
    version_id = stored.version_id or (receipt.version_id if receipt else None)
    folder = Path(tempfile.mkdtemp(prefix="rvr-verify-store-"))
    try:
        ensure_private_dir(folder)
        with reading_errors(address, f"read {stored.key}"):
            head = _head(client, stored, version_id)
            versions = _versions(client, stored)
            local = folder / (Path(stored.key).name or "bundle.zip")
            sha256 = _download(client, stored, head, local, limits, progress, cancel)
        status = verify_bundle(
            local,
            trust,
            now=now,
            crl_files=crl_files,
            online=online,
            progress=progress,
            cancel=cancel,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    checks = retention_checks(head, versions, sha256, receipt, now or datetime.now(UTC))
    return replace(
        status,
        checks=status.checks + tuple(checks),
        location=StoredBundle(stored.bucket, stored.key, head.get("VersionId")).url,
    )


def retention_checks(
    head: Any,
    versions: list[str],
    sha256: str,
    receipt: Receipt | None,
    now: datetime,
) -> list[Check]:
    """The store's lock on the object, against the receipt when there is one."""
    checks: list[Check] = []

    def check(name: str, title: str, ok: bool, reason: str) -> None:
        outcome = Outcome.PASS if ok else Outcome.FAIL
        checks.append(Check(name, Aspect.RETENTION, outcome, reason, title))

    mode = head.get("ObjectLockMode")
    check(
        "object lock mode",
        "Locked so that nobody can delete it",
        mode == "COMPLIANCE",
        "the store keeps this version in COMPLIANCE mode: nobody can delete it or shorten "
        "its retention"
        if mode == "COMPLIANCE"
        else f"the store's lock mode is {mode or 'none'}, so it could be deleted or "
        "overwritten; evidence must be kept in COMPLIANCE mode",
    )
    until = head.get("ObjectLockRetainUntilDate")
    kept_until = boto_datetime(until) if until is not None else None
    wanted = receipt.retain_until if receipt is not None else now
    long_enough = kept_until is not None and kept_until > now and kept_until >= wanted
    check(
        "object lock retention",
        "Kept for its retention period",
        long_enough,
        f"kept until {kept_until:%Y-%m-%d %H:%M} UTC"
        + (f", as the receipt says ({receipt.retain_until:%Y-%m-%d})" if receipt else "")
        if long_enough and kept_until is not None
        else "it has no retain-until date"
        if kept_until is None
        else f"it is kept only until {kept_until:%Y-%m-%d %H:%M} UTC"
        + (f", not {receipt.retain_until:%Y-%m-%d} as its receipt says" if receipt else ""),
    )
    version = str(head.get("VersionId") or "")
    if receipt is not None:
        same = version == receipt.version_id and sha256 == receipt.sha256
        check(
            "receipt's version",
            "The very version the receipt names",
            same,
            f"version {version}, SHA-256 {sha256}, as the receipt says"
            if same
            else f"the store's version {version} (SHA-256 {sha256}) is not the receipt's "
            f"version {receipt.version_id} (SHA-256 {receipt.sha256})",
        )
        if receipt.legal_hold:
            held = head.get("ObjectLockLegalHoldStatus") == "ON"
            check(
                "legal hold",
                "Under legal hold",
                held,
                "the legal hold the receipt records is in place"
                if held
                else "the receipt records a legal hold, but the store shows none",
            )
    else:
        alone = versions == [version]
        check(
            "only version",
            "Nothing stored on top of it",
            alone,
            f"version {version} is the only version under its key"
            if alone
            else f"the store holds {len(versions)} versions under this key; without the "
            "receipt, which one the officer sent cannot be told (give --receipt)",
        )
    return checks


def _head(client: S3Client, stored: StoredBundle, version_id: str | None) -> Any:
    extra = {"VersionId": version_id} if version_id else {}
    return client.head_object(Bucket=stored.bucket, Key=stored.key, **extra)


def _versions(client: S3Client, stored: StoredBundle) -> list[str]:
    found: list[str] = []
    paginator = client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=stored.bucket, Prefix=stored.key):
        found += [str(v["VersionId"]) for v in page.get("Versions", []) if v["Key"] == stored.key]
    return found


def _download(
    client: S3Client,
    stored: StoredBundle,
    head: Any,
    target: Path,
    limits: ReadLimits,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> str:
    """Stream the version into ``target`` (private), never past the size limit."""
    size = int(head.get("ContentLength") or 0)
    if size > limits.max_total_bytes:
        raise StoreError(
            f"{stored.url} is {size:,} bytes, more than any bundle this verifier reads "
            f"({limits.max_total_bytes:,}); it was not downloaded."
        )
    version = head.get("VersionId")
    extra = {"VersionId": str(version)} if version else {}
    answer = client.get_object(Bucket=stored.bucket, Key=stored.key, **extra)
    digest = hashlib.sha256()
    written = 0
    body = answer["Body"]
    with open(target, "xb") as out:
        while chunk := body.read(CHUNK):
            if cancel is not None and cancel.cancelled:
                body.close()
                cancel.raise_if_cancelled("Opening the bundle from the store")
            written += len(chunk)
            if written > size or written > limits.max_total_bytes:
                raise StoreError(f"{stored.url} sent more bytes than it declared; refused.")
            digest.update(chunk)
            out.write(chunk)
            progress(written, size)
    return digest.hexdigest()
