"""Speed and quality benchmarks: `python -m assistant.bench` writes JSON under build/bench/.

Measures seeding throughput and the latency of the services the actions call, on a freshly seeded
SQLite bank, and copies the dialogue scores of the last `rasa test` run when there is one.
"""

from __future__ import annotations

import argparse
import json
import statistics
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
from assistant.db import make_engine
from assistant.seed.ids import ACCOUNTS_PER_CUSTOMER, PAYEES_PER_CUSTOMER, block
from assistant.settings import ROOT, get_settings

AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def _timed(call: Callable[[int], object], customers: list[int], rounds: int) -> dict[str, float]:
    samples = []
    for i in range(rounds):
        started = time.perf_counter()
        call(customers[i % len(customers)])
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
            "runs": rounds}


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


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write build/bench/results.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500, help="size of the bank to seed and query")
    parser.add_argument("--rounds", type=int, default=300, help="calls per service measured")
    parser.add_argument("--out", type=Path, default=get_settings().build_dir / "bench" / "results.json")
    args = parser.parse_args(argv)

    from assistant.seed.writer import seed_bank

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        seeded = seed_bank(engine, args.customers, seed=7, as_of=AS_OF)
        with Session(engine) as session:
            services = bench_services(session, args.customers, args.rounds)
        engine.dispose()
    results = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": {"customers": seeded.customers, "transactions": seeded.transactions,
                 "seconds": round(seeded.seconds, 2),
                 "customers_per_second": round(seeded.customers / seeded.seconds, 1)},
        "services_sqlite": services,
    }
    intent_report = ROOT / "results" / "dialogue" / "intent_report.json"
    if intent_report.exists():
        report = json.loads(intent_report.read_text())
        results["dialogue"] = {"intent_weighted_f1": round(report["weighted avg"]["f1-score"], 4),
                               "source": str(intent_report.relative_to(ROOT))}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
