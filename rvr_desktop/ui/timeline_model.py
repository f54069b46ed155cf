"""The case timeline as a table: each amendment sits beneath what it corrects.

An amended note stays legible, struck through, with its amendment and the reason beneath
it; call events are shown in italics. Nothing is ever removed from the table.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from rvr_desktop.evidence.case.timeline import TimelineEntry, superseded_ids
from rvr_desktop.evidence.clock import format_local
from rvr_desktop.evidence.records.timeline_entry import EntryKind

COLUMNS = ("Time", "Elapsed", "By", "Note")
TIME, ELAPSED, AUTHOR, TEXT = range(4)

_Index = QModelIndex | QPersistentModelIndex


def display_order(entries: list[TimelineEntry]) -> list[tuple[TimelineEntry, int]]:
    """Entries in time order, each amendment placed under the entry it amends (with depth)."""
    children: dict[int, list[TimelineEntry]] = {}
    roots: list[TimelineEntry] = []
    ids = {e.id for e in entries}
    for entry in entries:
        if entry.amends_id is not None and entry.amends_id in ids:
            children.setdefault(entry.amends_id, []).append(entry)
        else:
            roots.append(entry)
    ordered: list[tuple[TimelineEntry, int]] = []

    def place(entry: TimelineEntry, depth: int) -> None:
        ordered.append((entry, depth))
        for child in children.get(entry.id, []):
            place(child, depth + 1)

    for root in roots:
        place(root, 0)
    return ordered


class TimelineModel(QAbstractTableModel):
    """The timeline's rows for the notes table. It has no custom item roles: the notes
    panel finds the entry behind a row with :meth:`entry_at` and :meth:`row_of`."""

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[TimelineEntry] = []
        self._rows: list[tuple[TimelineEntry, int]] = []
        self._superseded: set[int] = set()

    def set_entries(self, entries: list[TimelineEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._rows = display_order(self._entries)
        self._superseded = superseded_ids(self._entries)
        self.endResetModel()

    def add(self, entry: TimelineEntry) -> None:
        """Show a new entry: appended at the end, or (an amendment) beneath its original."""
        if entry.amends_id is not None:
            self.set_entries([*self._entries, entry])
            return
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry)
        self._rows.append((entry, 0))
        self.endInsertRows()

    def entry_at(self, row: int) -> TimelineEntry | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def latest_note(self) -> TimelineEntry | None:
        """The most recent note or amendment still in force (what Ctrl+E amends when nothing
        is selected); call events are never amended."""
        current = [
            e
            for e in self._entries
            if e.kind is not EntryKind.EVENT and e.id not in self._superseded
        ]
        return max(current, key=lambda e: e.id, default=None)

    def row_of(self, entry_id: int) -> int:
        for row, (entry, _) in enumerate(self._rows):
            if entry.id == entry_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _text(self, entry: TimelineEntry, depth: int) -> str:
        if entry.kind is EntryKind.AMENDMENT:
            indent = "    " * max(depth - 1, 0)
            return f"{indent}↳ Amended: {entry.text}\n{indent}   Reason: {entry.reason or ''}"
        if entry.kind is EntryKind.EVENT:
            return f"● {entry.text}"
        return entry.text

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry, depth = self._rows[index.row()]
        column = index.column()
        superseded = entry.id in self._superseded
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TIME:
                return format_local(entry.recorded_utc_ms)[11:19]
            if column == ELAPSED:
                return entry.elapsed_label
            if column == AUTHOR:
                return entry.author
            return self._text(entry, depth)
        if role == Qt.ItemDataRole.ToolTipRole:
            stamp = format_local(entry.recorded_utc_ms)
            extra = " (amended below; the original stays on record)" if superseded else ""
            return f"{stamp}{extra}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            prefix = "Amended original: " if superseded else ""
            return prefix + str(self.data(index, Qt.ItemDataRole.DisplayRole))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setStrikeOut(superseded and column == TEXT)
            font.setItalic(entry.kind is EntryKind.EVENT)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if superseded:
                return QBrush(QColor("#6b6f76"))
            if entry.kind is EntryKind.EVENT:
                return QBrush(QColor("#1f4e79"))
            return None
        return None
