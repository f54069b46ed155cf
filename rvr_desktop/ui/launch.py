"""The app's composition: the QApplication, the services, and the main window.

``launch(args)`` is what ``rvr-desktop`` (with no subcommand) runs. Tests build the same
window with :func:`build_main_window` and their own :class:`Services`.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget

from rvr_desktop.paths import APP_AUTHOR, APP_NAME
from rvr_desktop.ui import warm_up
from rvr_desktop.ui.errors import log_unexpected, unexpected_message
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.style import load_stylesheet
from rvr_desktop.ui.termination import quit_on_stop_signals

if TYPE_CHECKING:
    from rvr_desktop.evidence.demo import DemoVault

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The process's QApplication, created once with our names (used by QSettings)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName(APP_NAME)
    app.setStyleSheet(load_stylesheet())
    return app


def build_main_window(
    services: Services, *, vault_path: Path | None = None, demo: DemoVault | None = None
) -> MainWindow:
    path = demo.root if demo is not None else vault_path or services.settings.vault_path
    return MainWindow(
        services,
        vault_path=path,
        demo_passphrase=demo.passphrase if demo is not None else None,
    )


def _install_excepthook(window: QWidget, services: Services) -> None:
    """Errors escaping a slot reach the officer as a calm message, never a traceback."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log_unexpected(error, "handling the last action", tb)
        services.dialogs.show_error(
            window, "RVR Desktop", unexpected_message("handling the last action")
        )

    sys.excepthook = hook


def launch(args: argparse.Namespace) -> int:
    """Open the officer's app; returns the process exit code.

    A demo vault lives in a temporary folder that is removed when the app ends, whether
    the officer closed it or the system sent a stop signal (even while the demo is built).
    """
    app = application()
    with quit_on_stop_signals(app):
        services = Services.build()
        vault_path = Path(args.vault).expanduser() if getattr(args, "vault", None) else None
        if not getattr(args, "demo", False):
            return _run_main_window(app, services, vault_path=vault_path, demo=None)
        # Only a demo needs the demo builder (and the export it uses): imported here.
        from rvr_desktop.evidence.demo import build_demo_vault

        demo_folder = Path(tempfile.mkdtemp(prefix="rvr-demo-"))
        try:
            demo = build_demo_vault(demo_folder)
            log.info("demo vault created in a temporary folder")
            return _run_main_window(app, services, vault_path=None, demo=demo)
        finally:
            # The windows have closed by now, so the demo vault is locked and unused.
            shutil.rmtree(demo_folder, ignore_errors=True)
            log.info("demo vault's temporary folder removed")


def _run_main_window(
    app: QApplication, services: Services, *, vault_path: Path | None, demo: DemoVault | None
) -> int:
    window = build_main_window(services, vault_path=vault_path, demo=demo)
    _install_excepthook(window, services)
    window.show()
    # Signing, PDF and export load on a background thread once the unlock screen has
    # shown, while the officer types the passphrase.
    warm_up.start_soon()
    code = int(app.exec())
    warm_up.finish()  # no import is left half done as the process ends
    return code


def launch_verify(args: argparse.Namespace) -> int:
    """``rvr-desktop verify [BUNDLE]``: the Verify window alone, with no vault."""
    # The first screen here is the Verify window itself, so its libraries load at once.
    from rvr_desktop.ui.verify_window import VerifyWindow

    app = application()
    services = Services.build()
    window = VerifyWindow(services)
    _install_excepthook(window, services)
    window.show()
    bundle = getattr(args, "bundle", None)
    if bundle:
        window.open_bundle(Path(bundle).expanduser())
    with quit_on_stop_signals(app):
        return int(app.exec())
