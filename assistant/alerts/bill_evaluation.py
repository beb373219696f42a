"""Series detection measured against the generator's true schedules: share found, next-date and amount error."""

from __future__ import annotations

import statistics
import time
from datetime import date

from assistant.alerts.bills import Movement, find_series
from assistant.alerts.features import MerchantVectors
from assistant.alerts.synthetic import generated_customers
from assistant.seed.credit_card import CARD_REPAYMENT

DATE_TOLERANCE_DAYS = 2


def movements(rows_transactions: list[dict]) -> list[Movement]:
    """Generated transaction rows as movements."""
    return [Movement(row["account_id"], row["booked_at"].date(), row["amount_minor"], row["merchant"], row["category"])
            for row in rows_transactions]


def _spread_of(errors: list[float]) -> dict[str, float | None]:
    """Mean, median, 90th and 99th percentile of relative amount errors."""
    if not errors:
        return {"mean_share": None, "median_share": None, "p90_share": None, "p99_share": None}
    ordered = sorted(errors)
    return {"mean_share": round(statistics.fmean(ordered), 4), "median_share": round(statistics.median(ordered), 4),
            "p90_share": round(ordered[int(len(ordered) * 0.9)], 4),
            "p99_share": round(ordered[int(len(ordered) * 0.99)], 4)}


def evaluate_bills(customers: int, seed: int, as_of: date, merchants: MerchantVectors | None = None) -> dict:
    """Detect series in each generated customer's history and compare them with its true recurring payments."""
    merchants = merchants if merchants is not None else MerchantVectors()
    started = time.perf_counter()
    truths = found = on_time = extra = 0
    date_errors: list[int] = []
    amount_errors: list[float] = []
    statement_errors: list[float] = []
    for rows in generated_customers(range(1, customers + 1), seed, as_of, unusual_rate=0.0):
        series = [s for s in find_series(movements(rows.transactions), as_of, merchants) if s.last.amount_minor < 0]
        by_payee = {(s.account_id, s.merchant): s for s in series}
        matched = set()
        for truth in rows.recurring:
            truths += 1
            detected = by_payee.get((truth["account_id"], truth["merchant"]))
            if detected is None:
                continue
            matched.add((truth["account_id"], truth["merchant"]))
            found += 1
            error = abs((detected.next_date - truth["next_date"]).days)
            date_errors.append(error)
            on_time += error <= DATE_TOLERANCE_DAYS
            if truth["amount_minor"]:
                error = abs(-detected.next_amount_minor - truth["amount_minor"]) / truth["amount_minor"]
                # A card statement's true next amount is what is owed so far this month: not predictable.
                (statement_errors if truth["merchant"] == CARD_REPAYMENT else amount_errors).append(error)
        extra += len(by_payee.keys() - matched)
    return {
        "customers": customers, "true_series": truths,
        "found_share": round(found / max(truths, 1), 4),
        "found_with_next_date_within_2_days": round(on_time / max(truths, 1), 4),
        "next_date_error_days": {"mean": round(statistics.fmean(date_errors), 3) if date_errors else None,
                                 "max": max(date_errors, default=None)},
        "amount_error": _spread_of(amount_errors),
        "card_statement_amount_error": _spread_of(statement_errors),
        "series_not_in_schedules": extra,
        "seconds": round(time.perf_counter() - started, 1),
    }
