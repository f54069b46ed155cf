"""Any change to an exported bundle is caught, and the evidence officer is told which file.

The demo bundle is changed one way at a time, on two worker processes that flip and
restore bytes in place (tests/security/tamper_workers.py): every byte and every length
of bagit.txt and the tag manifest, an even spread of offsets of the other files (first
and last bytes included), and each structural
change (a file missing, renamed or added, manifests reordered, duplicated, listing a
file that is not there, re-spaced, with CRLF line ends). Under ``./dev soak`` every byte
and every truncation of every file. Each must fail verification (exit code 1) with a
failing check naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rvr_desktop.evidence.bundle.result import Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.figures import count_of, record_figure, soak
from tests.security import tamper_workers as tw

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py

TAG_FILES = (
    "bagit.txt",
    "bag-info.txt",
    "manifest-sha256.txt",
    "tagmanifest-sha256.txt",
    "tagmanifest-sha256.txt.p7s",
)
EVERY_BYTE_IN_CI = ("bagit.txt", "tagmanifest-sha256.txt")
"""Tag files flipped at every byte and cut at every length in every run: the bag's
declaration and the signed list of every other tag file."""
SPREAD_IN_CI = {"bag-info.txt": 80, "manifest-sha256.txt": 80, "tagmanifest-sha256.txt.p7s": 80}
"""Larger tag files: flips and cuts at the first and last bytes and this many evenly
between (every byte and every length under soak). A full verification costs about 100 ms
(every PDF is also scanned for active content, every long-term file is checked), so every
byte of these three would take most of the CI budget alone."""
PAYLOAD_FLIPS = 16
PAYLOAD_TRUNCATIONS = 4


@dataclass(frozen=True)
class Tampered:
    bundle: Path
    verdicts: tuple[tw.Judgement, ...]

    def of(self, *kinds: str) -> list[tw.Judgement]:
        return [v for v in self.verdicts if v.tamper.kind in kinds]


def _flip_offsets(name: str, size: int) -> list[int]:
    if soak() or name in EVERY_BYTE_IN_CI:
        return list(range(size))
    return tw.spread(size, SPREAD_IN_CI.get(name, PAYLOAD_FLIPS))


def _cut_lengths(name: str, size: int) -> list[int]:
    if soak() or name in EVERY_BYTE_IN_CI:
        return list(range(size))
    count = SPREAD_IN_CI.get(name, PAYLOAD_TRUNCATIONS)
    return [n for n in tw.spread(size, count) if n < size]


def _plan(bundle: Path) -> list[tw.Tamper]:
    plan: list[tw.Tamper] = []
    for name in tw.bundle_files(bundle):
        size = (bundle / name).stat().st_size
        plan += tw.flips(name, _flip_offsets(name, size))
        plan += tw.truncations(name, _cut_lengths(name, size))
        plan += [tw.Tamper(tw.MISSING, name), tw.Tamper(tw.RENAMED, name)]
    plan += [tw.Tamper(tw.EXTRA, folder) for folder in tw.bundle_folders(bundle)]
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        plan += [tw.Tamper(kind, manifest) for kind in tw.MANIFEST_EDITS]
    return plan


@pytest.fixture(scope="module")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tampered]:
    folder = tmp_path_factory.mktemp("tamper")
    with pytest.MonkeyPatch.context() as patch:
        home = folder / "home"
        for variable, sub in (("HOME", ""), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "st")):
            patch.setenv(variable, str(home / sub))
        demo = build_demo_vault(folder / "demo", kdf=FAST_INSECURE_KDF)
        bundle = export_demo_bundle(demo, folder / "bundles")
        trust = TrustStore.from_paths([demo.trust_root])
        assert verify_bundle(bundle, trust).verdict is Verdict.VERIFIED, (
            "the untouched bundle must verify"
        )
        workspace = folder / "workers"
        os.mkdir(workspace)
        verdicts = tw.judge_all(bundle, demo.trust_root, _plan(bundle), workspace, processes=2)
        yield Tampered(bundle, tuple(verdicts))


def _assert_all_detected(verdicts: list[tw.Judgement]) -> None:
    crashes = [f"{v.tamper.describe()}:\n{v.crash}" for v in verdicts if v.crash]
    assert crashes == [], crashes[:3]
    missed = [
        f"{v.tamper.describe()}: verdict {v.verdict}, reasons {v.reasons}"
        for v in verdicts
        if not v.detected
    ]
    assert missed == [], missed[:10]


def _figure(claim: str, verdicts: list[tw.Judgement]) -> None:
    found = sum(v.detected for v in verdicts)
    record_figure("Bundles", claim, count_of(found, len(verdicts)) + ", each naming the file")


def _scope(verdicts: list[tw.Judgement], bundle: Path) -> str:
    """How much of the files was covered, e.g. "2,425 of 4,217 bytes"."""
    names = {v.tamper.path for v in verdicts}
    total = sum((bundle / name).stat().st_size for name in names)
    return f"{len(verdicts):,} offsets of {total:,} bytes in {len(names)} files"


@pytest.mark.timeout(1800)  # a hang guard for a loaded machine, not a timing claim
def test_every_flipped_byte_is_caught_naming_the_file(tampered: Tampered) -> None:
    flips = tampered.of(tw.FLIP)
    every = [v for v in flips if v.tamper.path in EVERY_BYTE_IN_CI]
    assert len(every) == sum((tampered.bundle / n).stat().st_size for n in EVERY_BYTE_IN_CI)
    for group, label in (
        ([v for v in flips if v.tamper.path in TAG_FILES], "tag files"),
        ([v for v in flips if v.tamper.path not in TAG_FILES], "payload files"),
    ):
        _figure(f"single-byte flips of the {label} ({_scope(group, tampered.bundle)})", group)
    _assert_all_detected(flips)


@pytest.mark.timeout(1800)
def test_every_truncation_is_caught_naming_the_file(tampered: Tampered) -> None:
    cuts = tampered.of(tw.TRUNCATE)
    scope = (
        "every length of every file"
        if soak()
        else (
            "every length of bagit.txt and the tag manifest; "
            f"{SPREAD_IN_CI['manifest-sha256.txt']} of bag-info.txt, the payload manifest and "
            f"the signature, {PAYLOAD_TRUNCATIONS} of each payload file"
        )
    )
    _figure(f"truncations ({scope})", cuts)
    _assert_all_detected(cuts)


@pytest.mark.timeout(1800)
def test_every_structural_change_is_caught_naming_the_file(tampered: Tampered) -> None:
    changes = tampered.of(*tw.STRUCTURAL)
    kinds = {v.tamper.kind for v in changes}
    assert kinds == set(tw.STRUCTURAL)
    _figure(
        "structural changes (each file missing or renamed, a file added in each folder, "
        "manifests reordered, duplicated, with a phantom entry, re-spaced, CRLF)",
        changes,
    )
    _assert_all_detected(changes)
