"""Putting a bundle into the store: a multipart upload, locked, resumable, checksummed.

Every bundle goes up as a multipart upload (one part for a small one), so one path serves
every size and any upload can resume. Each part carries its SHA-256 (the store must check
it on arrival), the object is created with Object Lock retention and, when the force asks,
a legal hold. The bundle is read once, in order: its SHA-256 is computed as the parts go
up, a few parts travel at a time so a slow network is kept busy, and memory stays bounded
by the parts in flight.

An upload interrupted by a lost network, a closed laptop or a killed process resumes: the
caller keeps the upload ID (in the vault's queue) from the moment the store gives it, and
the next attempt asks the store which parts it already holds, checks each against the
bytes on disk, and sends only the rest.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from botocore.exceptions import ClientError

from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.store.client import S3Client, store_errors
from rvr_desktop.evidence.store.errors import BucketHasNoObjectLock, BundleNotSubmittable
from rvr_desktop.evidence.store.settings import RetentionMode, StoreSettings

MIB = 1024 * 1024
MAX_PARTS = 10_000
"""S3's limit on the parts of one upload."""
PARTS_IN_FLIGHT = 4


def part_size_for(size: int, preferred_mib: int) -> int:
    """The force's part size, or more (a whole number of MiB) when the bundle would need
    more than 10,000 parts."""
    needed = -(-size // MAX_PARTS)
    return max(preferred_mib * MIB, -(-needed // MIB) * MIB)


@dataclass(frozen=True)
class UploadPlan:
    """What to upload and how to lock it: fixed when the bundle joins the queue, so a
    resumed upload asks for exactly what the first attempt did."""

    bundle: Path
    size: int
    key: str
    part_size: int
    retention_mode: RetentionMode
    retain_until: datetime
    legal_hold: bool
    upload_id: str | None = None
    """The upload to resume, when an earlier attempt began one."""


@dataclass(frozen=True)
class Uploaded:
    """What the store said when the upload completed, and what we computed while sending."""

    upload_id: str
    version_id: str | None
    etag: str
    sha256: str
    """The whole bundle's SHA-256 (hex), computed from the bytes sent."""
    checksum_sha256: str
    """The composite checksum S3 keeps for a multipart object: the SHA-256 of the parts'
    SHA-256 digests, base64 (S3 shows it with '-<parts>' after it)."""
    parts: int
    resumed_parts: int
    """How many parts the store already held from an earlier attempt."""


@dataclass(frozen=True)
class _Part:
    number: int
    data: bytes
    sha256: bytes

    @property
    def checksum(self) -> str:
        return base64.b64encode(self.sha256).decode("ascii")

    @property
    def md5_etag(self) -> str:
        # S3's ETag for an unencrypted part is its MD5: a quick check of a stored part.
        return '"' + hashlib.md5(self.data, usedforsecurity=False).hexdigest() + '"'


def check_bucket_is_locked(client: S3Client, settings: StoreSettings) -> None:
    """Refuse, before any byte is sent, a bucket without Object Lock."""
    with store_errors(settings, "read the bucket's Object Lock setting"):
        try:
            found = client.get_object_lock_configuration(Bucket=settings.bucket)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("ObjectLockConfigurationNotFoundError", "InvalidRequest"):
                raise BucketHasNoObjectLock(settings.bucket) from exc
            raise
    if found.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") != "Enabled":
        raise BucketHasNoObjectLock(settings.bucket)


def upload_bundle(
    client: S3Client,
    settings: StoreSettings,
    plan: UploadPlan,
    *,
    on_upload_id: Callable[[str], None],
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Uploaded:
    """Send ``plan.bundle`` and complete the upload; ``on_upload_id`` is called as soon as
    the store gives an upload ID (the caller keeps it for resuming)."""
    found = _stored_parts(client, settings, plan) if plan.upload_id else None
    if plan.upload_id is not None and found is not None:
        upload_id, stored = plan.upload_id, found
    else:  # nothing to resume (or the store has dropped the earlier upload)
        upload_id, stored = _begin(client, settings, plan), {}
    on_upload_id(upload_id)
    whole = hashlib.sha256()
    digests: list[bytes] = []
    etags: dict[int, str] = {}
    done = 0
    lock = threading.Lock()

    def send(part: _Part) -> None:
        nonlocal done
        if cancel is not None and cancel.cancelled:
            return  # the upload is being abandoned: no further part is sent
        with store_errors(settings, f"store part {part.number} of the bundle"):
            answer = client.upload_part(
                Bucket=settings.bucket,
                Key=plan.key,
                UploadId=upload_id,
                PartNumber=part.number,
                Body=part.data,
                ChecksumSHA256=part.checksum,
            )
        with lock:
            etags[part.number] = str(answer["ETag"])
            done += len(part.data)
            progress(done, plan.size)

    resumed = 0
    with open(plan.bundle, "rb") as handle, ThreadPoolExecutor(PARTS_IN_FLIGHT) as pool:
        flying: set[Future[None]] = set()
        for part in _parts(handle, plan.part_size, whole):
            if cancel is not None:
                cancel.raise_if_cancelled("The submission")
            digests.append(part.sha256)
            held = stored.get(part.number)
            if held is not None and held == (len(part.data), part.md5_etag):
                resumed += 1
                etags[part.number] = held[1]
                done += len(part.data)
                progress(done, plan.size)
                continue
            while len(flying) >= PARTS_IN_FLIGHT:
                finished, flying = wait(flying, return_when=FIRST_COMPLETED)
                for future in finished:
                    future.result()
            flying.add(pool.submit(send, part))
        for future in flying:
            future.result()
    if cancel is not None:
        cancel.raise_if_cancelled("The submission")
    if not digests:
        raise BundleNotSubmittable(plan.bundle, "it is empty")
    parts = [
        {
            "PartNumber": number,
            "ETag": etags[number],
            "ChecksumSHA256": base64.b64encode(digest).decode("ascii"),
        }
        for number, digest in enumerate(digests, 1)
    ]
    with store_errors(settings, "complete the upload"):
        completed = client.complete_multipart_upload(
            Bucket=settings.bucket,
            Key=plan.key,
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
        )
    return Uploaded(
        upload_id=upload_id,
        version_id=completed.get("VersionId"),
        etag=str(completed.get("ETag", "")),
        sha256=whole.hexdigest(),
        checksum_sha256=base64.b64encode(hashlib.sha256(b"".join(digests)).digest()).decode(
            "ascii"
        ),
        parts=len(digests),
        resumed_parts=resumed,
    )


def abort_upload(client: S3Client, settings: StoreSettings, key: str, upload_id: str) -> None:
    """Give up an upload for good: the store drops the parts it holds."""
    with store_errors(settings, "cancel the upload"):
        try:
            client.abort_multipart_upload(Bucket=settings.bucket, Key=key, UploadId=upload_id)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) != "NoSuchUpload":
                raise


def _begin(client: S3Client, settings: StoreSettings, plan: UploadPlan) -> str:
    with store_errors(settings, "begin the upload"):
        started = client.create_multipart_upload(
            Bucket=settings.bucket,
            Key=plan.key,
            ContentType="application/zip",
            ChecksumAlgorithm="SHA256",
            ObjectLockMode=plan.retention_mode.value,
            ObjectLockRetainUntilDate=plan.retain_until,
            ObjectLockLegalHoldStatus="ON" if plan.legal_hold else "OFF",
        )
    return str(started["UploadId"])


def _stored_parts(
    client: S3Client, settings: StoreSettings, plan: UploadPlan
) -> dict[int, tuple[int, str]] | None:
    """Part number to (size, ETag) of what the store holds; None when the upload is gone."""
    found: dict[int, tuple[int, str]] = {}
    marker = 0
    with store_errors(settings, "list the parts already stored"):
        while True:
            try:
                page = client.list_parts(
                    Bucket=settings.bucket,
                    Key=plan.key,
                    UploadId=plan.upload_id,
                    PartNumberMarker=marker,
                )
            except ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code", "")) == "NoSuchUpload":
                    return None
                raise
            for part in page.get("Parts", []):
                found[int(part["PartNumber"])] = (int(part["Size"]), str(part["ETag"]))
            if not page.get("IsTruncated"):
                return found
            marker = int(page["NextPartNumberMarker"])


def _parts(handle: BinaryIO, size: int, whole: Any) -> Iterator[_Part]:
    number = 0
    while True:
        data = handle.read(size)
        if not data:
            return
        number += 1
        whole.update(data)
        yield _Part(number, data, hashlib.sha256(data).digest())
