"""Outside tools the interoperability tests run: skipped locally when missing, required in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def require_tool(name: str, package: str) -> str:
    """The tool's path; fails in CI (CI is set) and skips elsewhere when it is missing."""
    venv_tool = REPO / ".venv" / "bin" / name
    found = str(venv_tool) if venv_tool.exists() else shutil.which(name)
    if found:
        return found
    reason = f"{name} is not installed (install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must have it")
    pytest.skip(reason)


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)
