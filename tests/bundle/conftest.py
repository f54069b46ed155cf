"""One demo bundle per test session (building it takes a second); each test gets a copy."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from rvr_desktop.evidence.demo import DemoVault, build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF


@dataclass(frozen=True)
class DemoBundle:
    demo: DemoVault
    bundle: Path
    root_pem: Path


@pytest.fixture(scope="session")
def _pristine(tmp_path_factory: pytest.TempPathFactory) -> DemoBundle:
    folder = tmp_path_factory.mktemp("demo")
    demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
    bundle = export_demo_bundle(demo, folder / "bundles")
    return DemoBundle(demo, bundle, demo.trust_root)


@pytest.fixture
def demo_bundle(_pristine: DemoBundle, tmp_path: Path) -> DemoBundle:
    """A private copy of the demo bundle (and its vault) that a test may damage."""
    copy = tmp_path / "copy"
    shutil.copytree(_pristine.bundle.parent.parent, copy, symlinks=True)
    relative = _pristine.bundle.relative_to(_pristine.bundle.parent.parent)
    demo = _pristine.demo
    moved = DemoVault(
        root=copy / demo.root.name,
        passphrase=demo.passphrase,
        passphrase_file=copy / demo.passphrase_file.name,
        case_reference=demo.case_reference,
        case_id=demo.case_id,
        trust_root=copy / demo.trust_root.relative_to(_pristine.bundle.parent.parent),
    )
    return DemoBundle(moved, copy / relative, moved.trust_root)
