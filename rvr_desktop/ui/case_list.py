"""The list of cases, with search and filters by status and date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.case import cases, due
from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.clock import document_date, format_local
from rvr_desktop.evidence.vault import Vault

# (label, days back from the start of today; None for any date)
DATE_RANGES: tuple[tuple[str, int | None], ...] = (
    ("Any date", None),
    ("Today", 0),
    ("Last 7 days", 6),
    ("Last 30 days", 29),
    ("Last 365 days", 364),
)


NEXT_DUE = 4
"""The column with the soonest thing owed for the case."""


def _next_due_cell(item: due.DueItem | None, today: date | None) -> QTableWidgetItem:
    if item is None or today is None:
        return QTableWidgetItem("")
    cell = QTableWidgetItem(f"{item.when(today)}: {item.what}")
    cell.setToolTip(f"{item.what}, due {document_date(item.due)}")
    if item.overdue(today):
        cell.setForeground(QBrush(QColor("#9b1c1c")))
    return cell


def start_of_local_day_ms(days_back: int, now: datetime | None = None) -> int:
    """Milliseconds since the epoch at local midnight ``days_back`` days ago."""
    moment = (now or datetime.now().astimezone()).astimezone()
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return int((midnight - timedelta(days=days_back)).timestamp() * 1000)


class CaseListScreen(QWidget):
    """Shows the vault's cases, newest first.

    Emits:
        open_requested(case_id: int): the officer chose a case to open.
        new_case_requested(): the officer asked for a new case.
    """

    open_requested = Signal(int)
    new_case_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vault: Vault | None = None
        self._shown: list[Case] = []
        self.due: tuple[due.DueItem, ...] = ()
        """Everything owed across the live cases, as of the last refresh."""

        title = QLabel("Cases", self)
        title.setObjectName("screenTitle")
        self.new_button = QPushButton("New case…", self)
        self.new_button.setAccessibleName("New case from a referral")
        self.new_button.setToolTip("New case from the call handler's referral (Ctrl+Shift+N)")
        self.new_button.clicked.connect(self.new_case_requested)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.new_button)

        self.search_field = QLineEdit(self)
        self.search_field.setPlaceholderText("Search by reference, victim or call ID (Ctrl+F)")
        self.search_field.setAccessibleName("Search cases")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self._refilter)
        self.search_field.returnPressed.connect(self._open_first)

        self.status_filter = QComboBox(self)
        self.status_filter.setAccessibleName("Filter by status")
        self.status_filter.addItem("All statuses", None)
        for status in cases.STATUSES:
            self.status_filter.addItem(status.capitalize(), status)
        self.status_filter.currentIndexChanged.connect(self._refilter)

        self.date_filter = QComboBox(self)
        self.date_filter.setAccessibleName("Filter by date created")
        for label, days in DATE_RANGES:
            self.date_filter.addItem(label, days)
        self.date_filter.currentIndexChanged.connect(self._refilter)

        filters = QHBoxLayout()
        filters.addWidget(self.search_field, 1)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.date_filter)

        self.table = QTableWidget(0, 5, self)
        self.table.setAccessibleName("Cases")
        self.table.setHorizontalHeaderLabels(
            ["Reference", "Victim", "Created", "Status", "Next due"]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self._open_row(index.row()))

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("hint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)

    def set_vault(self, vault: Vault | None) -> None:
        self._vault = vault
        if vault is None:
            self.search_field.clear()
        self.refresh()

    @property
    def shown_cases(self) -> list[Case]:
        return list(self._shown)

    def _refilter(self, *_changed: object) -> None:
        """Search or filters changed: show the matching cases, with what is owed as it was
        last read (the forms do not change while the officer types a search)."""
        self.refresh(due_too=False)

    def refresh(self, *, due_too: bool = True) -> None:
        vault = self._vault
        if vault is None or vault.is_locked:
            self._shown = []
        else:
            days = self.date_filter.currentData()
            self._shown = cases.list_cases(
                vault,
                search=self.search_field.text(),
                status=self.status_filter.currentData(),
                created_from_ms=None if days is None else start_of_local_day_ms(int(days)),
            )
        if vault is None or vault.is_locked:
            self.due = ()
        elif due_too:
            self.due = due.due_items(vault)
        next_due = due.next_due_by_case(self.due)
        today = None if vault is None or vault.is_locked else due.uk_today(vault.clock.utc_now_ms())
        self.table.setRowCount(len(self._shown))
        for row, case in enumerate(self._shown):
            values = (
                case.reference,
                case.victim_name,
                format_local(case.created_utc_ms)[:16],
                case.status.capitalize(),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
            self.table.setItem(row, NEXT_DUE, _next_due_cell(next_due.get(case.id), today))
        if self._shown:
            self.table.selectRow(0)
        filtered = bool(self.search_field.text().strip()) or self.status_filter.currentIndex() > 0
        filtered = filtered or self.date_filter.currentIndex() > 0
        self.empty_label.setText(
            ""
            if self._shown
            else "No case matches these filters."
            if filtered
            else "No cases yet. Press Ctrl+Shift+N to start one from a referral."
        )
        self.empty_label.setVisible(not self._shown)

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def _open_first(self) -> None:
        if self._shown:
            self._open_row(max(self.table.currentRow(), 0))

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self._shown):
            self.open_requested.emit(self._shown[row].id)
