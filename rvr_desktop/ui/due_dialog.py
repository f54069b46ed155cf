"""Due: everything owed across the cases, soonest first, overdue in colour."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.case.due import DueItem
from rvr_desktop.evidence.clock import document_date

OVERDUE_COLOUR = QColor("#9b1c1c")
SOON_COLOUR = QColor("#8a4b00")
COLUMNS = ("What", "Case", "Due", "When")


class DueDialog(QDialog):
    """The list of what is owed; Enter or Open case goes to the chosen item's case."""

    def __init__(
        self, items: tuple[DueItem, ...], today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Due")
        self.items = items
        self.chosen_case_id: int | None = None
        """The case to open, once the officer chose one."""

        overdue = sum(1 for item in items if item.overdue(today))
        summary = (
            "Nothing is owed in the open cases."
            if not items
            else f"{len(items)} owed, {overdue} overdue. From the Clare's Law date and each "
            "referral's and update's 'owed by' date in the cases' forms."
        )
        self.summary = QLabel(summary, self)
        self.summary.setWordWrap(True)

        self.table = QTableWidget(len(items), len(COLUMNS), self)
        self.table.setAccessibleName("Owed, soonest first")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, item in enumerate(items):
            values = (item.what, item.case_reference, document_date(item.due), item.when(today))
            colour = (
                OVERDUE_COLOUR
                if item.overdue(today)
                else SOON_COLOUR
                if item.within_a_day(today)
                else None
            )
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if colour is not None:
                    cell.setForeground(QBrush(colour))
                    if item.overdue(today):
                        font = cell.font()
                        font.setBold(True)
                        cell.setFont(font)
                if column == 0:
                    cell.setToolTip(f"{item.form_title}: {item.what}")
                self.table.setItem(row, column, cell)
        if items:
            self.table.selectRow(0)
        self.table.activated.connect(lambda index: self._open(index.row()))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = QPushButton("&Open case", self)
        self.open_button.setEnabled(bool(items))
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow()))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(940, 400)
        self.table.setFocus()

    def overdue_rows(self, today: date) -> list[int]:
        return [row for row, item in enumerate(self.items) if item.overdue(today)]

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.chosen_case_id = self.items[row].case_id
            self.accept()
