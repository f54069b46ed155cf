"""What is owed, across every case: the dates the forms' deadline rules give, in one list.

A Clare's Law decision is due 28 days after the application; each referral says by when
something is owed. The rules live in the templates (:mod:`evidence.forms.deadlines`);
this module gathers them from the latest version of every form of every live case, so
the officer sees them in one place. Dates are calendar days in UK time: "today" is passed
in, never read here, so the answers do not depend on when they are asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rvr_desktop.evidence.clock import DOCUMENT_ZONE
from rvr_desktop.evidence.forms.deadlines import due_dates
from rvr_desktop.evidence.forms.store import read_forms_for_case
from rvr_desktop.evidence.vault import Vault

LIVE_STATUSES = ("open", "exported")
"""Cases whose deadlines still matter; a closed case owes nothing more."""


@dataclass(frozen=True)
class DueItem:
    """One thing owed for one case."""

    case_id: int
    case_reference: str
    what: str
    """The rule's label, e.g. "Clare's Law: disclosure decision due (Referral 2)"."""
    due: date
    """The last day it may be done (UK calendar day)."""
    form_title: str
    """The form whose answer set the date."""

    def overdue(self, today: date) -> bool:
        return today > self.due

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def within_a_day(self, today: date) -> bool:
        """Due today or tomorrow (or already overdue): worth a reminder."""
        return self.days_left(today) <= 1

    def when(self, today: date) -> str:
        """The due date in words, relative to ``today``: 'today', 'in 3 days', '2 days late'."""
        left = self.days_left(today)
        if left == 0:
            return "today"
        if left == 1:
            return "tomorrow"
        if left > 1:
            return f"in {left} days"
        late = -left
        return f"{late} day{'s' if late != 1 else ''} overdue"


def uk_today(utc_ms: int) -> date:
    """The UK calendar day at ``utc_ms`` (GMT or BST, whatever the computer's zone)."""
    return datetime.fromtimestamp(utc_ms / 1000, tz=UTC).astimezone(ZoneInfo(DOCUMENT_ZONE)).date()


def due_items(vault: Vault) -> tuple[DueItem, ...]:
    """Everything owed in the vault's live cases, soonest first."""
    found: list[DueItem] = []
    with vault.reader() as tx:
        cases = tx.all(
            "SELECT id, reference FROM cases WHERE status IN (?, ?) ORDER BY id", LIVE_STATUSES
        )
        for case in cases:
            case_id, reference = int(case["id"]), str(case["reference"])
            for version in read_forms_for_case(tx, case_id):
                template = version.parsed_template()
                if not template.deadlines:
                    continue
                for due in due_dates(template, version.answers):
                    found.append(DueItem(case_id, reference, due.label, due.due, template.title))
    return tuple(sorted(found, key=lambda d: (d.due, d.case_reference, d.what)))


def next_due_by_case(items: Iterable[DueItem]) -> dict[int, DueItem]:
    """For each case with something owed, the soonest item."""
    soonest: dict[int, DueItem] = {}
    for item in items:
        held = soonest.get(item.case_id)
        if held is None or item.due < held.due:
            soonest[item.case_id] = item
    return soonest


def reminders(items: Iterable[DueItem], today: date) -> tuple[DueItem, ...]:
    """The items due within a day of ``today``, or overdue."""
    return tuple(item for item in items if item.within_a_day(today))
