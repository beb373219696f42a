"""Command line: `python -m assistant.models train | report | score | batch`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.cli import add_database_url
from assistant.settings import get_settings


def _train(args: argparse.Namespace, session) -> int:
    from assistant.models.build import build_models

    result = build_models(session, args.models_dir, force=args.force, progress=not args.quiet)
    manifest = result.manifest
    if not result.trained:
        print(f"Models in {args.models_dir} are up to date (data {manifest['data_fingerprint']}, "
              f"code {manifest['code_version']}); nothing to train.")
        return 0
    churn, offer = manifest["metrics"]["churn"], manifest["metrics"]["next_best_offer"]
    print(f"Trained on {manifest['training_customers']} customers, measured on {manifest['held_out_customers']} "
          f"held out: churn AUC {churn['model']['auc']} (logistic regression {churn['logistic_regression_baseline']['auc']}), "
          f"offers hit rate at 3 {offer['model']['hit_rate_at_3']} (most popular "
          f"{offer['most_popular_baseline']['hit_rate_at_3']}). Saved to {args.models_dir}.")
    return 0


def _report(args: argparse.Namespace, session) -> int:
    from assistant.models.artefacts import load
    from assistant.models.report import build_report

    report = build_report(session, load(args.models_dir))
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)
    return 0


def _score(args: argparse.Namespace, session) -> int:
    from assistant.models.artefacts import load
    from assistant.models.batch import score_all

    summary = score_all(session, models=load(args.models_dir), progress=not args.quiet)
    session.commit()
    print(f"Scored {summary.scored} customers: {summary.at_risk} at risk, {summary.offers_queued} retention offers "
          f"queued, {summary.skipped_by_contact_policy} skipped by the contact policy.")
    return 0


def _batch(args: argparse.Namespace, session) -> int:
    from assistant.models.artefacts import load
    from assistant.models.batch import score_all
    from assistant.models.retention_outbox import queue_retention_offer

    summary = score_all(session, models=load(args.models_dir), outbox=queue_retention_offer, progress=not args.quiet)
    session.commit()
    print(f"Scored {summary.scored} customers: {summary.at_risk} at risk, {summary.offers_queued} retention offers "
          f"sent to the alert outbox, {summary.skipped_by_contact_policy} skipped by the contact policy.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The `python -m assistant.models` argument parser."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m assistant.models", description="churn and next-best-offer models")
    add_database_url(parser, settings.database_url)
    parser.add_argument("--models-dir", type=Path, default=settings.models_dir,
                        help="where models live (default: MODELS_DIR)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train and save the models if the data or the code changed")
    train.add_argument("--force", action="store_true", help="train even when the saved models are up to date")
    train.set_defaults(handler=_train)
    report = commands.add_parser("report", help="print the JSON report on held-out customers and drift")
    report.add_argument("--out", type=Path, help="also write the report to this file")
    report.set_defaults(handler=_report)
    score = commands.add_parser("score", help="score every customer and queue throttled retention offers")
    score.set_defaults(handler=_score)
    batch = commands.add_parser("batch", help="score every customer and send throttled retention offers to the "
                                              "alert outbox (for the push service)")
    batch.set_defaults(handler=_batch)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command against the bank database."""
    from sqlalchemy.exc import ArgumentError, OperationalError
    from sqlmodel import Session

    from assistant.db import create_schema, make_engine
    from assistant.models.artefacts import ModelNotTrained, ModelVersionMismatch

    args = build_parser().parse_args(argv)
    try:
        engine = make_engine(args.database_url)
        create_schema(engine)
        with Session(engine) as session:
            return args.handler(args, session)
    except (ModelNotTrained, ModelVersionMismatch, LookupError) as problem:
        print(f"Cannot {args.command}: {problem}", file=sys.stderr)
        return 1
    except (ArgumentError, OperationalError) as problem:
        print(f"Cannot use the database {args.database_url!r}: {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
