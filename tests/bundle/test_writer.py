"""Writing a bundle: a valid BagIt bag as a folder or a zip, private, atomic, cancellable."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import bagit
import pytest

from bundle.helpers import BAG_INFO, FAKE_SIGNATURE, PAYLOAD, copy_out, fake_signer, write_bag
from rvr_desktop.evidence.bundle import sinks
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.bagit_reader import (
    check_payload,
    check_payload_oxum,
    check_tag_files,
    load_bag,
)
from rvr_desktop.evidence.bundle.bagit_writer import BagWriter
from rvr_desktop.evidence.bundle.errors import (
    BundleAlreadyExists,
    InvalidBagInfo,
    PayloadSourceMismatch,
    UnsafeBundlePath,
)
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.names import portable_component
from rvr_desktop.evidence.errors import DiskFull
from rvr_desktop.evidence.progress import Cancelled, CancelToken

LAYOUTS = [BundleLayout.FOLDER, BundleLayout.ZIP]


def _target(tmp_path: Path, layout: BundleLayout) -> Path:
    return tmp_path / "out" / ("INC-42.zip" if layout is BundleLayout.ZIP else "INC-42")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def test_exported_folder_passes_the_reference_bagit_validator(
    tmp_path: Path, out_dir: Path
) -> None:
    written = write_bag(out_dir / "INC-42")
    bagit.Bag(str(written.path)).validate()
    bagit.Bag(str(written.path)).validate(processes=2)
    assert (written.path / "data" / "exhibits" / "JS-1 Zoë's café photo.jpg").exists()
    assert (written.path / "data" / "notes" / "empty.txt").stat().st_size == 0


def test_exported_zip_unpacked_by_our_reader_passes_the_reference_validator(
    tmp_path: Path, out_dir: Path
) -> None:
    written = write_bag(out_dir / "INC-42.zip", BundleLayout.ZIP)
    unpacked = tmp_path / "unpacked"
    with open_bag_source(written.path) as source:
        copy_out(source, unpacked)
    bagit.Bag(str(unpacked)).validate()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_evidence_officer_reads_back_exactly_what_was_exported(
    tmp_path: Path, out_dir: Path, layout: BundleLayout
) -> None:
    signed: list[bytes] = []
    target = _target(tmp_path, layout)
    with BagWriter(target, layout) as writer:
        for path, data in PAYLOAD.items():
            writer.add_payload(path, io.BytesIO(data), expected_size=len(data))
        written = writer.finish(BAG_INFO, sign=fake_signer(signed))
    with open_bag_source(target) as source:
        bag = load_bag(source)
        payload = check_payload(source, bag.manifest)
        tags = check_tag_files(source, bag)
        oxum = check_payload_oxum(source, bag.info)
    assert payload.intact and tags.intact and oxum.matches, (payload, tags, oxum)
    assert [f.path for f in payload.files] == sorted("data/" + p for p in PAYLOAD)
    assert {f.path: f.found_sha256 for f in payload.files} == {
        "data/" + p: hashlib.sha256(d).hexdigest() for p, d in PAYLOAD.items()
    }
    assert bag.info.entries[: len(BAG_INFO)] == tuple(BAG_INFO)
    assert bag.info.single("Payload-Oxum") == f"{sum(map(len, PAYLOAD.values()))}.{len(PAYLOAD)}"
    assert bag.info.single("Bagging-Date") is not None
    assert signed == [bag.tag_manifest_bytes]
    assert bag.signature == FAKE_SIGNATURE
    assert written.tag_manifest_sha256 == hashlib.sha256(bag.tag_manifest_bytes).hexdigest()
    assert [e.path for e in bag.tag_manifest.entries] == [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha256.txt",
    ]


def test_signature_is_listed_in_no_manifest_and_bagit_still_validates(out_dir: Path) -> None:
    written = write_bag(out_dir / "INC-42")
    assert (written.path / "tagmanifest-sha256.txt.p7s").read_bytes() == FAKE_SIGNATURE
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert ".p7s" not in (written.path / manifest).read_text(encoding="utf-8")
    assert bagit.Bag(str(written.path)).is_valid()


def test_bag_without_a_signer_has_no_signature_file(out_dir: Path) -> None:
    with BagWriter(out_dir / "unsigned", BundleLayout.FOLDER) as writer:
        writer.add_payload_bytes("a.txt", b"a")
        written = writer.finish(BAG_INFO, sign=None)
    assert not written.signed
    assert not (written.path / "tagmanifest-sha256.txt.p7s").exists()


def test_exported_files_are_private(out_dir: Path) -> None:
    written = write_bag(out_dir / "INC-42")
    for path in [written.path, *written.path.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    zipped = write_bag(out_dir / "INC-42.zip", BundleLayout.ZIP)
    assert stat.S_IMODE(zipped.path.stat().st_mode) == 0o600


def test_zip_members_are_stored_uncompressed_in_a_fixed_order(out_dir: Path) -> None:
    written = write_bag(out_dir / "INC-42.zip", BundleLayout.ZIP)
    with zipfile.ZipFile(written.path) as archive:
        infos = archive.infolist()
    assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
    assert [i.filename for i in infos] == [
        *("data/" + p for p in PAYLOAD),
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha256.txt.p7s",
    ]


def test_manifest_can_be_checked_with_sha256sum_too(out_dir: Path) -> None:
    written = write_bag(out_dir / "INC-42")
    result = subprocess.run(
        ["sha256sum", "--check", "--strict", "manifest-sha256.txt"],
        cwd=written.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("layout", LAYOUTS)
def test_export_never_replaces_an_existing_bundle(
    tmp_path: Path, out_dir: Path, layout: BundleLayout
) -> None:
    target = _target(tmp_path, layout)
    written = write_bag(target, layout)
    before = sorted(p.name for p in out_dir.iterdir())
    with pytest.raises(BundleAlreadyExists, match="already exists"):
        write_bag(target, layout)
    assert sorted(p.name for p in out_dir.iterdir()) == before
    with open_bag_source(written.path) as source:
        assert check_payload(source, load_bag(source).manifest).intact


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_bundle_appearing_meanwhile_is_not_replaced(
    tmp_path: Path, out_dir: Path, layout: BundleLayout
) -> None:
    target = _target(tmp_path, layout)
    with BagWriter(target, layout) as writer:
        writer.add_payload_bytes("a.txt", b"a")
        if layout is BundleLayout.ZIP:
            target.write_bytes(b"someone else's file")
        else:
            target.mkdir()
            (target / "theirs.txt").write_text("keep me", encoding="utf-8")
        with pytest.raises(BundleAlreadyExists):
            writer.finish(BAG_INFO, sign=None)
    assert [p.name for p in out_dir.iterdir()] == [target.name]
    if layout is BundleLayout.ZIP:
        assert target.read_bytes() == b"someone else's file"
    else:
        assert (target / "theirs.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../escape.txt", "outside the bundle"),
        ("/etc/passwd", "absolute"),
        ("C:/x.txt", "absolute"),
        ("a\\b.txt", "backslash"),
        ("CON.txt", "device name"),
        ("nul", "device name"),
        ("50% off.txt", "'%'"),
        ("bell\x07.txt", "control character"),
        ("gpj\u202e.exe", "U+202E"),
        ("trailing.", "ends with a dot"),
        (" leading.txt", "space"),
        ("a//b.txt", "empty folder name"),
        ("what?.txt", "Windows cannot store"),
        ("cafe\u0301.txt", "NFC"),
        ("x" * 256, "255 bytes"),
        ("", "empty"),
    ],
)
def test_unsafe_payload_names_are_refused_and_nothing_is_left(
    out_dir: Path, name: str, reason: str
) -> None:
    with (
        pytest.raises(UnsafeBundlePath, match=re.escape(reason)),
        BagWriter(out_dir / "bag", BundleLayout.FOLDER) as writer,
    ):
        writer.add_payload_bytes(name, b"x")
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ("Photo.JPG", "photo.jpg", "ignoring case"),
        ("a/b.txt", "A", "folder of that name"),
        ("a", "a/b.txt", "already a file"),
    ],
)
def test_names_that_would_collide_on_windows_are_refused(
    out_dir: Path, first: str, second: str, reason: str
) -> None:
    with (
        pytest.raises(UnsafeBundlePath, match=re.escape(reason)),
        BagWriter(out_dir / "bag.zip", BundleLayout.ZIP) as writer,
    ):
        writer.add_payload_bytes(first, b"1")
        writer.add_payload_bytes(second, b"2")
    assert list(out_dir.iterdir()) == []


def test_portable_component_makes_any_original_name_acceptable(out_dir: Path) -> None:
    originals = ["CON", "..", "50% off?.jpg", "cafe\u0301 \u202egpj.exe", " ", "a/b\\c", "x" * 300]
    with BagWriter(out_dir / "bag", BundleLayout.FOLDER) as writer:
        for n, original in enumerate(originals):
            writer.add_payload_bytes(f"{n}/{portable_component(original)}", b"x")
        written = writer.finish(BAG_INFO, sign=None)
    bagit.Bag(str(written.path)).validate()


@pytest.mark.parametrize(
    "entry",
    [
        ("Payload-Oxum", "1.1"),
        ("Officer", "Jane\nSmith"),
        ("Case: Reference", "x"),
        ("Officer", " padded"),
        ("Officer", ""),
    ],
)
def test_bag_info_fields_that_cannot_round_trip_are_refused(
    out_dir: Path, entry: tuple[str, str]
) -> None:
    with (
        pytest.raises(InvalidBagInfo, match=r"bag-info\.txt"),
        BagWriter(out_dir / "bag.zip", BundleLayout.ZIP) as writer,
    ):
        writer.add_payload_bytes("a.txt", b"a")
        writer.finish([entry], sign=None)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_officer_cancels_export_and_no_bundle_or_temp_file_remains(
    tmp_path: Path, out_dir: Path, layout: BundleLayout
) -> None:
    token = CancelToken()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 3 << 20:
            token.cancel()

    big = 8 << 20
    with (
        pytest.raises(Cancelled, match="The export was cancelled"),
        BagWriter(
            _target(tmp_path, layout), layout, total_bytes=big, progress=progress, cancel=token
        ) as writer,
    ):
        writer.add_payload("big.bin", io.BytesIO(b"\0" * big), expected_size=big)
    assert seen[0] == (1 << 20, big)
    assert seen[-1][0] < big
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_cancel_just_before_the_rename_leaves_nothing(
    tmp_path: Path, out_dir: Path, layout: BundleLayout
) -> None:
    token = CancelToken()

    def sign(data: bytes) -> bytes:
        token.cancel()
        return FAKE_SIGNATURE

    with pytest.raises(Cancelled), BagWriter(_target(tmp_path, layout), layout, cancel=token) as w:
        w.add_payload_bytes("a.txt", b"a")
        w.finish(BAG_INFO, sign=sign)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_attachment_that_does_not_match_its_record_stops_the_export(
    tmp_path: Path, out_dir: Path, layout: BundleLayout
) -> None:
    with (
        pytest.raises(PayloadSourceMismatch, match="expected 10"),
        BagWriter(_target(tmp_path, layout), layout) as writer,
    ):
        writer.add_payload("short.bin", io.BytesIO(b"123"), expected_size=10)
    with (
        pytest.raises(PayloadSourceMismatch, match="more than the expected 2"),
        BagWriter(_target(tmp_path, layout), layout) as writer,
    ):
        writer.add_payload("long.bin", io.BytesIO(b"123"), expected_size=2)
    with (
        pytest.raises(PayloadSourceMismatch, match="SHA-256"),
        BagWriter(_target(tmp_path, layout), layout) as writer,
    ):
        writer.add_payload("x.bin", io.BytesIO(b"123"), expected_sha256="00" * 32)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_error_while_rendering_a_payload_file_abandons_the_bundle(
    tmp_path: Path, out_dir: Path, layout: BundleLayout
) -> None:
    writer = BagWriter(_target(tmp_path, layout), layout)
    with (
        pytest.raises(RuntimeError, match="renderer broke"),
        writer.payload_file("statement.pdf") as sink,
    ):
        sink.write(b"%PDF")
        raise RuntimeError("renderer broke")
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_full_disk_while_exporting_is_reported_and_leaves_nothing(
    tmp_path: Path, out_dir: Path, layout: BundleLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    real = sinks._FolderFile.write if layout is BundleLayout.FOLDER else sinks._ZipFile.write

    def write_until_full(self: sinks.FileTarget, data: memoryview | bytes) -> None:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, data)  # type: ignore[arg-type]

    target_class = sinks._FolderFile if layout is BundleLayout.FOLDER else sinks._ZipFile
    monkeypatch.setattr(target_class, "write", write_until_full)
    with pytest.raises(DiskFull, match="disk is full"):
        write_bag(_target(tmp_path, layout), layout)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_file_size_limit_hit_for_real_leaves_no_bundle(
    tmp_path: Path, layout: BundleLayout
) -> None:
    """A child process with RLIMIT_FSIZE gets EFBIG from the kernel, as on a full disk."""
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "tests.bundle.fill_disk_child", str(out), layout.value],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert result.stdout.strip() == "disk-full", result.stdout + result.stderr
    assert list(out.iterdir()) == []


def test_writer_cannot_be_used_after_it_finished(out_dir: Path) -> None:
    from rvr_desktop.evidence.bundle.errors import BundleWriterClosed

    writer = BagWriter(out_dir / "bag", BundleLayout.FOLDER)
    writer.add_payload_bytes("a.txt", b"a")
    writer.finish(BAG_INFO, sign=None)
    with pytest.raises(BundleWriterClosed):
        writer.add_payload_bytes("b.txt", b"b")
    assert (out_dir / "bag" / "data" / "a.txt").exists()
    assert sorted(os.listdir(out_dir)) == ["bag"]


def test_zip_member_of_unknown_size_is_written_with_zip64_headers_and_reads_back(
    tmp_path: Path, out_dir: Path
) -> None:
    data = os.urandom(3 << 20)
    with BagWriter(out_dir / "INC-42.zip", BundleLayout.ZIP) as writer:
        writer.add_payload("stream.bin", io.BytesIO(data))
        written = writer.finish(BAG_INFO, sign=None)
    unpacked = tmp_path / "unpacked"
    with open_bag_source(written.path) as source:
        assert check_payload(source, load_bag(source).manifest).intact
        copy_out(source, unpacked)
    assert (unpacked / "data" / "stream.bin").read_bytes() == data
    bagit.Bag(str(unpacked)).validate()
    result = subprocess.run(["unzip", "-tq", str(written.path)], capture_output=True, check=False)
    assert result.returncode == 0, result.stdout


def _reserve_and_fill(writer: BagWriter, path: str, data: bytes, *, claimed: bytes) -> None:
    """What an exhibit-decrypting worker does: fill a file the writer set aside."""
    place = writer.reserve_payload_file(
        path, expected_size=len(claimed), expected_sha256=hashlib.sha256(claimed).hexdigest()
    )
    assert place is not None
    with sinks.reserved_file_target(place.file) as target:
        target.write(data)
    writer.fill_reserved(place, len(data), hashlib.sha256(data).hexdigest())


def test_a_file_filled_by_another_process_keeps_its_place_in_the_manifest(
    out_dir: Path,
) -> None:
    with BagWriter(out_dir / "INC-42", BundleLayout.FOLDER) as writer:
        writer.add_payload_bytes("statement/MG11.pdf", b"%PDF-1.7 statement")
        _reserve_and_fill(
            writer, "exhibits/JS-1 video.mp4", b"video" * 1000, claimed=b"video" * 1000
        )
        writer.add_payload_bytes("audit.jsonl", b"{}\n")
        written = writer.finish(BAG_INFO, sign=None)

    assert [e.path for e in written.payload] == [
        "data/statement/MG11.pdf",
        "data/exhibits/JS-1 video.mp4",
        "data/audit.jsonl",
    ]
    bagit.Bag(str(written.path)).validate()
    mode = (written.path / "data" / "exhibits" / "JS-1 video.mp4").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_filled_file_with_other_bytes_than_recorded_stops_the_export(out_dir: Path) -> None:
    with (
        pytest.raises(PayloadSourceMismatch, match="was recorded"),
        BagWriter(out_dir / "INC-42", BundleLayout.FOLDER) as writer,
    ):
        _reserve_and_fill(writer, "exhibits/JS-1.mp4", b"swapped", claimed=b"genuine")
    assert list(out_dir.iterdir()) == []


def test_a_file_set_aside_and_never_filled_stops_the_export(out_dir: Path) -> None:
    with (
        pytest.raises(PayloadSourceMismatch, match="never written"),
        BagWriter(out_dir / "INC-42", BundleLayout.FOLDER) as writer,
    ):
        writer.reserve_payload_file("exhibits/JS-1.mp4", expected_size=3, expected_sha256="0")
        writer.finish(BAG_INFO, sign=None)
    assert list(out_dir.iterdir()) == []


def test_a_zip_sets_no_file_aside_for_another_process(out_dir: Path) -> None:
    with BagWriter(out_dir / "INC-42.zip", BundleLayout.ZIP) as writer:
        assert writer.reserve_payload_file("a.bin", expected_size=1, expected_sha256="0") is None
