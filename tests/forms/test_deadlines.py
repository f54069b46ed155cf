"""Dates owed are derived from the answers by the template: Clare's Law, referrals, updates."""

from __future__ import annotations

from datetime import date
from typing import Any

from rvr_desktop.evidence.forms import TemplateRegistry, due_dates, printable_form


def _safeguarding(shipped: TemplateRegistry, **changes: Any) -> dict[str, Any]:
    return {**(shipped.get("safeguarding").example or {}), **changes}


def test_a_clares_law_decision_is_due_28_days_after_the_application(
    shipped: TemplateRegistry,
) -> None:
    form = shipped.get("safeguarding")
    answers = _safeguarding(shipped, dvds_application_date="2026-12-20", referrals=[])
    answers["updates_owed"] = []
    (due,) = due_dates(form, answers)
    assert (due.rule_id, due.start, due.due) == (
        "dvds_decision",
        date(2026, 12, 20),
        date(2027, 1, 17),
    )
    assert not due.overdue(date(2027, 1, 17)) and due.overdue(date(2027, 1, 18))
    assert due.days_left(date(2027, 1, 10)) == 7


def test_no_clares_law_application_means_no_decision_date(shipped: TemplateRegistry) -> None:
    form = shipped.get("safeguarding")
    answers = _safeguarding(shipped, dvds_route="none")
    assert "dvds_decision" not in {d.rule_id for d in due_dates(form, answers)}


def test_each_referral_row_with_a_date_owed_gives_its_own_due_date(
    shipped: TemplateRegistry,
) -> None:
    form = shipped.get("safeguarding")
    referrals = [
        {"service": "idva", "outcome": "declined", "owed_by": "2026-10-20"},
        {"service": "marac", "outcome": "declined"},
        {
            "service": "other",
            "service_other": "Housing",
            "outcome": "declined",
            "owed_by": "2026-10-18",
        },
    ]
    dues = [
        d
        for d in due_dates(form, _safeguarding(shipped, referrals=referrals))
        if d.rule_id == "referral_follow_up"
    ]
    assert [(d.path, d.due, d.label) for d in dues] == [
        ("referrals[2].owed_by", date(2026, 10, 18), "Referral follow-up owed (Referral 3)"),
        ("referrals[0].owed_by", date(2026, 10, 20), "Referral follow-up owed (Referral 1)"),
    ]


def test_due_dates_are_printed_with_the_safeguarding_form(shipped: TemplateRegistry) -> None:
    form = shipped.get("safeguarding")
    printed = printable_form(form, form.example or {}, document="safeguarding")
    shown = {row.label: row.value for row in printed.due_dates}
    assert (
        shown["Clare's Law: disclosure decision due"]
        == "13 November 2026 (28 days from 16 October 2026)"
    )
    assert shown["Victims' Code update owed (Update 1)"] == "17 October 2026"
