"""The heavy libraries, loaded in the background once the first screen shows.

The unlock screen needs Qt and the vault only. A case, the Verify window and the settings
need forms, signing (pyHanko), PDF (reportlab, fontTools) and the export and verify
machinery, which take a second or more to import. So the main window imports those screens
where they are first opened, and :func:`start_soon` imports the core modules they need on
a plain Python thread just after the unlock screen has shown, while the officer types the
passphrase.

The same goes for PySide6's ``Qt`` namespace: the first use of ``Qt`` builds all of its
enums (about a hundred, some 30 ms), so the modules on the way to the unlock screen import
it inside the methods that need it.

Only core modules (no Qt) are imported on that thread; every Qt class is still defined on
the GUI thread. Code that imports a screen on first use calls :func:`finish` first, so the
two threads never import the same modules at once (two threads importing modules that
import each other can deadlock, and Python then raises in one of them).
"""

from __future__ import annotations

import importlib
import logging
import threading

from PySide6.QtCore import QTimer

log = logging.getLogger(__name__)

START_DELAY_MS = 250
"""How long after the window is shown the imports begin. The window paints within a few
turns of the event loop, and the imports must not slow that first paint (every first call
into a widget made from Python needs the interpreter, which the import thread holds most
of the time); an officer takes seconds to type a passphrase and unlock, so starting a
little later costs nothing."""

CORE_MODULES = (
    "rvr_desktop.evidence.vault.opening",
    "rvr_desktop.evidence.forms",
    "rvr_desktop.evidence.case.timeline",
    "rvr_desktop.evidence.case.safety_gate",
    "rvr_desktop.evidence.case.due",
    "rvr_desktop.evidence.case.drafts",
    "rvr_desktop.evidence.case.attachments",
    "rvr_desktop.evidence.case.mg11",
    "rvr_desktop.evidence.signing.certs",
    "rvr_desktop.evidence.signing.trust",
    "rvr_desktop.evidence.signing.officer",
    "rvr_desktop.evidence.signing.identity_store",
    "rvr_desktop.evidence.signing.training_pki",
    "rvr_desktop.evidence.bundle.export",
    "rvr_desktop.evidence.bundle.verify",
    "rvr_desktop.evidence.bundle.report",
    # The evidence store (boto3): its queue resumes at unlock, and the Verify window opens
    # bundles from the store.
    "rvr_desktop.evidence.store.settings",
    "rvr_desktop.evidence.store.client",
    "rvr_desktop.evidence.store.access_key",
    "rvr_desktop.evidence.store.outbox",
    "rvr_desktop.evidence.store.queue",
    "rvr_desktop.evidence.store.stored_check",
    "rvr_desktop.evidence.forms.prefill",
    "rvr_desktop.evidence.spelling",
)
"""Every core module the later screens import that the unlock screen does not.

A test imports each of them, then every UI module, and fails if the UI still brought in
a core module or another package: the GUI thread must find them all loaded.
"""

_thread: threading.Thread | None = None


def import_core_modules() -> None:
    """Import :data:`CORE_MODULES` (on the warm-up thread, or directly in a test)."""
    for name in CORE_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the screen that needs it imports it again and reports why
            log.warning("background import failed: %s", name, exc_info=True)


def start() -> None:
    """Start importing the core modules on a background thread (once per process)."""
    global _thread
    if _thread is not None:
        return
    # A daemon thread, so that a way out that never reaches finish() (an error while
    # quitting) cannot keep the process alive.
    _thread = threading.Thread(target=import_core_modules, name="rvr-warm-up", daemon=True)
    _thread.start()
    log.info("background imports started")


def finish() -> None:
    """Wait for the background imports, if they were started, before importing a screen.

    Returns at once when they are done (or never started, as in most tests).
    """
    thread = _thread
    if thread is not None and thread.is_alive():
        thread.join()


def start_soon() -> None:
    """Start the background imports :data:`START_DELAY_MS` from now, from the event loop."""
    QTimer.singleShot(START_DELAY_MS, start)
