"""Each check of a bundle with PASS, FAIL or INDETERMINATE and its precise reason."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from rvr_desktop.evidence.bundle.result import Check, Outcome

OUTCOME_COLOURS = {
    Outcome.PASS: ("#dff0e0", "#1e5b22"),
    Outcome.FAIL: ("#f9d6d2", "#7a1610"),
    Outcome.INDETERMINATE: ("#fff0c7", "#6b4a00"),
}


class ChecksView(QTreeWidget):
    """One row per check: outcome, what was checked, what it speaks to, and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Checks")
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setHeaderLabels(["Result", "Check", "About", "Reason"])
        header = self.header()
        header.setStretchLastSection(True)
        for column in (0, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 280)

    def set_checks(self, checks: tuple[Check, ...]) -> None:
        self.clear()
        for check in checks:
            item = QTreeWidgetItem(
                [check.outcome.value, check.name, check.aspect.value, check.reason]
            )
            background, text = OUTCOME_COLOURS[check.outcome]
            item.setBackground(0, QBrush(QColor(background)))
            item.setForeground(0, QBrush(QColor(text)))
            item.setToolTip(3, check.reason)
            self.addTopLevelItem(item)

    def rows(self) -> list[tuple[str, str, str]]:
        """(outcome, name, reason) of every row, as shown."""
        found = []
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None:
                found.append((item.text(0), item.text(1), item.text(3)))
        return found
