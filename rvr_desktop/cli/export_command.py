"""`rvr-desktop export --vault V --case REF --out DIR [--zip]`: a case's signed bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rvr_desktop.cli.terminal_progress import end_progress_line, terminal_progress
from rvr_desktop.cli.vault_commands import add_vault_arguments, unlock_from_args
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.errors import InvalidInput


def register(subcommands: Any) -> None:
    export = subcommands.add_parser("export", help="export a case as a signed evidence bundle")
    add_vault_arguments(export)
    export.add_argument("--case", required=True, metavar="REF", help="the case reference")
    export.add_argument("--out", required=True, metavar="DIR", help="folder to write it in")
    export.add_argument("--zip", action="store_true", help="one .zip file instead of a folder")
    export.add_argument("--recipient", help="who the bundle is for (recorded in the audit chain)")
    export.add_argument("--reason", help="why it is exported (recorded in the audit chain)")
    export.add_argument(
        "--timestamp-url",
        help="an RFC 3161 time-stamping service: trusted time, and the validation data that "
        "keeps the signatures checkable for years (PAdES B-LTA)",
    )
    export.set_defaults(handler=run_export)


def _ask(value: str | None, option: str, prompt: str) -> str:
    if value:
        return value
    if not sys.stdin.isatty():
        raise InvalidInput(f"Give {option}: it is recorded in the audit chain with the export.")
    return input(prompt)


def run_export(args: argparse.Namespace) -> int:
    # Signing and the PDF writer load only for an export, not for every command.
    from rvr_desktop.evidence.bundle.export import ExportRequest, export_case

    recipient = _ask(args.recipient, "--recipient", "Recipient (for example CPS Direct): ")
    reason = _ask(args.reason, "--reason", "Reason for this export: ")
    with unlock_from_args(args) as vault:
        case = cases.find_case(vault, args.case)
        result = export_case(
            vault,
            ExportRequest(
                case.id,
                Path(args.out),
                recipient,
                reason,
                layout=BundleLayout.ZIP if args.zip else BundleLayout.FOLDER,
                timestamp_url=args.timestamp_url,
            ),
            progress=terminal_progress("Exporting"),
        )
    end_progress_line()
    print(f"Exported case {result.case_reference} to {result.bundle}")
    print(f"  {result.payload_files} files, {result.payload_bytes:,} bytes")
    print(f"  Audit chain code for the force's records: {result.chain_code}")
    for item in result.omitted:
        print(f"  Not exported: {item}")
    return 0
