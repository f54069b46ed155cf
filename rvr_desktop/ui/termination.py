"""Quit cleanly when the system asks the app to stop (SIGTERM, SIGHUP, Ctrl+C).

A shutdown, a logout or ``kill`` sends SIGTERM. Python runs its signal handlers only
between bytecodes, and while Qt's event loop waits in C no bytecode runs, so a handler
set with :func:`signal.signal` alone would wait for the next mouse move. The signal's
number is written to a socket that Qt watches (``signal.set_wakeup_fd``), which wakes
the event loop at once; the windows are then closed as if the officer had closed them
(each locks its vault, keeping an unsent note and forms as on any lock), and the event
loop ends so that whatever ``launch`` owns (a demo's temporary folder) is cleaned up.

Nothing is asked meanwhile, not even whether to leave a running call (:func:`stopping`):
at a logout nobody is there to answer, and a refused close would leave the vault
unlocked until the system kills the app, losing the unsent note with it.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Iterator

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None), signal.SIGINT) if s is not None
)


_stopping = False


def stopping() -> bool:
    """Whether a stop signal is closing the app: a window must close without asking."""
    return _stopping


@contextlib.contextmanager
def quit_on_stop_signals(app: QApplication) -> Iterator[None]:
    """While the block runs, a stop signal closes every window and ends ``app.exec()``."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)

    def on_signal_byte() -> None:
        global _stopping
        with contextlib.suppress(BlockingIOError):
            received = reader.recv(64)
            if received:
                log.info("stop signal %s received: closing the windows", received[-1])
        _stopping = True
        app.closeAllWindows()
        app.quit()

    notifier.activated.connect(on_signal_byte)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    # The C-level wakeup does the work; the Python handler only has to exist (and must
    # not raise KeyboardInterrupt in the middle of a slot).
    previous = {s: signal.signal(s, lambda _n, _f: None) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        global _stopping
        _stopping = False
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        reader.close()
        writer.close()
