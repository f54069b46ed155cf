"""GUI test fixtures: offscreen, private settings, fast vaults, dialogs that never block."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui.dialogs import Dialogs
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.screen_capture import ScreenGrabber
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.settings import AppSettings
from tests.s3_fixtures import s3_server, store, store_credentials
from tests.ui.bundles import DemoBundles, copy_bundles, export_demo_bundles

__all__ = ["s3_server", "store", "store_credentials"]  # the evidence store's, shared

PASSPHRASE = "amber harbour lantern meadow"


class ScriptedDialogs(Dialogs):
    """Answers every modal question at once, as the test scripted it."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.confirm_answer = True
        self.files: list[Path] = []
        self.folder: Path | None = None
        self.open_file: Path | None = None
        self.save_file: Path | None = None
        self.passwords: list[str | None] = []
        self.viewed: list[Path] = []
        self.viewer_opens = True
        self._handlers: list[Callable[[QDialog], bool]] = []
        self.shown: list[QDialog] = []

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        self.errors.append(message)

    def show_info(self, parent: QWidget | None, title: str, message: str) -> None:
        self.infos.append(message)

    def confirm(self, parent: QWidget | None, title: str, message: str) -> bool:
        return self.confirm_answer

    def pick_files(self, parent: QWidget | None, title: str) -> list[Path]:
        return list(self.files)

    def pick_folder(self, parent: QWidget | None, title: str, start: Path | None) -> Path | None:
        return self.folder

    def pick_open_file(
        self, parent: QWidget | None, title: str, start: Path | None, filters: str
    ) -> Path | None:
        return self.open_file

    def pick_save_file(
        self, parent: QWidget | None, title: str, suggested: Path, filters: str
    ) -> Path | None:
        return self.save_file

    def ask_password(self, parent: QWidget | None, title: str, prompt: str) -> str | None:
        if not self.passwords:
            raise AssertionError(f"unexpected password prompt: {prompt}")
        return self.passwords.pop(0)

    def open_in_viewer(self, path: Path) -> bool:
        self.viewed.append(path)
        return self.viewer_opens

    def expect(self, handler: Callable[[QDialog], bool]) -> None:
        """The next dialog shown is passed to ``handler``, which fills it in like an officer."""
        self._handlers.append(handler)

    def run(self, dialog: QDialog) -> bool:
        self.shown.append(dialog)
        if not self._handlers:
            raise AssertionError(f"unexpected dialog {type(dialog).__name__}")
        handler = self._handlers.pop(0)
        dialog.show()
        accepted = handler(dialog)
        dialog.hide()
        return accepted and dialog.result() == QDialog.DialogCode.Accepted


class PatternScreen(ScreenGrabber):
    """A stand-in screen: a 640x400 picture with a recognisable block of colour."""

    def grab(self) -> QPixmap:
        picture = QPixmap(640, 400)
        picture.fill(QColor("#203040"))
        painter = QPainter(picture)
        painter.fillRect(100, 80, 200, 120, QColor("#d9822b"))
        painter.end()
        return picture


@pytest.fixture(autouse=True)
def _private_qt_settings(tmp_path: Path, qapp: QApplication) -> Iterator[None]:
    QCoreApplication.setOrganizationName("RVR-test")
    QCoreApplication.setApplicationName(f"RVR Desktop test {tmp_path.name}")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    yield


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def services(dialogs: ScriptedDialogs, settings: AppSettings) -> Iterator[Services]:
    built = Services.build(
        dialogs=dialogs, settings=settings, screen=PatternScreen(), kdf=FAST_INSECURE_KDF
    )
    yield built
    built.tasks.cancel_all()
    built.tasks.wait_for_workers()


@pytest.fixture
def window(qtbot: QtBot, services: Services, tmp_path: Path) -> Iterator[MainWindow]:
    main = MainWindow(services, vault_path=tmp_path / "vault")
    qtbot.addWidget(main)
    main.show()
    yield main
    if main.vault is not None:
        services.tasks.cancel_all()
        services.tasks.wait_for_workers()
        main.vault.lock()


@pytest.fixture(scope="session")
def exported_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoBundles:
    """The demo case exported once per session (folder and .zip), with its TEST root."""
    return export_demo_bundles(tmp_path_factory.mktemp("demo-export"))


@pytest.fixture
def demo_bundles(exported_demo: DemoBundles, tmp_path: Path) -> DemoBundles:
    """This test's own copy of the demo bundles, free to tamper with."""
    return copy_bundles(exported_demo, tmp_path / "bundles")
