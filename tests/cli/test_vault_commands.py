"""Support staff use the headless vault commands from a script."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from rvr_desktop import __version__
from rvr_desktop.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def _pwfile(tmp_path: Path, text: str, name: str = "pw") -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_support_creates_and_checks_a_vault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = str(tmp_path / "v")
    pw = _pwfile(tmp_path, "a long enough passphrase")
    assert main(["vault", "init", "--vault", vault, "--passphrase-file", pw]) == 0
    assert main(["vault", "check", "--vault", vault, "--passphrase-file", pw]) == 0
    out = capsys.readouterr().out
    assert "OK:" in out and "audit chain of 1 records" in out


def test_check_fails_on_a_damaged_vault(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = tmp_path / "v"
    pw = _pwfile(tmp_path, "a long enough passphrase")
    assert main(["vault", "init", "--vault", str(vault), "--passphrase-file", pw]) == 0
    db = vault / "vault.db"
    data = bytearray(db.read_bytes())
    data[-600] ^= 0x55
    db.write_bytes(bytes(data))
    assert main(["vault", "check", "--vault", str(vault), "--passphrase-file", pw]) == 1
    captured = capsys.readouterr()
    assert "FAIL" in captured.out or "damaged" in captured.err


def test_wrong_passphrase_gives_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = str(tmp_path / "v")
    assert (
        main(
            [
                "vault",
                "init",
                "--vault",
                vault,
                "--passphrase-file",
                _pwfile(tmp_path, "a long enough passphrase"),
            ]
        )
        == 0
    )
    code = main(
        ["vault", "check", "--vault", vault, "--passphrase-file", _pwfile(tmp_path, "nope", "bad")]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "Wrong passphrase" in err and "Traceback" not in err


def test_a_short_new_passphrase_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "vault",
            "init",
            "--vault",
            str(tmp_path / "v"),
            "--passphrase-file",
            _pwfile(tmp_path, "short"),
        ]
    )
    assert code == 1
    assert "too short" in capsys.readouterr().err
    assert not (tmp_path / "v").exists()


def test_passphrase_change_from_files(tmp_path: Path) -> None:
    vault = str(tmp_path / "v")
    old = _pwfile(tmp_path, "the old passphrase", "old")
    new = _pwfile(tmp_path, "the new passphrase", "new")
    assert main(["vault", "init", "--vault", vault, "--passphrase-file", old]) == 0
    assert (
        main(
            [
                "vault",
                "passwd",
                "--vault",
                vault,
                "--passphrase-file",
                old,
                "--new-passphrase-file",
                new,
            ]
        )
        == 0
    )
    assert main(["vault", "check", "--vault", vault, "--passphrase-file", old]) == 1
    assert main(["vault", "check", "--vault", vault, "--passphrase-file", new]) == 0


def test_passphrase_from_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = str(tmp_path / "v")
    monkeypatch.setattr(sys, "stdin", io.StringIO("passphrase from stdin\n"))
    assert main(["vault", "init", "--vault", vault, "--passphrase-file", "-"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("passphrase from stdin\n"))
    assert main(["vault", "check", "--vault", vault, "--passphrase-file", "-"]) == 0


def test_the_installed_entry_points_run() -> None:
    for command in ("rvr-desktop", "rvr-verify"):
        exe = Path(sys.executable).parent / command
        result = subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert __version__ in result.stdout


def test_default_vault_lives_in_the_user_data_folder() -> None:
    from rvr_desktop.paths import default_vault_dir

    assert "RVR Desktop" in str(default_vault_dir())


def test_trainee_builds_the_headless_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert main(["demo", str(tmp_path / "demo"), "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)
    assert Path(paths["vault"]).is_absolute()
    passphrase = Path(paths["passphrase_file"]).read_text().strip()
    assert (
        main(
            [
                "vault",
                "check",
                "--vault",
                paths["vault"],
                "--passphrase-file",
                paths["passphrase_file"],
            ]
        )
        == 0
    )
    assert passphrase


def test_it_checks_an_installation_with_the_self_test(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-test"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "SELF-TEST PASSED"
    assert {line.split(":")[0] for line in lines[1:-1]} == {
        "PASS vault",
        "PASS note",
        "PASS attachment",
        "PASS statement",
        "PASS export",
        "PASS verify",
        "PASS integrity",
        "PASS spelling",
    }
