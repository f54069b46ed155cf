"""Times in the documents are written as a person writes them, in UK time, wherever the
computer thinks it is: these are England-and-Wales court documents."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from rvr_desktop.evidence.clock import document_date, document_time
from rvr_desktop.evidence.forms.display import display_datetime


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Kolkata", "Europe/London"])
def computer_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The computer's own zone set to something else, as on a laptop that travelled."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_a_winter_evening_reads_in_gmt(computer_zone: str) -> None:
    when = _ms("2026-12-03T19:37:34.987+00:00")
    assert document_time(when) == "3 December 2026, 19:37 GMT"
    assert document_time(when, seconds=True) == "3 December 2026, 19:37:34 GMT"


def test_a_summer_afternoon_reads_in_bst(computer_zone: str) -> None:
    when = _ms("2026-07-01T13:05:09.001+00:00")
    assert document_time(when) == "1 July 2026, 14:05 BST"
    assert document_time(when, seconds=True) == "1 July 2026, 14:05:09 BST"


def test_the_clocks_going_back_is_written_in_the_zone_of_the_moment() -> None:
    # 25 October 2026: at 02:00 BST the clocks go back to 01:00 GMT, so 01:30 happens twice.
    assert document_time(_ms("2026-10-25T00:30:00+00:00")) == "25 October 2026, 01:30 BST"
    assert document_time(_ms("2026-10-25T01:30:00+00:00")) == "25 October 2026, 01:30 GMT"


def test_a_date_is_written_in_words_whatever_the_language_settings() -> None:
    assert document_date(date(2026, 3, 9)) == "9 March 2026"
    assert document_date(date(2027, 1, 31)) == "31 January 2027"


def test_a_form_answer_written_with_any_offset_prints_in_uk_time(computer_zone: str) -> None:
    assert display_datetime("2026-10-16T15:20:00+01:00") == "16 October 2026, 15:20 BST"
    assert display_datetime("2026-12-03T19:29:18Z") == "3 December 2026, 19:29 GMT"
    # Entered in another offset (a form filled abroad): still UK time on paper.
    assert display_datetime("2026-12-03T14:29:18-05:00") == "3 December 2026, 19:29 GMT"
