"""The figures the reliability and security suite proves, printed at the end of every run.

A test that proves a claim from ``docs/security.md`` records what it tried and what it
found with :func:`record_figure`; the test still asserts the claim itself. The table is
printed after the test summary, and written as JSON lines to ``$RVR_FIGURES_FILE`` when that
is set (``./dev soak`` uses it to refresh the figures in the threat model).

Tests run in several worker processes (pytest-xdist), so each figure is also appended to
a spool folder that the run's first process made (``$RVR_FIGURES_SPOOL``) and reads back
for the table.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    area: str
    """The heading in docs/security.md, e.g. "Crashes" or "Bundles"."""
    claim: str
    """What was tried, e.g. "single-byte flips of every tag file"."""
    result: str
    """What was found, e.g. "4,219 of 4,219 detected, each naming the file"."""


SPOOL_VARIABLE = "RVR_FIGURES_SPOOL"

_recorded: list[Figure] = []


def soak() -> bool:
    """True under ``./dev soak``: tests then run their long forms (1,000 kills, every byte)."""
    return os.environ.get("RVR_SOAK") == "1"


def examples(in_ci: int) -> int:
    """How many generated examples a property-based test tries: twenty times more in a soak."""
    return in_ci * 20 if soak() else in_ci


def record_figure(area: str, claim: str, result: str) -> None:
    figure = Figure(area, claim, result)
    _recorded.append(figure)
    spool = os.environ.get(SPOOL_VARIABLE)
    if spool:
        with (Path(spool) / f"{os.getpid()}.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(figure)) + "\n")


def recorded() -> list[Figure]:
    """Every figure of this run, from all its worker processes."""
    spool = os.environ.get(SPOOL_VARIABLE)
    if not spool:
        return list(_recorded)
    lines: list[str] = []
    for part in sorted(Path(spool).glob("*.jsonl")):
        lines += part.read_text(encoding="utf-8").splitlines()
    return [Figure(**json.loads(line)) for line in lines if line.strip()]


def count_of(found: int, tried: int) -> str:
    """ "4,219 of 4,219 (100 %)": the form every detection figure takes."""
    share = 100.0 * found / tried if tried else 0.0
    return f"{found:,} of {tried:,} ({share:.4g} %)"


def write_json_lines(path: Path) -> None:
    with path.open("a", encoding="utf-8") as out:
        for figure in recorded():
            out.write(json.dumps(asdict(figure)) + "\n")


def markdown_table(lines: list[str]) -> str:
    """The figures (JSON lines) as the table in docs/security.md, grouped by area."""
    rows = [Figure(**json.loads(line)) for line in lines if line.strip()]
    out = ["| area | what was tried | what was found |", "|---|---|---|"]
    for figure in sorted(rows, key=lambda f: f.area):
        cells = (figure.area, figure.claim, figure.result)
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    source = Path(sys.argv[1] if len(sys.argv) > 1 else "soak-figures.jsonl")
    sys.stdout.write(markdown_table(source.read_text(encoding="utf-8").splitlines()))
