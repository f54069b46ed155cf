"""IT deploys a built app, not a virtual environment: build it from a clean checkout and run it."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _clean_checkout(target: Path) -> Path:
    """The committed tree only (what CI and a new clone see), without build leftovers."""
    archive = target / "head.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), "HEAD"],
        check=True,
    )
    tree = target / "checkout"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")  # our own archive of HEAD, not hostile input
    return tree


@pytest.mark.slow
def test_the_linux_one_folder_app_builds_and_passes_its_self_test(tmp_path: Path) -> None:
    pytest.importorskip("PyInstaller")
    tree = _clean_checkout(tmp_path)
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "work"),
            str(tree / "installer" / "rvr-desktop.spec"),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    app = tmp_path / "dist" / "rvr-desktop"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}
    selftest = subprocess.run(
        [str(app / "rvr-desktop"), "--self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr
    assert selftest.stdout.strip().splitlines()[-1] == "SELF-TEST PASSED"
    help_text = subprocess.run(
        [str(app / "rvr-verify"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert help_text.returncode == 0, help_text.stderr
    assert "trusted" in help_text.stdout
    # PyInstaller 6 keeps data files in the folder's _internal/ directory.
    assert list(app.glob("*/resources/templates/mg11.toml")), "templates missing"
    assert list(app.glob("*/resources/fonts/*.ttf")), "fonts missing"
