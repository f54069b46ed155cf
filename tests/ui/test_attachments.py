"""Attachments: pick files, see thumbnails and SHA-256, capture the screen, cancel."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.case import attachments, timeline
from rvr_desktop.evidence.case.attachments import AttachmentSource
from rvr_desktop.evidence.demo_story import demo_image_png
from rvr_desktop.ui.case_workspace import ATTACHMENTS_TAB
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.region_dialog import RegionDialog
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case


def _open_case(qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)


def test_officer_attaches_files_and_sees_each_sha256_and_a_thumbnail(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    photo = tmp_path / "bruising.png"
    photo.write_bytes(demo_image_png())
    messages = tmp_path / "messages.txt"
    messages.write_text("08:10 I will find you\n")
    dialogs.files = [photo, messages]
    panel = window.workspace.attachments
    with qtbot.waitSignal(panel.import_finished, timeout=10_000):
        window.app_actions.attach_files.trigger()
    assert window.workspace.tabs.currentWidget() is panel
    assert [a.exhibit_ref for a in panel.items] == ["JS/1", "JS/2"]
    shown = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert hashlib.sha256(photo.read_bytes()).hexdigest() in shown[0]
    assert hashlib.sha256(messages.read_bytes()).hexdigest() in shown[1]
    qtbot.waitUntil(lambda: panel.has_thumbnail(panel.items[0].id), timeout=10_000)
    thumbnail = panel.list.item(0).icon().pixmap(72).toImage()
    assert thumbnail.pixelColor(2, 2).name() == "#deb8a0"  # the picture, not a file icon
    assert not panel.has_thumbnail(panel.items[1].id)
    assert "Added JS/1, JS/2" in panel.status.text()


def test_the_same_file_twice_is_explained_not_added(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    panel = window.workspace.attachments
    exhibit = tmp_path / "note.txt"
    exhibit.write_text("once")
    for _ in range(2):
        with qtbot.waitSignal(panel.import_finished, timeout=10_000):
            panel.import_paths([exhibit])
    assert len(panel.items) == 1
    assert any("already in this case as exhibit JS/1" in e for e in dialogs.errors)


def test_capture_screen_takes_a_region_into_the_vault_stamped_and_hashed(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.vault is not None

    def choose_region(dialog: QDialog) -> bool:
        assert isinstance(dialog, RegionDialog)
        dialog.accept()  # no description yet: the dialog asks for one
        assert dialog.isVisible() and "what the capture shows" in dialog.message.text()
        qtbot.keyClicks(dialog.description_field, "bruising to left upper arm")
        dialog.canvas.set_selection(QRect(100, 80, 200, 120))
        qtbot.keyClick(dialog.description_field, Qt.Key.Key_Return)
        return True

    dialogs.expect(choose_region)
    panel = window.workspace.attachments
    with qtbot.waitSignal(panel.import_finished, timeout=10_000) as blocker:
        window.app_actions.capture_screen.trigger()
    (capture,) = blocker.args[0]
    assert capture.source is AttachmentSource.SCREEN_CAPTURE
    assert capture.media_type == "image/png"
    assert capture.original_name.startswith("screen-capture-")
    assert "region of the screen" in capture.description
    assert capture.description.startswith("bruising to left upper arm")
    # The notes tell the story of the exhibits.
    notes = window.workspace.notes.model
    last = notes.entry_at(notes.rowCount() - 1)
    assert last is not None and last.text == "Screen capture JS/1: bruising to left upper arm"
    saved = timeline.entries(window.vault, window.workspace.case.id)
    assert saved[-1].text == last.text
    sink = io.BytesIO()
    attachments.read_into(window.vault, capture.id, sink)
    assert hashlib.sha256(sink.getvalue()).hexdigest() == capture.sha256
    image = QImage.fromData(sink.getvalue())
    assert abs(image.width() - 200) <= 2 and abs(image.height() - 120) <= 2
    assert image.pixelColor(50, 50).name() == "#d9822b"


def test_officer_cancels_an_import_and_nothing_is_added(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    window.workspace.show_tab(ATTACHMENTS_TAB)
    panel = window.workspace.attachments
    # A pipe stands in for a slow disk: the import cannot finish before Cancel is pressed.
    pipe = tmp_path / "slow-source"
    os.mkfifo(pipe)
    panel.import_paths([pipe])
    assert panel.cancel_button.isVisible() and panel.progress.isVisible()
    assert not panel.attach_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    writer = threading.Thread(target=lambda: os.close(os.open(pipe, os.O_WRONLY)))
    writer.start()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    writer.join(5)
    assert "cancelled" in panel.status.text().lower()
    assert panel.items == []
    assert dialogs.errors == []
    assert not panel.progress.isVisible()
    assert panel.attach_button.isEnabled()
