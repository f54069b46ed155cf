"""Dates and times as a UK officer types them, read into what a form stores (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from rvr_desktop.evidence.clock import ManualClock
from rvr_desktop.evidence.forms.uk_input import (
    NotUnderstood,
    describe_datetime,
    format_datetime_typed,
    parse_date,
    parse_datetime,
    parse_time,
    uk_today,
)


def clock_at(iso_utc: str) -> ManualClock:
    moment = datetime.fromisoformat(iso_utc)
    return ManualClock(int(moment.timestamp() * 1000))


# 5 December 2026, 09:30 GMT: winter, so UK time is UTC.
WINTER = clock_at("2026-12-05T09:30:00+00:00")
# 20 July 2026, 09:30 BST (08:30 UTC): summer.
SUMMER = clock_at("2026-07-20T08:30:00+00:00")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("04/12/2026", date(2026, 12, 4)),
        ("4/12/26", date(2026, 12, 4)),
        ("4.12.2026", date(2026, 12, 4)),
        ("4-12-2026", date(2026, 12, 4)),
        ("4 Dec 2026", date(2026, 12, 4)),
        ("4th December 2026", date(2026, 12, 4)),
        ("2026-12-04", date(2026, 12, 4)),
        ("today", date(2026, 12, 5)),
        (" Yesterday ", date(2026, 12, 4)),
        ("12/3/85", date(1985, 3, 12)),
    ],
)
def test_officer_types_a_date_day_first(typed: str, expected: date) -> None:
    assert parse_date(typed, today=uk_today(WINTER)) == expected


@pytest.mark.parametrize("typed", ["12/04", "31/02/2026", "Dec 4th", "soon", "", "4 Smarch 2026"])
def test_a_date_that_cannot_be_read_is_explained_by_example_not_pattern(typed: str) -> None:
    with pytest.raises(NotUnderstood) as caught:
        parse_date(typed, today=date(2026, 12, 5))
    message = str(caught.value)
    assert "04/12/2026" in message
    assert "YYYY" not in message and "\\d" not in message and "[" not in message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:05", time(14, 5)),
        ("1405", time(14, 5)),
        ("2:05pm", time(14, 5)),
        ("2pm", time(14, 0)),
        ("12am", time(0, 0)),
        ("9.30", time(9, 30)),
        ("noon", time(12, 0)),
    ],
)
def test_officer_types_a_time(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "14", "13pm", "quarter past"])
def test_a_time_that_cannot_be_read_says_what_would_do(typed: str) -> None:
    with pytest.raises(NotUnderstood, match="14:05"):
        parse_time(typed)


def test_a_december_time_is_gmt_and_stored_as_the_same_utc() -> None:
    moment = parse_datetime("04/12/2026 14:05", clock=WINTER)
    assert moment.answer == "2026-12-04T14:05:00Z"
    assert moment.described == "Friday 4 December 2026, 14:05 GMT"


def test_a_july_time_is_bst_and_stored_an_hour_earlier_in_utc() -> None:
    moment = parse_datetime("4 Jul 2026 14:05", clock=WINTER)
    assert moment.answer == "2026-07-04T13:05:00Z"
    assert moment.typed == "04/07/2026 14:05"
    assert moment.described.endswith("14:05 BST")


def test_yesterday_late_evening_comes_from_the_injected_clock() -> None:
    assert parse_datetime("yesterday 23:30", clock=WINTER).answer == "2026-12-04T23:30:00Z"
    assert parse_datetime("yesterday 23:30", clock=SUMMER).answer == "2026-07-19T22:30:00Z"
    assert parse_datetime("14:05", clock=SUMMER).answer == "2026-07-20T13:05:00Z"
    assert parse_datetime("today, 2:05pm", clock=WINTER).answer == "2026-12-05T14:05:00Z"


def test_just_after_midnight_utc_in_summer_is_already_tomorrow_in_the_uk() -> None:
    # 23:30 UTC on 20 July is 00:30 BST on 21 July: "today" is the 21st.
    late = clock_at("2026-07-20T23:30:00+00:00")
    assert uk_today(late) == date(2026, 7, 21)
    assert parse_datetime("today 00:10", clock=late).answer == "2026-07-20T23:10:00Z"


def test_the_hour_skipped_when_the_clocks_go_forward_is_refused_in_words() -> None:
    # 29 March 2026: 00:59 GMT is followed by 02:00 BST.
    with pytest.raises(NotUnderstood, match="did not happen in the UK"):
        parse_datetime("29/03/2026 01:30", clock=WINTER)
    assert parse_datetime("29/03/2026 00:59", clock=WINTER).answer == "2026-03-29T00:59:00Z"
    assert parse_datetime("29/03/2026 02:00", clock=WINTER).answer == "2026-03-29T01:00:00Z"


def test_the_hour_repeated_when_the_clocks_go_back_is_bst_unless_gmt_is_written() -> None:
    # 25 October 2026: 01:59 BST is followed by 01:00 GMT.
    assert parse_datetime("25/10/2026 01:30", clock=WINTER).answer == "2026-10-25T00:30:00Z"
    assert parse_datetime("25/10/2026 01:30 BST", clock=WINTER).answer == "2026-10-25T00:30:00Z"
    assert parse_datetime("25/10/2026 01:30 GMT", clock=WINTER).answer == "2026-10-25T01:30:00Z"


def test_a_zone_that_does_not_fit_the_day_is_refused() -> None:
    with pytest.raises(NotUnderstood, match="on GMT, not BST"):
        parse_datetime("04/12/2026 14:05 BST", clock=WINTER)


def test_a_stored_answer_reads_back_and_shows_in_uk_time() -> None:
    assert parse_datetime("2026-07-04T13:05:00Z", clock=WINTER).typed == "04/07/2026 14:05"
    assert parse_datetime("2026-12-04T14:05:00+00:00", clock=WINTER).answer == (
        "2026-12-04T14:05:00Z"
    )
    assert format_datetime_typed(datetime(2026, 12, 4, 14, 5, tzinfo=UTC)) == "04/12/2026 14:05"
    assert describe_datetime(datetime(2026, 7, 4, 13, 5, tzinfo=UTC)).endswith("14:05 BST")


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("2026-10-25T00:30:00Z", "25/10/2026 01:30 BST"),
        ("2026-10-25T01:30:00Z", "25/10/2026 01:30 GMT"),
        ("2026-10-25T02:30:00Z", "25/10/2026 02:30"),
        ("2026-03-29T01:30:00Z", "29/03/2026 02:30"),
    ],
)
def test_a_moment_in_the_repeated_autumn_hour_reads_back_as_itself(stored: str, typed: str) -> None:
    """The box tidies what the officer typed; in the hour that happens twice, dropping
    the zone once re-stored "01:30 GMT" an hour early."""
    moment = datetime.fromisoformat(stored)
    assert format_datetime_typed(moment) == typed
    assert parse_datetime(typed, clock=WINTER).utc == moment


@pytest.mark.parametrize("typed", ["04/12/2026", "tomorrow 14:00", "", "bruising"])
def test_a_date_and_time_that_cannot_be_read_gives_examples(typed: str) -> None:
    with pytest.raises(NotUnderstood) as caught:
        parse_datetime(typed, clock=WINTER)
    message = str(caught.value)
    assert "yesterday 23:30" in message
    assert "YYYY" not in message and "+01:00" not in message
