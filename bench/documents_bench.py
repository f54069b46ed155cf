"""Render and sign a 20-page MG11, against bare reportlab laying out the same text."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from bench.report import Figure, median, timed
from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import cases, mg11
from rvr_desktop.evidence.demo_story import DEMO_STATEMENT_PARAGRAPHS
from rvr_desktop.evidence.documents import DocumentOrigin, render_statement
from rvr_desktop.evidence.signing.identity_store import load_credential
from rvr_desktop.evidence.signing.officer import OfficerProfile, save_officer_profile
from rvr_desktop.evidence.signing.pdf_sign import sign_pdf
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF

TARGET_PAGES = 20


def _long_text() -> str:
    paragraphs = list(DEMO_STATEMENT_PARAGRAPHS) * 10
    return "\n\n".join(paragraphs)


def _bare_reportlab(text: str) -> bytes:
    out = io.BytesIO()
    style = getSampleStyleSheet()["BodyText"]
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph(p, style) for p in text.split("\n\n")])
    return out.getvalue()


def run() -> list[Figure]:
    text = _long_text()
    with tempfile.TemporaryDirectory(prefix="rvr-bench-doc-") as tmp:
        vault = Vault.create(Path(tmp) / "v", "bench passphrase", kdf=FAST_INSECURE_KDF)
        profile = OfficerProfile("Bench Officer", "PC 1", station="Bench")
        save_officer_profile(vault, profile)
        create_test_identity_in_vault(vault, profile, Path(tmp) / "pki")
        credential = load_credential(vault)
        case = cases.create_case(vault, "BENCH-0003", "Bench")
        template = forms.registry_for_vault(vault).get("mg11")
        answers = {**dict(template.example or {}), "statement_text": text}
        form = forms.create_form(vault, case.id, template, answers)
        mg11.record_read_back(vault, case.id)
        forms.finalise(vault, form.form_id)
        with vault.reader() as tx:
            inputs = mg11.read_statement_inputs(tx, case.id)
        document = mg11.build_statement(case, profile, inputs)
        origin = DocumentOrigin(profile.name, vault.clock.utc_now_ms(), "bench")
        pages: list[int] = []

        def render_and_sign() -> None:
            rendered = render_statement(document, origin)
            pages.append(rendered.page_count)
            assert rendered.signature_box is not None
            sign_pdf(rendered.data, credential, profile, rendered.signature_box)

        # Once each first (fonts registered, the signer's size estimated), then turn about,
        # so a busy moment on a shared machine falls on both sides alike.
        render_and_sign()
        _bare_reportlab(text)
        ours_runs: list[float] = []
        bare_runs: list[float] = []
        for _ in range(9):
            ours_runs.append(timed(render_and_sign))
            bare_runs.append(timed(lambda: _bare_reportlab(text)))
        ours, bare = median(ours_runs), median(bare_runs)
        vault.lock()
    return [
        Figure(
            f"render + sign MG11 ({pages[0]} pages)",
            ours * 1000,
            "ms",
            "bare reportlab, same text",
            bare * 1000,
            "aim: ratio <= 1.3",
        )
    ]
