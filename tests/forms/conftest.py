"""Fixtures for the forms tests: the shipped templates and a case to fill forms for."""

from __future__ import annotations

import pytest

from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.forms import Template, TemplateRegistry, load_registry
from rvr_desktop.evidence.vault import Vault


@pytest.fixture(scope="session")
def shipped() -> TemplateRegistry:
    return load_registry()


@pytest.fixture
def gate(shipped: TemplateRegistry) -> Template:
    return shipped.get("safety-gate")


@pytest.fixture
def dash(shipped: TemplateRegistry) -> Template:
    return shipped.get("dash-risk")


@pytest.fixture
def case_id(vault: Vault) -> int:
    return cases.create_case(vault, "INC-2026-0042", "Priya").id
