"""A force's own templates folder replaces shipped templates by id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rvr_desktop.evidence.errors import InvalidInput, NotFound
from rvr_desktop.evidence.forms import TemplateError, load_registry, registry_for_vault
from rvr_desktop.evidence.forms.registry import (
    force_templates_dir,
    set_force_templates_dir,
    shipped_templates_dir,
)
from rvr_desktop.evidence.vault import Vault


def _force_dash(folder: Path, *, version: int = 7, tool: str = "Force licensed DASH") -> Path:
    folder.mkdir(exist_ok=True)
    text = (shipped_templates_dir() / "dash-risk.toml").read_text("utf-8")
    text = text.replace("version = 1\n", f"version = {version}\n", 1)
    text = text.replace('tool = "DASH-shaped checklist (RVR Desktop wording)"', f'tool = "{tool}"')
    path = folder / "our-dash.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_force_template_replaces_the_shipped_one_with_the_same_id(tmp_path: Path) -> None:
    _force_dash(tmp_path / "force")
    registry = load_registry(force_dir=tmp_path / "force")
    dash = registry.get("dash-risk")
    assert (dash.version, dash.source) == (7, str(tmp_path / "force" / "our-dash.toml"))
    assert dash.risk is not None and dash.risk.tool == "Force licensed DASH"
    assert registry.overridden == {"dash-risk"}
    assert registry.get("mg11").source.startswith(str(shipped_templates_dir()))


def test_a_force_can_add_a_form_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "force"
    folder.mkdir()
    source = (shipped_templates_dir() / "interpreter.toml").read_text("utf-8")
    (folder / "bsl.toml").write_text(
        source.replace('id = "interpreter"', 'id = "bsl-interpreter"'), "utf-8"
    )
    registry = load_registry(force_dir=folder)
    assert {"interpreter", "bsl-interpreter"} <= set(registry.templates)
    assert registry.overridden == frozenset()


def test_two_force_files_with_one_id_are_refused_naming_both(tmp_path: Path) -> None:
    first = _force_dash(tmp_path / "force")
    shutil.copy(first, tmp_path / "force" / "copy.toml")
    with pytest.raises(TemplateError, match="also used by") as caught:
        load_registry(force_dir=tmp_path / "force")
    assert "copy.toml" in str(caught.value) and "our-dash.toml" in str(caught.value)


def test_a_broken_force_template_stops_loading_with_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "force"
    folder.mkdir()
    (folder / "broken.toml").write_text('id = "x"\nversion = "one"\n', "utf-8")
    with pytest.raises(TemplateError, match=r"broken\.toml.*'version' must be a whole number"):
        load_registry(force_dir=folder)


def test_a_missing_force_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_registry(force_dir=tmp_path / "nowhere")


def test_an_unknown_template_id_is_not_found() -> None:
    with pytest.raises(NotFound, match="no form template 'mg99'"):
        load_registry().get("mg99")


def test_the_force_folder_is_remembered_in_the_vault(vault: Vault, tmp_path: Path) -> None:
    assert force_templates_dir(vault) is None
    _force_dash(tmp_path / "force")
    set_force_templates_dir(vault, tmp_path / "force")
    assert force_templates_dir(vault) == tmp_path / "force"
    assert registry_for_vault(vault).get("dash-risk").version == 7
    set_force_templates_dir(vault, None)
    assert registry_for_vault(vault).get("dash-risk").version == 1


def test_a_folder_with_a_bad_template_is_not_remembered(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "force"
    folder.mkdir()
    (folder / "bad.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(TemplateError):
        set_force_templates_dir(vault, folder)
    assert force_templates_dir(vault) is None
