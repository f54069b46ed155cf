"""Signing with trusted time against signing without, on a local force PKI.

The force PKI of the signing tests (certomancer's Animator serving time-stamps, OCSP and
CRLs on 127.0.0.1) answers at once, so these ratios are the cost of the protocol and of our
checks, not of a network: a real service adds its round trips (two for a B-T statement,
because pyHanko asks once to size the signature, four more for B-LTA's revocation
fetches and document time-stamp). Every figure is a ratio against signing the same input
without a time-stamp, in the same run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.report import Figure, median, timed
from rvr_desktop.evidence.signing.cms import sign_detached, sign_detached_long_term
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from tests.core.clocks import FakeClock
from tests.signing.live_pki import SIGNING_DAY, live_pki
from tests.signing.pdfs import SIGNATURE_BOX, statement_pdf

RUNS = 9
MANIFEST = b"".join(f"{i:064x}  data/file-{i}.bin\n".encode() for i in range(40))


def run(quick: bool = False) -> list[Figure]:
    runs = 3 if quick else RUNS
    officer = OfficerProfile("Bench Officer", "PC 1", station="Bench")
    clock = FakeClock(int(SIGNING_DAY.timestamp() * 1000))
    statement = statement_pdf()
    with tempfile.TemporaryDirectory(prefix="rvr-bench-tsa-") as tmp, live_pki(Path(tmp)) as pki:
        credential = pki.credential("officer-good")
        url = pki.tsa_url

        def pdf(**kwargs: object) -> float:
            return median(
                [
                    timed(
                        lambda: sign_pdf(
                            statement,
                            credential,
                            officer,
                            SIGNATURE_BOX,
                            clock=clock,
                            **kwargs,  # type: ignore[arg-type]
                        )
                    )
                    for _ in range(runs)
                ]
            )

        def cms(action: object) -> float:
            return median([timed(action) for _ in range(runs)])  # type: ignore[arg-type]

        with pki.at(SIGNING_DAY):
            pdf()  # warm up: fonts, pyHanko's imports, the server's first request
            plain_pdf = pdf()
            b_t = pdf(timestamp_url=url, long_term=False)
            b_lta = pdf(timestamp_url=url)
            plain_cms = cms(lambda: sign_detached(MANIFEST, credential, clock=clock))
            cms_t = cms(lambda: sign_detached(MANIFEST, credential, clock=clock, timestamp_url=url))
            cms_lt = cms(
                lambda: sign_detached_long_term(
                    MANIFEST, credential, clock=clock, timestamp_url=url
                )
            )
    baseline = "same, no time-stamp"
    return [
        Figure("sign statement PAdES B-T (local TSA)", b_t * 1000, "ms", baseline, plain_pdf * 1000,
               "informative: two time-stamp requests"),
        Figure("sign statement PAdES B-LTA (local PKI)", b_lta * 1000, "ms", baseline,
               plain_pdf * 1000, "informative: + OCSP, CRLs, DSS, document time-stamp"),
        Figure("sign tag manifest CMS with time-stamp", cms_t * 1000, "ms", baseline,
               plain_cms * 1000, "informative: one time-stamp request"),
        Figure("sign tag manifest CMS + validation data", cms_lt * 1000, "ms", baseline,
               plain_cms * 1000, "informative: + OCSP and CRL fetches"),
    ]  # fmt: skip
