"""`alerts dead-letters [--retry ID ... | --retry-all]`: list the outbox's dead letters, or send them again."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.cli import add_database_url


def _dead_letters(args: argparse.Namespace) -> int:
    from assistant.alerts.dead_letters import as_json, dead_letters, retry_dead_letters
    from assistant.db import create_schema, make_engine

    engine = make_engine(args.database_url)
    create_schema(engine)
    if args.retry_all or args.retry:
        retried = retry_dead_letters(engine, None if args.retry_all else args.retry)
        missing = sorted(set(args.retry or ()) - set(retried))
        print(f"put {len(retried)} dead letters back in the outbox: {retried}")
        if missing:
            print(f"not dead letters (unknown, pending or delivered), left alone: {missing}", file=sys.stderr)
            return 1
        return 0
    for message in dead_letters(engine):
        print(json.dumps(as_json(message)))
    return 0


def add_dead_letters_parser(commands: argparse._SubParsersAction, database_url: str | None) -> None:
    """The `dead-letters` subcommand, for `python -m assistant alerts` and `python -m assistant.alerts` (whose
    --database-url comes before the subcommand, so pass None there: a subcommand's default would override it)."""
    parser = commands.add_parser("dead-letters", help="list the alert outbox's dead letters (JSON lines), or retry them")
    if database_url is not None:
        add_database_url(parser, database_url)
    retry = parser.add_mutually_exclusive_group()
    retry.add_argument("--retry", type=int, nargs="+", metavar="ID", help="put these dead letters back in the outbox")
    retry.add_argument("--retry-all", action="store_true", help="put every dead letter back in the outbox")
    parser.set_defaults(handler=_dead_letters)
