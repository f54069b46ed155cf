"""The S3 access key an officer entered once, kept only inside the vault."""

from __future__ import annotations

from rvr_desktop.evidence.store.client import AccessKey
from rvr_desktop.evidence.store.errors import StoreCredentialsMissing
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault import audit as audit_log

ACCESS_KEY_ID = "store.access_key_id"
SECRET_ACCESS_KEY = "store.secret_access_key"  # noqa: S105 - the name of a vault setting


def stored_access_key(vault: Vault) -> AccessKey | None:
    """The access key the officer entered, if any."""
    with vault.reader() as tx:
        key_id = vault.get_setting(ACCESS_KEY_ID, tx)
        secret = vault.get_setting(SECRET_ACCESS_KEY, tx)
    if not key_id or not secret:
        return None
    return AccessKey(key_id, secret)


def store_access_key(vault: Vault, key: AccessKey) -> None:
    """Keep the officer's access key in the vault (encrypted with everything else)."""
    if not key.key_id.strip() or not key.secret.strip():
        raise StoreCredentialsMissing()
    with vault.transaction() as tx:
        vault.put_setting(tx, ACCESS_KEY_ID, key.key_id.strip())
        vault.put_setting(tx, SECRET_ACCESS_KEY, key.secret.strip())
        audit_log.append(tx, vault, "store.key_set", f"store-key:{key.key_id.strip()}", content=b"")


def forget_access_key(vault: Vault) -> bool:
    """Remove the officer's access key from the vault; False when none was kept."""
    with vault.transaction() as tx:
        key_id = vault.get_setting(ACCESS_KEY_ID, tx)
        if key_id is None and vault.get_setting(SECRET_ACCESS_KEY, tx) is None:
            return False
        vault.remove_setting(tx, ACCESS_KEY_ID)
        vault.remove_setting(tx, SECRET_ACCESS_KEY)
        audit_log.append(tx, vault, "store.key_forgotten", f"store-key:{key_id or ''}", content=b"")
    return True
