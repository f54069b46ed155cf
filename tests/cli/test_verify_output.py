"""What rvr-verify prints comes partly from outside (store keys, file names, certificate
names): none of it may rewrite what the evidence officer reads."""

from __future__ import annotations

import pytest

from rvr_desktop.cli.terminal_text import shown
from rvr_desktop.cli.verify import _print_batch_line
from rvr_desktop.evidence.bundle.result import Verdict
from rvr_desktop.evidence.store.batch import BatchLine, BatchSummary, csv_rows

FORGED = "s3://intake/c\r\x1b[2KVERIFIED      s3://intake/c.zip\n1 bundles: 1 verified\x1b[8m"


def test_a_store_key_cannot_overwrite_not_verified_on_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _print_batch_line(BatchLine(FORGED, Verdict.FAILED, "NOT VERIFIED", ("Files unchanged",)))
    out = capsys.readouterr().out
    assert out.startswith("NOT VERIFIED")
    assert out.count("\n") == 1 and "\r" not in out and "\x1b" not in out
    assert "\\u000d\\u001b[2KVERIFIED" in out, "the forged text is shown for what it is"


def test_control_and_direction_characters_are_shown_as_their_codes() -> None:
    assert shown("JS/1 bruising to the left arm") == "JS/1 bruising to the left arm"
    assert shown("Jane\u202eSmith") == "Jane\\u202eSmith"
    assert shown("a\tb\nc") == "a\\u0009b\\u000ac"


def test_a_store_key_made_to_look_like_a_formula_stays_text_in_the_spreadsheet() -> None:
    line = BatchLine('=HYPERLINK("http://x","open")', Verdict.VERIFIED, "VERIFIED", ())
    (_header, row) = csv_rows(BatchSummary((line,)))
    assert row[0] == '\'=HYPERLINK("http://x","open")'
    assert row[1] == "verified"
