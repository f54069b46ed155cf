"""The officer fills in their details once; signatures and the audit chain use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.signing.officer import (
    OfficerProfile,
    load_officer_profile,
    save_officer_profile,
)
from rvr_desktop.evidence.vault import Vault, audit
from tests.conftest import TEST_PASSPHRASE


def test_officer_saves_profile_and_the_audit_chain_names_them(
    vault: Vault, officer: OfficerProfile, vault_dir: Path
) -> None:
    assert load_officer_profile(vault) is None

    save_officer_profile(vault, officer)

    assert load_officer_profile(vault) == officer
    assert vault.actor == "Alex Morgan"
    with vault.reader() as tx:
        last = list(audit.iter_records(tx))[-1].body
    assert last is not None
    assert (last.action, last.subject, last.actor) == (
        "officer.profile_saved",
        "officer",
        "Alex Morgan",
    )
    vault.lock()
    with Vault.unlock(vault_dir, TEST_PASSPHRASE) as again:
        assert load_officer_profile(again) == officer
        assert again.actor == "Alex Morgan"


def test_profile_is_tidied_and_checked() -> None:
    tidy = OfficerProfile(name="  Sam Lee ", collar_number=" 1234 ")
    assert (tidy.name, tidy.collar_number, tidy.rank) == ("Sam Lee", "1234", "")
    assert tidy.rank_and_number == "1234"
    assert OfficerProfile("Sam Lee", "1234", rank="DC").rank_and_number == "DC 1234"

    with pytest.raises(InvalidInput, match="name is empty"):
        OfficerProfile(name="   ", collar_number="1234")
    with pytest.raises(InvalidInput, match="collar or warrant number is empty"):
        OfficerProfile(name="Sam Lee", collar_number="")
    with pytest.raises(InvalidInput, match="control character"):
        OfficerProfile(name="Sam\nLee", collar_number="1234")
    with pytest.raises(InvalidInput, match="longer than"):
        OfficerProfile(name="Sam Lee", collar_number="1234", station="x" * 121)
