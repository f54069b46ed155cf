"""How long the independent verifier takes to start, against the reference validator's.

An evidence officer runs ``rvr-verify`` once per bundle, and a force runs it over a year
of stored bundles, so its start-up is paid again and again. Both commands start as fresh
processes printing their version: that is the cost of loading each program, before any
bundle is read. Our verifier loads pyHanko and cryptography for its signature checks;
bagit-python (the reference BagIt validator) loads neither, so it is the floor. Importing
``pyhanko.sign`` alone (it pulls in aiohttp for its time-stamp client) is about half of
ours.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.report import Figure, median, timed

RUNS = 7


def _start(argv: list[str]) -> float:
    return timed(
        lambda: subprocess.run(
            argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
    )


def run(quick: bool = False) -> list[Figure]:
    runs = 3 if quick else RUNS
    bindir = Path(sys.executable).parent
    ours = [_start([str(bindir / "rvr-verify"), "--version"]) for _ in range(runs)]
    reference = [_start([sys.executable, "-m", "bagit", "--version"]) for _ in range(runs)]
    return [
        Figure(
            "rvr-verify start-up (fresh process, --version)",
            median(ours) * 1000,
            "ms",
            "bagit-python start-up",
            median(reference) * 1000,
            "informative: importing pyHanko's sign package is most of it",
        )
    ]
