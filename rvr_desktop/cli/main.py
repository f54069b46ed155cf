"""`rvr-desktop`: the officer's app, and headless subcommands for scripts and support staff.

This is the one place where our errors become exit codes: 0 success, 1 failure (with a
plain message on standard error), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rvr_desktop import SOFTWARE
from rvr_desktop.app import configure_process
from rvr_desktop.cli import (
    bundle_commands,
    case_commands,
    demo_command,
    export_command,
    identity_commands,
    submit_command,
    vault_commands,
)
from rvr_desktop.evidence.errors import RvrError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rvr-desktop",
        description="RVR Desktop: evidence capture for Rapid Video Response calls.",
    )
    parser.add_argument("--version", action="version", version=SOFTWARE)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on a fresh demo vault in a temporary folder",
    )
    parser.add_argument("--vault", metavar="PATH", help="the vault folder to open")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation headlessly in a temporary folder (exit 0 or 1)",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    vault_commands.register(subcommands)
    identity_commands.register(subcommands)
    case_commands.register(subcommands)
    export_command.register(subcommands)
    demo_command.register(subcommands)
    submit_command.register(subcommands)
    bundle_commands.register(subcommands)
    verify = subcommands.add_parser(
        "verify", help="open the Verify window for evidence officers (no vault needed)"
    )
    verify.add_argument(
        "bundle", nargs="?", metavar="BUNDLE", help="a bundle folder or .zip to check at once"
    )
    verify.set_defaults(handler=_launch_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if args.self_test:
            from rvr_desktop.cli.self_test import run_self_test  # loads everything it checks

            return run_self_test()
        if handler is None:
            return _launch_app(args)
        result: int = handler(args)
        return result
    except RvrError as exc:
        print(f"rvr-desktop: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("rvr-desktop: interrupted; nothing further was saved.", file=sys.stderr)
        return EXIT_FAILED


def _launch_app(args: argparse.Namespace) -> int:
    # Qt is imported only when the window is wanted, so headless commands never load it.
    from rvr_desktop.ui.launch import launch

    return launch(args)


def _launch_verify(args: argparse.Namespace) -> int:
    from rvr_desktop.ui.launch import launch_verify

    return launch_verify(args)


if __name__ == "__main__":
    sys.exit(main())
