"""Each check of a bundle: passed, failed or not established, what was checked in plain
words, and its precise reason, wrapped so none of it is cut off.

The exact technical terms (PASS / FAIL / INDETERMINATE, the BagIt and CMS names of the
checks) are kept in each row's tooltip and in :meth:`ChecksView.rows`, for the evidence
officer's guide and for scripts.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from rvr_desktop.evidence.bundle.result import Aspect, Check, Outcome

OUTCOME_COLOURS = {
    Outcome.PASS: ("#dff0e0", "#1e5b22"),
    Outcome.FAIL: ("#f9d6d2", "#7a1610"),
    Outcome.INDETERMINATE: ("#fff0c7", "#6b4a00"),
}

OUTCOME_WORDS = {
    Outcome.PASS: "Passed",
    Outcome.FAIL: "Failed",
    Outcome.INDETERMINATE: "Not established",
}
"""What each outcome is called on screen; the technical term is in the tooltip."""

ASPECT_WORDS = {
    Aspect.INTEGRITY: "Files unchanged and complete",
    Aspect.SIGNATURE: "The officer's signature",
    Aspect.TRUST: "Who vouches for the signer",
    Aspect.RETENTION: "Kept unalterable in the store",
    Aspect.REVOCATION: "Certificate not withdrawn",
}

RESULT, CHECK, ABOUT, REASON = range(4)
TECHNICAL_ROLE = Qt.ItemDataRole.UserRole
"""On the Result and Check columns: the technical outcome and check name, as the core
gives them (what :meth:`ChecksView.rows` returns)."""

_ZERO_WIDTH_SPACE = "\u200b"
_TEXT_MARGIN = 4
_LONG_RUN = re.compile(r"[^\s]{25,}")


def breakable(text: str) -> str:
    """``text`` with places to break inside long runs (hashes, file paths), so a wrapped
    line never runs past the column and nothing is cut off."""

    def split(match: re.Match[str]) -> str:
        run = match.group().replace("/", "/" + _ZERO_WIDTH_SPACE)
        return _ZERO_WIDTH_SPACE.join(run[i : i + 16] for i in range(0, len(run), 16))

    return _LONG_RUN.sub(split, text)


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the column's current width (a tree view
    otherwise keeps one line per row and cuts the rest off)."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        width = self._view.columnWidth(index.column()) - 2 * _TEXT_MARGIN
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if width <= 0 or not text:
            return hint
        needed = option.fontMetrics.boundingRect(
            QRect(0, 0, width, 1_000_000), int(Qt.TextFlag.TextWordWrap), text
        )
        return QSize(hint.width(), max(hint.height(), needed.height() + 2 * _TEXT_MARGIN))


class ChecksView(QTreeWidget):
    """One row per check: the result, what was checked, what it speaks to, and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Checks")
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHeaderLabels(["Result", "What was checked", "About", "Reason"])
        header = self.header()
        header.setStretchLastSection(True)
        for column in (RESULT, ABOUT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CHECK, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(CHECK, 280)
        self.setItemDelegate(_WrappingDelegate(self))
        # Re-wrap the rows when a column changes width.
        header.sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())

    def set_checks(self, checks: tuple[Check, ...]) -> None:
        self.clear()
        for check in checks:
            item = QTreeWidgetItem(
                [
                    OUTCOME_WORDS[check.outcome],
                    check.shown_title,
                    ASPECT_WORDS.get(check.aspect, check.aspect.value),
                    breakable(check.reason),
                ]
            )
            item.setData(RESULT, TECHNICAL_ROLE, check.outcome.value)
            item.setData(CHECK, TECHNICAL_ROLE, check.name)
            background, text = OUTCOME_COLOURS[check.outcome]
            item.setBackground(RESULT, QBrush(QColor(background)))
            item.setForeground(RESULT, QBrush(QColor(text)))
            item.setToolTip(RESULT, f"Technical term: {check.outcome.value}")
            item.setToolTip(CHECK, f"Technical name: {check.name}")
            item.setToolTip(ABOUT, f"Technical term: {check.aspect.value}")
            item.setToolTip(REASON, check.reason)
            self.addTopLevelItem(item)

    def rows(self) -> list[tuple[str, str, str]]:
        """(technical outcome, technical name, reason) of every row, in order."""
        found = []
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None:
                found.append(
                    (
                        str(item.data(RESULT, TECHNICAL_ROLE)),
                        str(item.data(CHECK, TECHNICAL_ROLE)),
                        item.toolTip(REASON),
                    )
                )
        return found

    def shown_rows(self) -> list[tuple[str, str, str]]:
        """(result, what was checked, reason) of every row, as the officer reads them."""
        found = []
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None:
                found.append(
                    (item.text(RESULT), item.text(CHECK), item.text(REASON).replace("\u200b", ""))
                )
        return found
