"""The upcoming-bill benchmark finds the generator's true recurring payments and reports how close it came."""

from __future__ import annotations

from datetime import date

from assistant.alerts.bill_evaluation import evaluate_bills


def test_nearly_every_true_bill_series_is_found_with_its_next_date_within_two_days() -> None:
    figures = evaluate_bills(20, seed=7, as_of=date(2026, 11, 20))
    assert (figures["true_series"] > 0, figures["found_with_next_date_within_2_days"] >= 0.95) == (True, True), figures
