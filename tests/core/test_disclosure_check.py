"""The disclosure check's own file lists where details appear and never holds one: each
place's surrounding words mask every detail in them, and a file name is masked too."""

from __future__ import annotations

from rvr_desktop.evidence.disclosure.check import build_check, scan_names, scan_text
from rvr_desktop.evidence.disclosure.finder import DetailKind, RestrictedValue

CALL_BACK = RestrictedValue(DetailKind.PHONE, "call-back number", "07700 900123")
EMAIL = RestrictedValue(DetailKind.EMAIL, "e-mail address", "alex.morgan@example.org")
DETAILS = (CALL_BACK, EMAIL)


def test_a_detail_typed_twice_in_a_line_is_masked_in_both_places_context() -> None:
    note = (
        "Rang 07700 900123, no answer; rang +44 7700 900123 again, then e-mailed "
        "alex.morgan@example.org"
    )
    places = scan_text("data/notes/timeline.json", "note 3", note, DETAILS)
    assert [p.detail for p in places] == ["call-back number", "call-back number", "e-mail address"]
    for place in places:
        assert "7700" not in place.context and "alex.morgan" not in place.context, place.context
    assert places[0].context.startswith("Rang [call-back number], no answer; rang [call-back")


def test_a_file_named_with_a_detail_is_listed_with_its_name_masked() -> None:
    (place,) = scan_names(["data/exhibits/JS-3/screenshot 07700 900123.png"], DETAILS)
    assert place.file == "data/exhibits/JS-3/screenshot [call-back number].png"
    assert place.where == "file name"


def test_the_check_file_holds_no_detail_whatever_it_lists() -> None:
    note = "Call back on 07700 900123 or e-mail alex.morgan@example.org; 07700900123 again"
    places = scan_text("data/notes/timeline.json", "note 1", note, DETAILS)
    places += scan_names(["data/exhibits/JS-1/from alex.morgan@example.org.txt"], DETAILS)
    written = build_check(places, DETAILS).to_json_bytes().decode()
    assert len(places) == 4
    for value in ("7700", "900123", "alex.morgan", "example.org"):
        assert value not in written, value
