"""Clean bundles always verify: fifty different cases exported and checked, zero rejected.

A verifier that catches every change is only useful if it never turns away a bundle
nobody touched. Each case differs: few or many notes, amendments, Unicode text in every
script we could think of, attachments with unusual but legal names, forms finalised or
left as drafts, statements short and long, folder or zip.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.bundle.export import ExportRequest, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.result import Outcome, Verdict
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case import attachments, cases, mg11, timeline
from rvr_desktop.evidence.demo_story import DEMO_STATEMENT_PARAGRAPHS, demo_image_png
from rvr_desktop.evidence.signing.officer import OfficerProfile, save_officer_profile
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault
from rvr_desktop.evidence.signing.trust import TrustStore
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from tests.conftest import TEST_PASSPHRASE
from tests.figures import count_of, record_figure, soak

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py

ROUND_TRIPS = 200 if soak() else 50

UNICODE_NOTES = (
    "Victim says «he took the keys» — and left at 23:05.",
    "Zoë and Chloé (neighbours) heard shouting; naïve café façade.",
    "Name in Polish: Łukasz Żółć; Czech: Řehoř; Turkish: İsmail Işık.",
    "Greek: Ο ύποπτος έφυγε. Russian: Подозреваемый ушёл.",
    "Arabic: المشتبه به غادر المنزل. Hebrew: החשוד עזב.",
    "Chinese: 嫌疑人离开了。Japanese: 容疑者は去った。Korean: 용의자가 떠났다.",
    "Hindi: संदिग्ध चला गया। Tamil: சந்தேக நபர் வெளியேறினார்.",
    "Emoji in a quoted message: 'you'll regret this 😡🔪' sent 02:14.",
    "Combining marks: e\u0301 (e + acute) vs \u00e9; zero-width joiner: 👩\u200d👧.",
    "Line one of a long note.\nLine two, after a line break.\n\tIndented line three.",
)

UNUSUAL_NAMES = (
    "photo of bruising (1).png",
    "Zoë's messages.txt",
    "多言語のメッセージ.txt",
    "report.final.v2.txt",
    "-starts-with-dash.txt",
    "hash#and&ampersand+plus.txt",
    "emoji 🙂 screenshot.png",
    "UPPER lower MiXeD.TXT",
    "a" * 120 + ".txt",
    "no-extension",
    "spaces   in   between.txt",
    "Привет.txt",
)


def _statement_answers(number: int, text: str) -> dict[str, Any]:
    return {
        "urn": "",
        "witness_name": f"Witness Ünïcødé {number}",
        "age_band": "over_18",
        "occupation": "Nurse",
        "statement_text": text,
        "home_address": "1 Invented Road, Exampletown, EX1 1AA",
        "phone": "07700 900000",
        "email": "witness@example.org",
        "date_of_birth": "1990-01-01",
        "preferred_contact": "text_message",
        "contact_cautions": "None.",
        "dates_to_avoid": "None.",
        "special_measures": [],
        "needs": "",
        "consent_medical_records": "yes",
        "vps_offered": "yes",
        "victims_code_leaflet": "yes",
    }


def _fill_case(vault: Vault, number: int, registry: forms.TemplateRegistry) -> int:
    case = cases.create_case(vault, f"INC-2026-{7000 + number}", f"Victim {number} Ñoño")
    notes = []
    for n in range(1 + (number % 5) * 4 + (40 if number % 10 == 0 else 0)):
        notes.append(timeline.append_note(vault, case.id, UNICODE_NOTES[(number + n) % 10]))
    for n in range(min(number % 3, len(notes))):
        timeline.amend_note(vault, notes[n].id, f"Corrected wording {n} ✓", "victim corrected it")
    for n in range(number % 4):
        name = UNUSUAL_NAMES[(number + n) % len(UNUSUAL_NAMES)]
        content = (
            demo_image_png(16 + number, 8 + n) if name.endswith(".png") else f"{name} {n}".encode()
        )
        attachments.import_stream(
            vault, case.id, io.BytesIO(content), original_name=name, description=f"Exhibit {n} ✓"
        )
    if number % 2:
        template = registry.get("dash-risk")
        form = forms.create_form(vault, case.id, template, dict(template.example or {}))
        forms.finalise(vault, form.form_id)
    if number % 3 == 0:
        template = registry.get("safeguarding")
        forms.create_form(vault, case.id, template, dict(template.example or {}))  # a draft
    text = "\n\n".join(DEMO_STATEMENT_PARAGRAPHS[: 1 + number % len(DEMO_STATEMENT_PARAGRAPHS)])
    mg11_form = forms.create_form(
        vault, case.id, registry.get("mg11"), _statement_answers(number, text + " ✓ Zoë")
    )
    mg11.record_read_back(vault, case.id)
    answers = dict(mg11_form.answers)
    answers["witness_signature"] = {
        "method": "typed_name",
        "name": f"Witness Ünïcødé {number}",
        "signed_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
    }
    forms.save_draft(vault, mg11_form.form_id, answers)
    forms.finalise(vault, mg11_form.form_id)  # an export needs the finalised, signed MG11
    return case.id


def test_fifty_clean_exports_all_verify(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "vault", TEST_PASSPHRASE, kdf=FAST_INSECURE_KDF)
    rejected: list[str] = []
    try:
        profile = OfficerProfile("Sam Ōkafor-Łęcki", "PC 9001", station="Exampletown")
        save_officer_profile(vault, profile)
        identity = create_test_identity_in_vault(vault, profile, tmp_path / "pki")
        trust = TrustStore.from_paths([identity.root_pem_path])
        registry = forms.registry_for_vault(vault)
        out = tmp_path / "bundles"
        out.mkdir()
        for number in range(ROUND_TRIPS):
            case_id = _fill_case(vault, number, registry)
            layout = BundleLayout.ZIP if number % 5 == 4 else BundleLayout.FOLDER
            result = export_case(
                vault,
                ExportRequest(case_id, out, "CPS Direct (test)", "Round trip test", layout=layout),
            )
            status = verify_bundle(result.bundle, trust)
            if status.verdict is not Verdict.VERIFIED:
                failed = [c.reason for c in status.checks if c.outcome is not Outcome.PASS]
                rejected.append(f"case {number}: {failed}")
    finally:
        vault.lock()
    record_figure(
        "Bundles",
        f"clean export-and-verify round trips ({ROUND_TRIPS} different cases)",
        f"{count_of(ROUND_TRIPS - len(rejected), ROUND_TRIPS)} verified; "
        f"{len(rejected)} false rejections",
    )
    assert rejected == [], rejected[:3]
