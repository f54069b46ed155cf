"""Bundles exported for the store wait in the vault's outbox until the store has them.

A bundle is plain evidence (it has to be, to be checked by anyone), so the outbox is a
private folder beside the vault, and each bundle leaves it once its receipt is recorded:
the vault keeps the case and the store keeps the bundle.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.fsutil import ensure_private_dir
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.store.settings import StoreSettings
from rvr_desktop.evidence.vault import Vault

log = logging.getLogger(__name__)

OUTBOX = "outbox"


def outbox_dir(vault: Vault) -> Path:
    return vault.paths.root / OUTBOX


def export_for_store(
    vault: Vault,
    case_id: int,
    settings: StoreSettings,
    *,
    timestamp_url: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Export the case as one .zip into the outbox, recorded as an export to the store."""
    folder = ensure_private_dir(outbox_dir(vault))
    result = export_case(
        vault,
        ExportRequest(
            case_id,
            folder,
            recipient=f"The force's evidence store (bucket {settings.bucket})",
            justification="Submission to the force's evidence store",
            layout=BundleLayout.ZIP,
            timestamp_url=timestamp_url,
        ),
        progress=progress,
        cancel=cancel,
    )
    return result.bundle


def leave_outbox(vault: Vault, bundle: Path) -> None:
    """Remove a stored bundle's local copy, if the outbox holds it (never anything else)."""
    if bundle.parent.resolve() != outbox_dir(vault).resolve():
        return
    with contextlib.suppress(FileNotFoundError):
        bundle.unlink()
        log.info("a stored bundle left the outbox")
