"""Unlocking and creating the vault."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui.main_window import CASES_PAGE, UNLOCK_PAGE, MainWindow
from rvr_desktop.ui.passphrase_strength import estimate
from rvr_desktop.ui.services import Services
from tests.ui.conftest import PASSPHRASE, ScriptedDialogs
from tests.ui.officer import create_vault, type_passphrase_and_submit, unlock


def test_officer_creates_a_vault_and_sees_the_empty_case_list(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    screen = window.unlock_screen
    assert screen.submit_button.text() == "Create vault"
    assert screen.repeat_field.isVisibleTo(window)
    create_vault(qtbot, window)
    assert Vault.exists(tmp_path / "vault")
    assert window.vault is not None and window.vault.actor == "Jane Smith"
    assert "No cases yet" in window.case_list.empty_label.text()


def test_a_short_passphrase_is_refused_with_the_minimum_length(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    type_passphrase_and_submit(qtbot, window, "short one")
    assert "at least 12" in window.unlock_screen.message.text()
    assert window.unlock_screen.strength_label.text().startswith("Strength: Too short")
    assert not Vault.exists(tmp_path / "vault")


def test_mismatched_passphrases_are_refused(qtbot: QtBot, window: MainWindow) -> None:
    screen = window.unlock_screen
    qtbot.keyClicks(screen.passphrase_field, PASSPHRASE)
    qtbot.keyClicks(screen.repeat_field, PASSPHRASE + "x")
    qtbot.keyClick(screen.repeat_field, Qt.Key.Key_Return)
    assert "differ" in screen.message.text()
    assert window.vault is None


def test_the_strength_meter_rewards_random_words_over_common_ones() -> None:
    assert estimate("password1234").score <= 1
    assert estimate("aaaaaaaaaaaaaaaa").score <= 1
    assert estimate("amber harbour lantern meadow").score >= 3
    assert estimate("tiny").score == 0


def test_wrong_passphrase_says_so_and_the_right_one_opens(
    qtbot: QtBot, services: Services, dialogs: ScriptedDialogs, tmp_path: Path
) -> None:
    Vault.create(tmp_path / "vault", PASSPHRASE, kdf=FAST_INSECURE_KDF).lock()
    window = MainWindow(services, vault_path=tmp_path / "vault")
    qtbot.addWidget(window)
    window.show()
    screen = window.unlock_screen
    assert screen.submit_button.text() == "Unlock"
    assert not screen.repeat_field.isVisibleTo(window)

    type_passphrase_and_submit(qtbot, window, "not the passphrase")
    qtbot.waitUntil(lambda: "Wrong passphrase" in screen.message.text(), timeout=10_000)
    assert window.stack.currentIndex() == UNLOCK_PAGE
    assert screen.passphrase_field.text() == ""
    assert screen.submit_button.isEnabled()
    assert dialogs.errors == []

    unlock(qtbot, window)
    assert window.stack.currentIndex() == CASES_PAGE
    window.lock()


def test_repeated_wrong_passphrases_disable_unlock_with_a_countdown(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    Vault.create(tmp_path / "vault", PASSPHRASE, kdf=FAST_INSECURE_KDF).lock()
    window = MainWindow(services, vault_path=tmp_path / "vault")
    qtbot.addWidget(window)
    window.show()
    screen = window.unlock_screen
    for attempt in range(3):
        type_passphrase_and_submit(qtbot, window, f"wrong guess {attempt}")
        qtbot.waitUntil(lambda: not screen._busy, timeout=10_000)
    assert "wait" in screen.message.text().lower()
    assert not screen.submit_button.isEnabled()
    assert screen.submit_button.text().startswith("Try again in")
    # Pressing Enter while waiting does nothing at all.
    type_passphrase_and_submit(qtbot, window, PASSPHRASE)
    assert window.vault is None


def test_demo_banner_shows_the_passphrase_to_type(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    from rvr_desktop.evidence.demo import build_demo_vault
    from rvr_desktop.ui.launch import build_main_window

    demo = build_demo_vault(tmp_path / "demo", kdf=FAST_INSECURE_KDF)
    window = build_main_window(services, demo=demo)
    qtbot.addWidget(window)
    window.show()
    assert demo.passphrase in window.unlock_screen.demo_banner.text()
    assert window.unlock_screen.vault_path == demo.root
    unlock(qtbot, window, demo.passphrase)
    assert [c.reference for c in window.case_list.shown_cases] == [demo.case_reference]
    window.lock()
