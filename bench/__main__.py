"""`python -m bench [--quick] [--only NAME]`: every figure, each as a ratio against a
same-run baseline."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bench import (
    bundle_bench,
    documents_bench,
    note_frame_bench,
    spelling_bench,
    startup_bench,
    store_bench,
    timestamp_bench,
    ui_bench,
    vault_bench,
    verifier_bench,
)
from bench.report import Figure
from rvr_desktop.app import configure_process

GROUPS = (
    "startup",
    "verifier",
    "vault",
    "documents",
    "bundle",
    "ui",
    "store",
    "timestamp",
    "spelling",
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--quick", action="store_true", help="smaller inputs (a smoke run)")
    parser.add_argument("--only", choices=GROUPS, help="run only this group of figures")
    args = parser.parse_args()
    configure_process(log_to_file=False)
    size = (64 if args.quick else 1024) * 2**20
    runs = 1 if args.quick else 9
    groups: dict[str, Callable[[], list[Figure]]] = {
        # First, before the large files below leave the disk busy writing back.
        "startup": lambda: startup_bench.run(runs),
        "verifier": lambda: verifier_bench.run(quick=args.quick),
        "vault": lambda: vault_bench.run(size),
        "documents": documents_bench.run,
        "bundle": lambda: bundle_bench.run(size, quick=args.quick),
        "ui": lambda: [*note_frame_bench.run(quick=args.quick), *ui_bench.run(size)],
        "store": lambda: store_bench.run(size, bundles=10 if args.quick else 100),
        "timestamp": lambda: timestamp_bench.run(quick=args.quick),
        "spelling": spelling_bench.run,
    }
    for name, run in groups.items():
        if args.only is not None and name != args.only:
            continue
        for figure in run():
            print(figure.line(), flush=True)


if __name__ == "__main__":
    main()
