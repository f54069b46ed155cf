"""Copies of single bundle members in a private temporary folder, for the system viewer.

A zip is never extracted: the one member asked for is read through the core's bounded
reader (:func:`~rvr_desktop.evidence.bundle.archive.open_bag_source`) and written under
a name of our own choosing, so a hostile member name cannot place a file anywhere.
Folder bundles go through the same reader, so a link inside one is refused the same way.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rvr_desktop.evidence.bundle import contents as c
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.layout import PAYLOAD_PREFIX
from rvr_desktop.evidence.fsutil import atomic_write_bytes

MAX_VIEW_BYTES = 256 * 1024 * 1024
STATEMENT_MEMBER = PAYLOAD_PREFIX + c.STATEMENT_PDF
NOTES_MEMBER = PAYLOAD_PREFIX + c.NOTES_PDF


class ViewerCopies:
    """Owns one private temporary folder (mode 0700), removed by :meth:`cleanup`."""

    def __init__(self) -> None:
        self._folder: Path | None = None

    @property
    def folder(self) -> Path | None:
        return self._folder

    def copy(self, bundle: Path, member: str) -> Path:
        """Copy ``member`` (a bag path such as ``data/notes/notes-log.pdf``) out of ``bundle``.

        Each copy gets a fresh sub-folder, so an earlier copy still open in a viewer is
        never overwritten.
        """
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="rvr-view-"))
        with open_bag_source(bundle) as source:
            data = source.read_small(member, MAX_VIEW_BYTES)
        target_dir = Path(tempfile.mkdtemp(dir=self._folder))
        target = target_dir / Path(member).name
        atomic_write_bytes(target, data)
        return target

    def cleanup(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
