"""Support staff apply the force's retention rules with `rvr-desktop case ...`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from rvr_desktop.cli.main import main
from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.conftest import TEST_PASSPHRASE

REASON = "Six-year retention period ended (force policy 12.3)"


@pytest.fixture
def vault_args(tmp_path: Path) -> list[str]:
    root = tmp_path / "vault"
    with Vault.create(root, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF) as vault:
        case = cases.create_case(vault, "INC-2019-0042", "Priya")
        timeline.append_note(vault, case.id, "Victim says the door was kicked in.")
        cases.create_case(vault, "INC-2026-0007", "Sam")
    password = tmp_path / "pw"
    password.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    return ["--vault", str(root), "--passphrase-file", str(password)]


def test_support_closes_and_destroys_an_old_case_and_its_tombstone_remains(
    vault_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    backups = Path(vault_args[1]) / "backups"
    backups.mkdir()
    (backups / "vault-schema2-20240101T000000Z.db").write_bytes(b"an old encrypted copy")
    assert main(["case", "close", "INC-2019-0042", *vault_args]) == 0
    assert main(["case", "list", "--status", "closed", *vault_args]) == 0
    assert "INC-2019-0042  closed" in capsys.readouterr().out
    assert main(["case", "destroy", "INC-2019-0042", "--reason", REASON, "--yes", *vault_args]) == 0
    assert "was destroyed" in capsys.readouterr().out
    assert main(["case", "list", *vault_args]) == 0
    listed = capsys.readouterr().out
    assert "INC-2019-0042" not in listed and "INC-2026-0007" in listed
    assert main(["case", "destroyed", *vault_args]) == 0
    assert REASON in capsys.readouterr().out
    assert not list(backups.iterdir()), "a migration backup would bring the case back"
    assert main(["vault", "check", *vault_args]) == 0


def test_an_open_case_is_not_destroyed(
    vault_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["case", "destroy", "INC-2026-0007", "--reason", REASON, "--yes", *vault_args]) == 1
    assert "Close it before it can be destroyed" in capsys.readouterr().err
    assert main(["case", "list", *vault_args]) == 0
    assert "INC-2026-0007" in capsys.readouterr().out


def test_a_script_must_say_yes_and_a_mistyped_reference_destroys_nothing(
    vault_args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["case", "close", "INC-2019-0042", *vault_args]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["case", "destroy", "INC-2019-0042", "--reason", REASON, *vault_args]) == 1
    assert "add --yes" in capsys.readouterr().err

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("INC-2019-0043\n"))
    assert main(["case", "destroy", "INC-2019-0042", "--reason", REASON, *vault_args]) == 1
    assert "did not match" in capsys.readouterr().err
    assert main(["case", "list", *vault_args]) == 0
    assert "INC-2019-0042" in capsys.readouterr().out
