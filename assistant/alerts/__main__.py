"""Alerts command line: ingest, score, bills, deliver, dead-letters, consume, eval and bench (`--help` says more)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from assistant.alerts.dead_letter_cli import add_dead_letters_parser
from assistant.bench_results import publish
from assistant.cli import add_database_url, run_chosen_command
from assistant.configuration import require_valid_configuration
from assistant.log_redaction import configure_logging
from assistant.settings import Settings, get_settings


def _start_worker(service: str) -> Settings:
    """The settings of a long-running worker, once the configuration checks out; its logs redacted."""
    settings = require_valid_configuration(service)
    configure_logging(settings.log_level)
    return settings


def _records(path: Path) -> list[Any]:
    """Feed records from a JSON file (a list, or {"transactions": [...]}) or a JSON-lines file."""
    text = path.read_text()
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return body.get("transactions", []) if isinstance(body, dict) else body


def _engine(args: argparse.Namespace):
    from assistant.db import create_schema, make_engine

    engine = make_engine(args.database_url)
    create_schema(engine)
    return engine


def _ingest(args: argparse.Namespace) -> int:
    from assistant.alerts.pipeline import IngestionPipeline, make_pool
    from assistant.alerts.records import RecordLimits

    settings = get_settings()
    pipeline = IngestionPipeline(_engine(args), make_pool(settings), RecordLimits.from_settings(settings))
    result = asyncio.run(pipeline.handle(_records(args.file), args.source))
    print(json.dumps({"accepted": result.accepted, "duplicates": result.duplicates, "alerts": result.alerts,
                      "rejected": [r.as_json() for r in result.rejected]}, indent=2))
    return 0


def _score(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from assistant.alerts.features import CardPayment
    from assistant.alerts.ingestion import validate
    from assistant.alerts.pipeline import make_pool
    from assistant.alerts.records import RecordLimits

    settings = get_settings()
    pool = make_pool(settings)
    good, rejected = validate(_records(args.file), "file", RecordLimits.from_settings(settings))
    with Session(_engine(args)) as session:
        for _, record in good:
            pool.ensure(session, record.customer_id, record.booked_at)
            score = pool.scorer.score(CardPayment(record.customer_id, record.merchant, record.category,
                                                  -record.amount_minor, record.booked_at, record.channel,
                                                  record.country))
            print(json.dumps({"transaction_id": record.transaction_id, "score": round(score.value, 3),
                              "unusual": score.unusual, "reason": score.reason}))
    for rejection in rejected:
        print(json.dumps(rejection.as_json()), file=sys.stderr)
    return 0


def _bills(args: argparse.Namespace) -> int:
    from sqlmodel import Session, select

    from assistant.alerts.bill_alerts import check_upcoming_bills
    from assistant.alerts.features import MerchantVectors
    from assistant.bank.models import Customer

    _start_worker("The upcoming-bill alerts")
    merchants = MerchantVectors()
    raised = 0
    with Session(_engine(args), expire_on_commit=False) as session:
        for customer_id in session.exec(select(Customer.id).order_by(Customer.id)).all():
            raised += len(check_upcoming_bills(session, customer_id, args.today, args.days, merchants))
    print(f"raised {raised} upcoming-bill alerts")
    return 0


def _deliver(args: argparse.Namespace) -> int:
    import aiohttp

    from assistant.alerts.outbox import delivery_from_settings
    from assistant.readiness import health_url, wait_until_ready

    settings = _start_worker("The alert outbox delivery")

    async def run() -> None:
        async with aiohttp.ClientSession() as http:
            delivery = delivery_from_settings(_engine(args), http, args.url, settings)
            if args.forever:
                if settings.wait_for_ready:
                    # At start-up the push service (and the assistant behind it) may still be loading: wait for its
                    # health check rather than spending every message's attempts on its 503s.
                    await wait_until_ready(http, health_url(args.url), "the push service")
                await delivery.run_forever(args.interval)
            report = await delivery.deliver_due()
            print(f"delivered {report.delivered}, failed {report.failed}, dead-lettered {report.dead_lettered}")

    asyncio.run(run())
    return 0


def _consume(args: argparse.Namespace) -> int:
    from assistant.alerts.queues import RabbitQueue, consume_forever, move_to_inbox
    from assistant.alerts.records import RecordLimits

    settings = _start_worker("The transaction queue consumer")
    if not settings.amqp_url:
        print("Set AMQP_URL: `consume` moves what is left on the RabbitMQ queue AMQP_QUEUE into the feed's inbox.",
              file=sys.stderr)
        return 2
    engine, limits = _engine(args), RecordLimits.from_settings(settings)

    async def handler(body: bytes) -> None:
        await asyncio.to_thread(move_to_inbox, engine, body, limits)

    asyncio.run(consume_forever(RabbitQueue(settings.amqp_url, settings.amqp_queue), handler))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from assistant.alerts.benchmark import quality_figures

    publish(quality_figures(args.customers, args.bill_customers, args.unusual_rate), args.out)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from assistant.alerts.benchmark import speed_figures

    publish(speed_figures(args.customers), args.out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The `python -m assistant.alerts` argument parser."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m assistant.alerts", description="Predictive alerts")
    add_database_url(parser, settings.database_url)
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="book and score feed records from a JSON or JSON-lines file")
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--source", default="file", help="the feed source named in the audit log (default: file)")
    ingest.set_defaults(handler=_ingest)
    score = commands.add_parser("score", help="print each record's anomaly score and reason, writing nothing")
    score.add_argument("file", type=Path)
    score.set_defaults(handler=_score)
    bills = commands.add_parser("bills", help="raise upcoming-bill alerts for every customer")
    bills.add_argument("--today", type=date.fromisoformat, default=datetime.now(timezone.utc).date())
    bills.add_argument("--days", type=int, default=settings.bill_alert_days)
    bills.set_defaults(handler=_bills)
    deliver = commands.add_parser("deliver", help="deliver the outbox to PUSH_WEBHOOK_URL")
    deliver.add_argument("--url", default=settings.push_webhook_url)
    deliver.add_argument("--forever", action="store_true", help="keep delivering until stopped")
    deliver.add_argument("--interval", type=float, default=settings.outbox_interval_seconds,
                         help="seconds between passes with --forever (default: OUTBOX_INTERVAL_SECONDS)")
    deliver.set_defaults(handler=_deliver)
    add_dead_letters_parser(commands, None)
    consume = commands.add_parser("consume", help="move batches left on the old RabbitMQ queue (AMQP_QUEUE) into the feed's inbox")
    consume.set_defaults(handler=_consume)
    evaluate = commands.add_parser("eval", help="quality against the baselines; saves the calibrated threshold")
    evaluate.add_argument("--customers", type=int, default=2000, help="generated customers, half for tuning")
    evaluate.add_argument("--bill-customers", type=int, default=500)
    evaluate.add_argument("--unusual-rate", type=float, default=0.3, help="share of customers given planted purchases")
    evaluate.add_argument("--out", type=Path, default=settings.build_dir / "bench" / "alerts_quality.json")
    evaluate.set_defaults(handler=_eval)
    bench = commands.add_parser("bench", help="scoring speed and memory with many customers in memory")
    bench.add_argument("--customers", type=int, default=10_000)
    bench.add_argument("--out", type=Path, default=settings.build_dir / "bench" / "alerts_speed.json")
    bench.set_defaults(handler=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command."""
    return run_chosen_command(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
