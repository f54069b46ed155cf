"""`rvr-desktop bundle renew BUNDLE --timestamp-url URL`: for the force's archive, a fresh
archive time-stamp that keeps a kept bundle's signature provable (no vault needed)."""

from __future__ import annotations

import argparse
from datetime import UTC
from pathlib import Path
from typing import Any


def register(subcommands: Any) -> None:
    bundle = subcommands.add_parser("bundle", help="work on an exported bundle (no vault needed)")
    actions = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    renew = actions.add_parser(
        "renew",
        help="add a fresh archive time-stamp over the bundle's signature, changing no file; "
        "do it before the newest time-stamp's certificate expires",
    )
    renew.add_argument("bundle", metavar="BUNDLE", help="the bundle's folder or .zip file")
    renew.add_argument(
        "--timestamp-url", required=True, help="the force's RFC 3161 time-stamping service"
    )
    renew.set_defaults(handler=run_renew)


def run_renew(args: argparse.Namespace) -> int:
    from rvr_desktop.evidence.bundle.renew import renew_bundle

    result = renew_bundle(Path(args.bundle), args.timestamp_url)
    print(
        f"Added archive time-stamp {result.archive_timestamps} to {result.bundle} "
        f"(time-stamped {result.newest_time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)."
    )
    for name in result.added:
        print(f"  + {name}")
    return 0
