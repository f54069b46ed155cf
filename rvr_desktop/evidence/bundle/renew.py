"""Keep a kept bundle's signature provable: add a fresh archive time-stamp.

For the force's archive, before the newest time-stamp's unit certificate expires. Nothing
already in the bundle changes: the new token and the validation data fetched for it are
added under ``archive-timestamps/`` (docs/bundle-format.md, section 6.2).

A folder gets the new files one by one, the token last; a run killed part-way leaves a
folder of validation data without its token, which the verifier names, and the next run
removes before it starts. A zip is copied, the new entries appended to the copy, and the
copy renamed over the original only when whole and on disk: the original is never
half-changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.bagit_reader import load_bag
from rvr_desktop.evidence.bundle.errors import MalformedBag
from rvr_desktop.evidence.bundle.layout import ARCHIVE_TIMESTAMPS_DIR, SIGNATURE_P7S
from rvr_desktop.evidence.bundle.long_term_files import (
    read_long_term_data,
    renewed_archive_files,
)
from rvr_desktop.evidence.errors import InvalidInput, NotAllowed
from rvr_desktop.evidence.fsutil import (
    atomic_write_bytes,
    ensure_private_dir,
    fsync_dir,
    private_temp_path,
    translate_os_errors,
)
from rvr_desktop.evidence.signing.cms import verify_detached
from rvr_desktop.evidence.signing.timestamps import read_token
from rvr_desktop.evidence.signing.trust import TrustStore


@dataclass(frozen=True)
class RenewResult:
    bundle: Path
    archive_timestamps: int
    """How many archive time-stamps the bundle now holds."""
    newest_time: datetime
    """The time the new token states."""
    added: tuple[str, ...]
    """The files added, as paths inside the bundle."""


def renew_bundle(path: Path, timestamp_url: str) -> RenewResult:
    """Add one archive time-stamp to the bundle at ``path`` (folder or .zip).

    Refused (:class:`NotAllowed`) when the bundle has no signature, or its tag manifest
    is no longer what was signed: a time-stamp would only prove when it was already
    altered. A failing time-stamping service raises and changes nothing.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"There is no bundle at {path}. Give its folder or .zip file.")
    if path.is_dir():
        _remove_interrupted_renewal(path)
    with open_bag_source(path) as source:
        bag = load_bag(source)
        if bag.signature is None:
            raise NotAllowed(
                f"The bundle {path.name} has no {SIGNATURE_P7S}: there is no signature to "
                "keep alive."
            )
        signed = verify_detached(bag.signature, bag.tag_manifest_bytes, TrustStore.empty())
        if not (signed.intact and signed.valid):
            raise NotAllowed(
                f"The bundle {path.name} is not as it was signed ({' '.join(signed.problems)}) "
                "Check it with rvr-verify; an archive time-stamp is added only to an unaltered "
                "bundle."
            )
        try:
            stored = read_long_term_data(source, [e.path for e in bag.tag_manifest.entries])
        except MalformedBag as exc:
            raise NotAllowed(f"{exc} Check the bundle with rvr-verify before renewing it.") from exc
    files = renewed_archive_files(bag.tag_manifest_bytes, bag.signature, stored, timestamp_url)
    if path.is_dir():
        _add_to_folder(path, files)
    else:
        _add_to_zip(path, files)
    token = next(data for name, data in files if name.endswith(".tst"))
    return RenewResult(
        bundle=path,
        archive_timestamps=len(stored.archive_timestamps) + 1,
        newest_time=read_token(token).gen_time,
        added=tuple(name for name, _ in files),
    )


def _remove_interrupted_renewal(folder: Path) -> None:
    """A numbered folder of validation data whose token was never written."""
    archive = folder / ARCHIVE_TIMESTAMPS_DIR
    if not archive.is_dir():
        return
    for entry in archive.iterdir():
        orphan = not (archive / f"{entry.name}.tst").exists()
        if entry.is_dir() and not entry.is_symlink() and entry.name.isdigit() and orphan:
            shutil.rmtree(entry)


def _add_to_folder(folder: Path, files: list[tuple[str, bytes]]) -> None:
    tokens = [(n, d) for n, d in files if n.endswith(".tst")]
    for name, data in [*(f for f in files if f not in tokens), *tokens]:
        target = folder / name
        ensure_private_dir(target.parent)
        atomic_write_bytes(target, data)
    fsync_dir(folder / ARCHIVE_TIMESTAMPS_DIR)


def _add_to_zip(bundle: Path, files: list[tuple[str, bytes]]) -> None:
    copy = private_temp_path(bundle)
    with translate_os_errors(bundle):
        try:
            shutil.copyfile(bundle, copy)
            os.chmod(copy, 0o600)
            with zipfile.ZipFile(copy, "a", compression=zipfile.ZIP_STORED) as archive:
                root = _bag_root(archive)
                for name, data in files:
                    archive.writestr(root + name, data)
            with open(copy, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(copy, bundle)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(copy)
            raise
        fsync_dir(bundle.parent)


def _bag_root(archive: zipfile.ZipFile) -> str:
    """The folder the bag sits in inside the zip ('' for a flat zip)."""
    for name in archive.namelist():
        if name == "bagit.txt":
            return ""
        if name.endswith("/bagit.txt") and name.count("/") == 1:
            return name.removesuffix("bagit.txt")
    raise InvalidInput("The zip holds no bagit.txt: it is not an RVR bundle.")
