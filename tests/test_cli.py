"""The shared command-line pieces: the database option and running the chosen subcommand."""

from __future__ import annotations

import argparse

from assistant.cli import add_database_url, run_chosen_command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_database_url(parser, "sqlite:///default.db")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("answer").set_defaults(handler=lambda args: 42 if args.database_url.endswith("given.db") else 0)
    return parser


def test_the_chosen_subcommands_handler_runs_and_its_status_is_returned() -> None:
    assert run_chosen_command(_parser(), ["--database-url", "sqlite:///given.db", "answer"]) == 42


def test_the_database_url_defaults_to_the_setting_passed_in() -> None:
    assert _parser().parse_args(["answer"]).database_url == "sqlite:///default.db"
