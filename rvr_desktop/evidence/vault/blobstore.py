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
import queue
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pyrage
from pyrage import x25519

from rvr_desktop.evidence.crashpoints import crash_point
from rvr_desktop.evidence.errors import InvalidInput, StorageError, VaultDamaged
from rvr_desktop.evidence.fsutil import (
    ensure_private_dir,
    fsync_dir,
    open_private_new,
    translate_os_errors,
)
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress

BLOB_SUFFIX = ".age"
TEMP_PREFIX = ".incoming-"
CHUNK = 1 << 20
# Decrypted bytes are handed to the writing thread in blocks this big: each hand-over
# costs a wait for the GIL, which the decrypter holds, so fewer, larger blocks are faster.
_WRITE_BLOCK = 4 << 20
_QUEUE_BLOCKS = 2


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
    """Anything bytes can be written to: a file, a bundle's payload sink, a hashing sink.

    The buffer handed to ``write`` is reused once the call returns: a sink that keeps the
    bytes must copy them (files, BytesIO and hashes do).
    """

    def write(self, data: memoryview, /) -> object: ...


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
    """Takes the decrypter's small pieces and hands them on in megabyte blocks.

    The decrypter holds the GIL while it works; hashing and writing release it. So the
    blocks are hashed and written by a second thread while the next ones are decrypted,
    using both cores. The decrypter is the slower side, so it only copies each piece
    once, into a block taken from a fixed set that the writing thread gives back: no
    block is allocated or copied again, and the set (``_QUEUE_BLOCKS`` + 1 blocks)
    bounds the memory.
    """

    def __init__(
        self, sink: Writable, progress: ProgressCallback, total: int, *, hash_bytes: bool = True
    ) -> None:
        self._sink = sink
        self._progress = progress
        self._total = total
        self._hash_bytes = hash_bytes
        self._free: queue.Queue[bytearray] = queue.Queue()
        for _ in range(_QUEUE_BLOCKS + 1):
            self._free.put(bytearray(_WRITE_BLOCK))
        self._block = self._free.get()
        self._used = 0
        self._blocks: queue.Queue[tuple[bytearray, int] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._consume, name="blob-writer", daemon=True)
        self._thread.start()
        self.digest = hashlib.sha256()
        self.size = 0
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        # Called for every 8 KiB the decrypter produces, with the GIL held: kept short.
        if self.error is not None:
            raise self.error
        count = len(data)
        end = self._used + count
        if end < _WRITE_BLOCK:
            self._block[self._used : end] = data
            self._used = end
            return count
        piece = memoryview(data)
        while piece:
            taken = piece[: _WRITE_BLOCK - self._used]
            self._block[self._used : self._used + len(taken)] = taken
            self._used += len(taken)
            piece = piece[len(taken) :]
            if self._used == _WRITE_BLOCK:
                self._hand_on()
        return count

    def _hand_on(self) -> None:
        self._blocks.put((self._block, self._used))
        self._block = self._free.get()  # waits while the writer is _QUEUE_BLOCKS behind
        self._used = 0

    def _consume(self) -> None:
        while (item := self._blocks.get()) is not None:
            block, used = item
            try:
                if self.error is None:
                    view = memoryview(block)[:used]
                    self._sink.write(view)
                    if self._hash_bytes:
                        self.digest.update(view)
                    self.size += used
                    self._progress(self.size, self._total)
            except BaseException as exc:
                self.error = exc
            finally:
                self._free.put(
                    block
                )  # given back even after a failure, so the producer never blocks

    def flush(self) -> None:
        """Called by the decrypter; the last bytes are written by :meth:`finish`."""

    def finish(self) -> None:
        """Hand on the last bytes and wait until everything is written."""
        if self._used:
            self._blocks.put((self._block, self._used))
            self._used = 0
        self.close()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        if self._thread.is_alive():
            self._blocks.put(None)
            self._thread.join()


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
                crash_point("blob.encrypted-before-rename")
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
        hash_bytes: bool = True,
    ) -> str | None:
        """Decrypt blob ``name`` into ``sink``; returns the SHA-256 of the bytes written.

        With ``hash_bytes=False`` (the sink hashes them itself) it returns None.
        """
        path = self.path_of(name)
        try:
            key = x25519.Identity.from_str(identity)
        except pyrage.IdentityError as exc:
            raise VaultDamaged(f"the key for attachment blob {name} is unusable") from exc
        writer = _HashingWriter(sink, progress, total_hint, hash_bytes=hash_bytes)
        try:
            with open(path, "rb") as handle:
                pyrage.decrypt_io(handle, writer, [key])
            writer.finish()
        except FileNotFoundError as exc:
            raise VaultDamaged(f"the encrypted file of an attachment ({name}) is missing") from exc
        except (pyrage.DecryptError, OSError) as exc:
            writer.close()
            if writer.error is not None:
                # The sink failed (a full disk, a cancel): say that, not "damaged".
                if isinstance(writer.error, OSError):
                    with translate_os_errors("the exported attachment"):
                        raise writer.error from exc
                raise writer.error from exc
            raise VaultDamaged(
                f"the encrypted file of an attachment ({name}) fails its integrity check"
            ) from exc
        finally:
            writer.close()
        return writer.digest.hexdigest() if hash_bytes else None

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_of(name).unlink()

    def names(self) -> set[str]:
        """The blob files present (not temporary ones)."""
        try:
            return {
                e.name
                for e in os.scandir(self.folder)
                if e.name.endswith(BLOB_SUFFIX) and not e.name.startswith(TEMP_PREFIX)
            }
        except FileNotFoundError:
            return set()

    def orphans(self, known: set[str]) -> list[str]:
        """Blob and temporary files that no attachment refers to (left by a crash)."""
        try:
            entries = [e.name for e in os.scandir(self.folder)]
        except FileNotFoundError:
            return []
        return sorted(
            name
            for name in entries
            if name.startswith(TEMP_PREFIX) or (name.endswith(BLOB_SUFFIX) and name not in known)
        )

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
