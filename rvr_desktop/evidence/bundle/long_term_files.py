"""The tag files that keep the bundle's own signature checkable for years, and reading
them back.

``validation/`` holds the signer's chain and the revocation answers fetched just before
signing; the tag manifest lists these files, so the signature covers them.
``archive-timestamps/`` holds the archive time-stamps (:mod:`..signing.archive`): the
first is made at export, right after the signature, and carries the time-stamping unit's
own validation data (which can only be fetched once its token exists); later ones are
added by ``rvr-desktop bundle renew``. No manifest lists them: each token vouches for
exactly what it covers, and the verifier accepts nothing else in that folder.

Everything here is fetched only when the force runs a time-stamping service: without
trusted time, stored revocation answers prove nothing about when the officer signed, and
an export must never wait on the network for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rvr_desktop.evidence.bundle.errors import MalformedBag
from rvr_desktop.evidence.bundle.layout import ARCHIVE_TIMESTAMPS_DIR, VALIDATION_DIR
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.clock import Clock
from rvr_desktop.evidence.signing.archive import (
    ArchiveTimestamp,
    add_archive_timestamp,
    archive_count,
    archive_files,
    read_archive_files,
)
from rvr_desktop.evidence.signing.cms import DetachedSignature, sign_detached_long_term
from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.errors import ValidationDataUnreadable
from rvr_desktop.evidence.signing.long_term import refuse_if_revoked, signer_chain_data
from rvr_desktop.evidence.signing.validation_data import ValidationData

MAX_LONG_TERM_FILES = 5_000
"""Validation files and archive tokens together: a real bundle holds a few dozen."""
MAX_LONG_TERM_BYTES = 128 << 20
"""Their sizes together, all held in memory at once: a real bundle's come to well under a
megabyte, and even a large authority's revocation lists to a few megabytes a time-stamp."""
_VALIDATION_PREFIX = VALIDATION_DIR + "/"
_ARCHIVE_PREFIX = ARCHIVE_TIMESTAMPS_DIR + "/"


@dataclass(frozen=True)
class PreparedSigning:
    """What is fetched before the tag manifest is written, so that it can list it."""

    validation_data: ValidationData
    notes: tuple[str, ...]

    def listed_files(self) -> list[tuple[str, bytes]]:
        return [(_VALIDATION_PREFIX + n, d) for n, d in self.validation_data.files().items()]


def prepare_signing(
    credential: SigningCredential, moment: datetime, timestamp_url: str | None
) -> PreparedSigning:
    """The signer's chain and revocation answers, fetched now when there is a
    time-stamping service; a certificate they show revoked is refused before anything is
    signed (:class:`~rvr_desktop.evidence.signing.errors.SigningCertificateRevoked`)."""
    if not timestamp_url:
        return PreparedSigning(ValidationData(), ())
    data, missing = signer_chain_data(credential)
    refuse_if_revoked(credential, data, moment)
    return PreparedSigning(data, tuple(missing))


class BundleSigner:
    """Signs the tag manifest and then makes the archive time-stamp that follows it."""

    def __init__(
        self,
        credential: SigningCredential,
        prepared: PreparedSigning,
        *,
        timestamp_url: str | None,
        clock: Clock,
    ) -> None:
        self._credential = credential
        self._prepared = prepared
        self._timestamp_url = timestamp_url
        self._clock = clock
        self.signature: DetachedSignature | None = None

    def sign(self, tag_manifest: bytes) -> bytes:
        self.signature = sign_detached_long_term(
            tag_manifest,
            self._credential,
            clock=self._clock,
            timestamp_url=self._timestamp_url,
            fetch_validation_data=False,
        )
        return self.signature.signature

    def archive(self, tag_manifest: bytes, signature: bytes) -> list[tuple[str, bytes]]:
        """The first archive time-stamp, when there is trusted time and the signer's
        revocation answers were found (as the statement reaches B-LTA): it covers the
        stored validation data and carries the time-stamping unit's."""
        if not self._timestamp_url or not self._prepared.validation_data.has_revocation_info:
            return []
        stamp = add_archive_timestamp(
            tag_manifest,
            [signature],
            [],
            timestamp_url=self._timestamp_url,
            signature_validation_data=self._prepared.validation_data,
        )
        return [(_ARCHIVE_PREFIX + n, d) for n, d in archive_files([stamp]).items()]


@dataclass(frozen=True)
class StoredLongTermData:
    """What a bundle carries for checking its signature years later."""

    validation_data: ValidationData = field(default_factory=ValidationData)
    archive_timestamps: tuple[ArchiveTimestamp, ...] = ()


def is_archive_file(path: str) -> bool:
    return path.startswith(_ARCHIVE_PREFIX)


def read_long_term_data(source: BagSource, listed: Sequence[str]) -> StoredLongTermData:
    """The validation files the tag manifest lists and the archive time-stamps, read with
    the source's limits; :class:`MalformedBag` names what is wrong (a file whose name is
    not its content's hash, a stray file among the archive time-stamps)."""
    limit = source.limits.max_tag_file_bytes
    validation_names = [p for p in listed if p.startswith(_VALIDATION_PREFIX)]
    archive_names = [m.path for m in source.list_files() if is_archive_file(m.path)]
    if len(validation_names) + len(archive_names) > MAX_LONG_TERM_FILES:
        raise MalformedBag(VALIDATION_DIR, "it holds far more files than any bundle needs")
    try:
        # A stray file is refused by its name, and too much by its size, before any is read.
        archive_count(p.removeprefix(_ARCHIVE_PREFIX) for p in archive_names)
        _check_total_size(source, [*validation_names, *archive_names])
        stored = ValidationData.from_files(
            {
                p.removeprefix(_VALIDATION_PREFIX): source.read_small(p, limit)
                for p in validation_names
                if source.member(p) is not None
            }
        )
        stamps = read_archive_files(
            {p.removeprefix(_ARCHIVE_PREFIX): source.read_small(p, limit) for p in archive_names}
        )
    except ValidationDataUnreadable as exc:
        raise MalformedBag(VALIDATION_DIR, f"{exc.what} cannot be read: {exc.detail}") from exc
    return StoredLongTermData(stored, stamps)


def _check_total_size(source: BagSource, paths: list[str]) -> None:
    sizes = (source.member(p) for p in paths)
    total = sum(member.size for member in sizes if member is not None)
    if total > MAX_LONG_TERM_BYTES:
        raise MalformedBag(
            VALIDATION_DIR,
            f"its validation data and archive time-stamps come to {total:,} bytes, far more "
            "than any bundle needs",
        )


def renewed_archive_files(
    tag_manifest: bytes,
    signature: bytes,
    stored: StoredLongTermData,
    timestamp_url: str,
) -> list[tuple[str, bytes]]:
    """The files of one more archive time-stamp over everything the bundle holds, to add
    beside the existing ones (nothing signed changes)."""
    stamp = add_archive_timestamp(
        tag_manifest,
        [signature],
        stored.archive_timestamps,
        timestamp_url=timestamp_url,
        signature_validation_data=stored.validation_data,
    )
    every = archive_files([*stored.archive_timestamps, stamp])
    index = len(stored.archive_timestamps) + 1
    mine = {f"{index:04d}.tst"} | {n for n in every if n.startswith(f"{index:04d}/")}
    return [(_ARCHIVE_PREFIX + n, every[n]) for n in sorted(mine)]
