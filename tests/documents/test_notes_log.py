"""The contemporaneous notes log: times, call time, amendments struck through but legible."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PIL import Image

from documents import samples
from documents.pdftext import page_texts, render_page_png
from rvr_desktop.evidence.documents import LoggedNote, render_notes_log
from rvr_desktop.evidence.documents.styles import STRIKE_COLOUR, WARNING_FILL


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pixels_near(png: Path, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    with Image.open(png) as image:
        counts = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return sum(
        count
        for count, pixel in counts
        if all(
            abs(channel - want) <= tolerance for channel, want in zip(pixel, colour, strict=True)
        )
    )


def _rgb(colour: object) -> tuple[int, int, int]:
    red, green, blue = (round(getattr(colour, part) * 255) for part in ("red", "green", "blue"))
    return red, green, blue


def test_amended_note_keeps_the_original_readable_and_shows_why_and_when() -> None:
    text = _flat("\n".join(page_texts(render_notes_log(samples.notes_log(), samples.ORIGIN).data)))
    assert samples.ORIGINAL_NOTE in text
    assert samples.AMENDED_NOTE in text
    assert text.index(samples.ORIGINAL_NOTE) < text.index(samples.AMENDED_NOTE)
    assert "Reason: Victim corrected the time and the car model" in text
    assert "Amendment 7 · 21 September 2026, 15:38:20 BST · call time 0:24:45" in text


def test_strike_through_is_drawn_over_the_amended_original(tmp_path: Path) -> None:
    strike = _rgb(STRIKE_COLOUR)
    amended = render_notes_log(samples.notes_log(amended=True), samples.ORIGIN)
    plain = render_notes_log(samples.notes_log(amended=False), samples.ORIGIN)
    struck_pixels = _pixels_near(render_page_png(amended.data, 1, tmp_path / "a"), strike)
    unstruck_pixels = _pixels_near(render_page_png(plain.data, 1, tmp_path / "b"), strike)
    assert unstruck_pixels == 0
    # A line through about 60 characters of 10.5 pt text is about 390 pixels long at 100
    # dpi; anti-aliasing blends some of them, so ask for half.
    assert struck_pixels > 195


def test_superseded_amendment_is_struck_too_and_only_the_latest_stands(tmp_path: Path) -> None:
    log = samples.notes_log()
    note = log.entries[3]
    assert isinstance(note, LoggedNote)
    later = replace(note.amendments[0], entry_id=9, text="Final wording", reason="Typo")
    twice = replace(
        log,
        entries=(
            *log.entries[:3],
            replace(note, amendments=(*note.amendments, later)),
            *log.entries[4:],
        ),
    )
    rendered = render_notes_log(twice, samples.ORIGIN)
    text = _flat("\n".join(page_texts(rendered.data)))
    for wording in (samples.ORIGINAL_NOTE, samples.AMENDED_NOTE, "Final wording"):
        assert wording in text
    strike = _rgb(STRIKE_COLOUR)
    # At 200 dpi a 0.9 pt line is several pixels thick wherever it falls; at 100 dpi how
    # many of its pixels keep the colour depends on where it lies between two rows.
    once = _pixels_near(
        render_page_png(render_notes_log(log, samples.ORIGIN).data, 1, tmp_path / "a", dpi=200),
        strike,
    )
    both = _pixels_near(render_page_png(rendered.data, 1, tmp_path / "b", dpi=200), strike)
    assert both > once * 1.5


def test_every_note_shows_uk_time_to_the_second_and_call_time() -> None:
    text = _flat("\n".join(page_texts(render_notes_log(samples.notes_log(), samples.ORIGIN).data)))
    # The sample call starts at 14:13:20 UTC on 21 September 2026: 15:13:20 in BST.
    assert "Note 3 · 21 September 2026, 15:13:55 BST · call time 0:00:35 · PC Sam Jones" in text
    assert "Note 4 · 21 September 2026, 15:17:20 BST · call time 0:03:40" in text
    assert (
        "Times are UK time (Europe/London: GMT, or BST in summer), 24-hour, to the second" in text
    )


def test_call_events_and_clock_warnings_stand_out_in_the_timeline(tmp_path: Path) -> None:
    rendered = render_notes_log(samples.notes_log(), samples.ORIGIN)
    text = _flat("\n".join(page_texts(rendered.data)))
    for label in ("SAFETY GATE PASSED", "CALL STARTED", "CALL INTERRUPTED", "CALL ENDED"):
        assert label in text
    assert "CLOCK WARNING: the computer's clock jumped" in text
    assert "Wall clock moved 95 s ahead of real time" in text
    positions = [
        text.index(label)
        for label in ("SAFETY GATE PASSED", "CALL STARTED", "Note 3", "CLOCK WARNING", "CALL ENDED")
    ]
    assert positions == sorted(positions)
    assert (
        _pixels_near(render_page_png(rendered.data, 1, tmp_path), _rgb(WARNING_FILL), tolerance=4)
        > 1000
    )


def test_a_note_longer_than_a_page_flows_onto_the_next_page() -> None:
    log = samples.notes_log(amended=False)
    words = " ".join(f"word{n}" for n in range(2_500))
    long_note = LoggedNote(20, samples.shown(2_000), "0:33:20", "PC Sam Jones", words)
    rendered = render_notes_log(replace(log, entries=(*log.entries, long_note)), samples.ORIGIN)
    assert rendered.page_count >= 3
    printed = set("\n".join(page_texts(rendered.data)).split())
    assert all(f"word{n}" in printed for n in range(2_500))
