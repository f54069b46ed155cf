"""The queue of bundles waiting for the force's evidence store, kept in the vault.

A bundle joins the queue (waiting), is sent (uploading, with the store's upload ID kept
from the moment it is given, so a restart resumes), and ends done (with its receipt,
recorded in the audit chain in the same transaction), failed (with the reason, and a
retry), or cancelled (the store told to drop what it holds). The queue never blocks a
call: the app runs it on a worker thread and a script runs it in turn.

A process killed after the store completed the upload but before the receipt was kept
finds, on its next attempt, the object already in the store under its key: it checks that
object against the bundle on disk and records it once, instead of uploading a duplicate.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.errors import NotFound, RvrError
from rvr_desktop.evidence.progress import (
    Cancelled,
    CancelToken,
    ProgressCallback,
    either,
    no_progress,
)
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.store.client import S3Client, store_errors
from rvr_desktop.evidence.store.errors import BundleNotSubmittable, StoredNotAsSent, StoreError
from rvr_desktop.evidence.store.outbox import leave_outbox
from rvr_desktop.evidence.store.readback import read_back
from rvr_desktop.evidence.store.receipt import Receipt
from rvr_desktop.evidence.store.settings import RetentionMode, StoreSettings
from rvr_desktop.evidence.store.upload import (
    Uploaded,
    UploadPlan,
    abort_upload,
    check_bucket_is_locked,
    part_size_for,
    upload_bundle,
)
from rvr_desktop.evidence.vault import Row, Vault
from rvr_desktop.evidence.vault import audit as audit_log

log = logging.getLogger(__name__)

SUBMITTED_ACTION = "bundle.submitted"
_DAY_MS = 86_400_000


class Paused(RvrError):
    """The upload stopped for now (the vault is locking, the app closing); it stays in the
    queue and resumes from the parts already stored."""

    def __init__(self) -> None:
        super().__init__(
            "The submission was paused. It stays in the queue and resumes from the parts "
            "already stored when the vault is next open."
        )


class SubmissionState(StrEnum):
    WAITING = "waiting"
    UPLOADING = "uploading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Submission:
    """One bundle in the queue."""

    id: int
    case_id: int
    bundle: Path
    bundle_name: str
    size_bytes: int
    settings: StoreSettings
    key: str
    retain_until: datetime
    part_size: int
    upload_id: str | None
    state: SubmissionState
    error: str
    """Why the last attempt failed, in words the officer can act on."""
    receipt: Receipt | None
    created_utc_ms: int
    updated_utc_ms: int

    def plan(self) -> UploadPlan:
        return UploadPlan(
            bundle=self.bundle,
            size=self.size_bytes,
            key=self.key,
            part_size=self.part_size,
            retention_mode=self.settings.retention_mode,
            retain_until=self.retain_until,
            legal_hold=self.settings.legal_hold,
            upload_id=self.upload_id,
        )


def enqueue(vault: Vault, case_id: int, bundle: Path, settings: StoreSettings) -> Submission:
    """Put a bundle (a .zip the app exported) in the queue; nothing is sent yet."""
    bundle = Path(bundle)
    if bundle.suffix.lower() != ".zip" or not bundle.is_file():
        raise BundleNotSubmittable(bundle, "only a bundle exported as one .zip file can be sent")
    size = bundle.stat().st_size
    if size == 0:
        raise BundleNotSubmittable(bundle, "it is empty")
    now = vault.clock.utc_now_ms()
    retain_until = datetime.fromtimestamp(now / 1000, tz=UTC) + timedelta(
        days=settings.retention_days
    )
    case = cases.get_case(vault, case_id)
    with vault.transaction() as tx:
        row_id = tx.execute(
            "INSERT INTO submissions(case_id, bundle_path, bundle_name, size_bytes, "
            "endpoint_url, region, bucket, object_key, retention_mode, retain_until_utc_ms, "
            "legal_hold, part_size, state, created_utc_ms, updated_utc_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?)",
            (
                case_id,
                str(bundle.resolve()),
                bundle.name,
                size,
                settings.endpoint_url,
                settings.region,
                settings.bucket,
                settings.key_for(bundle.name),
                settings.retention_mode.value,
                int(retain_until.timestamp() * 1000),
                int(settings.legal_hold),
                part_size_for(size, settings.part_size_mib),
                now,
                now,
            ),
        )
        audit_log.append(
            tx,
            vault,
            "bundle.queued",
            f"submission:{row_id}",
            case_ref=case.reference,
            content=canonical_json({"bundle": bundle.name, "bucket": settings.bucket}),
        )
    return get_submission(vault, row_id)


def get_submission(vault: Vault, submission_id: int) -> Submission:
    with vault.reader() as tx:
        row = tx.one("SELECT * FROM submissions WHERE id = ?", (submission_id,))
    if row is None:
        raise NotFound(f"There is no submission number {submission_id} in this vault.")
    return _from_row(row)


def submissions(vault: Vault, case_id: int | None = None) -> list[Submission]:
    """The queue, oldest first (one case's, when given)."""
    with vault.reader() as tx:
        rows = (
            tx.all("SELECT * FROM submissions ORDER BY id")
            if case_id is None
            else tx.all("SELECT * FROM submissions WHERE case_id = ? ORDER BY id", (case_id,))
        )
    return [_from_row(r) for r in rows]


def unfinished(vault: Vault) -> list[Submission]:
    """What still has to be sent: waiting, or interrupted while uploading."""
    return [
        s
        for s in submissions(vault)
        if s.state in (SubmissionState.WAITING, SubmissionState.UPLOADING)
    ]


def pending(
    vault: Vault, *, case_id: int | None = None, bundle: Path | None = None
) -> list[Submission]:
    """Submissions not yet stored nor given up, oldest first: waiting, interrupted, or
    failed (an officer sending the case or bundle again means to retry one of those, not
    to send a second copy beside it)."""
    return [
        s
        for s in submissions(vault, case_id)
        if s.state in (SubmissionState.WAITING, SubmissionState.UPLOADING, SubmissionState.FAILED)
        and (bundle is None or s.bundle == bundle)
    ]


def resume(vault: Vault, submission: Submission) -> Submission:
    """The submission ready to send again: a failed one goes back in the queue first."""
    if submission.state is SubmissionState.FAILED:
        return retry(vault, submission.id)
    return submission


def retry(vault: Vault, submission_id: int) -> Submission:
    """A failed submission back in the queue."""
    _set_state(vault, submission_id, SubmissionState.WAITING, "", only_from=("failed",))
    return get_submission(vault, submission_id)


def submit(
    vault: Vault,
    submission: Submission,
    client: S3Client,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    pause: CancelToken | None = None,
) -> Receipt:
    """Send one queued bundle, check what the store kept, and record the receipt.

    Cancelling (``cancel``) abandons the upload for good: the store drops its parts and
    the submission is marked cancelled; nothing is recorded as stored. Pausing (``pause``,
    which wins over a cancel that follows it) stops sending and leaves the submission
    waiting with its upload ID, raising :class:`Paused`. Any other failure leaves it
    failed with the reason, ready to retry (and resume).
    """
    if submission.state is SubmissionState.DONE and submission.receipt is not None:
        return submission.receipt
    settings = submission.settings
    _set_state(vault, submission.id, SubmissionState.UPLOADING, "")
    try:
        uploaded = _already_stored(client, submission) if submission.upload_id else None
        if uploaded is None:
            check_bucket_is_locked(client, settings)
            uploaded = upload_bundle(
                client,
                settings,
                submission.plan(),
                on_upload_id=lambda upload_id: _keep_upload_id(vault, submission.id, upload_id),
                progress=progress,
                cancel=either(cancel, pause),
            )
        stored = read_back(client, settings, submission.plan(), uploaded)
    except Cancelled:
        if pause is not None and pause.cancelled:
            _set_state(vault, submission.id, SubmissionState.WAITING, "")
            raise Paused() from None
        _cancel(vault, client, get_submission(vault, submission.id))
        raise
    except StoreError as exc:
        _set_state(vault, submission.id, SubmissionState.FAILED, str(exc))
        raise
    case = cases.get_case(vault, submission.case_id)
    receipt = Receipt(
        bucket=settings.bucket,
        key=submission.key,
        version_id=stored.version_id,
        sha256=uploaded.sha256,
        size_bytes=submission.size_bytes,
        retention_mode=stored.retention_mode,
        retain_until=stored.retain_until,
        legal_hold=stored.legal_hold,
        etag=stored.etag,
        checksum_sha256=stored.checksum_sha256,
        endpoint_url=settings.endpoint_url,
        bundle_name=submission.bundle_name,
        case_reference=case.reference,
        submitted_utc_ms=vault.clock.utc_now_ms(),
        lock_applied_after_upload=stored.lock_applied_after_upload,
    )
    _record(vault, submission, receipt)
    leave_outbox(vault, submission.bundle)
    return receipt


def cancel_submission(vault: Vault, client: S3Client | None, submission_id: int) -> None:
    """Take a bundle out of the queue before it is stored."""
    _cancel(vault, client, get_submission(vault, submission_id))


def receipts_for_case(vault: Vault, case_id: int) -> list[Receipt]:
    return [
        s.receipt
        for s in submissions(vault, case_id)
        if s.state is SubmissionState.DONE and s.receipt is not None
    ]


# ------------------------------------------------------------------ inside


def _record(vault: Vault, submission: Submission, receipt: Receipt) -> None:
    now = vault.clock.utc_now_ms()
    with vault.transaction() as tx:
        tx.execute(
            "UPDATE submissions SET state = 'done', error = '', receipt_json = ?, "
            "updated_utc_ms = ? WHERE id = ? AND state <> 'done'",
            (json.dumps(receipt.to_json()), now, submission.id),
        )
        audit_log.append(
            tx,
            vault,
            SUBMITTED_ACTION,
            f"store:{receipt.bucket}/{receipt.key}",
            case_ref=receipt.case_reference,
            content=canonical_json(receipt.to_json()),
        )
    log.info("submission %d stored and recorded", submission.id)


def _keep_upload_id(vault: Vault, submission_id: int, upload_id: str) -> None:
    with vault.transaction() as tx:
        tx.execute(
            "UPDATE submissions SET upload_id = ?, updated_utc_ms = ? WHERE id = ?",
            (upload_id, vault.clock.utc_now_ms(), submission_id),
        )


def _set_state(
    vault: Vault,
    submission_id: int,
    state: SubmissionState,
    error: str,
    *,
    only_from: tuple[str, ...] | None = None,
) -> None:
    with vault.transaction() as tx:
        row = tx.one("SELECT state FROM submissions WHERE id = ?", (submission_id,))
        if row is None:
            raise NotFound(f"There is no submission number {submission_id} in this vault.")
        if only_from is not None and str(row["state"]) not in only_from:
            return
        tx.execute(
            "UPDATE submissions SET state = ?, error = ?, updated_utc_ms = ? WHERE id = ?",
            (state.value, error, vault.clock.utc_now_ms(), submission_id),
        )


def _cancel(vault: Vault, client: S3Client | None, submission: Submission) -> None:
    if submission.state is SubmissionState.DONE:
        return
    if client is not None and submission.upload_id:
        try:
            abort_upload(client, submission.settings, submission.key, submission.upload_id)
        except StoreError:
            log.info("the store could not be told to drop the cancelled upload's parts")
    _set_state(vault, submission.id, SubmissionState.CANCELLED, "Cancelled by the officer.")
    # Nothing will send it now: its copy of the case's evidence leaves the outbox too.
    leave_outbox(vault, submission.bundle)


def _already_stored(client: S3Client, submission: Submission) -> Uploaded | None:
    """The object an earlier, interrupted attempt completed, if the store holds it.

    Keys are one per bundle, so a version under this key is ours only if it holds exactly
    these bytes (its size and composite SHA-256 computed from the file on disk); anything
    else under the key is refused, never adopted.
    """
    settings = submission.settings
    with store_errors(settings, "look for the bundle in the store"):
        listing = client.list_object_versions(Bucket=settings.bucket, Prefix=submission.key)
    versions = [v for v in listing.get("Versions", []) if v.get("Key") == submission.key]
    if not versions:
        return None
    sha256, composite, parts = _local_digests(submission.bundle, submission.part_size)
    for version in versions:
        with store_errors(settings, "read back the stored bundle"):
            head = client.head_object(
                Bucket=settings.bucket,
                Key=submission.key,
                VersionId=version["VersionId"],
                ChecksumMode="ENABLED",
            )
        stored = str(head.get("ChecksumSHA256") or "").split("-", 1)[0]
        if head.get("ContentLength") == submission.size_bytes and stored == composite:
            log.info("submission %d was stored by an earlier attempt", submission.id)
            return Uploaded(
                upload_id=submission.upload_id or "",
                version_id=str(version["VersionId"]),
                etag=str(head.get("ETag", "")),
                sha256=sha256,
                checksum_sha256=composite,
                parts=parts,
                resumed_parts=parts,
            )
    raise StoredNotAsSent((f"the store already holds a different object under {submission.key}",))


def _local_digests(bundle: Path, part_size: int) -> tuple[str, str, int]:
    whole = hashlib.sha256()
    digests = []
    with open(bundle, "rb") as handle:
        while data := handle.read(part_size):
            whole.update(data)
            digests.append(hashlib.sha256(data).digest())
    composite = base64.b64encode(hashlib.sha256(b"".join(digests)).digest()).decode("ascii")
    return whole.hexdigest(), composite, len(digests)


def _from_row(row: Row) -> Submission:
    receipt_json = row["receipt_json"]
    settings = StoreSettings(
        bucket=str(row["bucket"]),
        retention_days=max(
            1, round((int(row["retain_until_utc_ms"]) - int(row["created_utc_ms"])) / _DAY_MS)
        ),
        retention_mode=RetentionMode(str(row["retention_mode"])),
        endpoint_url=str(row["endpoint_url"]),
        region=str(row["region"]),
        legal_hold=bool(row["legal_hold"]),
    )
    return Submission(
        id=int(row["id"]),
        case_id=int(row["case_id"]),
        bundle=Path(str(row["bundle_path"])),
        bundle_name=str(row["bundle_name"]),
        size_bytes=int(row["size_bytes"]),
        settings=settings,
        key=str(row["object_key"]),
        retain_until=datetime.fromtimestamp(int(row["retain_until_utc_ms"]) / 1000, tz=UTC),
        part_size=int(row["part_size"]),
        upload_id=None if row["upload_id"] is None else str(row["upload_id"]),
        state=SubmissionState(str(row["state"])),
        error=str(row["error"]),
        receipt=None if receipt_json is None else Receipt.from_json(json.loads(receipt_json)),
        created_utc_ms=int(row["created_utc_ms"]),
        updated_utc_ms=int(row["updated_utc_ms"]),
    )
