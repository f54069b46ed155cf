"""British English spelling from the shipped dictionary, offline."""

from __future__ import annotations

from rvr_desktop.evidence.spelling import dictionary_path, shipped_spelling


def test_the_dictionary_ships_with_the_app_and_its_licence() -> None:
    folder = dictionary_path().parent
    assert dictionary_path().is_file()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "LGPL" in readme and "en_GB" in readme
    assert (folder / "README_en_GB.txt").is_file()


def test_british_spellings_pass_and_american_or_wrong_ones_are_found() -> None:
    spelling = shipped_spelling()
    text = (
        "The victim’s neighbour saw the colour of the car; she recieved a text from her ex-partner."
    )
    assert [m.word for m in spelling.misspellings(text)] == ["recieved"]
    assert [m.word for m in spelling.misspellings("The color of the neighbor's car")] == [
        "color",
        "neighbor's",
    ]
    start = text.index("recieved")
    assert next(iter(spelling.misspellings(text))).start == start


def test_reference_numbers_acronyms_and_addresses_are_not_checked() -> None:
    spelling = shipped_spelling()
    text = "URN 42AB1234526 on the MG11, DASH and MARAC, at 14:05, see www.example.org or a@b.uk"
    assert list(spelling.misspellings(text)) == []


def test_suggestions_offer_the_likely_word_and_never_change_the_text() -> None:
    spelling = shipped_spelling()
    assert spelling.suggestions("recieved")[0] == "received"
    assert "London" in spelling.suggestions("Lodnon")
