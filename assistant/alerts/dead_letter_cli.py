"""`alerts dead-letters [--retry ID ... | --retry-all]`: list the outbox's dead letters, or send them again."""

from __future__ import annotations

import argparse

from assistant.dead_letter_cli import DeadLetterStore, add_dead_letters_command


def outbox_dead_letters() -> DeadLetterStore:
    """The alert outbox's dead letters."""
    from assistant.alerts.dead_letters import as_json, dead_letters, retry_dead_letters

    return DeadLetterStore(dead_letters, retry_dead_letters, as_json, "the outbox",
                           "not dead letters (unknown, pending or delivered)")


def add_dead_letters_parser(commands: argparse._SubParsersAction, database_url: str | None) -> None:
    """The `dead-letters` subcommand, for `python -m assistant alerts` and `python -m assistant.alerts` (whose
    --database-url comes before the subcommand, so pass None there: a subcommand's default would override it)."""
    add_dead_letters_command(commands, outbox_dead_letters, "the alert outbox's dead letters", database_url)
