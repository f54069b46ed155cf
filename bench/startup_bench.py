"""Start-up: from a fresh process to an unlock screen that takes typed text.

Each run is a new Python process on the offscreen platform. The app's process sets itself
up as ``rvr-desktop`` does (``configure_process``, then ``launch``) on an existing vault;
the baseline process shows a bare PySide6 QMainWindow holding one line edit. In both, the
same probe waits until a line edit has the focus in an exposed window, posts typed text to
it through the event loop and reports when the text changed: the screen is shown and
accepting input. The time is taken in this process, from just before starting the child
to that report.

The probe types with an input-method event rather than a key press: building a
``QKeyEvent`` makes PySide6 create every enum of the ``Qt`` namespace (about 30 ms), which
the app avoids on its way to the unlock screen, so a key press would cost both processes
alike and hide that.

Runs alternate between the two so that a busy machine slows both alike; the figure is
the median of each. The CLI's own imports (``rvr_desktop.cli``) are not in the figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Figure, median

READY = "ready"
"""What the probe prints once the typed text reached the line edit."""
CHILD_TIMEOUT_S = 120

# The same probe in both children, so they pay the same for it.
_PROBE = """
import os, sys
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

def _probe():
    field = QApplication.focusWidget()
    handle = None if field is None else field.window().windowHandle()
    if not isinstance(field, QLineEdit) or handle is None or not handle.isExposed():
        QTimer.singleShot(1, _probe)
        return

    def typed(_text):
        print("ready", flush=True)
        os._exit(0)

    field.textChanged.connect(typed)
    text = QInputMethodEvent()
    text.setCommitString("x")
    QCoreApplication.postEvent(field, text)
"""

BARE_CHILD = (
    _PROBE
    + """
from PySide6.QtWidgets import QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
field = QLineEdit(window)
window.setCentralWidget(field)
window.show()
field.setFocus()
QTimer.singleShot(0, _probe)
app.exec()
"""
)

APP_CHILD = (
    _PROBE
    + """
import argparse
from rvr_desktop.app import configure_process
configure_process()
from rvr_desktop.ui.launch import application, launch
application()
QTimer.singleShot(0, _probe)  # runs once launch() has shown the window and started the loop
launch(argparse.Namespace(vault=sys.argv[1], demo=False))
"""
)


def _time_to_ready(script: str, args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        elapsed = time.perf_counter() - start
        child.wait(timeout=CHILD_TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if line != READY:
        raise RuntimeError(f"the start-up child did not become ready (exit {child.returncode})")
    return elapsed


def run(runs: int) -> list[Figure]:
    from rvr_desktop.evidence.vault import Vault
    from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF

    with tempfile.TemporaryDirectory(
        prefix="rvr-bench-startup-", dir=os.environ.get("RVR_BENCH_DIR")
    ) as tmp:
        folder = Path(tmp)
        vault_path = folder / "vault"
        Vault.create(vault_path, "bench start-up passphrase", kdf=FAST_INSECURE_KDF).lock()
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "QT_QPA_PLATFORM": "offscreen",
            # Settings, logs and the default vault of the children stay in the temporary
            # folder, and so does their compiled bytecode: an installed app runs from
            # bytecode, so the children must not compile source on every start.
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_STATE_HOME": str(folder / "state"),
            "XDG_CACHE_HOME": str(folder / "cache"),
            "PYTHONPYCACHEPREFIX": str(folder / "bytecode"),
        }
        ours: list[float] = []
        bare: list[float] = []
        # Unmeasured first runs write the bytecode and warm the file cache for both.
        _time_to_ready(BARE_CHILD, [], env)
        _time_to_ready(APP_CHILD, [str(vault_path)], env)
        for _ in range(runs):
            bare.append(_time_to_ready(BARE_CHILD, [], env))
            ours.append(_time_to_ready(APP_CHILD, [str(vault_path)], env))
    to_ms = 1000
    return [
        Figure(
            f"Start-up to a usable unlock screen ({runs} runs)",
            median(ours) * to_ms,
            "ms",
            "bare PySide6 QMainWindow",
            median(bare) * to_ms,
            "aim: ratio under 1.5",
        )
    ]
