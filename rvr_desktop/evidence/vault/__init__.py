"""Storage: the encrypted vault and everything that keeps it safe on disk.

The vault's lifecycle (create, unlock, lock), its SQLCipher connections and transactions,
the non-secret header and its key derivation, migrations, the checks made on opening, the
audit chain's table, the encrypted blob store, the outside anchor and the
one-program-per-vault lock. Callers use :class:`Vault` and :class:`Tx` from here.
"""

from rvr_desktop.evidence.vault.connections import Row, Tx
from rvr_desktop.evidence.vault.opening import Vault
from rvr_desktop.evidence.vault.paths import DATABASE_NAME, HEADER_NAME

__all__ = ["DATABASE_NAME", "HEADER_NAME", "Row", "Tx", "Vault"]
