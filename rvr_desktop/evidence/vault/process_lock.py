"""One program at a time: a lock file held while a vault is unlocked.

Two programs writing one vault would race (one could remove the other's freshly
imported attachment as an orphan, or acknowledge a head the other is about to pass).
The operating system releases the lock when the process ends, even if it is killed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from rvr_desktop.evidence.errors import VaultError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


class VaultInUse(VaultError):
    def __init__(self, root: object) -> None:
        super().__init__(
            f"The vault at {root} is open in another RVR Desktop window or command. Lock or "
            "close it there first (nothing has been changed), then try again."
        )


class VaultProcessLock:
    """Held from unlocking until locking; refuses a second holder in any process."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def acquire(self, root: object) -> None:
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            raise VaultInUse(root)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None
