"""The notes table: each row as tall as its wrapped text, measured as it comes into view."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

# Fitting rows changes their heights and so which rows are in view: a few passes settle it.
_FIT_PASSES = 4


class TimelineTable(QTableView):
    """A table whose rows fit their wrapped text, measured only for the rows in view.

    Qt's ResizeToContents mode for rows measures every row of the model whenever a row is
    added or the table is laid out: with a case of 100,000 notes, seconds for each note
    and for opening the case. Here a row is measured when it first comes into view, and
    again when the columns have changed width since (the text wraps differently).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fitted: dict[int, tuple[int, ...]] = {}
        """Row -> the column widths it was last measured at."""
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.verticalScrollBar().valueChanged.connect(lambda _value: self.fit_rows_in_view())
        self.horizontalHeader().sectionResized.connect(lambda *_: self.fit_rows_in_view())

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self._forget_all)
            model.rowsInserted.connect(self._forget_from)
            model.rowsRemoved.connect(self._forget_from)
            model.layoutChanged.connect(self._forget_all)

    def _forget_all(self) -> None:
        self._fitted.clear()

    def _forget_from(
        self, _parent: QModelIndex | QPersistentModelIndex, first: int, _last: int
    ) -> None:
        # Rows from ``first`` on moved (or are new): measure them again when seen.
        self._fitted = {row: widths for row, widths in self._fitted.items() if row < first}

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_rows_in_view()

    def fit_rows_in_view(self) -> None:
        """Size the rows now in view to their contents, where not done at these widths."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        widths = tuple(self.columnWidth(c) for c in range(model.columnCount()))
        for _ in range(_FIT_PASSES):
            top = self.rowAt(0)
            if top < 0:
                return
            bottom = self.rowAt(self.viewport().height() - 1)
            if bottom < 0:
                bottom = model.rowCount() - 1
            changed = False
            for row in range(top, bottom + 1):
                if self.isRowHidden(row) or self._fitted.get(row) == widths:
                    continue
                self.resizeRowToContents(row)
                self._fitted[row] = widths
                changed = True
            if not changed:
                return
