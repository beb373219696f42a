"""Speed and quality benchmarks: `python -m assistant.bench` writes JSON under build/bench/.

Measures seeding throughput and the latency of the services the actions call, on a freshly seeded
SQLite bank; the alerts' quality against their baselines and their scoring speed and memory; trains the
churn and offer models on it (held-out figures against baselines, latency of the services built on them); and
copies the dialogue scores of the last `rasa test` run when there is one.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session

from assistant.bank.accounts import balances
from assistant.bank.bills import upcoming_bills
from assistant.bank.periods import parse_period
from assistant.bank.spending import spending_by_category
from assistant.bank.transactions import search_transactions
from assistant.bank.transfers import quote_transfer
from assistant.bench_results import publish
from assistant.db import make_engine
from assistant.handoff.bench import bench_handoff
from assistant.knowledge.bench import bench_knowledge
from assistant.latency import time_calls
from assistant.proactive.bench import bench_proactive
from assistant.seed.ids import ACCOUNTS_PER_CUSTOMER, PAYEES_PER_CUSTOMER, block
from assistant.settings import ROOT, get_settings

AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def _timed(call: Callable[[int], object], customers: list[int], rounds: int) -> dict[str, float]:
    """Time `call` over the customers in turn, round robin."""
    return time_calls(lambda i: call(customers[i % len(customers)]), rounds)


def bench_services(session: Session, customers: int, rounds: int) -> dict[str, dict[str, float]]:
    """Latency of each read and check the dialogue's actions make, over many customers."""
    ids = list(range(1, customers + 1))
    last_month = parse_period("last month", NOW)
    return {
        "balance": _timed(lambda c: balances(session, c), ids, rounds),
        "search_by_merchant": _timed(lambda c: search_transactions(session, c, merchant="Tesco"), ids, rounds),
        "search_by_period_and_amount": _timed(
            lambda c: search_transactions(session, c, period=last_month, min_amount=Decimal("20")), ids, rounds),
        "spending_last_month": _timed(lambda c: spending_by_category(session, c, last_month), ids, rounds),
        "upcoming_bills": _timed(lambda c: upcoming_bills(session, c, NOW), ids, rounds),
        "transfer_quote": _timed(lambda c: quote_transfer(
            session, c, block(c, ACCOUNTS_PER_CUSTOMER, 0), block(c, PAYEES_PER_CUSTOMER, 0), Decimal("10"), NOW),
            ids, rounds),
    }


def bench_models(session: Session, folder: Path, customers: int, rounds: int) -> dict[str, object]:
    """Train the churn and offer models on the bench bank, keep their held-out figures, and time the services."""
    from assistant.models.artefacts import load
    from assistant.models.build import build_models
    from assistant.models.offers import ranked_offers
    from assistant.models.retention import churn_risk
    from assistant.models.scoring import customer_view

    started = time.perf_counter()
    built = build_models(session, folder / "models", progress=False)
    seconds = time.perf_counter() - started
    models = load(folder / "models")
    ids = list(range(1, customers + 1))
    churn, offers = built.report["churn"], built.report["next_best_offer"]
    return {
        "training_seconds": round(seconds, 1),
        "churn_auc": churn["model"]["auc"], "churn_auc_logistic_baseline": churn["logistic_regression_baseline"]["auc"],
        "churn_pr_auc": churn["model"]["pr_auc"],
        "churn_pr_auc_logistic_baseline": churn["logistic_regression_baseline"]["pr_auc"],
        "offer_hit_rate_at_3": offers["model"]["hit_rate_at_3"],
        "offer_hit_rate_at_3_popular_baseline": offers["most_popular_baseline"]["hit_rate_at_3"],
        "offer_map_at_3": offers["model"]["map_at_3"],
        "offer_map_at_3_popular_baseline": offers["most_popular_baseline"]["map_at_3"],
        "recommend": _timed(lambda c: ranked_offers(models, customer_view(session, c, NOW)), ids, rounds),
        "churn_risk": _timed(lambda c: churn_risk(session, c, models=models, now=NOW), ids, rounds),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write build/bench/results.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500, help="size of the bank to seed and query")
    parser.add_argument("--rounds", type=int, default=300, help="calls per service measured")
    parser.add_argument("--out", type=Path, default=get_settings().build_dir / "bench" / "results.json")
    parser.add_argument("--alert-customers", type=int, default=100_000,
                        help="customers held in memory for the alert scoring speed (built without a database)")
    parser.add_argument("--alert-eval-customers", type=int, default=2000,
                        help="generated customers for alert quality (half tune the threshold, half measure)")
    args = parser.parse_args(argv)

    from assistant.seed.writer import seed_bank

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        seeded = seed_bank(engine, args.customers, seed=7, as_of=AS_OF)
        with Session(engine) as session:
            services = bench_services(session, args.customers, args.rounds)
            models = bench_models(session, Path(folder), args.customers, min(args.rounds, 100))
        handoff = bench_handoff(engine, args.customers, args.rounds)
        proactive = bench_proactive(engine, args.rounds)
        engine.dispose()
    results = {
        "seed": {"customers": seeded.customers, "transactions": seeded.transactions,
                 "seconds": round(seeded.seconds, 2),
                 "customers_per_second": round(seeded.customers / seeded.seconds, 1)},
        "services_sqlite": services,
        "handoff_sqlite": handoff,
        "proactive_sqlite": proactive,
        "models": models,
    }
    results["knowledge"] = bench_knowledge()
    from assistant.alerts.benchmark import quality_figures, speed_figures

    results["alerts"] = {"quality": quality_figures(args.alert_eval_customers, 500, 0.3),
                         "speed": speed_figures(args.alert_customers)}
    intent_report = ROOT / "results" / "dialogue" / "intent_report.json"
    if intent_report.exists():
        report = json.loads(intent_report.read_text())
        results["dialogue"] = {"intent_weighted_f1": round(report["weighted avg"]["f1-score"], 4),
                               "source": str(intent_report.relative_to(ROOT))}
    publish(results, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
