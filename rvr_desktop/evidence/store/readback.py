"""After an upload: ask the store what it holds and compare every fact with what was meant.

The server is not trusted to have checked anything (some accept a wrong part checksum or
drop the lock headers of a multipart upload; the test server does both). So the object's
version, size, ETag, SHA-256 checksum, lock mode, retain-until date and legal hold are
read back with HeadObject and each compared with what was sent. A lock the store did not
apply is applied to the new version explicitly (PutObjectRetention, PutObjectLegalHold)
and read back again; anything still wrong is an error the officer sees, and the
submission is not recorded as done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rvr_desktop.evidence.store.client import S3Client, boto_datetime, store_errors
from rvr_desktop.evidence.store.errors import StoredNotAsSent
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.store.upload import Uploaded, UploadPlan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredObject:
    """The store's own account of the object, once it matched what was sent."""

    version_id: str
    etag: str
    checksum_sha256: str
    retention_mode: str
    retain_until: datetime
    legal_hold: bool
    lock_applied_after_upload: bool
    """The store ignored the lock given with the upload, so it was applied to the version
    just after (on a store that does so, a short window without the lock)."""


def read_back(
    client: S3Client, settings: StoreSettings, plan: UploadPlan, uploaded: Uploaded
) -> StoredObject:
    """The stored object's facts, or :class:`StoredNotAsSent` naming every difference."""
    if not uploaded.version_id:
        raise StoredNotAsSent(
            ("the store gave the object no version ID, so the bucket does not keep versions",)
        )
    head = _head(client, settings, plan.key, uploaded.version_id)
    applied = False
    if _lock_missing(head, plan):
        log.info("the store did not apply the upload's lock; applying it to the version")
        _apply_lock(client, settings, plan, uploaded.version_id)
        head = _head(client, settings, plan.key, uploaded.version_id)
        applied = True
    differences = _differences(head, plan, uploaded)
    if differences:
        raise StoredNotAsSent(tuple(differences))
    return StoredObject(
        version_id=str(head["VersionId"]),
        etag=str(head["ETag"]),
        checksum_sha256=str(head["ChecksumSHA256"]),
        retention_mode=str(head["ObjectLockMode"]),
        retain_until=boto_datetime(head["ObjectLockRetainUntilDate"]),
        legal_hold=head.get("ObjectLockLegalHoldStatus") == "ON",
        lock_applied_after_upload=applied,
    )


def _head(client: S3Client, settings: StoreSettings, key: str, version_id: str) -> Any:
    with store_errors(settings, "read back the stored bundle"):
        return client.head_object(
            Bucket=settings.bucket, Key=key, VersionId=version_id, ChecksumMode="ENABLED"
        )


def _lock_missing(head: Any, plan: UploadPlan) -> bool:
    if not head.get("ObjectLockMode") or not head.get("ObjectLockRetainUntilDate"):
        return True
    return plan.legal_hold and head.get("ObjectLockLegalHoldStatus") != "ON"


def _apply_lock(
    client: S3Client, settings: StoreSettings, plan: UploadPlan, version_id: str
) -> None:
    with store_errors(settings, "lock the stored bundle"):
        client.put_object_retention(
            Bucket=settings.bucket,
            Key=plan.key,
            VersionId=version_id,
            Retention={"Mode": plan.retention_mode.value, "RetainUntilDate": plan.retain_until},
        )
        if plan.legal_hold:
            client.put_object_legal_hold(
                Bucket=settings.bucket,
                Key=plan.key,
                VersionId=version_id,
                LegalHold={"Status": "ON"},
            )


def _differences(head: Any, plan: UploadPlan, uploaded: Uploaded) -> list[str]:
    found: list[str] = []

    def differs(what: str, meant: object, got: object) -> None:
        if meant != got:
            found.append(f"{what} is {got!r}, not {meant!r}")

    differs("the version", uploaded.version_id, head.get("VersionId"))
    differs("the size", plan.size, head.get("ContentLength"))
    differs("the ETag", uploaded.etag, head.get("ETag"))
    stored_checksum = str(head.get("ChecksumSHA256") or "").split("-", 1)[0]
    differs("the SHA-256 checksum", uploaded.checksum_sha256, stored_checksum or None)
    differs("the lock mode", plan.retention_mode.value, head.get("ObjectLockMode"))
    until = head.get("ObjectLockRetainUntilDate")
    if until is None:
        found.append("the object has no retain-until date")
    elif boto_datetime(until).replace(microsecond=0) < plan.retain_until.replace(microsecond=0):
        found.append(
            f"it is kept only until {boto_datetime(until):%Y-%m-%d %H:%M} UTC, not "
            f"{plan.retain_until:%Y-%m-%d %H:%M} UTC"
        )
    if plan.legal_hold:
        differs("the legal hold", "ON", head.get("ObjectLockLegalHoldStatus"))
    return found
