"""An insider with the officer's key rewrites a bundle and signs it again.

Hashes and the signature then all match: only the deeper checks (signed PDFs, the audit
chain against the notes) can catch the change. That is what these helpers set up.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rvr_desktop.evidence.signing.cms import sign_detached
from rvr_desktop.evidence.signing.credential import SigningCredential


def _manifest(lines: list[tuple[str, Path]]) -> bytes:
    return "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}\n" for name, path in lines
    ).encode()


def reseal(bundle: Path, credential: SigningCredential) -> None:
    """Re-hash every manifest and sign the tag manifest again with ``credential``."""
    tag_manifest = rehash(bundle)
    (bundle / "tagmanifest-sha256.txt.p7s").write_bytes(sign_detached(tag_manifest, credential))


def rehash(bundle: Path) -> bytes:
    """Re-hash every manifest (and Payload-Oxum) but keep the old signature: what someone
    without the officer's key can do. Returns the new tag manifest."""
    payload = sorted(
        (str(p.relative_to(bundle)), p) for p in (bundle / "data").rglob("*") if p.is_file()
    )
    (bundle / "manifest-sha256.txt").write_bytes(_manifest(payload))
    info = (bundle / "bag-info.txt").read_text().splitlines()
    oxum = f"Payload-Oxum: {sum(p.stat().st_size for _, p in payload)}.{len(payload)}"
    info = [oxum if line.startswith("Payload-Oxum:") else line for line in info]
    (bundle / "bag-info.txt").write_text("\n".join(info) + "\n")
    tags = [(n, bundle / n) for n in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")]
    tag_manifest = _manifest(tags)
    (bundle / "tagmanifest-sha256.txt").write_bytes(tag_manifest)
    return tag_manifest
