"""The alert figures `make bench` and `python -m assistant.alerts eval|bench` report."""

from __future__ import annotations

from datetime import date

from assistant.settings import get_settings

# The benchmark's bank is generated as of a fixed date, so figures compare across runs.
AS_OF = date(2026, 11, 20)


def quality_figures(customers: int, bill_customers: int, unusual_rate: float) -> dict:
    """Unusual-purchase quality against the baselines (saving the calibration) and bill-series accuracy."""
    from assistant.alerts import calibration
    from assistant.alerts.bill_evaluation import evaluate_bills
    from assistant.alerts.evaluation import evaluate_unusual

    settings = get_settings()
    unusual, calibrated = evaluate_unusual(customers, settings.seed, AS_OF, unusual_rate)
    calibration.save(calibrated, calibration.calibration_path(settings))
    return {"unusual_purchases": unusual, "upcoming_bills": evaluate_bills(bill_customers, settings.seed, AS_OF)}


def speed_figures(customers: int) -> dict:
    """Scoring speed and memory with `customers` customers' histories in memory."""
    from assistant.alerts.calibration import NotCalibrated, alert_threshold
    from assistant.alerts.scorer import UnusualPurchaseScorer
    from assistant.alerts.speed import bench_speed

    settings = get_settings()
    try:
        threshold = alert_threshold(settings)
    except NotCalibrated:
        threshold = float("inf")
    scorer = UnusualPurchaseScorer(threshold=threshold, history_size=settings.alert_history_size,
                                   half_precision=settings.alert_half_precision)
    return bench_speed(scorer, customers, settings.seed, AS_OF)
