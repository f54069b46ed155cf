"""A row changed behind the app's back (triggers dropped, file rewritten) is exposed."""

from __future__ import annotations

from pathlib import Path

import pytest

from rvr_desktop.cli.main import main
from rvr_desktop.evidence.case.consistency import vault_problems
from rvr_desktop.evidence.demo import build_demo_vault
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF


@pytest.fixture
def demo(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_demo_vault(tmp_path, kdf=FAST_INSECURE_KDF)


def test_an_untouched_vault_is_consistent(demo) -> None:  # type: ignore[no-untyped-def]
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        assert vault_problems(vault) == []


@pytest.mark.parametrize(
    ("table", "trigger", "change", "expected"),
    [
        (
            "timeline",
            "timeline_no_update",
            "recorded_utc_ms = recorded_utc_ms - 3600000",
            "timeline entry",
        ),
        ("timeline", "timeline_no_update", "author = 'Someone Else'", "timeline entry"),
        ("attachments", "attachments_no_update", "original_name = 'renamed.png'", "exhibit JS/"),
        ("form_versions", "form_versions_no_update", "saved_by = 'Someone Else'", "form "),
    ],
)
def test_a_row_rewritten_behind_the_apps_back_is_reported(
    demo,
    table: str,
    trigger: str,
    change: str,
    expected: str,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Vault.unlock(demo.root, demo.passphrase) as vault, vault.transaction() as tx:
        tx.execute(f"DROP TRIGGER {trigger}")
        tx.execute(f"UPDATE {table} SET {change} WHERE id = (SELECT min(id) FROM {table})")  # noqa: S608
    with Vault.unlock(demo.root, demo.passphrase) as vault:
        problems = vault_problems(vault)
    assert any(expected in p for p in problems), problems
    args = ["--vault", str(demo.root), "--passphrase-file", str(demo.passphrase_file)]
    assert main(["vault", "check", *args]) == 1
    assert "FAIL" in capsys.readouterr().out
