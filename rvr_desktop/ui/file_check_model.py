"""Every file of a verified bundle as a sortable table; failing rows stand out in red."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from rvr_desktop.evidence.bundle.bagit_reader import FileCheck, FileStatus
from rvr_desktop.ui.attachments_panel import human_size

STATUS, PATH, SIZE, SHA256 = range(4)
HEADERS = ("Status", "File", "Size", "SHA-256")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""What a cell sorts by: the size in bytes as a number (-1 for a missing file) in the Size
column, ``(0 for a failure else 1, status)`` in the Status column so that failures come
first, and the shown text elsewhere. Read by :class:`FileCheckProxy` (its sort role, and
its ``lessThan``) when the Verify window's Files table is sorted by a column header."""
FAILED_BACKGROUND = QColor("#f9d6d2")
FAILED_TEXT = QColor("#7a1610")
STATUS_TEXT = {
    FileStatus.OK: "OK",
    FileStatus.CHANGED: "CHANGED",
    FileStatus.MISSING: "MISSING",
    FileStatus.EXTRA: "EXTRA (not listed)",
}

Index = QModelIndex | QPersistentModelIndex


class FileCheckModel(QAbstractTableModel):
    """One row per :class:`FileCheck`; the SHA-256 shown is what was found (or expected,
    for a missing file), and the tooltip gives both when they differ."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FileCheck] = []

    def set_rows(self, rows: tuple[FileCheck, ...] | list[FileCheck]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> FileCheck:
        return self._rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        check = self._rows[index.row()]
        column = index.column()
        failed = check.status is not FileStatus.OK
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(check, column)
        if role == SORT_ROLE:
            if column == SIZE:
                return -1 if check.size is None else check.size
            if column == STATUS:  # failures first when sorted ascending
                return (0 if failed else 1, check.status.value)
            return self._display(check, column)
        if role == Qt.ItemDataRole.BackgroundRole and failed:
            return QBrush(FAILED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and failed:
            return QBrush(FAILED_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return check.message
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{check.path}: {STATUS_TEXT[check.status]}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(check: FileCheck, column: int) -> str:
        if column == STATUS:
            return STATUS_TEXT[check.status]
        if column == PATH:
            return check.path
        if column == SIZE:
            return "—" if check.size is None else human_size(check.size)
        return check.found_sha256 or check.expected_sha256 or ""


class FileCheckProxy(QSortFilterProxyModel):
    """Sorts by the model's sort values (sizes as numbers, failures before OK)."""

    def __init__(self, source: FileCheckModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
