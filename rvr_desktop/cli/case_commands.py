"""`rvr-desktop case list|close|destroy|destroyed`: the retention steps, for support staff.

Destroying is for good: the case's rows and the only keys to its exhibits go, and what
remains is a tombstone (reference, when, who, why, and the SHA-256 of everything that was
destroyed) in the audit chain. A case must be closed first, and the reference typed again
(or ``--yes`` given when run from a script).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from rvr_desktop.cli.vault_commands import add_vault_arguments, unlock_from_args
from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.errors import InvalidInput


def register(subcommands: Any) -> None:
    case = subcommands.add_parser("case", help="list, close or destroy cases (retention)")
    actions = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="every case with its status, newest first")
    add_vault_arguments(listing)
    listing.add_argument("--status", choices=cases.STATUSES, help="only cases with this status")
    listing.set_defaults(handler=run_list)

    close = actions.add_parser("close", help="close a case (needed before it can be destroyed)")
    add_vault_arguments(close)
    close.add_argument("reference", metavar="REF", help="the case reference")
    close.set_defaults(handler=run_close)

    destroy = actions.add_parser(
        "destroy", help="destroy a closed case for good, leaving a tombstone in the audit chain"
    )
    add_vault_arguments(destroy)
    destroy.add_argument("reference", metavar="REF", help="the case reference")
    destroy.add_argument("--reason", required=True, help="the retention rule that applies")
    destroy.add_argument(
        "--yes", action="store_true", help="do not ask to type the reference again"
    )
    destroy.set_defaults(handler=run_destroy)

    destroyed = actions.add_parser("destroyed", help="the tombstones of destroyed cases")
    add_vault_arguments(destroyed)
    destroyed.set_defaults(handler=run_destroyed)


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def run_list(args: argparse.Namespace) -> int:
    with unlock_from_args(args) as vault:
        found = cases.list_cases(vault, status=args.status)
    for case in found:
        print(f"{case.reference}  {case.status}  opened {_utc(case.created_utc_ms)}")
    if not found:
        print("No cases.")
    return 0


def run_close(args: argparse.Namespace) -> int:
    with unlock_from_args(args) as vault:
        case = cases.find_case(vault, args.reference)
        cases.set_status(vault, case.id, "closed")
    print(f"Case {case.reference} is closed.")
    return 0


def _confirm(reference: str) -> None:
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"Destroying case {reference} cannot be undone. Run the command at a terminal "
            "to confirm it, or add --yes if a script is doing this on purpose."
        )
    typed = input(f"This destroys case {reference} for good. Type its reference to confirm: ")
    if typed.strip().upper() != reference.upper():
        raise InvalidInput(f"The reference typed did not match {reference}; nothing was destroyed.")


def run_destroy(args: argparse.Namespace) -> int:
    with unlock_from_args(args) as vault:
        case = cases.find_case(vault, args.reference)
        if not args.yes:
            _confirm(case.reference)
        tomb = cases.destroy_case(vault, case.id, args.reason)
    print(
        f"Case {tomb.case_reference} was destroyed; its tombstone is audit record {tomb.audit_seq}."
    )
    return 0


def run_destroyed(args: argparse.Namespace) -> int:
    with unlock_from_args(args) as vault:
        tombs = cases.list_tombstones(vault)
    for tomb in tombs:
        print(
            f"{tomb.case_reference}  destroyed {_utc(tomb.destroyed_utc_ms)} by {tomb.actor}"
            f"  {tomb.reason}"
        )
    if not tombs:
        print("No case has been destroyed.")
    return 0
