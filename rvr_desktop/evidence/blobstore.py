"""Attachment bytes, encrypted at rest in the age format, one file per attachment.

Each blob is encrypted to its own X25519 identity, whose secret lives only inside the
vault; destroying the vault row destroys the only key, so old copies of the blob folder
become unreadable. age is a published format: the independent ``age`` tool can decrypt a
blob given its identity. Blobs are written under a temporary name, fsynced and renamed
before the caller commits the row that refers to them (see attachments.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pyrage
from pyrage import x25519

from .errors import InvalidInput, StorageError, VaultDamaged
from .fsutil import ensure_private_dir, fsync_dir, open_private_new, translate_os_errors
from .progress import CancelToken, ProgressCallback, no_progress

BLOB_SUFFIX = ".age"
TEMP_PREFIX = ".incoming-"
CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredBlob:
    name: str
    """File name inside the blob folder."""
    identity: str
    """The age secret key (AGE-SECRET-KEY-1...), to be kept only in the vault."""
    sha256: str
    """SHA-256 of the plaintext, computed while streaming it in."""
    size: int
    """Plaintext size in bytes."""


class Writable(Protocol):
    """Anything bytes can be written to: a file, a bundle's payload sink, a hashing sink."""

    def write(self, data: bytes, /) -> object: ...


class TooLarge(InvalidInput):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"The file is larger than the limit of {limit / 2**20:,.0f} MiB set for attachments. "
            "It was not imported. Ask your supervisor whether the limit should be raised, or "
            "export the evidence another way."
        )


class _HashingReader:
    """Feeds the encrypter while hashing, counting, reporting progress and checking cancel."""

    def __init__(
        self,
        source: BinaryIO,
        total: int,
        max_bytes: int | None,
        progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> None:
        self._source = source
        self._total = total
        self._max = max_bytes
        self._progress = progress
        self._cancel = cancel
        self.digest = hashlib.sha256()
        self.size = 0
        self.error: BaseException | None = None
        self._buffer = memoryview(b"")
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        # The encrypter asks for small pieces; read and hash the source a megabyte at a
        # time and hand it out in the sizes asked for.
        try:
            if self._pos >= len(self._buffer):
                self._refill()
            want = len(self._buffer) - self._pos if n is None or n < 0 else n
            piece = self._buffer[self._pos : self._pos + want]
            self._pos += len(piece)
            return bytes(piece)
        except BaseException as exc:
            self.error = exc
            raise

    def _refill(self) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled("The import")
        data = self._source.read(CHUNK)
        self.size += len(data)
        if self._max is not None and self.size > self._max:
            raise TooLarge(self._max)
        self.digest.update(data)
        self._buffer = memoryview(data)
        self._pos = 0
        if data:
            self._progress(self.size, self._total)


class _HashingWriter:
    def __init__(self, sink: Writable, progress: ProgressCallback, total: int) -> None:
        self._sink = sink
        self._progress = progress
        self._total = total
        self.digest = hashlib.sha256()
        self.size = 0
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        try:
            self._sink.write(data)
        except BaseException as exc:
            self.error = exc
            raise
        self.digest.update(data)
        self.size += len(data)
        self._progress(self.size, self._total)
        return len(data)

    def flush(self) -> None:
        flush = getattr(self._sink, "flush", None)
        if flush is not None:
            flush()


class _FileWriter:
    """Records the first OSError so a full disk is reported as such, not as 'encryption failed'."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        try:
            return self._handle.write(data)
        except BaseException as exc:
            self.error = exc
            raise

    def flush(self) -> None:
        self._handle.flush()


class BlobStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def ensure(self) -> None:
        ensure_private_dir(self.folder)

    def path_of(self, name: str) -> Path:
        if not name.endswith(BLOB_SUFFIX) or "/" in name or "\\" in name or name.startswith("."):
            raise VaultDamaged(f"an attachment refers to an invalid blob name {name!r}")
        return self.folder / name

    def write(
        self,
        source: BinaryIO,
        *,
        total_hint: int = 0,
        max_bytes: int | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> StoredBlob:
        """Encrypt ``source`` into a new blob; durable (fsynced and renamed) when this returns."""
        identity = x25519.Identity.generate()
        name = secrets.token_hex(16) + BLOB_SUFFIX
        final = self.folder / name
        temp = self.folder / f"{TEMP_PREFIX}{name}"
        reader = _HashingReader(source, total_hint, max_bytes, progress, cancel)
        with translate_os_errors("an attachment in the vault"):
            fd = open_private_new(temp)
            try:
                with os.fdopen(fd, "wb") as handle:
                    writer = _FileWriter(handle)
                    try:
                        pyrage.encrypt_io(reader, writer, [identity.to_public()])
                    except (pyrage.EncryptError, OSError) as exc:
                        raise (reader.error or writer.error or exc) from exc
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, final)
                fsync_dir(self.folder)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
                raise
        return StoredBlob(name, str(identity), reader.digest.hexdigest(), reader.size)

    def read_into(
        self,
        name: str,
        identity: str,
        sink: Writable,
        *,
        total_hint: int = 0,
        progress: ProgressCallback = no_progress,
    ) -> str:
        """Decrypt blob ``name`` into ``sink``; returns the SHA-256 of the bytes written."""
        path = self.path_of(name)
        writer = _HashingWriter(sink, progress, total_hint)
        try:
            key = x25519.Identity.from_str(identity)
        except pyrage.IdentityError as exc:
            raise VaultDamaged(f"the key for attachment blob {name} is unusable") from exc
        try:
            with open(path, "rb") as handle:
                pyrage.decrypt_io(handle, writer, [key])
        except FileNotFoundError as exc:
            raise VaultDamaged(f"the encrypted file of an attachment ({name}) is missing") from exc
        except (pyrage.DecryptError, OSError) as exc:
            if writer.error is not None:
                with translate_os_errors("the exported attachment"):
                    raise writer.error from exc
            raise VaultDamaged(
                f"the encrypted file of an attachment ({name}) fails its integrity check"
            ) from exc
        return writer.digest.hexdigest()

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_of(name).unlink()

    def reconcile(self, known: set[str]) -> list[str]:
        """Remove blobs no row refers to (a crash between rename and commit); report the missing.

        Returns the names that rows refer to but that are not on disk.
        """
        present: set[str] = set()
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            entries = []
        except OSError as exc:
            raise StorageError(
                f"Could not read the attachment folder {self.folder}: {exc}"
            ) from exc
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX) or (
                entry.name.endswith(BLOB_SUFFIX) and entry.name not in known
            ):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
            elif entry.name.endswith(BLOB_SUFFIX):
                present.add(entry.name)
        return sorted(known - present)
