"""Sending a case's bundle to the store, from the app or a script: the steps in order.

A case's bundle is exported into the outbox as one .zip, joins the queue and is sent; an
existing bundle is checked first (only an intact bundle is sent) and joins the queue of
the vault it came from. Whatever was interrupted before (a lost network, a killed
process) is resumed rather than exported or uploaded again. Without a vault (a script
holding a bundle only), the bundle is sent, locked and read back the same way, and the
receipt goes to the caller alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.store import queue
from rvr_desktop.evidence.store.client import S3Client
from rvr_desktop.evidence.store.errors import BundleNotSubmittable
from rvr_desktop.evidence.store.outbox import export_for_store
from rvr_desktop.evidence.store.readback import read_back
from rvr_desktop.evidence.store.receipt import Receipt
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.store.upload import (
    UploadPlan,
    check_bucket_is_locked,
    part_size_for,
    upload_bundle,
)
from rvr_desktop.evidence.vault import Vault


def submit_case(
    vault: Vault,
    case_id: int,
    settings: StoreSettings,
    client: S3Client,
    *,
    timestamp_url: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    pause: CancelToken | None = None,
) -> Receipt:
    """Export the case for the store and send it, or finish the submission already begun
    (interrupted, or failed: it may be in the store already, and is never sent twice)."""
    earlier = queue.pending(vault, case_id=case_id)
    if earlier:
        submission = queue.resume(vault, earlier[0])
    else:
        bundle = export_for_store(vault, case_id, settings, timestamp_url=timestamp_url)
        submission = queue.enqueue(vault, case_id, bundle, settings)
    return queue.submit(vault, submission, client, progress=progress, cancel=cancel, pause=pause)


def submit_bundle(
    vault: Vault,
    bundle: Path,
    settings: StoreSettings,
    client: S3Client,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Receipt:
    """Send a bundle exported earlier from this vault (or finish sending it)."""
    bundle = Path(bundle).resolve()
    earlier = queue.pending(vault, bundle=bundle)
    if earlier:
        submission = queue.resume(vault, earlier[0])
    else:
        reference = intact_bundle_reference(bundle)
        case = cases.find_case(vault, reference)
        submission = queue.enqueue(vault, case.id, bundle, settings)
    return queue.submit(vault, submission, client, progress=progress, cancel=cancel)


def send_without_vault(
    bundle: Path,
    settings: StoreSettings,
    client: S3Client,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Receipt:
    """Send, lock and read back an intact bundle; the receipt is recorded nowhere."""
    bundle = Path(bundle).resolve()
    reference = intact_bundle_reference(bundle)
    now = datetime.now(UTC)
    size = bundle.stat().st_size
    plan = UploadPlan(
        bundle=bundle,
        size=size,
        key=settings.key_for(bundle.name),
        part_size=part_size_for(size, settings.part_size_mib),
        retention_mode=settings.retention_mode,
        retain_until=now + timedelta(days=settings.retention_days),
        legal_hold=settings.legal_hold,
    )
    check_bucket_is_locked(client, settings)
    uploaded = upload_bundle(
        client, settings, plan, on_upload_id=lambda _: None, progress=progress, cancel=cancel
    )
    stored = read_back(client, settings, plan, uploaded)
    return Receipt(
        bucket=settings.bucket,
        key=plan.key,
        version_id=stored.version_id,
        sha256=uploaded.sha256,
        size_bytes=size,
        retention_mode=stored.retention_mode,
        retain_until=stored.retain_until,
        legal_hold=stored.legal_hold,
        etag=stored.etag,
        checksum_sha256=stored.checksum_sha256,
        endpoint_url=settings.endpoint_url,
        bundle_name=bundle.name,
        case_reference=reference,
        submitted_utc_ms=int(now.timestamp() * 1000),
        lock_applied_after_upload=stored.lock_applied_after_upload,
    )


def intact_bundle_reference(bundle: Path) -> str:
    """The case reference of an intact bundle .zip; refuses anything else before sending."""
    if bundle.suffix.lower() != ".zip" or not bundle.is_file():
        raise BundleNotSubmittable(bundle, "only a bundle exported as one .zip file can be sent")
    status = verify_bundle(bundle, TrustStore.empty())
    if not status.intact:
        raise BundleNotSubmittable(bundle, f"it is not intact ({status.verdict_text})")
    reference = status.info("RVR-Case-Reference")
    if not reference:
        raise BundleNotSubmittable(bundle, "it does not name its case")
    return reference
