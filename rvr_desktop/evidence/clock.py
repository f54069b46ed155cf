"""Wall time and the monotonic clock, and the check that they still agree.

A pocket notebook's times matter in court. Every entry records both the UTC wall time
and the monotonic clock; if they drift apart (someone changed the system clock, or it
jumped after sleep) the difference is recorded rather than hidden.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

# Drift beyond this between wall and monotonic time is reported as a clock jump.
CLOCK_JUMP_THRESHOLD_MS = 2_000


class Clock(Protocol):
    def utc_now_ms(self) -> int:
        """Milliseconds since the Unix epoch, UTC."""

    def monotonic_ns(self) -> int:
        """A reading that never goes backwards within this process."""


class SystemClock:
    def utc_now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()


@dataclass(frozen=True)
class ClockReading:
    utc_ms: int
    monotonic_ns: int


@dataclass(frozen=True)
class ClockJump:
    """The wall clock moved by ``drift_ms`` more (or less) than real time passed."""

    before: ClockReading
    after: ClockReading
    drift_ms: int


class ClockWatch:
    """Reads a :class:`Clock` and notices when wall time and monotonic time disagree."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last: ClockReading | None = None

    def read(self) -> tuple[ClockReading, ClockJump | None]:
        now = ClockReading(self._clock.utc_now_ms(), self._clock.monotonic_ns())
        jump = None
        if self._last is not None:
            wall_ms = now.utc_ms - self._last.utc_ms
            real_ms = (now.monotonic_ns - self._last.monotonic_ns) // 1_000_000
            drift = wall_ms - real_ms
            if abs(drift) > CLOCK_JUMP_THRESHOLD_MS:
                jump = ClockJump(self._last, now, drift)
        self._last = now
        return now, jump


def format_local(utc_ms: int) -> str:
    """24-hour local time with milliseconds and zone, as shown to the officer."""
    moment = datetime.fromtimestamp(utc_ms / 1000, tz=UTC).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{utc_ms % 1000:03d} " + moment.strftime("%Z")


DOCUMENT_ZONE = "Europe/London"
"""The zone of every time a document prints: these are England-and-Wales court documents,
so their times are UK time (GMT in winter, BST in summer) whatever the computer's zone."""

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def document_date(day: date) -> str:
    """A date as people write it, e.g. '3 December 2026'.

    The month's name is spelt here rather than by strftime, whose names follow the
    computer's language settings.
    """
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def document_time(utc_ms: int, *, seconds: bool = False) -> str:
    """A time as a document prints it: '3 December 2026, 19:37 GMT' in UK local time.

    With ``seconds`` (the notes log, where seconds matter): '3 December 2026, 19:37:34 GMT'.
    Never milliseconds, never an ISO string. The zone is always Europe/London.
    """
    moment = datetime.fromtimestamp(utc_ms // 1000, tz=UTC).astimezone(ZoneInfo(DOCUMENT_ZONE))
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return f"{document_date(moment.date())}, {clock} {moment.tzname()}"


def format_utc_iso(utc_ms: int) -> str:
    moment = datetime.fromtimestamp(utc_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc_ms % 1000:03d}Z"


def format_elapsed(elapsed_ms: int) -> str:
    """Call time as H:MM:SS."""
    seconds = max(elapsed_ms, 0) // 1000
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class ManualClock:
    """A clock that moves only when told: for the synthetic demo case and for tests.

    Wall and monotonic time advance together unless :meth:`jump_wall_clock` is used.
    """

    def __init__(self, utc_ms: int, monotonic_ns: int = 1_000_000_000) -> None:
        self._utc_ms = utc_ms
        self._monotonic_ns = monotonic_ns

    def utc_now_ms(self) -> int:
        return self._utc_ms

    def monotonic_ns(self) -> int:
        return self._monotonic_ns

    def advance(self, seconds: float) -> None:
        self._utc_ms += round(seconds * 1000)
        self._monotonic_ns += round(seconds * 1e9)

    def jump_wall_clock(self, seconds: float) -> None:
        self._utc_ms += round(seconds * 1000)
