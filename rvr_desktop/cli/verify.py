"""`rvr-verify`: the evidence officer's independent check of an exported bundle."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__

EXIT_CANNOT_RUN = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rvr-verify",
        description=(
            "Check that an RVR evidence bundle is complete, unaltered and signed by a "
            "trusted officer."
        ),
    )
    parser.add_argument("--version", action="version", version=f"rvr-verify {__version__}")
    parser.add_argument("bundle", help="the bundle: a folder or a .zip")
    parser.add_argument(
        "--trust", action="append", default=[], metavar="ROOT.pem", help="a trusted root"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--report", metavar="OUT.pdf", help="write a verification report PDF")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print("rvr-verify: bundle verification is not available in this build.", file=sys.stderr)
    return EXIT_CANNOT_RUN


if __name__ == "__main__":
    sys.exit(main())
