"""`rvr-desktop --demo` opens the app on a fresh demo vault, showing its passphrase."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from rvr_desktop.ui import launch as launch_module
from rvr_desktop.ui.main_window import UNLOCK_PAGE, MainWindow


def test_demo_opens_the_unlock_screen_on_a_temporary_demo_vault(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qapp: QApplication
) -> None:
    monkeypatch.setattr(launch_module.tempfile, "mkdtemp", lambda prefix: str(tmp_path / "demo"))
    seen: dict[str, object] = {}
    built: list[MainWindow] = []
    real_build = launch_module.build_main_window

    def build_and_remember(*args: Any, **kwargs: Any) -> MainWindow:
        built.append(real_build(*args, **kwargs))
        return built[-1]

    def fake_exec() -> int:
        (window,) = built
        seen["passphrase"] = passphrase.read_text().strip()
        seen["visible"] = window.isVisible()
        seen["page"] = window.stack.currentIndex()
        seen["banner"] = window.unlock_screen.demo_banner.text()
        seen["path"] = window.unlock_screen.vault_path
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(launch_module, "build_main_window", build_and_remember)
    monkeypatch.setattr(qapp, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # launch installs its own
    passphrase = tmp_path / "demo" / "demo-passphrase.txt"
    assert launch_module.launch(argparse.Namespace(demo=True, vault=None)) == 0
    assert seen["visible"] is True
    assert seen["page"] == UNLOCK_PAGE
    assert str(seen["passphrase"]) in str(seen["banner"])
    assert seen["path"] == tmp_path / "demo" / "demo-vault"
    assert not (tmp_path / "demo").exists(), "closing the demo removes its temporary folder"


def test_the_demo_folder_is_removed_when_the_system_stops_the_app(tmp_path: Path) -> None:
    """A shutdown or logout sends SIGTERM: the demo vault's folder goes with the app."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "QT_QPA_PLATFORM": "offscreen",
        "RVR_LOG_LEVEL": "INFO",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "rvr_desktop.cli.main", "--demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        vault = _wait_for(lambda: next(temp.glob("rvr-demo-*/demo-vault/vault.db"), None), app)
        assert vault is not None, "the demo vault was made in the temporary folder"
        app.send_signal(signal.SIGTERM)
        _, errors = app.communicate(timeout=120)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, errors.decode(errors="replace")
    assert list(temp.iterdir()) == [], "nothing of the demo is left in the temporary folder"


def _wait_for(found: Callable[[], Path | None], process: subprocess.Popen[bytes]) -> Path | None:
    """Poll for a file a child process makes (a child has no signal to wait on)."""
    for _ in range(1200):
        result = found()
        if result is not None or process.poll() is not None:
            return result
        time.sleep(0.1)
    return None


def test_the_about_box_shows_the_one_version(window: MainWindow) -> None:
    from rvr_desktop import __version__

    window.app_actions.about.trigger()
    dialogs = window.services.dialogs
    assert f"RVR Desktop {__version__}" in dialogs.infos[-1]  # type: ignore[attr-defined]
    help_menu = [m for m in window.menuBar().actions() if m.text() == "&Help"]
    assert help_menu, "the About box is reachable from the Help menu"
