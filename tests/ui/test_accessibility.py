"""Every control an officer can reach has a name a screen reader can say."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.main_window import MainWindow
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QComboBox,
    QSpinBox,
    QAbstractItemView,
)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QHeaderView) or isinstance(
            widget.parent(), QComboBox | QSpinBox | QAbstractItemView
        ):
            continue  # the inner parts of a named table, combo or spin box
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.replace("&", "").strip()):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_an_officer_reaches_has_an_accessible_name(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    assert _unnamed(window) == [], "the unlock screen"
    create_vault(qtbot, window)
    assert _unnamed(window) == [], "the case list"
    new_case(qtbot, window, dialogs)
    assert window.workspace is not None
    assert window.workspace.tabs.count() >= 4
    for index in range(window.workspace.tabs.count()):
        window.workspace.tabs.setCurrentIndex(index)
        assert _unnamed(window) == [], f"tab {index}"
    window.app_actions.store_queue.trigger()
    assert window.store_dock is not None and window.store_dock.isVisible()
    assert _unnamed(window) == [], "the evidence store queue"
