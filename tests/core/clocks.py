"""A controllable clock for tests: wall time and monotonic time move together unless told."""

from __future__ import annotations


class FakeClock:
    def __init__(self, utc_ms: int = 1_790_000_000_000) -> None:
        self.utc_ms = utc_ms
        self.mono_ns = 5_000_000_000

    def utc_now_ms(self) -> int:
        return self.utc_ms

    def monotonic_ns(self) -> int:
        return self.mono_ns

    def advance(self, seconds: float) -> None:
        self.utc_ms += int(seconds * 1000)
        self.mono_ns += int(seconds * 1e9)

    def jump_wall_clock(self, seconds: float) -> None:
        """Someone changed the system time: wall time moves, real time does not."""
        self.utc_ms += int(seconds * 1000)
