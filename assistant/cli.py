"""Pieces every `python -m assistant...` command line shares: the database option and running the chosen command."""

from __future__ import annotations

import argparse


def add_database_url(parser: argparse.ArgumentParser, default: str) -> None:
    """The `--database-url` option, defaulting to the DATABASE_URL setting."""
    parser.add_argument("--database-url", default=default, help="bank database (default: DATABASE_URL)")


def run_chosen_command(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse the arguments and run the handler of the subcommand they name; its exit status."""
    args = parser.parse_args(argv)
    return args.handler(args)
