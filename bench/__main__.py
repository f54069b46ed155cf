"""`python -m bench [--quick]`: every figure, each as a ratio against a same-run baseline."""

from __future__ import annotations

import argparse

from bench import (
    bundle_bench,
    documents_bench,
    timestamp_bench,
    ui_bench,
    vault_bench,
    verifier_bench,
)
from rvr_desktop.app import configure_process


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--quick", action="store_true", help="smaller inputs (a smoke run)")
    args = parser.parse_args()
    configure_process(log_to_file=False)
    size = (64 if args.quick else 1024) * 2**20
    for run in (
        lambda: vault_bench.run(size),
        documents_bench.run,
        lambda: bundle_bench.run(size),
        lambda: ui_bench.run(size),
        lambda: verifier_bench.run(quick=args.quick),
        lambda: timestamp_bench.run(quick=args.quick),
    ):
        for figure in run():
            print(figure.line(), flush=True)


if __name__ == "__main__":
    main()
