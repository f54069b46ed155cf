"""A file as a bundle folder's walk listed it, read back only if it is still that file.

Kept apart from :mod:`.folder_source` so a hashing worker process
(:mod:`.hash_worker`) starts with nothing else to import.
"""

from __future__ import annotations

import io
import os
import stat
from typing import NamedTuple

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # so a pipe swapped in cannot make open() wait


class ListedFile(NamedTuple):
    """A regular file as the walk listed it: its path, size and (device, inode)."""

    path: str
    size: int
    identity: tuple[int, int]


class FileRefused(Exception):
    """A listed file that cannot be read as listed; ``problem`` says why, in words."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def open_listed_file(listed: ListedFile) -> int:
    """A descriptor of the very file listed, opened without following links."""
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(listed.path, flags)
    except OSError as exc:
        raise FileRefused(f"it could not be opened ({exc.strerror})") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != listed.identity:
            raise FileRefused("it was replaced while the bundle was being read")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_listed_file(listed: ListedFile, buffer: bytearray) -> int:
    """Read the whole of a listed file into ``buffer`` (at least one byte longer than it);
    a file that grew or shrank since it was listed is refused."""
    view = memoryview(buffer)[: listed.size + 1]
    got = 0
    with io.FileIO(open_listed_file(listed), "r", closefd=True) as raw:
        while got < len(view) and (count := raw.readinto(view[got:])):
            got += count
    if got > listed.size:
        raise FileRefused("it grew while it was being read")
    if got < listed.size:
        raise FileRefused("it shrank while it was being read")
    return got
