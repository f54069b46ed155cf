"""A read-only view of a bag, whether a folder or a .zip, that hostile input cannot escape.

Nothing is ever extracted: members are read as streams that end at the size recorded
when the bag was listed (a zip member that inflates past its declared size is refused
at that size plus one byte). Every problem raises :class:`HostileBundle` naming the entry.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from rvr_desktop.evidence.bundle.errors import BundleUnreadable, HostileBundle
from rvr_desktop.evidence.bundle.folder_source import FolderBagSource
from rvr_desktop.evidence.bundle.source import DEFAULT_LIMITS, BagMember, BagSource, ReadLimits
from rvr_desktop.evidence.bundle.zip_source import ZipBagSource
from rvr_desktop.evidence.errors import InvalidInput

__all__ = ["DEFAULT_LIMITS", "BagMember", "BagSource", "ReadLimits", "open_bag_source"]


def open_bag_source(
    path: Path,
    limits: ReadLimits = DEFAULT_LIMITS,
    *,
    on_many_small_files: Callable[[], object] | None = None,
) -> BagSource:
    """Open a bundle folder or .zip for reading; refuses anything unsafe before returning.

    ``on_many_small_files`` is called during a folder's walk once it has listed enough
    small payload files to be worth hashing in worker processes (never for a .zip).
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise InvalidInput(f"There is no bundle at {path}. Check the path.") from None
    except OSError as exc:
        raise BundleUnreadable(path, exc.strerror or type(exc).__name__) from exc
    if stat.S_ISLNK(st.st_mode):
        raise HostileBundle(str(path), "it is a symbolic link; choose the bundle itself")
    if stat.S_ISDIR(st.st_mode):
        return FolderBagSource(path, limits, on_many_small_files)
    if stat.S_ISREG(st.st_mode):
        return ZipBagSource(path, limits)
    raise HostileBundle(str(path), "it is neither a folder nor a file")
