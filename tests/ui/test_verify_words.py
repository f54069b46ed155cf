"""The Verify window says what is wrong in words, not only in colour, and in plain ones."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.checks_view import REASON
from rvr_desktop.ui.verify_window import VerifyWindow
from tests.ui.bundles import DemoBundles
from tests.ui.test_verify_window import verify, verify_window

__all__ = ["verify_window"]  # the fixture, shared with the Verify window's own tests


def _everything_shown(window: VerifyWindow) -> str:
    rows = window.checks.shown_rows()
    return "\n".join(
        [
            window.banner.headline.text(),
            window.banner.detail.text(),
            window.check_detail.text(),
            *("  ".join(row) for row in rows),
            window.details.toPlainText(),
        ]
    )


def test_an_untrusted_signer_and_an_altered_bundle_have_different_headline_words(
    qtbot: QtBot, verify_window: VerifyWindow, demo_bundles: DemoBundles
) -> None:
    verify(qtbot, verify_window, demo_bundles.folder)
    untrusted = verify_window.banner.headline.text()
    timeline = demo_bundles.folder / "data" / "notes" / "timeline.json"
    data = bytearray(timeline.read_bytes())
    data[len(data) // 2] ^= 0x01
    timeline.write_bytes(bytes(data))
    verify(qtbot, verify_window, demo_bundles.folder)
    altered = verify_window.banner.headline.text()
    assert untrusted == "NOT VERIFIED: SIGNER NOT TRUSTED"
    assert altered == "NOT VERIFIED: ALTERED OR INCOMPLETE"


def test_checks_read_in_plain_words_with_the_technical_terms_in_tooltips(
    qtbot: QtBot, verify_window: VerifyWindow, demo_bundles: DemoBundles
) -> None:
    verify(qtbot, verify_window, demo_bundles.folder)
    shown = verify_window.checks.shown_rows()
    results = {result for result, _, _ in shown}
    assert results <= {"Passed", "Failed", "Not established"}
    assert "Not established" in results
    trusted = next(r for r in shown if r[1] == "Signer vouched for by a root you trust")
    assert trusted[0] == "Not established"
    item = verify_window.checks.topLevelItem([r[1] for r in shown].index(trusted[1]))
    assert item is not None
    assert "signer trusted" in item.toolTip(1) and "INDETERMINATE" in item.toolTip(0)
    everything = _everything_shown(verify_window)
    for hint in ("--trust", "--crl", "--online", "ROOT.pem", "rvr-verify"):
        assert hint not in everything


def test_long_reasons_wrap_inside_their_column_instead_of_being_cut_off(
    qtbot: QtBot, verify_window: VerifyWindow, demo_bundles: DemoBundles
) -> None:
    timeline = demo_bundles.folder / "data" / "notes" / "timeline.json"
    data = bytearray(timeline.read_bytes())
    data[len(data) // 2] ^= 0x01
    timeline.write_bytes(bytes(data))
    verify(qtbot, verify_window, demo_bundles.folder)
    view = verify_window.checks
    width = view.columnWidth(REASON)
    metrics = view.fontMetrics()
    checked = 0
    for index in range(view.topLevelItemCount()):
        item = view.topLevelItem(index)
        assert item is not None
        needed = metrics.boundingRect(
            QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), item.text(REASON)
        )
        assert needed.width() <= width, item.text(REASON)
        assert view.visualItemRect(item).height() >= needed.height(), item.text(REASON)
        checked += 1
    assert checked > 3
