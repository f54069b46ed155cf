"""Shared fixtures: every test gets private data, settings and temp folders, and fast vaults."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF

TEST_PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point every per-user folder at a temp path so no test touches a real profile."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def vault(vault_dir: Path) -> Iterator[Vault]:
    """A fresh, unlocked vault with a cheap key derivation (tests only)."""
    v = Vault.create(vault_dir, TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF)
    try:
        yield v
    finally:
        v.lock()


def pytest_configure(config: pytest.Config) -> None:
    """The run's first process makes the folder where every worker spools its figures."""
    if hasattr(config, "workerinput"):
        return  # a pytest-xdist worker: it inherited the folder from the controller
    from tests import figures

    spool = tempfile.mkdtemp(prefix="rvr-test-figures-")
    os.environ[figures.SPOOL_VARIABLE] = spool
    config.add_cleanup(lambda: shutil.rmtree(spool, ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the long tests first, so two workers finish together rather than one waiting
    on a long test it picked up last."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print what the reliability and security suite proved in this run (see docs/security.md)."""
    if hasattr(config, "workerinput"):
        return  # the controller prints (and writes) the figures of every worker once
    from tests import figures

    found = figures.recorded()
    if not found:
        return
    terminalreporter.section("proven in this run (docs/security.md)")
    width = max(len(f"{f.area}: {f.claim}") for f in found)
    for figure in sorted(found, key=lambda f: f.area):
        terminalreporter.write_line(f"{f'{figure.area}: {figure.claim}':<{width}}  {figure.result}")
    target = os.environ.get("RVR_FIGURES_FILE")
    if target:
        figures.write_json_lines(Path(target))
