"""Files written by RVR Desktop: private from birth, written atomically, errors translated.

Every file goes through :func:`atomic_write_bytes` (temp file with mode 0600, write,
fsync, rename, fsync the folder) so a killed process leaves either the old file or
the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from rvr_desktop.evidence.errors import DiskFull, DiskWriteFailed, FileSizeLimit, StorageError

_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def is_disk_full(exc: BaseException) -> bool:
    """True when an OSError or a database error means the disk (or a size limit) is full."""
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
        return True
    text = str(exc).lower()
    return "disk is full" in text or "disk full" in text or "file too large" in text


@contextlib.contextmanager
def translate_os_errors(where: object) -> Iterator[None]:
    """Turn OSErrors into our errors: a full disk or size limit into :class:`DiskFull`, a disk
    error (EIO, a failed fsync) into :class:`DiskWriteFailed`, anything else into
    :class:`StorageError`."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise FileSizeLimit(where) from exc
        if is_disk_full(exc):
            raise DiskFull(where) from exc
        if exc.errno == errno.EIO:
            # Never retried: after a failed fsync the kernel may have dropped the pages it
            # could not write, and a second fsync would report success for lost data.
            raise DiskWriteFailed(where) from exc
        raise StorageError(
            f"Could not write {where}: {exc.strerror or exc}. Check the folder exists and "
            "that you may write to it, then try again."
        ) from exc


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by this user."""
    with translate_os_errors(path):
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename or new file inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:  # some filesystems (and Windows) cannot fsync a folder
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.EACCES):
            raise
    finally:
        os.close(fd)


def private_temp_path(final: Path) -> Path:
    """A fresh, hidden temporary name beside ``final`` (same filesystem, so rename is atomic)."""
    return final.with_name(f".{final.name}.{secrets.token_hex(6)}.tmp")


def open_private_new(path: Path) -> int:
    """Open a new file with mode 0600; refuse if anything already has that name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, 0o600)


def atomic_write_bytes(
    path: Path, data: bytes, *, before_replace: Callable[[], None] | None = None
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new content.

    ``before_replace`` runs once the new content is durable under its temporary name (the
    crash tests kill the process there).
    """
    tmp = private_temp_path(path)
    with translate_os_errors(path):
        fd = open_private_new(tmp)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if before_replace is not None:
                before_replace()
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        fsync_dir(path.parent)
