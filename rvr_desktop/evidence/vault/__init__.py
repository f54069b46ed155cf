"""Storage: the encrypted vault and everything that keeps it safe on disk.

The vault's lifecycle (create, unlock, lock), its SQLCipher connections and transactions,
the non-secret header and its key derivation, migrations, the checks made on opening, the
audit chain's table, the encrypted blob store, the outside anchor and the
one-program-per-vault lock. Callers use :class:`Vault` and :class:`Tx` from here.

The names load on first use (PEP 562): importing a light module of the package (the
passphrase policy, the key-derivation costs, the paths) then does not pull in SQLCipher,
Argon2 and age, so the unlock screen shows before they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rvr_desktop.evidence.vault.connections import Row, Tx
    from rvr_desktop.evidence.vault.opening import Vault
    from rvr_desktop.evidence.vault.paths import DATABASE_NAME, HEADER_NAME

_HOMES = {
    "Row": "rvr_desktop.evidence.vault.connections",
    "Tx": "rvr_desktop.evidence.vault.connections",
    "Vault": "rvr_desktop.evidence.vault.opening",
    "DATABASE_NAME": "rvr_desktop.evidence.vault.paths",
    "HEADER_NAME": "rvr_desktop.evidence.vault.paths",
}

__all__ = ["DATABASE_NAME", "HEADER_NAME", "Row", "Tx", "Vault"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
