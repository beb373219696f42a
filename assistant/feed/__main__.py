"""Run the feed: `python -m assistant.feed` serves it; `python -m assistant.feed send FILE` posts a file to it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from aiohttp import web

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
