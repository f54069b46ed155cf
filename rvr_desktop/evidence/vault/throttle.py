"""The wrong-passphrase throttle: a growing wait after repeated wrong passphrases.

The count lives in a small file beside the vault (``unlock-attempts.json``), so closing
and reopening the program does not reset the wait. Wrong passphrases only ever slow the
next attempt down; they never wipe or lock the vault for good.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from rvr_desktop.evidence.clock import Clock
from rvr_desktop.evidence.errors import UnlockThrottled, WrongPassphrase
from rvr_desktop.evidence.fsutil import atomic_write_bytes
from rvr_desktop.evidence.vault.header import KeyCheckFailed, VaultHeader

# Wrong passphrases allowed before the delay starts, and the longest delay.
FREE_ATTEMPTS = 3
MAX_DELAY_S = 300.0


class UnlockAttempts:
    """Counts wrong passphrases in a small file beside the vault, so the delay survives restarts."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self._path = path
        self._clock = clock

    def unwrap_key(self, header: VaultHeader, passphrase: str) -> bytes:
        """The database key from ``header``: :class:`UnlockThrottled` while a wait is owed,
        :class:`WrongPassphrase` (counted) when ``passphrase`` does not unwrap it."""
        wait = self.wait_remaining()
        if wait > 0:
            raise UnlockThrottled(wait)
        try:
            key = header.unwrap_key(passphrase)
        except KeyCheckFailed:
            failures, delay = self.record_failure()
            raise WrongPassphrase(failures, delay) from None
        self.reset()
        return key

    def _load(self) -> tuple[int, int]:
        try:
            raw = json.loads(self._path.read_bytes())
            return int(raw["failures"]), int(raw["last_failure_utc_ms"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0

    @staticmethod
    def delay_for(failures: int) -> float:
        if failures < FREE_ATTEMPTS:
            return 0.0
        return float(min(2.0 ** (failures - FREE_ATTEMPTS + 1), MAX_DELAY_S))

    def wait_remaining(self) -> float:
        failures, last = self._load()
        delay = self.delay_for(failures)
        remaining = delay - (self._clock.utc_now_ms() - last) / 1000
        # A clock set backwards must not make the wait longer than the delay itself.
        return min(max(0.0, remaining), delay)

    def record_failure(self) -> tuple[int, float]:
        failures, _ = self._load()
        failures += 1
        body = {"failures": failures, "last_failure_utc_ms": self._clock.utc_now_ms()}
        with contextlib.suppress(OSError):  # the delay is a courtesy; never block on it
            atomic_write_bytes(self._path, json.dumps(body).encode())
        return failures, self.delay_for(failures)

    def reset(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()
