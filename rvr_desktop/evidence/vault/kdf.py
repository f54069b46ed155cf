"""Passphrase to key: Argon2id, with the cost recorded beside the vault."""

from __future__ import annotations

from dataclasses import dataclass

KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Stored in the vault header so a vault always unlocks with its own cost."""

    memory_kib: int
    """Memory per derivation in KiB (262144 = 256 MiB)."""
    time_cost: int
    """Passes over the memory."""
    parallelism: int
    """Lanes; this machine has two cores."""

    def __post_init__(self) -> None:
        if self.memory_kib < 8 * self.parallelism or self.time_cost < 1 or self.parallelism < 1:
            raise ValueError("Argon2id parameters out of range")


# About half a second to a second on a two-core workstation (measured in bench/).
DEFAULT_KDF = KdfParams(memory_kib=256 * 1024, time_cost=5, parallelism=2)

# Only for tests and throwaway demo vaults, passed explicitly: never a default.
FAST_INSECURE_KDF = KdfParams(memory_kib=8 * 1024, time_cost=1, parallelism=1)


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """The 32-byte key-encryption key for ``passphrase``."""
    # Argon2's library loads only when a key is derived: the costs above are read by the
    # unlock screen, which must show before the vault's libraries are needed.
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
