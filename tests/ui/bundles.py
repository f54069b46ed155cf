"""Evidence bundles for GUI tests: one demo export per session, copied per test."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QThreadPool

from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.tasks import TaskRunner


@dataclass(frozen=True)
class DemoBundles:
    folder: Path
    """The demo case exported as a bundle folder."""
    zip: Path
    """The same case exported as a .zip."""
    trust_root: Path
    """The demo's TEST root certificate (PEM)."""


def export_demo_bundles(folder: Path) -> DemoBundles:
    demo = build_demo_vault(folder / "demo", kdf=FAST_INSECURE_KDF)
    made: dict[BundleLayout, Path] = {}
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        for layout in (BundleLayout.FOLDER, BundleLayout.ZIP):
            out = folder / f"out-{layout.value}"
            out.mkdir()
            request = ExportRequest(
                demo.case_id, out, "CPS Direct (training)", "GUI tests of the Verify window", layout
            )
            made[layout] = export_case(vault, request).bundle
    return DemoBundles(made[BundleLayout.FOLDER], made[BundleLayout.ZIP], demo.trust_root)


def copy_bundles(made: DemoBundles, into: Path) -> DemoBundles:
    """A private copy for one test, which may tamper with it."""
    into.mkdir(parents=True, exist_ok=True)
    folder = into / made.folder.name
    shutil.copytree(made.folder, folder)
    zipped = into / made.zip.name
    shutil.copy2(made.zip, zipped)
    root = into / made.trust_root.name
    shutil.copy2(made.trust_root, root)
    return DemoBundles(folder, zipped, root)


class HeldWorker:
    """Services with one worker thread, which :meth:`hold` keeps busy until :meth:`release`,
    so a test can press Cancel before the work it started has begun."""

    def __init__(self, services: Services) -> None:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        self.services = replace(services, tasks=TaskRunner(pool))
        self._gate = threading.Event()

    def hold(self) -> None:
        self._gate.clear()

        def wait(progress: ProgressCallback, cancel: CancelToken) -> None:
            self._gate.wait(30)

        self.services.tasks.start("hold the worker", wait)

    def release(self) -> None:
        self._gate.set()
