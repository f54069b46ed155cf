"""Export and verify work on both cores at once; nothing of the checks, the format or the
durability is given up for it.

The export decrypts an exhibit while another thread hashes and writes the bytes before,
and a third starts putting them on the disk; the verifier hashes files on several threads
while it checks the signature, and keeps the small files it hashed for the checks that
read them. These are the officer's and the evidence officer's stories that must still
hold.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import threading
from collections import Counter
from pathlib import Path

import pytest

from rvr_desktop.evidence.bundle import hashing, listed_files, sinks
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.errors import HostileBundle
from rvr_desktop.evidence.bundle.export import ExportRequest, ExportResult, export_case
from rvr_desktop.evidence.bundle.hashing import hash_members
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.listed_files import ListedFile
from rvr_desktop.evidence.bundle.result import Outcome
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments
from rvr_desktop.evidence.errors import DiskWriteFailed
from rvr_desktop.evidence.progress import Cancelled, CancelToken
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault, audit
from tests.bundle.conftest import DemoBundle

VIDEO_BYTES = 9 << 20  # more than two of the blocks the exhibit is handed on in


def _request(bundle: DemoBundle, out: Path, layout: BundleLayout) -> ExportRequest:
    return ExportRequest(bundle.demo.case_id, out, "CPS Direct", "Charging decision", layout)


def _with_videos(bundle: DemoBundle, vault: Vault, count: int) -> None:
    for n in range(count):
        attachments.import_stream(
            vault,
            bundle.demo.case_id,
            io.BytesIO(os.urandom(VIDEO_BYTES)),
            original_name=f"doorbell-camera-{n}.mp4",
        )


def _export_fails_leaving_nothing(
    bundle: DemoBundle, out: Path, error: type[Exception], **export: object
) -> None:
    """The export raises ``error``; no bundle and no audit record are left behind."""
    out.mkdir()
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        _with_videos(bundle, vault, 1)
        with vault.reader() as tx:
            before = audit.chain_head(tx)
        with pytest.raises(error):
            export_case(vault, _request(bundle, out, BundleLayout.FOLDER), **export)  # type: ignore[arg-type]
        with vault.reader() as tx:
            assert audit.chain_head(tx) == before
    assert list(out.iterdir()) == []


def _export_with_videos(bundle: DemoBundle, out: Path, count: int) -> ExportResult:
    with Vault.unlock(bundle.demo.root, bundle.demo.passphrase) as vault:
        _with_videos(bundle, vault, count)
        return export_case(vault, _request(bundle, out, BundleLayout.FOLDER))


@pytest.mark.parametrize("layout", list(BundleLayout))
def test_a_large_exhibit_goes_to_the_disk_while_it_is_written_and_the_bundle_verifies(
    demo_bundle: DemoBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: BundleLayout
) -> None:
    monkeypatch.setattr(sinks, "WRITE_BEHIND_BYTES", 1 << 20)
    flushes: list[int] = []
    real = sinks._datasync

    def counted(fd: int) -> None:
        flushes.append(fd)
        real(fd)

    monkeypatch.setattr(sinks, "_datasync", counted)
    with Vault.unlock(demo_bundle.demo.root, demo_bundle.demo.passphrase) as vault:
        _with_videos(demo_bundle, vault, 1)
        result = export_case(vault, _request(demo_bundle, tmp_path, layout))
    assert flushes, "the exhibit was not flushed while it was being written"
    status = verify_bundle(result.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line, status.summary()


def test_a_disk_error_met_while_flushing_in_the_background_stops_the_export(
    demo_bundle: DemoBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first failure is the one that counts: the kernel may report the file's own
    # fsync after it as a success for pages it could not write.
    monkeypatch.setattr(sinks, "WRITE_BEHIND_BYTES", 1 << 20)

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(sinks, "_datasync", failing)
    _export_fails_leaving_nothing(demo_bundle, tmp_path / "out", DiskWriteFailed)


def test_cancelling_half_way_through_an_exhibit_leaves_nothing(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > VIDEO_BYTES // 2:
            token.cancel()

    _export_fails_leaving_nothing(
        demo_bundle, tmp_path / "out", Cancelled, progress=progress, cancel=token
    )
    assert any(done > VIDEO_BYTES // 2 for done in seen)


def test_a_byte_changed_in_the_middle_of_one_of_several_exhibits_is_caught(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    result = _export_with_videos(demo_bundle, tmp_path, 3)
    videos = sorted((result.bundle / "data" / "exhibits").rglob("doorbell-camera-*.mp4"))
    assert len(videos) == 3
    changed = videos[1]
    with open(changed, "r+b") as handle:
        handle.seek(VIDEO_BYTES // 2)
        byte = handle.read(1)
        handle.seek(VIDEO_BYTES // 2)
        handle.write(bytes([byte[0] ^ 1]))
    status = verify_bundle(result.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    name = changed.relative_to(result.bundle).as_posix()
    payload = next(c for c in status.checks if c.name == "payload files")
    assert payload.outcome is Outcome.FAIL and name in payload.reason
    assert [f.path for f in status.files if not f.ok] == [name]
    assert not status.intact


def test_the_verifier_reads_each_file_of_a_bundle_once(
    demo_bundle: DemoBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _export_with_videos(demo_bundle, tmp_path, 2)
    opened: Counter[str] = Counter()
    real = listed_files.open_listed_file

    def counted(listed: ListedFile) -> int:
        opened[Path(listed.path).relative_to(result.bundle).as_posix()] += 1
        return real(listed)

    monkeypatch.setattr(listed_files, "open_listed_file", counted)
    status = verify_bundle(result.bundle, TrustStore.from_paths([demo_bundle.root_pem]))
    assert status.bottom_line, status.summary()
    assert {path for path, n in opened.items() if n > 1} == set()
    assert len(opened) == len([p for p in result.bundle.rglob("*") if p.is_file()])


def _reading_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bundle-read"]


def test_a_video_that_grows_while_it_is_read_ahead_is_refused_naming_it(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    # A video is read on a thread of its own, a chunk ahead of its hashing: what that
    # thread meets reaches the evidence officer just the same.
    result = _export_with_videos(demo_bundle, tmp_path, 1)
    with open_bag_source(result.bundle) as source:
        video = next(m for m in source.list_files() if m.path.endswith(".mp4"))
        assert video.size > hashing._READ_AHEAD_FROM
        with open(result.bundle / video.path, "ab") as handle:
            handle.write(b"appended after listing")
        with pytest.raises(HostileBundle, match=f"{video.path}.*grew"):
            hash_members(source, [video])
    assert _reading_threads() == []


def test_cancelling_verification_half_way_through_a_video_stops_its_reading(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    result = _export_with_videos(demo_bundle, tmp_path, 1)
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > VIDEO_BYTES // 2:
            token.cancel()

    with pytest.raises(Cancelled):
        verify_bundle(
            result.bundle,
            TrustStore.from_paths([demo_bundle.root_pem]),
            progress=progress,
            cancel=token,
        )
    assert any(done > VIDEO_BYTES // 2 for done in seen)
    assert _reading_threads() == []


def test_a_video_read_ahead_hashes_to_the_same_sha256_as_read_in_turn(
    demo_bundle: DemoBundle, tmp_path: Path
) -> None:
    result = _export_with_videos(demo_bundle, tmp_path, 1)
    with open_bag_source(result.bundle) as source:
        video = next(m for m in source.list_files() if m.path.endswith(".mp4"))
        digests = hash_members(source, [video])
    expected = hashlib.sha256((result.bundle / video.path).read_bytes()).hexdigest()
    assert digests[video.path].sha256 == expected
    assert digests[video.path].size == video.size


@pytest.mark.parametrize(
    ("videos", "hashing_threads", "read_ahead"),
    [
        pytest.param(1, 2, 1, id="one video, a core to spare: read ahead"),
        pytest.param(2, 2, 0, id="a video for every core: read in turn"),
    ],
)
def test_a_video_is_read_ahead_only_while_a_core_is_left_for_the_reading(
    videos: int,
    hashing_threads: int,
    read_ahead: int,
    demo_bundle: DemoBundle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With every core hashing a video already, a reading thread would only take turns
    # with them: the videos are read in turn, to the same digests.
    result = _export_with_videos(demo_bundle, tmp_path, videos)
    started: list[hashing.ReadAhead] = []
    real = hashing.ReadAhead

    def counted(*args: object, **kwargs: object) -> hashing.ReadAhead:
        reader = real(*args, **kwargs)  # type: ignore[arg-type]
        started.append(reader)
        return reader

    monkeypatch.setattr(hashing, "ReadAhead", counted)
    with open_bag_source(result.bundle) as source:
        found = [m for m in source.list_files() if m.path.endswith(".mp4")]
        digests = hash_members(source, found, workers=hashing_threads)

    assert len(found) == videos
    assert len(started) == read_ahead
    for video in found:
        expected = hashlib.sha256((result.bundle / video.path).read_bytes()).hexdigest()
        assert digests[video.path].sha256 == expected
