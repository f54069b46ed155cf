"""Our millisecond clock as the timezone-aware datetimes that X.509 and CMS use."""

from __future__ import annotations

from datetime import UTC, datetime

from rvr_desktop.evidence.clock import Clock


def utc_datetime(clock: Clock) -> datetime:
    """The clock's current time, to the whole second (CMS and PDF times carry no fraction)."""
    return datetime.fromtimestamp(clock.utc_now_ms() // 1000, tz=UTC)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_utc(moment: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC for JSON results; None stays None."""
    return None if moment is None else moment.astimezone(UTC).isoformat()
