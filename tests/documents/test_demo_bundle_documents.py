"""Every PDF of the demo's signed bundle, read as the CPS (and a defence expert) reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from documents.pdftext import (
    broken_words,
    machine_times,
    page_texts,
    reader,
    strings_at,
    vocabulary_of,
)
from rvr_desktop.evidence.demo import build_demo_vault, export_demo_bundle
from rvr_desktop.evidence.demo_story import DEMO_MESSAGES, DEMO_NOTES, DEMO_STATEMENT_PARAGRAPHS
from rvr_desktop.evidence.documents.statement import STATUTE_LINE
from rvr_desktop.evidence.forms.registry import shipped_templates_dir
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-documents")
    demo = build_demo_vault(folder, kdf=FAST_INSECURE_KDF)
    return export_demo_bundle(demo, folder / "bundles")


@pytest.fixture(scope="module")
def pdfs(bundle: Path) -> dict[str, bytes]:
    found = {
        p.relative_to(bundle / "data").as_posix(): p.read_bytes()
        for p in sorted((bundle / "data").rglob("*.pdf"))
        if "/exhibits/JS-" not in p.as_posix()
    }
    assert len(found) == 7  # statement, back page, notes, two forms, exhibit list, exhibits MG11
    return found


def _answers(bundle: Path) -> str:
    """Every form answer in the bundle, as text."""
    files = [*(bundle / "data/forms").glob("*.json"), bundle / "data/restricted/MG11-form.json"]
    return " ".join(json.dumps(json.loads(f.read_text("utf-8"))["answers"]) for f in files)


def test_every_page_of_every_document_is_marked_official_sensitive(pdfs: dict[str, bytes]) -> None:
    for name, data in pdfs.items():
        pages = len(reader(data).pages)
        for page in range(pages):
            marks = [text for text, _, _ in strings_at(data, page) if "OFFICIAL" in text]
            assert marks == ["OFFICIAL-SENSITIVE"] * 2, f"{name} page {page + 1}: {marks}"


def test_no_document_writes_a_time_for_a_machine(pdfs: dict[str, bytes]) -> None:
    for name, data in pdfs.items():
        text = "\n".join(page_texts(data))
        assert machine_times(text) == [], name
        assert "UTC" not in text, name


def test_no_word_of_any_document_is_broken_without_a_hyphen(
    bundle: Path, pdfs: dict[str, bytes]
) -> None:
    templates = [p.read_text("utf-8") for p in shipped_templates_dir().glob("*.toml")]
    exhibits = json.loads((bundle / "data/case.json").read_text("utf-8"))["exhibits"]
    vocabulary = vocabulary_of(
        *(text for _, text, _ in DEMO_NOTES),
        *DEMO_STATEMENT_PARAGRAPHS,
        *DEMO_MESSAGES,
        *templates,
        _answers(bundle),
        json.dumps(exhibits),
    )
    assert {"independent", "organisation", "call-capture-bruising.png"} <= vocabulary
    for name, data in pdfs.items():
        for number, page in enumerate(page_texts(data), 1):
            assert broken_words(page.splitlines(), vocabulary) == [], f"{name} page {number}"


def test_each_exhibit_file_name_is_printed_whole_or_split_only_at_a_separator(
    bundle: Path, pdfs: dict[str, bytes]
) -> None:
    exhibits = json.loads((bundle / "data/case.json").read_text("utf-8"))["exhibits"]
    names = [Path(e["path"]).name for e in exhibits]
    assert names == ["call-capture-bruising.png", "messages-from-partner.txt"]
    for document in ("exhibits/exhibit-list.pdf", "exhibits/officer-exhibits-statement.pdf"):
        lines = [line for page in page_texts(pdfs[document]) for line in page.splitlines()]
        text = "\n".join(lines)
        for name in names:
            if name in text:
                continue
            # Split across lines: each piece must end at one of the name's separators.
            joined = "".join(text.split())
            assert name in joined, (document, name)
            for line in lines:
                tail = line.split()[-1] if line.split() else ""
                if tail and name.startswith(tail.lstrip("(")) and tail.lstrip("(") != name:
                    assert tail[-1] in "-_/" or name[len(tail.lstrip("(")) :].startswith(".")


def test_the_safeguarding_form_prints_each_heading_once(pdfs: dict[str, bytes]) -> None:
    name = next(n for n in pdfs if n.startswith("forms/safeguarding-"))
    lines = [line.strip() for page in page_texts(pdfs[name]) for line in page.splitlines()]
    assert lines.count("Referrals") == 1
    for heading in ("Children", "Consent to share", "Victims' Code"):
        assert lines.count(heading) == 1, heading


def test_the_statement_names_its_provisions_and_carries_the_urn_on_every_page(
    pdfs: dict[str, bytes],
) -> None:
    for document in ("statement/MG11-statement.pdf", "restricted/MG11-restricted-details.pdf"):
        pages = page_texts(pdfs[document])
        for text in pages:
            assert "Case reference: DEMO-2026-0001 · URN: 42CH00123" in text
    first = " ".join(page_texts(pdfs["statement/MG11-statement.pdf"])[0].split())
    assert STATUTE_LINE in first
