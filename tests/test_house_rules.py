"""The architecture rules, checked by reading every import in the package."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rvr_desktop"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


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
    assert importers == ["evidence/vault/opening.py"]


def test_the_rule_checker_sees_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtWidgets import QWidget\n", encoding="utf-8")
    assert "PySide6" in _imports(sample)


def test_nothing_extracts_archives_wholesale() -> None:
    offenders = [str(p) for p in _modules() if ".extractall(" in p.read_text(encoding="utf-8")]
    assert offenders == []
