"""The threat model names real tests, and every area the suite proves has its place in it."""

from __future__ import annotations

import re

from tests.docs.guides import DOCS

ROOT = DOCS.parent
SECURITY = DOCS / "security.md"
AREAS = (
    "Crashes",
    "Durability order",
    "I/O faults",
    "Data at rest",
    "Vault damage",
    "Bundles",
    "PDF attacks",
    "Hostile archives",
    "Fuzzing",
    "Keys and sessions",
)


def test_every_test_file_the_threat_model_names_exists() -> None:
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", SECURITY.read_text(encoding="utf-8")))
    assert len(named) >= 10
    assert sorted(p for p in named if not (ROOT / p).is_file()) == []


def test_every_proven_area_is_in_the_threat_model_and_has_a_test_that_records_it() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    recorded = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for area in AREAS:
        assert area in text, f"docs/security.md does not mention {area}"
        assert f'"{area}"' in recorded, f"no test records a figure for {area}"


def test_the_security_page_is_linked_from_the_readme() -> None:
    assert "(docs/security.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
