"""Progress reports and cancellation for long work (import, export, signing, verifying).

The core reports through a plain callback and checks a :class:`CancelToken`; the desktop
app adapts both to Qt signals on its side, so the core never needs a screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from rvr_desktop.evidence.errors import RvrError

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) in bytes or steps; total is 0 when unknown."""


class Cancelled(RvrError):
    def __init__(self, what: str = "The operation") -> None:
        super().__init__(
            f"{what} was cancelled. Nothing was saved from it; you can start it again."
        )


class CancelToken:
    """Set from any thread; long work checks it between chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self, what: str = "The operation") -> None:
        if self._event.is_set():
            raise Cancelled(what)


class _EitherToken(CancelToken):
    """Cancelled as soon as any of its tokens is."""

    def __init__(self, tokens: tuple[CancelToken, ...]) -> None:
        super().__init__()
        self._tokens = tokens

    def cancel(self) -> None:
        for token in self._tokens:
            token.cancel()

    @property
    def cancelled(self) -> bool:
        return any(token.cancelled for token in self._tokens)

    def raise_if_cancelled(self, what: str = "The operation") -> None:
        if self.cancelled:
            raise Cancelled(what)


def either(*tokens: CancelToken | None) -> CancelToken:
    """One token that work can check, cancelled when any of ``tokens`` is."""
    return _EitherToken(tuple(t for t in tokens if t is not None))


def no_progress(done: int, total: int) -> None:
    """The progress callback for callers that do not show progress."""
