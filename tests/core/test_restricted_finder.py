"""Finding the victim's restricted details in what an officer typed, however typed."""

from __future__ import annotations

import pytest

from rvr_desktop.evidence.disclosure.finder import (
    DetailKind,
    RestrictedValue,
    find_restricted,
    note_remark,
)
from rvr_desktop.evidence.forms.errors import TemplateError
from rvr_desktop.evidence.forms.loader import parse_template

CALL_BACK = RestrictedValue(DetailKind.PHONE, "call-back number", "07700 900123")
SAFE_WORD = RestrictedValue(DetailKind.SAFE_WORD, "safe word", "Is my parcel still coming?")
ADDRESS = RestrictedValue(
    DetailKind.ADDRESS, "home address", "12 Invented Close, Exampletown, EX1 2MP"
)
BIRTH = RestrictedValue(DetailKind.DATE_OF_BIRTH, "date of birth", "1989-03-14")
EMAIL = RestrictedValue(DetailKind.EMAIL, "e-mail address", "alex.morgan@example.org")
ALL = (CALL_BACK, SAFE_WORD, ADDRESS, BIRTH, EMAIL)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ring 07700 900123 later", "07700 900123"),
        ("ring 0 7 7 0 0 - 9 0 0 1 2 3 later", "0 7 7 0 0 - 9 0 0 1 2 3"),
        ("ring 077009-00123.", "077009-00123"),
        ("ring +44 7700 900123", "+44 7700 900123"),
        ("ring +44 (0)7700 900 123", "+44 (0)7700 900 123"),
        ("ring 0044 7700 900123", "0044 7700 900123"),
        ("1900 - 07700 900123 no reply", "07700 900123"),
        ("numbers: 01632 960044 / 07700 900123.", "07700 900123"),
        ("word: is MY parcel... still coming", "is MY parcel... still coming"),
        ("she lives at 12 INVENTED CLOSE now", "12 INVENTED CLOSE"),
        ("postcode ex12mp", "ex12mp"),
        ("born 14/03/1989", "14/03/1989"),
        ("born 14.3.89", "14.3.89"),
        ("born 14th March 1989", "14th March 1989"),
        ("born Mar 14, 1989", "Mar 14, 1989"),
        ("born 14-Mar-1989", "14-Mar-1989"),
        ("born 14 Mar 89", "14 Mar 89"),
        ("born 1989/03/14", "1989/03/14"),
        ("mail Alex.Morgan@Example.org", "Alex.Morgan@Example.org"),
    ],
)
def test_each_detail_is_found_however_it_was_typed(text: str, found: str) -> None:
    places = find_restricted(text, ALL)
    assert [text[p.start : p.end] for p in places] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "ring 077009001234",  # a longer, different number
        "ring 17700 900123",
        "the parcel came",
        "Exampletown is nearby",  # a town alone is too common to flag
        "born 14/03/1990",
        "case 2026-0001, 999 called",
    ],
)
def test_other_text_is_not_flagged(text: str) -> None:
    assert find_restricted(text, ALL) == []


def test_the_remark_names_each_detail_once_and_is_empty_without_one() -> None:
    text = "Number 07700 900123 (again: 07700900123); safe word is my parcel still coming"
    assert note_remark(text, ALL).startswith(
        "This note holds the victim's call-back number and safe word."
    )
    assert note_remark("Victim is calm.", ALL) == ""


TEMPLATE = """
id = "t"
version = 1
title = "T"
document = "safeguarding"

[[sections]]
id = "s"
title = "S"

[[sections.fields]]
id = "mobile"
type = "text"
label = "Mobile"
{extra}
"""


def test_a_template_marks_a_detail_and_that_makes_the_field_restricted() -> None:
    field = parse_template(
        TEMPLATE.format(extra='detail = "phone"\ndetail_name = "mobile number"'), "t.toml"
    ).field("mobile")
    assert (field.detail, field.detail_name, field.data_class) == (
        "phone",
        "mobile number",
        "restricted",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('detail = "pager"', "'detail' is 'pager'; use one of phone, address"),
        ('detail_name = "mobile"', "'detail_name' needs 'detail'"),
    ],
)
def test_a_wrong_detail_is_refused_with_a_plain_message(extra: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template(TEMPLATE.format(extra=extra), "t.toml")
