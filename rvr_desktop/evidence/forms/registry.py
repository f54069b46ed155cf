"""The templates the app offers: those shipped, with the force's own folder on top.

A template in the force folder replaces the shipped one with the same id, so a force
can reword a form, or drop in its licensed risk tool, without a new release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from rvr_desktop.evidence.errors import InvalidInput, NotFound
from rvr_desktop.evidence.forms.errors import TemplateError
from rvr_desktop.evidence.forms.loader import load_template_file
from rvr_desktop.evidence.forms.model import Template
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.paths import resources_dir

FORCE_TEMPLATES_SETTING = "forms.force_templates_dir"
"""The vault setting that holds the force's templates folder (absent: shipped only)."""


def shipped_templates_dir() -> Path:
    return resources_dir() / "templates"


@dataclass(frozen=True)
class TemplateRegistry:
    templates: Mapping[str, Template]
    """By id; read-only."""
    overridden: frozenset[str]
    """Ids where the force's template replaced the shipped one."""

    def get(self, template_id: str) -> Template:
        try:
            return self.templates[template_id]
        except KeyError:
            raise NotFound(
                f"There is no form template '{template_id}'. Check the force templates folder, "
                "or ask your administrator which forms are installed."
            ) from None

    def all(self) -> tuple[Template, ...]:
        return tuple(sorted(self.templates.values(), key=lambda t: t.id))


def load_folder(folder: Path) -> dict[str, Template]:
    """Every ``*.toml`` template in ``folder`` (not its subfolders), by id."""
    found: dict[str, Template] = {}
    for path in sorted(folder.glob("*.toml")):
        if not path.is_file():
            continue
        template = load_template_file(path)
        if template.id in found:
            raise TemplateError(
                str(path),
                "the template",
                f"its id '{template.id}' is also used by {found[template.id].source}; each "
                "template in a folder needs its own id",
            )
        found[template.id] = template
    return found


def load_registry(
    shipped_dir: Path | None = None, force_dir: Path | None = None
) -> TemplateRegistry:
    shipped = load_folder(shipped_dir or shipped_templates_dir())
    if force_dir is None:
        return TemplateRegistry(MappingProxyType(shipped), frozenset())
    if not force_dir.is_dir():
        raise InvalidInput(
            f"The force templates folder {force_dir} does not exist or is not a folder. "
            "Check the folder in the settings, or clear the setting to use the shipped forms."
        )
    force = load_folder(force_dir)
    merged = {**shipped, **force}
    return TemplateRegistry(MappingProxyType(merged), frozenset(shipped) & frozenset(force))


def force_templates_dir(vault: Vault) -> Path | None:
    value = vault.get_setting(FORCE_TEMPLATES_SETTING)
    return Path(value) if value else None


def set_force_templates_dir(
    vault: Vault, folder: Path | None, shipped_dir: Path | None = None
) -> TemplateRegistry:
    """Remember the force folder; it is loaded first, so a folder with a bad template is refused."""
    registry = load_registry(shipped_dir, folder)
    with vault.transaction() as tx:
        vault.put_setting(tx, FORCE_TEMPLATES_SETTING, "" if folder is None else str(folder))
    return registry


def registry_for_vault(vault: Vault, shipped_dir: Path | None = None) -> TemplateRegistry:
    return load_registry(shipped_dir, force_templates_dir(vault))
