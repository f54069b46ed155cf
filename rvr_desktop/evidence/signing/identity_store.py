"""The signing credential inside the vault: the only place its private key is ever written.

It lives in the vault's ``profile`` table under one key, as base64 of
:meth:`SigningCredential.to_bytes`; every import appends an audit record naming the
certificate's fingerprint, with the certificate (never the key) as its content.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization

from rvr_desktop.evidence.signing.certs import CertificateSummary
from rvr_desktop.evidence.signing.credential import SigningCredential, load_pkcs12
from rvr_desktop.evidence.signing.errors import (
    CredentialFileUnreadable,
    NoSigningIdentity,
    NotACredentialFile,
    StoredIdentityDamaged,
)
from rvr_desktop.evidence.signing.timeutil import utc_datetime
from rvr_desktop.evidence.vault import audit

if TYPE_CHECKING:
    from rvr_desktop.evidence.vault import Tx, Vault

CREDENTIAL_SETTING = "signing.credential"
MAX_PKCS12_BYTES = 1024 * 1024
"""A real .p12 is a few KiB; anything far larger is not one."""


def store_credential(
    vault: Vault, credential: SigningCredential, *, action: str = "identity.imported"
) -> None:
    """Make ``credential`` the vault's signing identity (replacing any earlier one)."""
    encoded = base64.b64encode(credential.to_bytes()).decode("ascii")
    with vault.transaction() as tx:
        vault.put_setting(tx, CREDENTIAL_SETTING, encoded)
        audit.append(
            tx,
            vault,
            action,
            subject=f"identity:{credential.fingerprint}",
            content=credential.certificate.public_bytes(serialization.Encoding.DER),
        )


def import_pkcs12_into_vault(vault: Vault, data: bytes, password: str) -> SigningCredential:
    """Check a .p12 / .pfx file's bytes and store it as the vault's signing identity."""
    credential = load_pkcs12(data, password, now=utc_datetime(vault.clock))
    store_credential(vault, credential)
    return credential


def import_pkcs12_file(vault: Vault, path: Path, password: str) -> SigningCredential:
    """Read a .p12 / .pfx file and import it (see :func:`import_pkcs12_into_vault`)."""
    try:
        if path.stat().st_size > MAX_PKCS12_BYTES:
            raise NotACredentialFile(path)
        data = path.read_bytes()
    except OSError as exc:
        raise CredentialFileUnreadable(path, exc.strerror or str(exc)) from exc
    return import_pkcs12_into_vault(vault, data, password)


def read_credential(tx: Tx, vault: Vault) -> SigningCredential:
    """The signing identity as ``tx`` sees it; NoSigningIdentity when none has been imported.

    ``vault`` only reads its settings inside ``tx``.
    """
    encoded = vault.get_setting(CREDENTIAL_SETTING, tx)
    if encoded is None:
        raise NoSigningIdentity()
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise StoredIdentityDamaged("it is not valid base64") from exc
    return SigningCredential.from_bytes(raw)


def load_credential(vault: Vault) -> SigningCredential:
    """The vault's signing identity; NoSigningIdentity when none has been imported."""
    with vault.reader() as tx:
        return read_credential(tx, vault)


def stored_identity(vault: Vault) -> CertificateSummary | None:
    """What to show about the vault's signing identity, or None when there is none."""
    try:
        return load_credential(vault).summary()
    except NoSigningIdentity:
        return None
