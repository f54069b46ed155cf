"""The architecture rules, checked by reading every import in the package."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rvr_desktop"


def _imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, by its full dotted name (relative imports are banned)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imported_modules(path)}


def _layer(path: Path) -> str:
    """'evidence', 'ui', 'cli' or '' for a module of the package."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def _importers_of(prefix: str, layer: str) -> list[str]:
    return sorted(
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if _layer(p) == layer
        and any(m == prefix or m.startswith(prefix + ".") for m in _imported_modules(p))
    )


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_user_interface_imports_qt() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if "ui" not in p.relative_to(PACKAGE).parts[:1]
        and _imports(p) & {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
    ]
    assert offenders == [], f"Qt imported outside rvr_desktop/ui/: {offenders}"


def test_only_the_vault_module_imports_sqlcipher() -> None:
    importers = sorted(
        str(p.relative_to(PACKAGE)) for p in _modules() if {"sqlcipher3", "sqlite3"} & _imports(p)
    )
    assert importers == ["evidence/vault/connections.py"]


def test_the_core_never_imports_the_user_interface_or_the_command_line() -> None:
    assert _importers_of("rvr_desktop.ui", "evidence") == []
    assert _importers_of("rvr_desktop.cli", "evidence") == []


def test_the_user_interface_never_imports_the_command_line() -> None:
    assert _importers_of("rvr_desktop.cli", "ui") == []


VERIFIER_MUST_NOT_LOAD = (
    "rvr_desktop.evidence.vault",
    "rvr_desktop.evidence.case",
    "rvr_desktop.evidence.documents",
    "rvr_desktop.ui",
    "sqlcipher3",
    "argon2",
    "pyrage",
    "reportlab",
    "PySide6",
)
"""The independent verifier is what a force and a defence expert run: it reads a bundle
and nothing else, so none of the vault, the case domain, the PDF writer or Qt."""


def _loaded_by(code: str) -> list[str]:
    probe = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(probe.stdout.splitlines()[-1]))


def test_the_verifier_loads_neither_the_vault_nor_qt_nor_the_pdf_writer(tmp_path: Path) -> None:
    loaded = _loaded_by(
        f"from rvr_desktop.cli.verify import main\nmain([{str(tmp_path / 'no-such-bundle')!r}])"
    )
    assert "rvr_desktop.evidence.bundle.verify" in loaded, "the probe ran the verifier"
    wrong = [
        m for m in loaded if any(m == p or m.startswith(p + ".") for p in VERIFIER_MUST_NOT_LOAD)
    ]
    assert wrong == []


def test_the_rule_checker_sees_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtWidgets import QWidget\n", encoding="utf-8")
    assert "PySide6" in _imports(sample)


def test_nothing_extracts_archives_wholesale() -> None:
    offenders = [str(p) for p in _modules() if ".extractall(" in p.read_text(encoding="utf-8")]
    assert offenders == []
