"""The Qt binding must not corrupt reference counts (PySide6 6.12.0 does under Python 3.11)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication

from rvr_desktop.ui.timeline_model import TimelineModel


def test_model_answers_of_none_leave_none_alive(qapp: QApplication) -> None:
    class OneCell(TimelineModel):
        def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 1

        def data(self, index: object, role: int = Qt.ItemDataRole.DisplayRole) -> object:
            return None

    model = OneCell()
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        index.data(Qt.ItemDataRole.ToolTipRole)  # called from C++, like a view does
    assert sys.getrefcount(None) >= before - 10
