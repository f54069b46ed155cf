"""Evidence attachments: files the victim sends and captures of the call screen.

Import streams in chunks (a 2 GiB file never sits whole in memory), hashing with SHA-256
while the original bytes are encrypted into the blob store unchanged. Each attachment is
an exhibit with a reference made of the officer's initials and a running number (JS/1).
The blob is durable on disk before its row commits; a crash in between leaves an orphan
blob that the next unlock removes (see Vault._reconcile_blobs).
"""

from __future__ import annotations

import mimetypes
import os
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from rvr_desktop.evidence.case.cases import load_case
from rvr_desktop.evidence.crashpoints import crash_point
from rvr_desktop.evidence.errors import InvalidInput, NotFound, VaultDamaged
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.vault import Tx, Vault, audit
from rvr_desktop.evidence.vault.blobstore import TooLarge, Writable

MAX_BYTES_SETTING = "attachments.max_bytes"
DEFAULT_MAX_BYTES = 8 * 1024**3
INITIALS_SETTING = "officer.initials"


class AttachmentSource(StrEnum):
    FILE = "file"
    SCREEN_CAPTURE = "screen_capture"


@dataclass(frozen=True)
class Attachment:
    id: int
    case_id: int
    exhibit_ref: str
    """The exhibit reference, such as JS/1."""
    original_name: str
    media_type: str
    size_bytes: int
    sha256: str
    source: AttachmentSource
    description: str
    imported_utc_ms: int
    blob_name: str

    def to_json(self) -> dict[str, Any]:
        return {
            "exhibit_ref": self.exhibit_ref,
            "original_name": self.original_name,
            "media_type": self.media_type,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "source": self.source.value,
            "description": self.description,
            "imported_utc_ms": self.imported_utc_ms,
        }


class AlreadyImported(InvalidInput):
    def __init__(self, existing: str, sha256: str) -> None:
        self.existing = existing
        super().__init__(
            f"These exact bytes are already in this case as exhibit {existing} "
            f"(SHA-256 {sha256[:16]}...). Nothing new was added."
        )


def attachment_from_row(row: Any) -> Attachment:
    return Attachment(
        id=int(row["id"]),
        case_id=int(row["case_id"]),
        exhibit_ref=str(row["exhibit_ref"]),
        original_name=str(row["original_name"]),
        media_type=str(row["media_type"]),
        size_bytes=int(row["size_bytes"]),
        sha256=str(row["sha256"]),
        source=AttachmentSource(row["source"]),
        description=str(row["description"]),
        imported_utc_ms=int(row["imported_utc_ms"]),
        blob_name=str(row["blob_name"]),
    )


def officer_initials(vault: Vault) -> str:
    configured = vault.get_setting(INITIALS_SETTING)
    if configured:
        return configured
    words = re.findall(r"[^\W\d_]+", vault.actor)
    chosen = words if len(words) < 2 else [words[0], words[-1]]
    initials = "".join(w[0] for w in chosen).upper()
    return initials or "EX"


def max_bytes(vault: Vault) -> int:
    configured = vault.get_setting(MAX_BYTES_SETTING)
    if not configured:
        return DEFAULT_MAX_BYTES
    if not configured.isdigit():
        raise InvalidInput(
            f"The attachment size limit in the settings ({configured!r}) is not a number of "
            "bytes. Correct it in Settings, then import again."
        )
    return int(configured)


def _safe_display_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or "attachment"


def import_stream(
    vault: Vault,
    case_id: int,
    source: BinaryIO,
    *,
    original_name: str,
    media_type: str | None = None,
    source_kind: AttachmentSource = AttachmentSource.FILE,
    description: str = "",
    size_hint: int = 0,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Attachment:
    """Import bytes from an open stream as a new exhibit of the case."""
    name = _safe_display_name(original_name)
    media = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    limit = max_bytes(vault)
    initials = officer_initials(vault)
    if size_hint > limit:
        raise TooLarge(limit)
    with vault.reader() as tx:
        load_case(tx, case_id)
    stored = vault.blobs.write(
        source, total_hint=size_hint, max_bytes=limit, progress=progress, cancel=cancel
    )
    crash_point("attachment.blob-stored-before-row")
    try:
        with vault.transaction() as tx:
            case = load_case(tx, case_id)
            existing = tx.scalar(
                "SELECT exhibit_ref FROM attachments WHERE case_id = ? AND sha256 = ?",
                (case_id, stored.sha256),
            )
            if existing is not None:
                raise AlreadyImported(str(existing), stored.sha256)
            numbers = [
                int(str(r[0]).rsplit("/", 1)[1])
                for r in tx.all(
                    "SELECT exhibit_ref FROM attachments WHERE case_id = ? "
                    "AND substr(exhibit_ref, 1, ?) = ?",
                    (case_id, len(initials) + 1, f"{initials}/"),
                )
                if str(r[0]).rsplit("/", 1)[1].isdigit()
            ]
            exhibit_ref = f"{initials}/{max(numbers, default=0) + 1}"
            attachment_id = tx.execute(
                "INSERT INTO attachments(case_id, exhibit_ref, original_name, media_type, "
                "size_bytes, sha256, source, description, imported_utc_ms, blob_name, "
                "blob_identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case_id,
                    exhibit_ref,
                    name,
                    media,
                    stored.size,
                    stored.sha256,
                    source_kind.value,
                    description.strip(),
                    vault.clock.utc_now_ms(),
                    stored.name,
                    stored.identity,
                ),
            )
            row = tx.one("SELECT * FROM attachments WHERE id = ?", (attachment_id,))
            # The record covers the bytes' hash and every detail of the exhibit.
            audit.append(
                tx,
                vault,
                "attachment.added",
                f"attachment:{exhibit_ref}",
                case_ref=case.reference,
                content=canonical_json(attachment_from_row(row).to_json()),
            )
            crash_point("attachment.row-written-before-commit")
    except BaseException:
        vault.blobs.remove(stored.name)
        raise
    return attachment_from_row(row)


def import_file(
    vault: Vault,
    case_id: int,
    path: Path,
    *,
    source_kind: AttachmentSource = AttachmentSource.FILE,
    description: str = "",
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Attachment:
    """Import a file from disk; the file itself is not changed."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after a size check
    except FileNotFoundError:
        raise InvalidInput(f"The file {path} does not exist; nothing was imported.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder; choose a file to import.") from None
    except OSError as exc:
        raise InvalidInput(f"The file {path} cannot be read ({exc.strerror}).") from exc
    with handle:
        size = os.fstat(handle.fileno()).st_size
        return import_stream(
            vault,
            case_id,
            handle,
            original_name=path.name,
            source_kind=source_kind,
            description=description,
            size_hint=size,
            progress=progress,
            cancel=cancel,
        )


def read_attachments(tx: Tx, case_id: int) -> list[Attachment]:
    """The case's exhibits as ``tx`` sees them, in the order they were imported."""
    load_case(tx, case_id)
    rows = tx.all("SELECT * FROM attachments WHERE case_id = ? ORDER BY id", (case_id,))
    return [attachment_from_row(r) for r in rows]


def list_attachments(vault: Vault, case_id: int) -> list[Attachment]:
    with vault.reader() as tx:
        return read_attachments(tx, case_id)


def get_attachment(vault: Vault, attachment_id: int) -> Attachment:
    with vault.reader() as tx:
        row = tx.one("SELECT * FROM attachments WHERE id = ?", (attachment_id,))
    if row is None:
        raise NotFound(f"There is no attachment {attachment_id} in this vault.")
    return attachment_from_row(row)


@dataclass(frozen=True)
class EncryptedBlob:
    """Where an attachment's encrypted bytes are and the key that opens them, for a
    process of our own that decrypts them (the key must go no further)."""

    path: Path
    identity: str = field(repr=False)  # the age secret key: never in a log or traceback


def encrypted_blob(vault: Vault, attachment_id: int) -> EncryptedBlob:
    with vault.reader() as tx:
        row = tx.one(
            "SELECT blob_name, blob_identity FROM attachments WHERE id = ?", (attachment_id,)
        )
    if row is None:
        raise NotFound(f"There is no attachment {attachment_id} in this vault.")
    return EncryptedBlob(vault.blobs.path_of(str(row["blob_name"])), str(row["blob_identity"]))


def read_into(
    vault: Vault,
    attachment_id: int,
    sink: Writable,
    *,
    progress: ProgressCallback = no_progress,
    sink_checks_hash: bool = False,
) -> Attachment:
    """Write the attachment's original bytes to ``sink``, checking them against the stored hash.

    Pass ``sink_checks_hash=True`` only when the sink itself compares the bytes with
    ``attachment.sha256`` (the bundle writer does): the hash is then taken once, not twice.
    """
    with vault.reader() as tx:
        row = tx.one("SELECT * FROM attachments WHERE id = ?", (attachment_id,))
    if row is None:
        raise NotFound(f"There is no attachment {attachment_id} in this vault.")
    attachment = attachment_from_row(row)
    digest = vault.blobs.read_into(
        attachment.blob_name,
        str(row["blob_identity"]),
        sink,
        total_hint=attachment.size_bytes,
        progress=progress,
        hash_bytes=not sink_checks_hash,
    )
    if not sink_checks_hash and digest != attachment.sha256:
        raise VaultDamaged(
            f"exhibit {attachment.exhibit_ref} no longer matches the hash taken when it was "
            "imported"
        )
    return attachment
