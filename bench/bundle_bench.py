"""Export and verify: at two or three sizes, in three shapes, with peak memory.

Verify is compared with bagit-python's ``Bag.validate(processes=2)`` on the same bag in
the same run; export with copying and hashing the same bytes with an fsync (the floor for
any durable, hashed copy). The sizes table shows growth is linear (the 4 GiB row only in
a full run with room on the disk); the shapes are one large file (a single SHA-256 chain:
one core, for bagit-python too), four quarter-size files (both cores) and many small
files (a case of screen captures: per-file costs). Peak memory (VmHWM, or ru_maxrss where
there is no /proc) is measured in a child process doing only that work, so the figure is
the work's own and not the bench's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bagit

from bench.report import Figure, median, timed
from bench.vault_bench import _write_source, copy_baseline_seconds
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.source import READ_CHUNK
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments
from rvr_desktop.evidence.demo import DemoVault, build_demo_vault
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF

FILES = 4
LARGEST = 4 << 30
SMALL_FILE = 256 << 10
ROOM_FACTOR = 6
"""Disk space a size needs, in multiples of it: sources, blobs, two bundles, the copies."""

EXPORT_AIM = "aim: ratio >= 0.9"
VERIFY_AIM = "aim: ratio <= 0.9"


@dataclass(frozen=True)
class _Case:
    demo: DemoVault
    folder: Path
    sources: list[Path]
    bundle: Path
    export_s: float
    copy_s: float
    """The baseline: copying, hashing and fsyncing the same bytes (0 when not measured)."""
    label: str


def _build(folder: Path, sizes: list[int], label: str, *, export_runs: int = 2) -> _Case:
    """A demo vault holding files of ``sizes``, exported ``export_runs`` times, each run
    beside a run of the baseline copy (median times kept; the last bundle is kept).

    The two take turns, each after a sync, each into new files removed as soon as they are
    timed, so each writes over the blocks the other has just freed: on a thin-provisioned
    virtual disk, writing where nothing was written before costs about twice as much as
    writing over freed blocks, which made either side look twice as fast as the other
    depending on the order.
    """
    folder.mkdir()
    demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
    sources = []
    for n, size in enumerate(sizes):
        source = folder / f"src-{n}.bin"
        if size >= 1 << 20:
            _write_source(source, size)
        else:
            source.write_bytes(os.urandom(size))
        sources.append(source)
    bundle: Path | None = None
    exports: list[float] = []
    copies: list[float] = []
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        for source in sources:
            attachments.import_file(vault, demo.case_id, source)
        for run in range(export_runs):
            if export_runs > 1:
                os.sync()
                copies.append(copy_baseline_seconds(sources, folder, runs=1))
            out = folder / f"out{run}"
            out.mkdir()
            request = ExportRequest(demo.case_id, out, "Bench", "Bench run")
            os.sync()
            start = time.perf_counter()
            bundle = export_case(vault, request).bundle
            exports.append(time.perf_counter() - start)
            if run < export_runs - 1:
                shutil.rmtree(out)  # at once, as the copy removes its files
    assert bundle is not None
    copy_s = median(copies) if copies else 0.0
    return _Case(demo, folder, sources, bundle, median(exports), copy_s, label)


def _verify_figures(case: _Case, runs: int, *, throughput: bool = False) -> list[Figure]:
    """Verify against bagit-python; with ``throughput``, also the verifier's speed against
    hashlib hashing the same payload files one after another on one core (the issue's
    aim: at least 1.7 times that on two cores)."""
    trust = TrustStore.from_paths([case.demo.trust_root])
    payload = [p for p in (case.bundle / "data").rglob("*") if p.is_file()]
    os.sync()  # the bundle was just written: its write-back would fall on the first runs
    ours: list[float] = []
    reference: list[float] = []
    one_core: list[float] = []
    for _ in range(runs):  # interleaved, so a busy moment on the machine hits both
        ours.append(timed(lambda: verify_bundle(case.bundle, trust)))
        reference.append(timed(lambda: bagit.Bag(str(case.bundle)).validate(processes=2)))
        if throughput:
            one_core.append(timed(lambda: _sha256_one_core(payload)))
    figures = [
        Figure(
            f"verify {case.label}",
            median(ours),
            "s",
            "bagit-python validate(processes=2)",
            median(reference),
            VERIFY_AIM,
        )
    ]
    if throughput:
        gib = sum(p.stat().st_size for p in payload) / 2**30
        figures.append(
            Figure(
                f"verify {case.label}: speed",
                gib / median(ours),
                "GiB/s",
                "hashlib SHA-256 of the same files, one core",
                gib / median(one_core),
                "aim: ratio >= 1.7 on two cores",
            )
        )
    return figures


def _one_chain_floor(case: _Case, runs: int, verify: Figure) -> Figure:
    """One file's SHA-256 is one chain through its bytes, for bagit-python as for us: the
    verifier against that chain alone, over the same number of bytes already in memory
    (no reading at all), shows how near the floor one large file is."""
    size = sum(s.stat().st_size for s in case.sources)
    block = os.urandom(min(size, 64 << 20))

    def chain() -> None:
        digest = hashlib.sha256()
        for _ in range(size // len(block)):
            digest.update(block)

    return Figure(
        f"verify {case.label}, SHA-256 floor",
        verify.value,
        "s",
        "SHA-256 of as many bytes in memory",
        median([timed(chain) for _ in range(runs)]),
        "informative: the floor of one file, for any verifier",
    )


def _sha256_one_core(paths: list[Path]) -> None:
    buffer = bytearray(READ_CHUNK)
    view = memoryview(buffer)
    for path in paths:
        digest = hashlib.sha256()
        with open(path, "rb", buffering=0) as stream:
            while count := stream.readinto(buffer):
                digest.update(view[:count])


def _export_figure(case: _Case) -> Figure:
    mib = sum(s.stat().st_size for s in case.sources) / 2**20
    return Figure(
        f"export {case.label}",
        mib / case.export_s,
        "MiB/s",
        "copy+SHA-256+fsync",
        mib / case.copy_s,
        EXPORT_AIM,
    )


def _peak_rss(kind: str, *args: str, stdin: str = "") -> float:
    """MiB of peak memory of a child process doing one piece of work (bench.peak_child)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.peak_child", kind, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return float(done.stdout.split()[-1]) / 1024


def _memory_figures(case: _Case) -> list[Figure]:
    out = case.folder / "peak-export"
    out.mkdir()
    demo = case.demo
    export_peak = _peak_rss(
        "export", str(demo.root), str(demo.case_id), str(out), stdin=demo.passphrase
    )
    copy_peak = _peak_rss("copy", str(case.folder), *map(str, case.sources))
    verify_peak = _peak_rss("verify", str(case.bundle), str(demo.trust_root))
    bagit_peak = _peak_rss("bagit", str(case.bundle))
    return [
        Figure(
            f"export {case.label}: peak memory",
            export_peak,
            "MiB",
            "copy+SHA-256+fsync",
            copy_peak,
            "bounded: the same at every size",
        ),
        Figure(
            f"verify {case.label}: peak memory",
            verify_peak,
            "MiB",
            "bagit-python validate(processes=1)",
            bagit_peak,
            "bounded: the same at every size",
        ),
    ]


def _room_for(folder: Path, size: int) -> bool:
    return shutil.disk_usage(folder).free > ROOM_FACTOR * size


def run(size: int, quick: bool = False) -> list[Figure]:
    runs = 1 if quick else 5
    with tempfile.TemporaryDirectory(
        prefix="rvr-bench-bundle-", dir=os.environ.get("RVR_BENCH_DIR")
    ) as tmp:
        folder = Path(tmp)
        figures: list[Figure] = []
        # The sizes table: four files, export and verify, growing.
        sizes = [64 << 20] if quick else [64 << 20, size]
        if not quick and size < LARGEST and _room_for(folder, LARGEST):
            sizes.append(LARGEST)
        table: list[Figure] = []
        for total in sizes:
            case = _build(
                folder / f"four-{total >> 20}",
                [total // FILES] * FILES,
                f"{total >> 20} MiB in {FILES} files",
                export_runs=2 if quick else 3,
            )
            table += [
                _export_figure(case),
                *_verify_figures(case, runs, throughput=total >= 1 << 30),
            ]
            if total == max(sizes):
                table += _memory_figures(case)
            shutil.rmtree(case.folder)
        figures += table
        # The shapes at the main size: one file, (four files above), many small files.
        shapes: list[tuple[str, Callable[[], list[int]]]] = [
            (f"{size >> 20} MiB in one file", lambda: [size]),
            (
                f"{(200 if quick else 2000)} files of {SMALL_FILE >> 10} KiB",
                lambda: [SMALL_FILE] * (200 if quick else 2000),
            ),
        ]
        for n, (label, make) in enumerate(shapes):
            case = _build(folder / f"shape-{n}", make(), label, export_runs=1)
            figures += _verify_figures(case, runs)
            if n == 0:
                figures.append(_one_chain_floor(case, runs, figures[-1]))
            shutil.rmtree(case.folder)
    return figures
