"""Export and verify a case holding 1 GiB of attachments.

Verify is compared with bagit-python's ``Bag.validate(processes=2)`` on the same bag and
with hashlib SHA-256 over the same bytes; export with copying and hashing the bytes with
an fsync (the floor for any durable, hashed copy).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import bagit

from bench.report import Figure, median, timed
from bench.vault_bench import CHUNK, _write_source, copy_baseline_seconds
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF

FILES = 4


def _hash_files(paths: list[Path]) -> None:
    for path in paths:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)


def run(size: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(
        prefix="rvr-bench-bundle-", dir=os.environ.get("RVR_BENCH_DIR")
    ) as tmp:
        folder = Path(tmp)
        demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
        sources = []
        for n in range(FILES):
            source = folder / f"video-{n}.bin"
            _write_source(source, size // FILES)
            sources.append(source)
        with Vault.unlock(demo.root, demo.passphrase) as vault:
            for source in sources:
                attachments.import_file(vault, demo.case_id, source)
            outs = []

            def export() -> None:
                out = folder / f"out{len(outs)}"
                out.mkdir()
                outs.append(
                    export_case(vault, ExportRequest(demo.case_id, out, "Bench", "Bench run"))
                )

            export_s = median([timed(export) for _ in range(2)])
        copy_s = copy_baseline_seconds(sources, folder)
        bundle = outs[-1].bundle
        trust = TrustStore.from_paths([demo.trust_root])
        payload = [p for p in (bundle / "data").rglob("*") if p.is_file()]
        ours = median([timed(lambda: verify_bundle(bundle, trust)) for _ in range(3)])
        reference = median(
            [timed(lambda: bagit.Bag(str(bundle)).validate(processes=2)) for _ in range(3)]
        )
        hashing = median([timed(lambda: _hash_files(payload)) for _ in range(3)])
    mib = size / 2**20
    return [
        Figure(
            f"export case with {mib:.0f} MiB attachments",
            mib / export_s,
            "MiB/s",
            "copy+SHA-256+fsync",
            mib / copy_s,
            "aim: ratio >= 0.5",
        ),
        Figure(
            f"verify bundle ({mib:.0f} MiB payload)",
            ours,
            "s",
            "bagit-python validate(processes=2)",
            reference,
            "aim: ratio <= 1 (at least as fast)",
        ),
        Figure(
            f"verify bundle ({mib:.0f} MiB payload)",
            ours,
            "s",
            "hashlib SHA-256, one core",
            hashing,
            "both cores: ratio below 1 is possible",
        ),
    ]
