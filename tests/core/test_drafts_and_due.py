"""An unsent note waits in the vault for its case; what is owed is gathered across cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import cases, drafts
from rvr_desktop.evidence.case.due import due_items, next_due_by_case, reminders, uk_today
from rvr_desktop.evidence.forms.store import create_form, save_draft
from rvr_desktop.evidence.vault import Vault


def test_an_unsent_note_is_kept_in_the_vault_per_case_and_never_in_the_clear(
    vault: Vault, vault_dir: Path
) -> None:
    first = cases.create_case(vault, "INC-2026-0100", "Asha")
    second = cases.create_case(vault, "INC-2026-0101", "Bea")
    drafts.save_draft(vault, first.id, "Suspect's car seen outside: silver Corsa")
    drafts.save_draft(vault, second.id, "Half a thought")
    drafts.save_draft(vault, second.id, "Half a thought, finished")
    assert drafts.load_draft(vault, first.id) == "Suspect's car seen outside: silver Corsa"
    assert drafts.load_draft(vault, second.id) == "Half a thought, finished"
    vault.checkpoint()
    for path in vault_dir.rglob("*"):
        if path.is_file():
            assert b"silver Corsa" not in path.read_bytes(), path
    drafts.save_draft(vault, first.id, "  ")
    assert drafts.load_draft(vault, first.id) == ""


def test_a_draft_goes_with_its_case_when_the_case_is_destroyed(vault: Vault) -> None:
    case = cases.create_case(vault, "INC-2026-0102", "Cara")
    drafts.save_draft(vault, case.id, "never sent")
    cases.set_status(vault, case.id, "closed")
    cases.destroy_case(vault, case.id, "retention period over")
    with vault.reader() as tx:
        assert tx.scalar("SELECT count(*) FROM note_drafts") == 0


def test_clares_law_and_referral_dates_are_gathered_across_cases_soonest_first(
    vault: Vault,
) -> None:
    template = forms.registry_for_vault(vault).get("safeguarding")
    first = cases.create_case(vault, "INC-2026-0200", "Dee")
    second = cases.create_case(vault, "INC-2026-0201", "Eve")
    create_form(
        vault,
        first.id,
        template,
        {"dvds_route": "right_to_ask", "dvds_application_date": "2026-11-10"},
    )
    form = create_form(vault, second.id, template, {})
    save_draft(
        vault,
        form.form_id,
        {"referrals": [{"service": "idva", "owed_by": "2026-12-05"}], "dvds_route": "none"},
    )
    items = due_items(vault)
    assert [(i.case_reference, i.due) for i in items] == [
        ("INC-2026-0201", date(2026, 12, 5)),
        ("INC-2026-0200", date(2026, 12, 8)),
    ]
    assert items[1].what.startswith("Clare's Law")
    today = date(2026, 12, 6)
    assert items[0].overdue(today) and items[0].when(today) == "1 day overdue"
    assert items[1].when(today) == "in 2 days"
    assert next_due_by_case(items)[first.id] == items[1]
    assert reminders(items, today) == (items[0],)
    assert reminders(items, date(2026, 12, 7)) == items


def test_today_is_the_uk_calendar_day_in_summer_time() -> None:
    # 23:30 UTC on 30 June is 00:30 BST on 1 July.
    assert uk_today(1_782_862_200_000) == date(2026, 7, 1)
    # 23:30 UTC on 4 December is still 4 December in GMT.
    assert uk_today(1_796_427_000_000) == date(2026, 12, 4)
