"""A real force PKI on 127.0.0.1: certomancer's Animator serving time-stamps, OCSP and CRLs.

The configuration is test data (tests/pki/force-pki.yml); the keys are made afresh when the
session starts, written beside it in a temporary folder. The Animator is a WSGI app: it runs
here in werkzeug's threaded server on a free port of 127.0.0.1, and the configuration is
loaded with that address as its external URL prefix, so the certificates' OCSP and CRL
addresses point at it (otherwise they would name example.com).

Time: the PKI's events have fixed dates (see the YAML). The Animator answers every request
at the moment set with :meth:`LivePki.at` (its fixed time), so a test moves the services'
clock along the PKI's story; pyHanko's validation time and our ``at_time`` move with it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from rvr_desktop.evidence.signing.credential import SigningCredential
from rvr_desktop.evidence.signing.trust import TrustStore

CONFIG = Path(__file__).resolve().parents[1] / "pki" / "force-pki.yml"
ARCH = "force"

SIGNING_DAY = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
"""When the officers sign, in the PKI's story."""
CHECKING_DAY = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
"""When an evidence officer checks, months later: after one officer's certificate expired
and another's was revoked."""


class _QuietHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        pass


class _Slot:
    """The WSGI app the server runs: the Animator once the configuration is loaded.

    The server must be listening before the configuration is loaded, because the
    configuration needs the server's address for the URLs it writes into certificates.
    """

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@dataclass
class LivePki:
    url_prefix: str
    config: CertomancerConfig
    animator: Animator

    @property
    def arch(self) -> Any:
        return self.config.get_pki_arch(ArchLabel(ARCH))

    @property
    def tsa_url(self) -> str:
        return f"{self.url_prefix}/{ARCH}/tsa/tsa"

    def certificate(self, label: str) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.arch.get_cert(CertLabel(label)).dump())

    def credential(self, label: str) -> SigningCredential:
        """An officer's signing credential, with the signing CA and root as its chain."""
        key_info = self.arch.key_set.get_private_key(KeyLabel(label))
        key = serialization.load_der_private_key(key_info.dump(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return SigningCredential(
            key,
            self.certificate(label),
            (self.certificate("interm"), self.certificate("root")),
            is_test_identity=False,
        )

    def root_pem(self) -> bytes:
        return self.certificate("root").public_bytes(serialization.Encoding.PEM)

    def trust(self) -> TrustStore:
        """The evidence officer's trust store: the force root (which also issued the TSU)."""
        return TrustStore.from_pem(self.root_pem(), "force root")

    def crl_of(self, issuer: str, moment: datetime) -> bytes:
        """The CRL the given CA's repository publishes at ``moment`` (DER)."""
        crl: bytes = self.arch.service_registry.get_crl(issuer, moment).dump()
        return crl

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """Every service answers as at ``moment`` until the block ends."""
        before = self.animator.fixed_time
        self.animator.fixed_time = moment
        try:
            yield
        finally:
            self.animator.fixed_time = before


def _write_keys(config: dict[str, Any], folder: Path) -> None:
    for keyset in config["keysets"].values():
        for key in keyset["keys"].values():
            private = ec.generate_private_key(ec.SECP256R1())
            (folder / key["path"]).write_bytes(
                private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )


@contextmanager
def live_pki(folder: Path) -> Iterator[LivePki]:
    """Serve the force PKI on 127.0.0.1 until the block ends; keys are made in ``folder``."""
    shutil.copyfile(CONFIG, folder / CONFIG.name)
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    _write_keys(raw, folder)
    slot = _Slot()
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, slot, threaded=True, request_handler=_QuietHandler
    )
    prefix = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig.from_file(
        str(folder / CONFIG.name), key_search_dir=str(folder), external_url_prefix=prefix
    )
    animator = Animator(
        AnimatorArchStore(config.pki_archs), with_web_ui=False, allow_time_override=False
    )
    slot.app = animator
    thread = threading.Thread(target=server.serve_forever, name="certomancer", daemon=True)
    thread.start()
    try:
        yield LivePki(prefix, config, animator)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
