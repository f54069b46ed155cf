"""Storage: the encrypted vault and everything that keeps it safe on disk.

The one SQLCipher opener (create, unlock, transactions, per-thread connections), the
non-secret header and its key derivation, migrations, the audit chain's table, the
encrypted blob store, the outside anchor and the one-program-per-vault lock. Callers use
:class:`Vault` and :class:`Tx` from here.
"""

from rvr_desktop.evidence.vault.opening import DATABASE_NAME, HEADER_NAME, Row, Tx, Vault

__all__ = ["DATABASE_NAME", "HEADER_NAME", "Row", "Tx", "Vault"]
