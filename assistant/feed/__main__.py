"""Run the feed: `python -m assistant.feed` serves it; `work` drains its inbox; `dead-letters` lists and retries
what it refused; `send FILE` posts a file to it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from aiohttp import web

from assistant.cli import add_database_url
from assistant.dead_letter_cli import DeadLetterStore, add_dead_letters_command
from assistant.feed.sources import InvalidSources
from assistant.settings import get_settings


def _serve(args: argparse.Namespace) -> int:
    from assistant.configuration import require_valid_configuration
    from assistant.feed.app import init_app
    from assistant.log_redaction import configure_logging

    settings = require_valid_configuration("The core-banking feed")
    configure_logging(settings.log_level)
    app = init_app(settings)
    print(f"Core-banking feed listening on http://{settings.feed_host}:{settings.feed_port}/", flush=True)
    web.run_app(app, host=settings.feed_host, port=settings.feed_port, print=None)
    return 0


def _work(args: argparse.Namespace) -> int:
    import asyncio

    from assistant.alerts.pipeline import make_pool
    from assistant.alerts.records import RecordLimits
    from assistant.configuration import require_valid_configuration
    from assistant.db import create_schema, make_engine
    from assistant.feed.drain import DrainPolicy, InboxDrain
    from assistant.feed.wakeup import make_wakeup
    from assistant.log_redaction import configure_logging

    settings = require_valid_configuration("The feed inbox worker")
    configure_logging(settings.log_level)
    engine = make_engine(args.database_url)
    create_schema(engine)
    drain = InboxDrain(engine, make_pool(settings), RecordLimits.from_settings(settings),
                       DrainPolicy.from_settings(settings))

    async def run() -> None:
        if args.forever:
            wakeup = make_wakeup(settings.amqp_url, settings.amqp_wakeup_queue) if settings.amqp_url else None
            print(f"Feed inbox worker {drain.worker} draining", flush=True)
            await drain.run_forever(args.interval, wakeup)
        report = await drain.drain()
        print(f"booked {report.booked}, duplicates {report.duplicates}, dead-lettered {report.dead_lettered}, "
              f"failed {report.failed}")

    asyncio.run(run())
    return 0


def feed_dead_letters() -> DeadLetterStore:
    """The feed's dead letters, retried against the configured record limits."""
    from assistant.alerts.records import RecordLimits
    from assistant.feed.dead_letters import as_json, dead_letters, retry_dead_letters

    limits = RecordLimits.from_settings(get_settings())
    return DeadLetterStore(dead_letters, lambda engine, ids: retry_dead_letters(engine, ids, limits), as_json,
                           "the inbox", "not dead letters, or still refused (see the reason)")


def add_feed_dead_letters_parser(commands: argparse._SubParsersAction, database_url: str) -> None:
    """The feed's `dead-letters` subcommand (for `python -m assistant feed` and `python -m assistant.feed`)."""
    add_dead_letters_command(commands, feed_dead_letters, "the feed's dead letters (records refused on arrival "
                             "or when applied)", database_url)


def _send(args: argparse.Namespace) -> int:
    from assistant.feed.client import post_transactions

    settings = get_settings()
    sources = settings.feed_sources
    source = args.source or next(iter(sources))
    if source not in sources:
        print(f"FEED_SOURCES has no source {source!r}.", file=sys.stderr)
        return 2
    body = json.loads(args.file.read_text())
    records = body.get("transactions", []) if isinstance(body, dict) else body
    try:
        status, answer = post_transactions(args.url, records, source, sources[source])
    except OSError as problem:  # connection refused, timeouts, DNS: urllib's URLError is an OSError
        print(f"Cannot reach the feed at {args.url}: {problem}", file=sys.stderr)
        return 1
    print(json.dumps(answer, indent=2))
    return 0 if status == 202 else 1


def build_parser() -> argparse.ArgumentParser:
    """The `python -m assistant.feed` argument parser (no command: serve)."""
    parser = argparse.ArgumentParser(prog="python -m assistant.feed", description="The core-banking feed")
    parser.set_defaults(handler=_serve)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve on FEED_HOST:FEED_PORT (the default)").set_defaults(handler=_serve)
    send = commands.add_parser("send", help="post a JSON file of records to the feed, signed as a source")
    send.add_argument("file", type=Path, help='a list of records, or {"transactions": [...]}')
    send.add_argument("--source", help="a source named in FEED_SOURCES (default: the first)")
    send.add_argument("--url", default=get_settings().feed_url, help="the feed (default: FEED_URL)")
    send.set_defaults(handler=_send)
    settings = get_settings()
    work = commands.add_parser("work", help="apply the inbox's records through ingestion (once, or --forever)")
    add_database_url(work, settings.database_url)
    work.add_argument("--forever", action="store_true", help="keep draining until stopped")
    work.add_argument("--interval", type=float, default=settings.feed_inbox_interval_seconds,
                      help="seconds between polls with --forever (default: FEED_INBOX_INTERVAL_SECONDS)")
    work.set_defaults(handler=_work)
    add_feed_dead_letters_parser(commands, settings.database_url)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve, or run the chosen command."""
    try:
        parser = build_parser()  # reads the settings, FEED_SOURCES among them
    except InvalidSources as problem:
        print(f"The core-banking feed cannot start: {problem}.", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
