"""The receipt for a bundle the store holds: what a script, the case and the audit chain keep.

Its JSON shape is a contract others' scripts rely on (``rvr-desktop submit --json``):
at least ``bucket``, ``key``, ``version_id``, ``sha256`` and ``retain_until`` (ISO 8601,
UTC). It is hashed into the audit chain when recorded, so ``vault check`` re-hashes it
and the next export carries it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.fsutil import atomic_write_bytes


@dataclass(frozen=True)
class Receipt:
    bucket: str
    key: str
    version_id: str
    """The object version that holds the bundle (a locked version cannot be changed)."""
    sha256: str
    """The bundle file's SHA-256 (hex), computed from the bytes sent."""
    size_bytes: int
    retention_mode: str
    retain_until: datetime
    legal_hold: bool
    etag: str
    checksum_sha256: str
    """The store's composite SHA-256 checksum of the parts, as read back."""
    endpoint_url: str
    """The store's address ('' for AWS S3 itself)."""
    bundle_name: str
    case_reference: str
    submitted_utc_ms: int
    lock_applied_after_upload: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "key": self.key,
            "version_id": self.version_id,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "retention_mode": self.retention_mode,
            "retain_until": self.retain_until.astimezone(UTC).isoformat(),
            "legal_hold": self.legal_hold,
            "etag": self.etag,
            "checksum_sha256": self.checksum_sha256,
            "endpoint_url": self.endpoint_url,
            "bundle_name": self.bundle_name,
            "case_reference": self.case_reference,
            "submitted_utc_ms": self.submitted_utc_ms,
            "lock_applied_after_upload": self.lock_applied_after_upload,
        }

    @classmethod
    def from_json(cls, raw: Any) -> Receipt:
        """A receipt read back (from the vault or a file a script kept), strictly."""
        try:
            if not isinstance(raw, dict):
                raise TypeError("not an object")
            return cls(
                bucket=str(raw["bucket"]),
                key=str(raw["key"]),
                version_id=str(raw["version_id"]),
                sha256=str(raw["sha256"]),
                size_bytes=int(raw["size_bytes"]),
                retention_mode=str(raw["retention_mode"]),
                retain_until=datetime.fromisoformat(str(raw["retain_until"])).astimezone(UTC),
                legal_hold=bool(raw["legal_hold"]),
                etag=str(raw["etag"]),
                checksum_sha256=str(raw["checksum_sha256"]),
                endpoint_url=str(raw["endpoint_url"]),
                bundle_name=str(raw["bundle_name"]),
                case_reference=str(raw["case_reference"]),
                submitted_utc_ms=int(raw["submitted_utc_ms"]),
                lock_applied_after_upload=bool(raw.get("lock_applied_after_upload", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                f"That is not a receipt of RVR Desktop's evidence store ({exc}). Give the "
                "JSON that 'rvr-desktop submit --json' printed."
            ) from exc

    def describe(self) -> str:
        """One line for the case and the command line."""
        hold = ", legal hold" if self.legal_hold else ""
        return (
            f"stored as {self.bucket}/{self.key} version {self.version_id}, "
            f"{self.retention_mode} until {self.retain_until:%Y-%m-%d}{hold}"
        )


def save_receipt(receipt: Receipt, path: Path) -> None:
    """Write the receipt as the JSON ``rvr-desktop submit --json`` prints (private, atomic),
    for ``rvr-verify --receipt`` and the Verify window."""
    atomic_write_bytes(path, (json.dumps(receipt.to_json(), indent=2) + "\n").encode("utf-8"))
