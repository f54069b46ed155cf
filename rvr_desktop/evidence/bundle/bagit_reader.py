"""Read a bag strictly and check its files against the manifests.

:func:`load_bag` reads and parses every tag file once, keeping the exact bytes, so the
bytes that were parsed are the bytes hashed for the tag manifest check and the tag
manifest's bytes are the ones a signature check must cover. :func:`check_payload` and
:func:`check_tag_files` return one row per file (ok, changed, missing or extra) for the
Verify window's table; they raise only when the container itself is unsafe or broken.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from rvr_desktop.evidence.bundle.errors import MalformedBag
from rvr_desktop.evidence.bundle.hash_processes import WorkersAhead
from rvr_desktop.evidence.bundle.hashing import DEFAULT_WORKERS, Digest, HashJob, hash_members
from rvr_desktop.evidence.bundle.layout import (
    ARCHIVE_TIMESTAMPS_DIR,
    BAG_INFO_TXT,
    BAGIT_TXT,
    FETCH_TXT,
    MANIFEST_TXT,
    PAYLOAD_PREFIX,
    SIGNATURE_P7S,
    TAGMANIFEST_TXT,
)
from rvr_desktop.evidence.bundle.source import BagMember, BagSource
from rvr_desktop.evidence.bundle.tagfiles import (
    BagDeclaration,
    BagInfo,
    Manifest,
    parse_bag_info,
    parse_bagit_txt,
    parse_manifest,
)
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback, no_progress

_MISSING_HINT = {
    BAGIT_TXT: "without it this is not a BagIt bag",
    BAG_INFO_TXT: "it holds the case reference and export details",
    MANIFEST_TXT: "without it the evidence files cannot be checked",
    TAGMANIFEST_TXT: "without it nothing vouches for the other tag files or can be signed",
}


class FileStatus(StrEnum):
    OK = "ok"
    CHANGED = "changed"
    MISSING = "missing"
    EXTRA = "extra"


@dataclass(frozen=True)
class FileCheck:
    """One row of a manifest check."""

    path: str
    status: FileStatus
    manifest: str
    """The manifest this row was checked against."""
    expected_sha256: str | None
    """None for a file no manifest lists."""
    found_sha256: str | None
    """None for a missing file."""
    size: int | None
    """Bytes found; None for a missing file."""

    @property
    def ok(self) -> bool:
        return self.status is FileStatus.OK

    @property
    def message(self) -> str:
        if self.status is FileStatus.OK:
            return f"{self.path}: unchanged (SHA-256 {self.found_sha256})."
        if self.status is FileStatus.CHANGED:
            return (
                f"{self.path} has been changed: {self.manifest} expects SHA-256 "
                f"{self.expected_sha256} but the file has {self.found_sha256}."
            )
        if self.status is FileStatus.MISSING:
            return (
                f"{self.path} is missing: {self.manifest} lists it with SHA-256 "
                f"{self.expected_sha256}."
            )
        return (
            f"{self.path} is not listed in {self.manifest}, so nothing vouches for it "
            f"(SHA-256 {self.found_sha256})."
        )


@dataclass(frozen=True)
class ManifestCheck:
    """Every file a manifest lists or that sits where the manifest should cover it."""

    manifest: str
    files: tuple[FileCheck, ...]
    """Sorted by path."""

    @property
    def intact(self) -> bool:
        """True only when every listed file is present and unchanged and nothing is extra."""
        return all(f.ok for f in self.files)

    @property
    def failures(self) -> tuple[FileCheck, ...]:
        return tuple(f for f in self.files if not f.ok)

    @property
    def bytes_checked(self) -> int:
        return sum(f.size or 0 for f in self.files)

    def summary(self) -> str:
        if self.intact:
            return (
                f"All {len(self.files)} files listed in {self.manifest} are present and unchanged."
            )
        counts = {s: sum(f.status is s for f in self.files) for s in FileStatus}
        parts = [
            f"{counts[s]} {s.value}" for s in FileStatus if s is not FileStatus.OK and counts[s]
        ]
        return f"{self.manifest}: {', '.join(parts)} of {len(self.files)} files."


@dataclass(frozen=True)
class OxumCheck:
    """Payload-Oxum from bag-info.txt against the files under data/."""

    expected: tuple[int, int] | None
    """(bytes, files) as declared, None when bag-info.txt has no Payload-Oxum."""
    found: tuple[int, int]

    @property
    def matches(self) -> bool:
        return self.expected is None or self.expected == self.found

    @property
    def message(self) -> str:
        found = f"{self.found[1]:,} files of {self.found[0]:,} bytes in all"
        if self.expected is None:
            return f"the bundle does not declare its size (no Payload-Oxum); it holds {found}."
        expected = f"{self.expected[1]:,} files of {self.expected[0]:,} bytes"
        if self.matches:
            return f"{found}, as the bundle declares (Payload-Oxum)."
        return (
            f"the bundle declares {expected} (Payload-Oxum in bag-info.txt), but it holds {found}."
        )


@dataclass(frozen=True)
class LoadedBag:
    """The parsed tag files of a bag, with the exact bytes they were parsed from."""

    declaration: BagDeclaration
    info: BagInfo
    manifest: Manifest
    tag_manifest: Manifest
    tag_manifest_bytes: bytes
    """Exactly the bytes of tagmanifest-sha256.txt: what the signature must cover."""
    signature: bytes | None
    """tagmanifest-sha256.txt.p7s (DER), or None when the bag has none."""
    tag_bytes: tuple[tuple[str, bytes], ...]
    """bagit.txt, bag-info.txt and manifest-sha256.txt as read and parsed."""


def load_bag(source: BagSource) -> LoadedBag:
    """Read and strictly parse the tag files; MalformedBag names the file and line."""
    limits = source.limits
    if source.member(FETCH_TXT) is not None:
        raise MalformedBag(
            FETCH_TXT,
            "the bag asks for files to be downloaded from elsewhere; bundles must be complete",
        )
    for name, hint in _MISSING_HINT.items():
        if source.member(name) is None:
            raise MalformedBag(name, f"it is missing ({hint})")
    bagit_bytes = source.read_small(BAGIT_TXT, limits.max_tag_file_bytes)
    info_bytes = source.read_small(BAG_INFO_TXT, limits.max_tag_file_bytes)
    manifest_bytes = source.read_small(MANIFEST_TXT, limits.max_manifest_bytes)
    tag_manifest_bytes = source.read_small(TAGMANIFEST_TXT, limits.max_manifest_bytes)
    declaration = parse_bagit_txt(bagit_bytes)
    info = parse_bag_info(info_bytes)
    manifest = parse_manifest(
        manifest_bytes, MANIFEST_TXT, payload=True, max_entries=limits.max_members
    )
    tag_manifest = parse_manifest(
        tag_manifest_bytes, TAGMANIFEST_TXT, payload=False, max_entries=limits.max_members
    )
    for entry in tag_manifest.entries:
        if entry.path in (TAGMANIFEST_TXT, SIGNATURE_P7S):
            raise MalformedBag(
                TAGMANIFEST_TXT, f"it lists {entry.path}, which it cannot vouch for", entry.line
            )
    signature = None
    if source.member(SIGNATURE_P7S) is not None:
        signature = source.read_small(SIGNATURE_P7S, limits.max_tag_file_bytes)
    return LoadedBag(
        declaration=declaration,
        info=info,
        manifest=manifest,
        tag_manifest=tag_manifest,
        tag_manifest_bytes=tag_manifest_bytes,
        signature=signature,
        tag_bytes=(
            (BAGIT_TXT, bagit_bytes),
            (BAG_INFO_TXT, info_bytes),
            (MANIFEST_TXT, manifest_bytes),
        ),
    )


def check_payload(
    source: BagSource,
    manifest: Manifest,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    workers: int = DEFAULT_WORKERS,
) -> ManifestCheck:
    """Hash every file under data/ and compare with manifest-sha256.txt."""
    with start_payload_hashing(source, cancel=cancel, workers=workers) as job:
        return payload_check(source, manifest, job.wait(progress))


def start_payload_hashing(
    source: BagSource,
    *,
    keep: Callable[[BagMember], bool] = lambda member: False,
    cancel: CancelToken | None = None,
    workers: int = DEFAULT_WORKERS,
    ahead: WorkersAhead | None = None,
) -> HashJob:
    """Start hashing every file under data/ on worker threads (or in the worker
    processes ``ahead`` started); :func:`payload_check` compares what
    :meth:`HashJob.wait` returns with the manifest."""
    payload = [m for m in source.list_files() if m.path.startswith(PAYLOAD_PREFIX)]
    return HashJob(source, payload, keep=keep, cancel=cancel, workers=workers, ahead=ahead)


def payload_check(
    source: BagSource, manifest: Manifest, digests: Mapping[str, Digest]
) -> ManifestCheck:
    """The rows of manifest-sha256.txt against the payload's digests."""
    present = {m.path: m for m in source.list_files() if m.path.startswith(PAYLOAD_PREFIX)}
    return _rows(manifest, present, digests)


def check_tag_files(
    source: BagSource,
    bag: LoadedBag,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ManifestCheck:
    """Compare every file outside data/ with tagmanifest-sha256.txt.

    The tag manifest itself, its signature and the archive time-stamps (made after it)
    are the files it cannot list; any other file outside data/ that it does not list
    (bag-info.txt, say) is a failure. The archive time-stamps are checked token by token
    over exactly what each covers (:mod:`.long_term_files`).
    """
    present = {
        m.path: m
        for m in source.list_files()
        if not m.path.startswith(PAYLOAD_PREFIX)
        and m.path not in (TAGMANIFEST_TXT, SIGNATURE_P7S)
        and not m.path.startswith(ARCHIVE_TIMESTAMPS_DIR + "/")
    }
    digests = {
        path: Digest(hashlib.sha256(data).hexdigest(), len(data))
        for path, data in bag.tag_bytes
        if path in present
    }
    # The validation data is read again by the signature checks: kept, so it is read once.
    small = source.limits.max_tag_file_bytes
    digests.update(
        hash_members(
            source,
            [m for path, m in present.items() if path not in digests],
            progress=progress,
            cancel=cancel,
            workers=1,
            keep=lambda member: member.size <= small,
        )
    )
    return _rows(bag.tag_manifest, present, digests)


def check_payload_oxum(source: BagSource, info: BagInfo) -> OxumCheck:
    payload = [m for m in source.list_files() if m.path.startswith(PAYLOAD_PREFIX)]
    return OxumCheck(info.payload_oxum(), (sum(m.size for m in payload), len(payload)))


def _rows(
    manifest: Manifest, present: Mapping[str, BagMember], digests: Mapping[str, Digest]
) -> ManifestCheck:
    expected = manifest.by_path()
    rows: list[FileCheck] = []
    for path in sorted(expected.keys() | present.keys()):
        entry = expected.get(path)
        found = digests.get(path)
        want = entry.sha256 if entry else None
        if entry is None:
            status = FileStatus.EXTRA
        elif found is None:
            status = FileStatus.MISSING
        else:
            status = FileStatus.OK if found.sha256 == want else FileStatus.CHANGED
        rows.append(
            FileCheck(
                path=path,
                status=status,
                manifest=manifest.file,
                expected_sha256=want,
                found_sha256=found.sha256 if found else None,
                size=found.size if found else None,
            )
        )
    return ManifestCheck(manifest.file, tuple(rows))
