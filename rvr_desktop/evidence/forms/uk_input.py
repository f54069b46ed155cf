"""Dates and times typed the way a UK officer writes them, read into what a form stores.

An officer types ``04/12/2026``, ``4 Dec 2026``, ``today``, ``yesterday 23:30`` or
``14:05``; a form stores a date as ``YYYY-MM-DD``, a time as ``HH:MM`` and a date and time
as UTC (``YYYY-MM-DDTHH:MM:SSZ``). Times are read as UK local time: GMT in winter, BST in
summer, decided by the Europe/London zone for the day in question, never by the computer's
zone or by today's offset. "Today" and "yesterday" come from an injected :class:`Clock`,
so a test decides what day it is.

Where a time does not exist in the UK (the hour skipped when the clocks go forward) the
officer is told so; where it happens twice (the hour repeated when they go back) the first
one (BST) is meant unless the officer writes ``GMT`` after it.

Every message says what a good answer looks like by example, never by a pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rvr_desktop.evidence.clock import DOCUMENT_ZONE, Clock, document_date
from rvr_desktop.evidence.errors import InvalidInput

UK_ZONE = ZoneInfo(DOCUMENT_ZONE)

DATE_EXAMPLES = "04/12/2026, 4 Dec 2026, today or yesterday"
TIME_EXAMPLES = "14:05, 1405 or 2:05pm"
DATETIME_EXAMPLES = "04/12/2026 14:05, 4 Dec 2026 14:05, today 14:05 or yesterday 23:30"

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The patterns below read the officer's text; they never appear in a message.
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDY_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_TIME = re.compile(r"(\d{1,2})(?:\s*[:.]\s*(\d{2})|(\d{2}))?(?:\s*(am|pm|a\.m\.|p\.m\.))?")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE
)
_ZONE_WORD = re.compile(r"\s+(gmt|bst)$")


class NotUnderstood(InvalidInput):
    """The text is not a date or time we can read; the message gives examples that are."""


@dataclass(frozen=True)
class UkMoment:
    """A date and time as the officer meant it, and as it is stored."""

    utc: datetime
    """The moment, in UTC (what a form stores)."""

    @property
    def local(self) -> datetime:
        """The same moment in UK local time."""
        return self.utc.astimezone(UK_ZONE)

    @property
    def answer(self) -> str:
        """What a datetime field stores: ``YYYY-MM-DDTHH:MM:SSZ``."""
        return self.utc.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def typed(self) -> str:
        """How the officer would type it back: ``04/12/2026 14:05`` (UK time)."""
        return format_datetime_typed(self.utc)

    @property
    def described(self) -> str:
        """In words: 'Friday 4 December 2026, 14:05 GMT'."""
        return describe_datetime(self.utc)


def uk_today(clock: Clock) -> date:
    """Today's date in the UK, by ``clock``."""
    return uk_now(clock).date()


def uk_now(clock: Clock) -> datetime:
    """The time now in the UK, by ``clock`` (aware, Europe/London)."""
    return datetime.fromtimestamp(clock.utc_now_ms() / 1000, tz=UTC).astimezone(UK_ZONE)


def _clean(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _year(two_or_four: str, today: date) -> int:
    if len(two_or_four) == 4:
        return int(two_or_four)
    short = int(two_or_four)
    # '26' is this century's unless that would be in the future; '85' is 1985.
    century = today.year - today.year % 100
    return century + short if century + short <= today.year else century - 100 + short


def _date_or_none(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, today: date) -> date:
    """The date the officer typed, day first as in the UK.

    Reads ``04/12/2026``, ``4/12/26``, ``4.12.2026``, ``4 Dec 2026``, ``4th December
    2026``, ``2026-12-04``, ``today`` and ``yesterday``.
    """
    cleaned = _clean(text)
    if cleaned in ("today", "now"):
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    found: date | None = None
    if match := _NUMERIC_DATE.fullmatch(cleaned):
        day, month, year = match.groups()
        found = _date_or_none(int(day), int(month), _year(year, today))
        if found is None:
            raise NotUnderstood(
                f"'{text.strip()}' is not a date on the calendar: write the day first, then "
                f"the month, e.g. {DATE_EXAMPLES}."
            )
    elif match := _ISO_DATE.fullmatch(cleaned):
        year, month, day = match.groups()
        found = _date_or_none(int(day), int(month), int(year))
    elif match := _WORDY_DATE.fullmatch(cleaned):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name)
        found = None if month is None else _date_or_none(int(day), month, int(year))
    if found is None:
        raise NotUnderstood(
            f"'{text.strip()}' is not a date we can read: write it like {DATE_EXAMPLES}."
            if text.strip()
            else f"Enter a date, e.g. {DATE_EXAMPLES}."
        )
    return found


def parse_time(text: str) -> time:
    """The 24-hour (or am/pm) time the officer typed: ``14:05``, ``1405``, ``2:05pm``, ``noon``."""
    cleaned = _clean(text)
    if cleaned == "noon":
        return time(12, 0)
    if cleaned == "midnight":
        return time(0, 0)
    match = _TIME.fullmatch(cleaned)
    if match is None:
        raise NotUnderstood(
            f"'{text.strip()}' is not a time we can read: write it like {TIME_EXAMPLES}."
            if text.strip()
            else f"Enter a time, e.g. {TIME_EXAMPLES}."
        )
    hour_text, minute_colon, minute_run, half = match.groups()
    if minute_run is None and minute_colon is None and half is None and len(hour_text) <= 2:
        # A bare '14' is too easily a slip for '14:..'; ask for the minutes.
        raise NotUnderstood(
            f"'{text.strip()}' needs its minutes too: write it like {TIME_EXAMPLES}."
        )
    hour = int(hour_text)
    minute = int(minute_colon or minute_run or 0)
    if half is not None:
        if not 1 <= hour <= 12:
            raise NotUnderstood(
                f"'{text.strip()}' is not a time on the clock: with am or pm the hour is 1 to "
                f"12, e.g. {TIME_EXAMPLES}."
            )
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise NotUnderstood(
            f"'{text.strip()}' is not a time on the clock: write it like {TIME_EXAMPLES}."
        )
    return time(hour, minute)


def uk_local_to_utc(day: date, at: time, *, zone_word: str | None = None) -> datetime:
    """The UTC moment of ``day`` at ``at`` in UK local time.

    Raises :class:`NotUnderstood` for a time the clocks skipped. A repeated time (the
    autumn hour) is the first, BST, one unless ``zone_word`` is ``"gmt"``.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=UK_ZONE, fold=0)
    second = naive.replace(tzinfo=UK_ZONE, fold=1)
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(UTC).astimezone(UK_ZONE).replace(tzinfo=None)
        if round_trip != naive:
            raise NotUnderstood(
                f"{at:%H:%M} on {document_date(day)} did not happen in the UK: the clocks "
                f"went forward an hour at 01:00 that night. Check the time with the victim; "
                f"00:59 GMT was followed by 02:00 BST."
            )
        chosen = second if zone_word == "gmt" else first
    else:
        chosen = first
        if zone_word is not None and (chosen.tzname() or "").lower() != zone_word:
            raise NotUnderstood(
                f"On {document_date(day)} the UK was on {chosen.tzname()}, not "
                f"{zone_word.upper()}: leave the zone off and the right one is used."
            )
    return chosen.astimezone(UTC)


def parse_datetime(text: str, *, clock: Clock) -> UkMoment:
    """A date and time the officer typed in UK local time, as a UTC moment.

    Reads a date as :func:`parse_date` does followed by a time as :func:`parse_time` does
    (``04/12/2026 14:05``, ``4 Dec 2026, 2:05pm``, ``yesterday 23:30``), a time alone
    (today), ``now``, and the stored form (``2026-12-04T14:05:00Z`` or with an offset).
    ``GMT`` or ``BST`` may follow, to choose within the repeated autumn hour.
    """
    stripped = text.strip()
    if _ISO_DATETIME.fullmatch(stripped):
        try:
            parsed = datetime.fromisoformat(stripped.replace("z", "Z"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return UkMoment(parsed.astimezone(UTC))
    cleaned = _clean(text)
    now = uk_now(clock)
    if cleaned == "now":
        return UkMoment(now.astimezone(UTC).replace(second=0, microsecond=0))
    zone_word: str | None = None
    if match := _ZONE_WORD.search(cleaned):
        zone_word = match.group(1)
        cleaned = cleaned[: match.start()]
    if not cleaned:
        raise NotUnderstood(f"Enter a date and time, e.g. {DATETIME_EXAMPLES}.")
    for date_part, time_part in _splits(cleaned):
        try:
            day = parse_date(date_part, today=now.date()) if date_part else now.date()
            at = parse_time(time_part)
        except NotUnderstood:
            continue
        return UkMoment(uk_local_to_utc(day, at, zone_word=zone_word))
    try:
        parse_date(cleaned, today=now.date())
    except NotUnderstood:
        pass
    else:
        raise NotUnderstood(
            f"'{stripped}' needs a time as well as the date: write it like {DATETIME_EXAMPLES}."
        )
    raise NotUnderstood(
        f"'{stripped}' is not a date and time we can read: write it like {DATETIME_EXAMPLES}."
    )


def _splits(cleaned: str) -> list[tuple[str, str]]:
    """Ways to cut the text into a date part and a time part, the time last."""
    words = cleaned.replace(",", " ").replace(" at ", " ").split()
    splits = [
        (" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(len(words) - 1, -1, -1)
    ]
    return [(d, t) for d, t in splits if t]


def format_date_typed(day: date) -> str:
    """A date as the officer types it: ``04/12/2026``."""
    return f"{day:%d/%m/%Y}"


def format_datetime_typed(moment: datetime) -> str:
    """A moment as the officer types it, in UK local time: ``04/12/2026 14:05``; in the
    autumn hour that happens twice, with its zone (``25/10/2026 01:30 GMT``), so that the
    text read back is the same moment, never the hour before."""
    local = moment.astimezone(UK_ZONE)
    typed = f"{local:%d/%m/%Y %H:%M}"
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        typed += f" {local:%Z}"
    return typed


def describe_date(day: date) -> str:
    """'Friday 4 December 2026'."""
    return f"{_WEEKDAYS[day.weekday()]} {document_date(day)}"


def describe_datetime(moment: datetime) -> str:
    """'Friday 4 December 2026, 14:05 GMT', in UK local time."""
    local = moment.astimezone(UK_ZONE)
    return f"{describe_date(local.date())}, {local:%H:%M} {local.tzname()}"


def stored_datetime(answer: object) -> datetime | None:
    """A stored datetime answer (any ISO form with an offset) as an aware moment, or None."""
    if not isinstance(answer, str) or not _ISO_DATETIME.fullmatch(answer.strip()):
        return None
    try:
        return datetime.fromisoformat(answer.strip())
    except ValueError:
        return None
