"""Keys and sessions: logs, core dumps, the idle lock and what the UI holds once locked."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.demo_story import DEMO_REFERENCE
from rvr_desktop.ui.main_window import UNLOCK_PAGE, MainWindow
from tests.figures import record_figure
from tests.security.rest_children import PASSPHRASE, hits, needles, new_marker, secret_needles
from tests.security.test_data_at_rest import (
    CHILD_TIMEOUT_S,
    REPO,
    child_environment,
    drive_every_kind,
    files_under,
    run_flow,
)
from tests.ui.bundles import DemoBundles
from tests.ui.conftest import PASSPHRASE as UI_PASSPHRASE
from tests.ui.conftest import (  # noqa: F401 - the GUI fixtures, for the tests here
    ScriptedDialogs,
    _private_qt_settings,
    demo_bundles,
    dialogs,
    exported_demo,
    services,
    settings,
    window,
)
from tests.ui.officer import create_vault

# ---- (a) logs ---------------------------------------------------------------------------


def test_logs_at_debug_hold_no_passphrase_key_or_case_content(tmp_path: Path) -> None:
    """A session with a wrong passphrase, two errors and an export, logged at DEBUG."""
    marker = new_marker()
    summary = run_flow(tmp_path, marker)
    assert summary["errors"] == ["WrongPassphrase", "ReferenceNotValid", "ValueError"]
    logs = [p for p in files_under(tmp_path / "home") if p.suffix == ".log"]
    assert logs, "the app logs to a file"
    text = b"".join(p.read_bytes() for p in logs)
    assert b" DEBUG " in text, "the log really was at DEBUG"
    assert b"unexpected ValueError" in text, "the error reached the log"
    key = bytes.fromhex(str(summary["key_hex"]))
    secrets = {
        "case content": needles(marker),
        "passphrase": needles(PASSPHRASE),
        "wrong passphrase": needles(PASSPHRASE + " wrong"),
        "database key": {"raw, hex, base64": secret_needles(key)},
    }
    found = {what: hits(text, wanted) for what, wanted in secrets.items()}
    assert found == {what: [] for what in secrets}
    record_figure(
        "Keys and sessions",
        "log at DEBUG: wrong passphrase, 2 errors, an export",
        f"0 of 4 secrets ({', '.join(secrets)}) in {len(text):,} bytes of log",
    )


# ---- (b) core dumps -------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_app_process_writes_no_core_dump_and_cannot_be_read_by_others(
    tmp_path: Path,
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.security.rest_children", "hold"],
        cwd=REPO,
        env=child_environment(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        inside = json.loads(child.stdout.readline())
        limits = Path(f"/proc/{child.pid}/limits").read_text()
        child.stdin.write("done\n")
        child.stdin.flush()
        assert child.wait(timeout=CHILD_TIMEOUT_S) == 0
    finally:
        if child.poll() is None:
            child.kill()
    core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
    soft = core.split()[4]
    assert soft == "0", core
    assert inside["dumpable"] == 0
    record_figure(
        "Keys and sessions",
        "core dumps of the app process (/proc/<pid>/limits, PR_GET_DUMPABLE)",
        f"core size limit {soft}, dumpable {inside['dumpable']}",
    )


# ---- (d) the UI after locking -----------------------------------------------------------


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return int(model.columnCount(parent))
    except TypeError:  # list models hide columnCount: they have one column
        return 1


def _model_texts(model: QAbstractItemModel, parent: QModelIndex) -> Iterator[str]:
    roles = list(range(0, 16)) + list(
        range(Qt.ItemDataRole.UserRole, Qt.ItemDataRole.UserRole + 16)
    )
    for row in range(model.rowCount(parent)):
        for column in range(max(1, _columns(model, parent))):
            index = model.index(row, column, parent)
            for role in roles:
                value = model.data(index, role)
                if value is not None:
                    yield str(value)
            if column == 0 and model.rowCount(index) > 0:
                yield from _model_texts(model, index)
    for section in range(_columns(model, parent)):
        yield str(model.headerData(section, Qt.Orientation.Horizontal))


def widget_texts(widget: QWidget) -> Iterator[str]:
    """Every piece of text a widget holds that a person or a screen reader could get at."""
    yield widget.windowTitle()
    yield widget.toolTip()
    yield widget.statusTip()
    yield widget.whatsThis()
    yield widget.accessibleName()
    yield widget.accessibleDescription()
    for action in widget.actions():
        yield action.text()
        yield action.toolTip()
    if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
        yield widget.text()
    if isinstance(widget, QLineEdit):
        yield widget.placeholderText()
    if isinstance(widget, QPlainTextEdit):
        yield widget.toPlainText()
        yield widget.placeholderText()
        yield widget.document().toPlainText()
    if isinstance(widget, QTextEdit):
        yield widget.toHtml()
        yield widget.placeholderText()
    if isinstance(widget, QGroupBox):
        yield widget.title()
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            yield widget.tabText(i)
            yield widget.tabToolTip(i)
    if isinstance(widget, QComboBox):
        yield widget.currentText()
        for i in range(widget.count()):
            yield widget.itemText(i)
            yield str(widget.itemData(i))
        yield from _model_texts(widget.model(), QModelIndex())
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        yield from _model_texts(widget.model(), QModelIndex())


def holders_of(marker: str) -> list[QWidget]:
    """Every widget in the app still holding the marker."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    return [
        widget
        for widget in QApplication.allWidgets()
        if any(marker.casefold() in text.casefold() for text in widget_texts(widget))
    ]


def widgets_holding(marker: str, *, except_for: Sequence[QWidget] = ()) -> list[str]:
    """The widgets (class and object name) still holding the marker, anywhere in the app."""
    return [
        f"{type(widget).__name__} {widget.objectName()!r}"
        for widget in holders_of(marker)
        if not any(widget is other for other in except_for)
    ]


@pytest.fixture
def filled_window(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811 - the fixture imported above
    dialogs: ScriptedDialogs,  # noqa: F811
    tmp_path: Path,
) -> tuple[MainWindow, str]:
    marker = new_marker()
    create_vault(qtbot, window)
    drive_every_kind(qtbot, window, dialogs, marker, tmp_path / "officer-files")
    assert widgets_holding(marker), "the control: the open case shows the marker"
    return window, marker


def test_ctrl_l_leaves_no_case_text_in_any_widget(
    qtbot: QtBot, filled_window: tuple[MainWindow, str]
) -> None:
    main, marker = filled_window
    before = len(widgets_holding(marker))
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    with qtbot.waitSignal(main.locked, timeout=10_000):
        qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert main.stack.currentIndex() == UNLOCK_PAGE
    holding = widgets_holding(marker)
    assert holding == []
    record_figure(
        "Keys and sessions",
        "widgets holding case text after Ctrl+L (every widget, role and item)",
        f"0 of {len(QApplication.allWidgets()):,} (before locking: {before})",
    )


def test_the_idle_lock_leaves_no_case_text_in_any_widget(
    qtbot: QtBot, filled_window: tuple[MainWindow, str]
) -> None:
    main, marker = filled_window
    with qtbot.waitSignal(main.locked, timeout=10_000):
        main.idle.set_interval_ms(0)
    holding = widgets_holding(marker)
    assert holding == []
    record_figure(
        "Keys and sessions",
        "widgets holding case text after the idle lock",
        f"0 of {len(QApplication.allWidgets()):,}",
    )
    assert UI_PASSPHRASE not in "".join(
        t for w in QApplication.allWidgets() for t in widget_texts(w)
    )


def test_a_bundle_shown_in_the_verify_window_is_dropped_on_lock(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811 - the fixture imported above
    dialogs: ScriptedDialogs,  # noqa: F811
    demo_bundles: DemoBundles,  # noqa: F811
) -> None:
    """The Verify window is reachable from the unlock screen: it must not show the case."""
    # Verify windows of earlier tests in this process may still show the same demo bundle.
    earlier = holders_of(DEMO_REFERENCE)
    create_vault(qtbot, window)
    verify = window.open_verify_window()
    with qtbot.waitSignal(verify.verified, timeout=60_000):
        verify.open_bundle(demo_bundles.folder)
    assert widgets_holding(DEMO_REFERENCE, except_for=earlier), "the control: it shows the bundle"
    window.lock()
    assert widgets_holding(DEMO_REFERENCE, except_for=earlier) == []
    window.unlock_screen.verify_requested.emit()
    assert widgets_holding(DEMO_REFERENCE, except_for=earlier) == []
