"""A hostile bundle gets a verdict, never a traceback, and cannot make the verifier hold
more than its limits: each case here once crashed the verifier or cost it gigabytes."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator

import pytest

from rvr_desktop.evidence.bundle import verify as verify_module
from rvr_desktop.evidence.bundle.bundle_records import MAX_JSON_TOKENS
from rvr_desktop.evidence.bundle.contents import DISCLOSURE_CHECK_JSON
from rvr_desktop.evidence.bundle.errors import MalformedBag
from rvr_desktop.evidence.bundle.long_term_files import MAX_LONG_TERM_BYTES
from rvr_desktop.evidence.bundle.result import BundleStatus, Outcome, Verdict
from rvr_desktop.evidence.bundle.source import BagSource
from rvr_desktop.evidence.bundle.tagfiles import parse_manifest
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.signing.trust import TrustStore
from tests.bundle.conftest import DemoBundle
from tests.bundle.reseal import rehash


def _verify(demo: DemoBundle) -> BundleStatus:
    return verify_bundle(demo.bundle, TrustStore.from_paths([demo.root_pem]))


def _failed(status: BundleStatus) -> str:
    assert status.verdict is Verdict.FAILED, status.verdict_text
    return " ".join(c.reason for c in status.checks if c.outcome is Outcome.FAIL)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path the verifier reads whole into memory."""
    seen: list[str] = []
    real = BagSource.read_small

    def spy(self: BagSource, path: str, limit: int) -> bytes:
        seen.append(path)
        return real(self, path, limit)

    monkeypatch.setattr(BagSource, "read_small", spy)
    yield seen


def test_a_time_stamp_named_in_another_scripts_digits_fails_without_a_crash(
    demo_bundle: DemoBundle,
) -> None:
    folder = demo_bundle.bundle / "archive-timestamps"
    folder.mkdir(exist_ok=True)
    (folder / "\u0660\u0660\u0660\u0661.tst").write_bytes(b"not a token")
    reason = _failed(_verify(demo_bundle))
    assert "\u0660\u0660\u0660\u0661.tst" in reason
    assert "belongs to no archive time-stamp" in reason


def test_a_flood_of_stray_time_stamp_files_is_refused_before_any_is_read(
    demo_bundle: DemoBundle, reads: list[str]
) -> None:
    folder = demo_bundle.bundle / "archive-timestamps"
    folder.mkdir(exist_ok=True)
    for number in range(200):
        with (folder / f"f{number:04d}").open("wb") as planted:
            planted.truncate(1 << 20)  # sparse: a megabyte each that costs no disk
    reason = _failed(_verify(demo_bundle))
    assert "f0000" in reason and "belongs to no archive time-stamp" in reason
    assert not [p for p in reads if p.startswith("archive-timestamps/")]


def test_time_stamps_adding_up_to_more_than_any_bundle_holds_are_refused_unread(
    demo_bundle: DemoBundle, reads: list[str]
) -> None:
    folder = demo_bundle.bundle / "archive-timestamps"
    folder.mkdir(exist_ok=True)
    count = MAX_LONG_TERM_BYTES // (1 << 20) + 1
    for number in range(1, count + 1):
        with (folder / f"{number:04d}.tst").open("wb") as planted:
            planted.truncate(1 << 20)
    reason = _failed(_verify(demo_bundle))
    assert f"{count << 20:,} bytes" in reason and "far more than any bundle needs" in reason
    assert not [p for p in reads if p.startswith("archive-timestamps/")]
    assert os.path.getsize(folder / "0001.tst") == 1 << 20


def test_a_manifest_of_millions_of_short_lines_is_refused_at_its_first_line_in_little_memory() -> (
    None
):
    manifest = b"ab\n" * ((16 << 20) // 3)  # 16 MiB: over five million lines
    tracemalloc.start()
    try:
        with pytest.raises(MalformedBag, match="line 1: expected '<SHA-256 in hex> <path>'"):
            parse_manifest(manifest, "manifest-sha256.txt", payload=True, max_entries=100_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The decoded text and little else: splitting it whole took twenty times its size.
    assert peak < 2 * len(manifest), f"{peak:,} bytes to read a {len(manifest):,}-byte manifest"


def _verify_with_peak(demo: DemoBundle) -> tuple[BundleStatus, int]:
    tracemalloc.start()
    try:
        status = _verify(demo)
        return status, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_json_file_of_millions_of_empty_objects_fails_its_check_unparsed(
    demo_bundle: DemoBundle,
) -> None:
    """Parsed, ``[{},{},...]`` costs 25 times its size: 200 MiB of it once took 5 GB."""
    _, usual_peak = _verify_with_peak(demo_bundle)
    places = b",".join([b"{}"] * (MAX_JSON_TOKENS // 2 + 1))
    planted = b'{"count": 0, "places": [' + places + b"]}"
    (demo_bundle.bundle / "data" / DISCLOSURE_CHECK_JSON).write_bytes(planted)
    rehash(demo_bundle.bundle)  # the file matches its manifest line; the signature fails

    status, peak = _verify_with_peak(demo_bundle)
    (check,) = [c for c in status.checks if c.name == "disclosure check"]
    assert check.outcome is Outcome.FAIL
    assert "more than the 4,000,000 any bundle needs" in check.reason
    assert status.verdict is Verdict.FAILED
    extra = peak - usual_peak
    assert extra < 3 * len(planted), f"{extra:,} more bytes to refuse a {len(planted):,}-byte file"


def test_a_fault_of_ours_that_a_bundle_reaches_gives_a_failed_verdict_and_a_logged_trace(
    demo_bundle: DemoBundle, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unforeseen(*_args: object, **_kwargs: object) -> None:
        raise LookupError("a shape nobody foresaw")

    monkeypatch.setattr(verify_module, "read_long_term_data", unforeseen)
    status = _verify(demo_bundle)
    assert status.verdict is Verdict.FAILED
    (check,) = [c for c in status.checks if c.name == "bundle can be read safely"]
    assert "did not expect (LookupError)" in check.reason
    assert "report this to your IT support" in check.reason
    assert "a shape nobody foresaw" in caplog.text
